package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import org.junit.jupiter.api.Test;

/**
 * No sequence space after the peer's FIN (RFC 9293 §3.10.7.4 first check, §3.10.7.4 eighth):
 * in CLOSE-WAIT, CLOSING, LAST-ACK and TIME-WAIT the peer has nothing more to send, so only a
 * segment at exactly RCV.NXT without text is acceptable, whatever window we still advertise.
 * Anything else gets the (rate-limited) ACK of the first check by default. Linux answers only
 * what lies below RCV.NXT and drops the rest silently in CLOSE-WAIT, CLOSING and LAST-ACK (its
 * TIME-WAIT answers everything, measured against 6.18): {@code silentAfterFin}, on in LINUX.
 * The peer's FIN is 5001, so RCV.NXT is 5002.
 */
class AfterPeerFinTest {

    @Test
    void a_bare_ack_beyond_rcv_nxt_in_time_wait_is_unacceptable_and_acked_rfc9293_3_10_7_4() {
        States.timeWait().atMillis(200).in("ACK seq=5003 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectRejected(RejectReason.OUT_OF_WINDOW)
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void data_at_rcv_nxt_in_time_wait_is_unacceptable_and_acked_rfc9293_3_10_7_4() {
        States.timeWait().atMillis(200).in("ACK seq=5002 ack=1002 data=\"late\"")
                .expectOut("ACK seq=1002 ack=5002")
                .expectRejected(RejectReason.OUT_OF_WINDOW)
                .expectDelivered("")
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void a_segment_far_beyond_rcv_nxt_in_last_ack_is_unacceptable_and_acked_rfc9293_3_10_7_4() {
        States.lastAck().atMillis(300).in("ACK seq=9000 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectRejected(RejectReason.OUT_OF_WINDOW)
                .expectState(TcpState.LAST_ACK);
    }

    @Test
    void an_unacceptable_segment_does_not_take_its_ack_rfc9293_3_10_7_4() {
        // The ACK of our FIN rides on a segment beyond RCV.NXT: the segment is dropped whole.
        States.lastAck().atMillis(300).in("ACK seq=5003 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.LAST_ACK);
    }

    @Test
    void a_bare_ack_beyond_rcv_nxt_in_closing_is_unacceptable_and_acked_rfc9293_3_10_7_4() {
        States.closing(TcpConfig.DEFAULTS).atMillis(200).in("ACK seq=5010 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.CLOSING);
    }

    @Test
    void a_bare_ack_at_rcv_nxt_is_still_acceptable_after_the_peers_fin_rfc9293_3_10_7_4() {
        States.lastAck().atMillis(300).in("ACK seq=5002 ack=1002")
                .expectNoOut()
                .expectClosed(CloseReason.NORMAL);
    }

    @Test
    void answers_to_unacceptable_bare_acks_are_rate_limited_rfc5961_7() {
        States.timeWait().atMillis(200).in("ACK seq=5003 ack=1002").expectOut("ACK seq=1002 ack=5002")
                .atMillis(300).in("ACK seq=5004 ack=1002").expectNoOut()
                .atMillis(800).in("ACK seq=5005 ack=1002").expectOut("ACK seq=1002 ack=5002");
    }

    @Test
    void a_repeated_fin_in_time_wait_is_acked_again_with_its_own_reason_rfc9293_3_6_1() {
        States.timeWait().atMillis(5_000).in("FIN|ACK seq=5001 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectRejected(RejectReason.FIN_REPEATED)
                .expectDeadlineIn(TimerKind.TIME_WAIT, java.time.Duration.ofSeconds(60));
    }
    @Test
    void with_linuxs_silence_in_window_data_after_the_fin_in_close_wait_is_dropped_unanswered() {
        TcpConfig linuxLike = TcpConfig.builder().silentAfterFin(true).build();
        States.closeWait(linuxLike).atMillis(200).in("PSH|ACK seq=5002 ack=1001 len=5")
                .expectNoOut()
                .expectRejected(RejectReason.OUT_OF_WINDOW)
                .expectState(TcpState.CLOSE_WAIT);
    }

    @Test
    void with_linuxs_silence_a_segment_below_rcv_nxt_is_still_acked() {
        States.closeWait(TcpConfig.builder().silentAfterFin(true).build()).atMillis(200)
                .in("PSH|ACK seq=4000 ack=1001 len=5")
                .expectOut("ACK seq=1001 ack=5002");
    }

    @Test
    void with_linuxs_silence_time_wait_still_acks_as_linuxs_does() {
        States.timeWait(TcpConfig.builder().silentAfterFin(true).build()).atMillis(200)
                .in("ACK seq=5002 ack=1002 data=\"late\"")
                .expectOut("ACK seq=1002 ack=5002");
    }
}
