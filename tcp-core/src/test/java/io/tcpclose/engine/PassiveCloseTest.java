package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static io.tcpclose.engine.Effects.closed;
import static io.tcpclose.engine.Effects.deadline;
import static io.tcpclose.engine.Effects.moved;
import static io.tcpclose.engine.Effects.ms;
import static io.tcpclose.engine.Effects.noDeadline;
import static io.tcpclose.engine.Effects.out;
import static io.tcpclose.engine.Effects.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.ladder.LadderDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Passive close: ESTABLISHED → CLOSE-WAIT → LAST-ACK → CLOSED (RFC 9293 §3.6, §3.10.7.4). */
class PassiveCloseTest {

    @Test
    void fin_in_established_is_acked_with_fin_seq_plus_1_signals_eof_and_enters_close_wait_rfc9293_3_10_7_4() {
        LadderDriver d = States.established().atMillis(100).in("FIN|ACK seq=5001 ack=1001");
        assertEquals(List.of(
                Effect.PEER_FINISHED,
                moved(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT),
                out("ACK seq=1001 ack=5002")), d.lastEffects());
    }

    @Test
    void data_and_fin_in_one_segment_are_delivered_then_acked_once() {
        States.established().in("FIN|PSH|ACK seq=5001 ack=1001 data=\"bye\"")
                .expectOut("ACK seq=1001 ack=5005")
                .expectNoOut()
                .expectDelivered("bye")
                .expectPeerFinished()
                .expectState(TcpState.CLOSE_WAIT);
    }

    @Test
    void close_in_close_wait_sends_fin_and_enters_last_ack_rfc9293_3_10_4() {
        LadderDriver d = States.closeWait().atMillis(200).close();
        assertEquals(List.of(
                moved(TcpState.CLOSE_WAIT, TcpState.LAST_ACK),
                out("FIN|ACK seq=1001 ack=5002"),
                deadline(ms(200) + s(1))), d.lastEffects());
    }

    @Test
    void ack_of_our_fin_in_last_ack_closes_normally_without_time_wait_rfc9293_3_10_7_4() {
        LadderDriver d = States.lastAck().atMillis(210).in("ACK seq=5002 ack=1002");
        assertEquals(List.of(
                moved(TcpState.LAST_ACK, TcpState.CLOSED),
                Effect.CLOSE_COMPLETED,
                closed(CloseReason.NORMAL),
                noDeadline()), d.lastEffects());
    }

    @Test
    void ack_below_our_fin_leaves_last_ack() {
        States.closeWait().send("tail").expectOut("PSH|ACK seq=1001 ack=5002 data=\"tail\"")
                .close().expectOut("FIN|ACK seq=1005 ack=5002")
                .in("ACK seq=5002 ack=1005").expectNoOut().expectState(TcpState.LAST_ACK)
                .in("ACK seq=5002 ack=1006").expectClosed(CloseReason.NORMAL);
    }

    @Test
    void data_may_still_be_sent_in_close_wait_before_our_fin_rfc9293_3_10_2() {
        States.closeWait().send("reply").expectOut("PSH|ACK seq=1001 ack=5002 data=\"reply\"")
                .expectState(TcpState.CLOSE_WAIT);
    }

    @Test
    void a_repeated_fin_in_close_wait_is_acked_again_rfc9293_3_10_7_4() {
        States.closeWait().atMillis(1_000).in("FIN|ACK seq=5001 ack=1001")
                .expectOut("ACK seq=1001 ack=5002")
                .expectRejected(RejectReason.FIN_REPEATED)
                .expectState(TcpState.CLOSE_WAIT);
    }

    @Test
    void lost_fin_in_last_ack_is_retransmitted_rfc6298_5_4() {
        States.lastAck().atMillis(1_200).expectOut("FIN|ACK seq=1001 ack=5002").expectState(TcpState.LAST_ACK);
    }
}
