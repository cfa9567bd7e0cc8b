package io.tcpclose.engine;

import io.tcpclose.ladder.LadderDriver;

/**
 * One fixture per state, each built from the previous one through real transitions, so the
 * sequence numbers show their history: our ISS is 1000, the peer's 5000; the SYN takes 1001
 * and our FIN 1002 ({@code LOCAL + 1 + 1}), the peer's FIN 5002.
 *
 * <pre>
 *   client                         peer
 *   SYN seq=1000          -->
 *                         <--      SYN|ACK seq=5000 ack=1001
 *   ACK seq=1001 ack=5001 -->                               ESTABLISHED
 *   FIN seq=1001          -->                               FIN-WAIT-1
 *                         <--      ACK ack=1002             FIN-WAIT-2
 *                         <--      FIN seq=5001             TIME-WAIT
 * </pre>
 */
final class Fixtures {
    static final int LOCAL_ISS = 1000;
    static final int REMOTE_ISS = 5000;

    private Fixtures() {}

    static LadderDriver synSent(TcpConfig config) {
        return LadderDriver.client(config).strict()
                .open(LOCAL_ISS)
                .expectOut("SYN seq=1000 mss=1460")
                .expectState(TcpState.SYN_SENT);
    }

    static LadderDriver established(TcpConfig config) {
        return synSent(config)
                .atMillis(10).in("SYN|ACK seq=5000 ack=1001 mss=1460")
                .expectOut("ACK seq=1001 ack=5001")
                .expectState(TcpState.ESTABLISHED);
    }

    static LadderDriver established() {
        return established(TcpConfig.DEFAULTS);
    }

    /** Active close by the RFC's CLOSE (our sending side only). */
    static LadderDriver finWait1(TcpConfig config) {
        return established(config)
                .atMillis(100).shutdownOutput()
                .expectOut("FIN|ACK seq=1001 ack=5001")
                .expectState(TcpState.FIN_WAIT_1);
    }

    static LadderDriver finWait1() {
        return finWait1(TcpConfig.DEFAULTS);
    }

    /** Active close by a full close(): the connection is an orphan. */
    static LadderDriver orphanFinWait1(TcpConfig config) {
        return established(config)
                .atMillis(100).close()
                .expectOut("FIN|ACK seq=1001 ack=5001")
                .expectState(TcpState.FIN_WAIT_1);
    }

    static LadderDriver finWait2(TcpConfig config) {
        return finWait1(config)
                .atMillis(110).in("ACK seq=5001 ack=1002")
                .expectNoOut()
                .expectState(TcpState.FIN_WAIT_2);
    }

    static LadderDriver finWait2() {
        return finWait2(TcpConfig.DEFAULTS);
    }

    static LadderDriver timeWait(TcpConfig config) {
        return finWait2(config)
                .atMillis(120).in("FIN|ACK seq=5001 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT);
    }

    static LadderDriver timeWait() {
        return timeWait(TcpConfig.DEFAULTS);
    }

    static LadderDriver closing(TcpConfig config) {
        return finWait1(config)
                .atMillis(110).in("FIN|ACK seq=5001 ack=1001")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.CLOSING);
    }

    static LadderDriver closeWait(TcpConfig config) {
        return established(config)
                .atMillis(100).in("FIN|ACK seq=5001 ack=1001")
                .expectOut("ACK seq=1001 ack=5002")
                .expectState(TcpState.CLOSE_WAIT);
    }

    static LadderDriver closeWait() {
        return closeWait(TcpConfig.DEFAULTS);
    }

    static LadderDriver lastAck(TcpConfig config) {
        return closeWait(config)
                .atMillis(200).close()
                .expectOut("FIN|ACK seq=1001 ack=5002")
                .expectState(TcpState.LAST_ACK);
    }

    static LadderDriver lastAck() {
        return lastAck(TcpConfig.DEFAULTS);
    }

    static LadderDriver listen(TcpConfig config) {
        return LadderDriver.server(config).strict().listen(LOCAL_ISS).expectNoOut().expectState(TcpState.LISTEN);
    }

    static LadderDriver synReceived(TcpConfig config) {
        return listen(config)
                .atMillis(10).in("SYN seq=5000 mss=1460")
                .expectOut("SYN|ACK seq=1000 ack=5001 mss=1460")
                .expectState(TcpState.SYN_RECEIVED);
    }

    static LadderDriver passiveEstablished(TcpConfig config) {
        return synReceived(config)
                .atMillis(20).in("ACK seq=5001 ack=1001")
                .expectNoOut()
                .expectState(TcpState.ESTABLISHED);
    }
}
