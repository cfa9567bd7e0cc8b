package io.tcpclose.ladder;

import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import java.util.Objects;

/**
 * A connection in any state, reached by driving the real engine through the real transitions,
 * so a test can start in FIN-WAIT-2 or TIME-WAIT without scripting the handshake. These are the
 * fixtures tcpclose's own tests start from.
 *
 * <p>Each method returns a {@link LadderDriver} (in {@link LadderDriver#strict() strict} mode,
 * every segment so far claimed) positioned after the ladder below; {@link LadderDriver#tcb()}
 * is the snapshot. The sequence numbers show their history: our ISS is {@value #LOCAL_ISS},
 * the peer's {@value #REMOTE_ISS}; our SYN takes 1000 and our FIN 1001, so SND.NXT ends at
 * 1002 ({@code LOCAL_ISS + 1 + 1}); the peer's FIN is 5001 and RCV.NXT ends at 5002. Times
 * are milliseconds since the driver's start; every segment is answered at once.
 *
 * <pre>
 *   client (us, port 40000)                      peer (port 80)
 *      0 ms  SYN seq=1000                --&gt;                          SYN-SENT
 *     10 ms                              &lt;--  SYN|ACK seq=5000 ack=1001   ESTABLISHED (our ACK seq=1001 ack=5001)
 *    100 ms  FIN|ACK seq=1001            --&gt;                          FIN-WAIT-1 (shutdownOutput(), or close() for the orphan)
 *    110 ms                              &lt;--  ACK ack=1002                FIN-WAIT-2
 *    120 ms                              &lt;--  FIN|ACK seq=5001 ack=1002   TIME-WAIT (our ACK seq=1002 ack=5002)
 *
 *   CLOSING:    at 110 ms the peer's FIN|ACK seq=5001 ack=1001 crosses our FIN
 *   CLOSE-WAIT: at 100 ms the peer's FIN|ACK seq=5001 ack=1001 arrives first
 *   LAST-ACK:   CLOSE-WAIT, then close() at 200 ms sends FIN|ACK seq=1001 ack=5002
 *   LISTEN, SYN-RECEIVED, passive ESTABLISHED: the server side on port 80, ISS 1000, the
 *               peer's SYN seq=5000 at 10 ms, its ACK at 20 ms
 * </pre>
 *
 * <p>Stateless; each call builds a new driver. A driver is not thread-safe.
 */
public final class States {
    /** Our initial sequence number in every ladder. */
    public static final int LOCAL_ISS = 1000;
    /** The peer's initial sequence number in every ladder. */
    public static final int REMOTE_ISS = 5000;

    private States() {}

    /**
     * A connection in {@code state}: the ladder above that reaches it. CLOSED is the end of a
     * normal active close, after TIME-WAIT's 2×MSL.
     *
     * @param state  the state wanted
     * @param config the configuration the connection runs with
     * @return a driver whose snapshot is in {@code state}
     */
    public static LadderDriver in(TcpState state, TcpConfig config) {
        Objects.requireNonNull(state, "state");
        switch (state) {
            case CLOSED:
                return timeWait(config).after(java.time.Duration.ofNanos(config.timeWaitNanos()));
            case LISTEN:
                return listen(config);
            case SYN_SENT:
                return synSent(config);
            case SYN_RECEIVED:
                return synReceived(config);
            case ESTABLISHED:
                return established(config);
            case FIN_WAIT_1:
                return finWait1(config);
            case FIN_WAIT_2:
                return finWait2(config);
            case CLOSING:
                return closing(config);
            case TIME_WAIT:
                return timeWait(config);
            case CLOSE_WAIT:
                return closeWait(config);
            case LAST_ACK:
                return lastAck(config);
            default:
                throw new AssertionError(state);
        }
    }

    /**
     * The snapshot of a connection in {@code state}, as {@link #in} reaches it.
     *
     * @param state  the state wanted
     * @param config the configuration the connection runs with
     * @return the engine snapshot
     */
    public static Tcb tcb(TcpState state, TcpConfig config) {
        return in(state, config).tcb();
    }

    /**
     * Our SYN sent, at 0 ms.
     *
     * @param config the configuration
     * @return the driver, in SYN-SENT
     */
    public static LadderDriver synSent(TcpConfig config) {
        return LadderDriver.client(config).strict()
                .open(LOCAL_ISS)
                .expectOut("SYN seq=1000 mss=1460")
                .expectState(TcpState.SYN_SENT);
    }

    /**
     * The handshake done, at 10 ms.
     *
     * @param config the configuration
     * @return the driver, in ESTABLISHED
     */
    public static LadderDriver established(TcpConfig config) {
        return synSent(config)
                .atMillis(10).in("SYN|ACK seq=5000 ack=1001 mss=1460")
                .expectOut("ACK seq=1001 ack=5001")
                .expectState(TcpState.ESTABLISHED);
    }

    /**
     * {@link #established} with the defaults.
     *
     * @return the driver, in ESTABLISHED
     */
    public static LadderDriver established() {
        return established(TcpConfig.DEFAULTS);
    }

    /**
     * Active close by the RFC's CLOSE of our sending side only ({@code shutdownOutput()}), at
     * 100 ms.
     *
     * @param config the configuration
     * @return the driver, in FIN-WAIT-1
     */
    public static LadderDriver finWait1(TcpConfig config) {
        return established(config)
                .atMillis(100).shutdownOutput()
                .expectOut("FIN|ACK seq=1001 ack=5001")
                .expectState(TcpState.FIN_WAIT_1);
    }

    /**
     * {@link #finWait1} with the defaults.
     *
     * @return the driver, in FIN-WAIT-1
     */
    public static LadderDriver finWait1() {
        return finWait1(TcpConfig.DEFAULTS);
    }

    /**
     * Active close by a full {@code close()} at 100 ms: the connection is an orphan.
     *
     * @param config the configuration
     * @return the driver, in FIN-WAIT-1
     */
    public static LadderDriver orphanFinWait1(TcpConfig config) {
        return established(config)
                .atMillis(100).close()
                .expectOut("FIN|ACK seq=1001 ack=5001")
                .expectState(TcpState.FIN_WAIT_1);
    }

    /**
     * Our FIN acknowledged at 110 ms (after {@code shutdownOutput()}, so no FIN-WAIT-2 limit).
     *
     * @param config the configuration
     * @return the driver, in FIN-WAIT-2
     */
    public static LadderDriver finWait2(TcpConfig config) {
        return finWait1(config)
                .atMillis(110).in("ACK seq=5001 ack=1002")
                .expectNoOut()
                .expectState(TcpState.FIN_WAIT_2);
    }

    /**
     * {@link #finWait2} with the defaults.
     *
     * @return the driver, in FIN-WAIT-2
     */
    public static LadderDriver finWait2() {
        return finWait2(TcpConfig.DEFAULTS);
    }

    /**
     * The peer's FIN at 120 ms, acknowledged: 2×MSL from 120 ms on.
     *
     * @param config the configuration
     * @return the driver, in TIME-WAIT
     */
    public static LadderDriver timeWait(TcpConfig config) {
        return finWait2(config)
                .atMillis(120).in("FIN|ACK seq=5001 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT);
    }

    /**
     * {@link #timeWait} with the defaults.
     *
     * @return the driver, in TIME-WAIT
     */
    public static LadderDriver timeWait() {
        return timeWait(TcpConfig.DEFAULTS);
    }

    /**
     * Simultaneous close: the peer's FIN crosses ours at 110 ms.
     *
     * @param config the configuration
     * @return the driver, in CLOSING
     */
    public static LadderDriver closing(TcpConfig config) {
        return finWait1(config)
                .atMillis(110).in("FIN|ACK seq=5001 ack=1001")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.CLOSING);
    }

    /**
     * Passive close: the peer's FIN at 100 ms, acknowledged.
     *
     * @param config the configuration
     * @return the driver, in CLOSE-WAIT
     */
    public static LadderDriver closeWait(TcpConfig config) {
        return established(config)
                .atMillis(100).in("FIN|ACK seq=5001 ack=1001")
                .expectOut("ACK seq=1001 ack=5002")
                .expectState(TcpState.CLOSE_WAIT);
    }

    /**
     * {@link #closeWait} with the defaults.
     *
     * @return the driver, in CLOSE-WAIT
     */
    public static LadderDriver closeWait() {
        return closeWait(TcpConfig.DEFAULTS);
    }

    /**
     * CLOSE-WAIT, then our {@code close()} at 200 ms.
     *
     * @param config the configuration
     * @return the driver, in LAST-ACK
     */
    public static LadderDriver lastAck(TcpConfig config) {
        return closeWait(config)
                .atMillis(200).close()
                .expectOut("FIN|ACK seq=1001 ack=5002")
                .expectState(TcpState.LAST_ACK);
    }

    /**
     * {@link #lastAck} with the defaults.
     *
     * @return the driver, in LAST-ACK
     */
    public static LadderDriver lastAck() {
        return lastAck(TcpConfig.DEFAULTS);
    }

    /**
     * A server on port 80 waiting, at 0 ms.
     *
     * @param config the configuration
     * @return the driver, in LISTEN
     */
    public static LadderDriver listen(TcpConfig config) {
        return LadderDriver.server(config).strict().listen(LOCAL_ISS).expectNoOut().expectState(TcpState.LISTEN);
    }

    /**
     * The peer's SYN at 10 ms, answered with our SYN,ACK.
     *
     * @param config the configuration
     * @return the driver, in SYN-RECEIVED
     */
    public static LadderDriver synReceived(TcpConfig config) {
        return listen(config)
                .atMillis(10).in("SYN seq=5000 mss=1460")
                .expectOut("SYN|ACK seq=1000 ack=5001 mss=1460")
                .expectState(TcpState.SYN_RECEIVED);
    }

    /**
     * The peer's ACK of our SYN at 20 ms.
     *
     * @param config the configuration
     * @return the driver, in ESTABLISHED (passive)
     */
    public static LadderDriver passiveEstablished(TcpConfig config) {
        return synReceived(config)
                .atMillis(20).in("ACK seq=5001 ack=1001")
                .expectNoOut()
                .expectState(TcpState.ESTABLISHED);
    }
}
