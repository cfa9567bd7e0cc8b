package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.ladder.LadderDriver;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The per-state fixtures really are reached by the real transitions, with the RFC's numbers. */
class FixturesTest {
    @Test
    void every_fixture_reaches_its_state_through_real_transitions() {
        TcpConfig c = TcpConfig.DEFAULTS;
        check(TcpState.LISTEN, () -> Fixtures.listen(c));
        check(TcpState.SYN_SENT, () -> Fixtures.synSent(c));
        check(TcpState.SYN_RECEIVED, () -> Fixtures.synReceived(c));
        check(TcpState.ESTABLISHED, () -> Fixtures.established(c));
        check(TcpState.ESTABLISHED, () -> Fixtures.passiveEstablished(c));
        check(TcpState.FIN_WAIT_1, () -> Fixtures.finWait1(c));
        check(TcpState.FIN_WAIT_2, () -> Fixtures.finWait2(c));
        check(TcpState.CLOSING, () -> Fixtures.closing(c));
        check(TcpState.TIME_WAIT, () -> Fixtures.timeWait(c));
        check(TcpState.CLOSE_WAIT, () -> Fixtures.closeWait(c));
        check(TcpState.LAST_ACK, () -> Fixtures.lastAck(c));
    }

    @Test
    void syn_and_fin_each_take_one_sequence_number_rfc9293_3_4() {
        Tcb tw = Fixtures.timeWait().tcb();
        assertEquals(Fixtures.LOCAL_ISS + 1 + 1, tw.sndNxt(), "ISS + SYN + FIN");
        assertEquals(Fixtures.REMOTE_ISS + 1 + 1, tw.rcvNxt(), "peer ISS + SYN + FIN");
    }

    private static void check(TcpState expected, Supplier<LadderDriver> fixture) {
        assertEquals(expected, fixture.get().tcb().state());
    }
}
