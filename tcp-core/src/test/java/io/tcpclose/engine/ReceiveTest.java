package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import org.junit.jupiter.api.Test;

/** Receiving data and the peer's FIN (RFC 9293 §3.10.7.4 first, seventh and eighth checks). */
class ReceiveTest {

    @Test
    void an_out_of_order_fin_is_held_until_the_gap_before_it_fills_rfc9293_3_10_7_4() {
        States.established()
                .in("FIN|ACK seq=5006 ack=1001 data=\"world\"")   // "hello" before it is missing
                .expectOut("ACK seq=1001 ack=5001")                // duplicate ACK points at the gap
                .expectState(TcpState.ESTABLISHED)
                .expectDelivered("")
                .in("PSH|ACK seq=5001 ack=1001 data=\"hello\"")
                .expectOut("ACK seq=1001 ack=5012")                // both segments and the FIN
                .expectDelivered("helloworld")
                .expectPeerFinished()
                .expectState(TcpState.CLOSE_WAIT);
    }

    @Test
    void out_of_order_data_is_delivered_in_order_once_contiguous() {
        States.established()
                .in("ACK seq=5004 ack=1001 data=\"def\"").expectOut("ACK seq=1001 ack=5001")
                .in("ACK seq=5007 ack=1001 data=\"ghi\"").expectOut("ACK seq=1001 ack=5001")
                .in("ACK seq=5001 ack=1001 data=\"abc\"").expectOut("ACK seq=1001 ack=5010")
                .expectDelivered("abcdefghi");
    }

    @Test
    void overlapping_retransmission_delivers_only_the_new_bytes() {
        States.established()
                .in("ACK seq=5001 ack=1001 data=\"abc\"").expectOut("ACK ack=5004")
                .in("ACK seq=5001 ack=1001 data=\"abcdef\"").expectOut("ACK ack=5007")
                .expectDelivered("abcdef");
    }

    @Test
    void a_fin_whose_ack_field_is_stale_is_still_processed() {
        States.established()
                .send("x").expectOut("PSH|ACK seq=1001 len=1")
                .in("ACK seq=5001 ack=1002")
                .in("FIN|ACK seq=5001 ack=1001")                   // ACK field older than SND.UNA
                .expectOut("ACK seq=1002 ack=5002")
                .expectPeerFinished()
                .expectState(TcpState.CLOSE_WAIT);
    }

    @Test
    void a_fin_is_accepted_even_when_our_receive_window_is_zero() {
        TcpConfig tiny = TcpConfig.builder().receiveBuffer(4).build();
        States.established(tiny)
                .in("PSH|ACK seq=5001 ack=1001 data=\"full\"")
                .expectOut("ACK seq=1001 ack=5005 win=0")
                .in("FIN|ACK seq=5005 ack=1001")
                .expectOut("ACK seq=1001 ack=5006 win=0")
                .expectPeerFinished()
                .expectState(TcpState.CLOSE_WAIT);
    }

    @Test
    void data_into_a_zero_window_is_not_accepted_but_acked_rfc9293_3_10_7_4() {
        TcpConfig tiny = TcpConfig.builder().receiveBuffer(4).build();
        States.established(tiny)
                .in("PSH|ACK seq=5001 ack=1001 data=\"full\"").expectOut("ACK ack=5005 win=0")
                .in("PSH|ACK seq=5005 ack=1001 data=\"more\"")
                .expectOut("ACK seq=1001 ack=5005 win=0")
                .expectRejected(RejectReason.OUT_OF_WINDOW)
                .expectDelivered("full");
    }

    @Test
    void reading_reopens_a_closed_window_with_an_update_rfc9293_3_8_6_2_2() {
        TcpConfig tiny = TcpConfig.builder().receiveBuffer(4).build();
        States.established(tiny)
                .in("PSH|ACK seq=5001 ack=1001 data=\"full\"").expectOut("ACK ack=5005 win=0")
                .consume(4)
                .expectOut("ACK seq=1001 ack=5005 win=4");
    }

    @Test
    void a_segment_outside_the_window_gets_a_duplicate_ack_rfc9293_3_10_7_4() {
        States.established().in("ACK seq=900000 ack=1001 len=10")
                .expectOut("ACK seq=1001 ack=5001")
                .expectRejected(RejectReason.OUT_OF_WINDOW);
    }

    @Test
    void answers_to_unacceptable_bare_acks_are_throttled_so_no_ack_storm_can_start_rfc5961_7() {
        States.established()
                .atMillis(100).in("ACK seq=5001 ack=1500").expectOut("ACK seq=1001 ack=5001")   // acks the future
                .atMillis(110).in("ACK seq=5001 ack=1500").expectNoOut()                       // throttled
                .atMillis(120).in("ACK seq=4000 ack=1001").expectNoOut()                       // below the window: throttled too
                .atMillis(600).in("ACK seq=5001 ack=1500").expectOut("ACK seq=1001 ack=5001");  // the interval passed
    }

    @Test
    void unacceptable_segments_with_data_are_always_answered() {
        States.established()
                .atMillis(100).in("ACK seq=4990 ack=1001 len=5").expectOut("ACK seq=1001 ack=5001")
                .atMillis(110).in("ACK seq=4990 ack=1001 len=5").expectOut("ACK seq=1001 ack=5001");
    }

    @Test
    void an_ack_of_data_never_sent_is_answered_and_dropped_rfc9293_3_10_7_4() {
        States.established().in("ACK seq=5001 ack=2000 data=\"x\"")
                .expectOut("ACK seq=1001 ack=5001")
                .expectRejected(RejectReason.UNACCEPTABLE_ACK)
                .expectDelivered("");
    }

    @Test
    void a_segment_without_ack_in_a_synchronized_state_is_dropped_rfc9293_3_10_7_4() {
        States.established().in("PSH seq=5001 data=\"x\"")
                .expectNoOut()
                .expectRejected(RejectReason.NO_ACK)
                .expectDelivered("");
    }

    @Test
    void data_after_the_peers_fin_is_unacceptable_and_acked_rfc9293_3_10_7_4() {
        States.closeWait().in("ACK seq=5002 ack=1001 data=\"ghost\"")
                .expectOut("ACK seq=1001 ack=5002")
                .expectRejected(RejectReason.OUT_OF_WINDOW)
                .expectDelivered("");
    }

    @Test
    void the_reassembly_queue_is_bounded() {
        TcpConfig c = TcpConfig.builder().reassemblySegments(1).build();
        States.established(c)
                .in("ACK seq=5003 ack=1001 data=\"c\"").expectOut("ACK ack=5001")
                .in("ACK seq=5005 ack=1001 data=\"e\"").expectOut("ACK ack=5001")
                .expectRejected(RejectReason.REASSEMBLY_QUEUE_FULL);
    }
}
