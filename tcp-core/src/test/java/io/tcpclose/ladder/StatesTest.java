package io.tcpclose.ladder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The per-state fixtures really are reached by the real transitions, with the RFC's numbers. */
class StatesTest {
    @Test
    void every_fixture_reaches_its_state_through_real_transitions() {
        TcpConfig c = TcpConfig.DEFAULTS;
        check(TcpState.LISTEN, () -> States.listen(c));
        check(TcpState.SYN_SENT, () -> States.synSent(c));
        check(TcpState.SYN_RECEIVED, () -> States.synReceived(c));
        check(TcpState.ESTABLISHED, () -> States.established(c));
        check(TcpState.ESTABLISHED, () -> States.passiveEstablished(c));
        check(TcpState.FIN_WAIT_1, () -> States.finWait1(c));
        check(TcpState.FIN_WAIT_2, () -> States.finWait2(c));
        check(TcpState.CLOSING, () -> States.closing(c));
        check(TcpState.TIME_WAIT, () -> States.timeWait(c));
        check(TcpState.CLOSE_WAIT, () -> States.closeWait(c));
        check(TcpState.LAST_ACK, () -> States.lastAck(c));
    }

    @Test
    void every_state_of_the_diagram_can_be_asked_for_by_name() {
        for (TcpState s : TcpState.values()) {
            assertEquals(s, States.in(s, TcpConfig.DEFAULTS).tcb().state());
            assertEquals(s, States.tcb(s, TcpConfig.LINUX).state());
        }
        assertEquals(io.tcpclose.engine.CloseReason.NORMAL, States.tcb(TcpState.CLOSED, TcpConfig.DEFAULTS).closeReason());
    }

    @Test
    void syn_and_fin_each_take_one_sequence_number_rfc9293_3_4() {
        Tcb tw = States.timeWait().tcb();
        assertEquals(States.LOCAL_ISS + 1 + 1, tw.sndNxt(), "ISS + SYN + FIN");
        assertEquals(States.REMOTE_ISS + 1 + 1, tw.rcvNxt(), "peer ISS + SYN + FIN");
    }

    private static void check(TcpState expected, Supplier<LadderDriver> fixture) {
        assertEquals(expected, fixture.get().tcb().state());
    }
}
