package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.ladder.LadderDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both FINs cross: FIN-WAIT-1 → CLOSING → TIME-WAIT (RFC 9293 §3.6, Figure 13). */
class SimultaneousCloseTest {

    @Test
    void fin_in_fin_wait_1_before_our_fin_is_acked_enters_closing_rfc9293_3_10_7_4() {
        LadderDriver d = States.finWait1().atMillis(110).in("FIN|ACK seq=5001 ack=1001");
        assertEquals(List.of(
                Effect.PEER_FINISHED,
                Effects.moved(TcpState.FIN_WAIT_1, TcpState.CLOSING),
                Effects.out("ACK seq=1002 ack=5002")), d.lastEffects());
    }

    @Test
    void ack_of_our_fin_in_closing_enters_time_wait_rfc9293_3_10_7_4() {
        States.closing(TcpConfig.DEFAULTS)
                .atMillis(120).in("ACK seq=5002 ack=1002")
                .expectNoOut()
                .expectState(TcpState.TIME_WAIT)
                .expectDeadlineIn(TimerKind.TIME_WAIT, java.time.Duration.ofSeconds(60));
    }

    @Test
    void our_fin_is_retransmitted_from_closing_if_its_ack_is_lost() {
        States.closing(TcpConfig.DEFAULTS)
                .atMillis(1_100).expectOut("FIN|ACK seq=1001 ack=5002")
                .expectState(TcpState.CLOSING);
    }

    @Test
    void both_ends_of_a_simultaneous_close_reach_time_wait_then_closed() {
        Pair p = Pair.connected(TcpConfig.DEFAULTS);
        p.client(Event.SHUTDOWN_OUTPUT);
        p.server(Event.SHUTDOWN_OUTPUT); // before the client's FIN arrives: the FINs cross
        assertEquals(TcpState.FIN_WAIT_1, p.clientTcb().state());
        assertEquals(TcpState.FIN_WAIT_1, p.serverTcb().state());
        p.deliverAll();
        assertEquals(TcpState.TIME_WAIT, p.clientTcb().state());
        assertEquals(TcpState.TIME_WAIT, p.serverTcb().state());
        assertEquals(List.of(TcpState.FIN_WAIT_1, TcpState.CLOSING, TcpState.TIME_WAIT), p.clientStatesSince(TcpState.ESTABLISHED));
        p.runUntilQuiet();
        assertEquals(CloseReason.NORMAL, p.clientTcb().closeReason());
        assertEquals(CloseReason.NORMAL, p.serverTcb().closeReason());
    }
}
