package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tcpclose.ladder.LadderDriver;
import io.tcpclose.ladder.SegmentSpec;
import io.tcpclose.wire.Segment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RST: validation (RFC 5961 §3.2), TIME-WAIT (RFC 1337), abort (RFC 9293 §3.10.5), no connection (§3.10.7.1). */
class ResetTest {

    @Test
    void rst_at_exactly_rcv_nxt_resets_the_connection_rfc5961_3_2() {
        LadderDriver d = States.established().atMillis(100).in("RST seq=5001");
        assertEquals(List.of(
                Effects.moved(TcpState.ESTABLISHED, TcpState.CLOSED),
                Effects.closed(CloseReason.RESET_BY_PEER)), d.lastEffects());
    }

    @Test
    void rst_in_window_but_not_exact_gets_a_challenge_ack_and_changes_nothing_rfc5961_3_2() {
        LadderDriver d = States.established().atMillis(100).in("RST seq=5100");
        assertEquals(List.of(
                new Effect.Rejected(RejectReason.RST_NOT_EXACT, SegmentSpec.parse("RST seq=5100").toSegment(80, 40000)),
                Effects.out("ACK seq=1001 ack=5001", Effect.Why.CHALLENGE_ACK)), d.lastEffects());
        d.skipOut();
        d.expectState(TcpState.ESTABLISHED);
    }

    @Test
    void challenge_acks_are_limited_to_one_per_interval_rfc5961_7() {
        States.established()
                .atMillis(100).in("RST seq=5100").expectOut("ACK seq=1001 ack=5001")
                .atMillis(599).in("RST seq=5200").expectNoOut().expectRejected(RejectReason.RST_NOT_EXACT)
                .atMillis(600).in("RST seq=5300").expectOut("ACK seq=1001 ack=5001");
    }

    @Test
    void rst_outside_the_window_is_dropped_silently_rfc5961_3_2() {
        States.established().atMillis(100).in("RST seq=900000")
                .expectNoOut()
                .expectRejected(RejectReason.OUT_OF_WINDOW)
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void any_in_window_rst_resets_when_validation_is_relaxed_rfc9293_3_10_7_4() {
        TcpConfig relaxed = TcpConfig.builder().rstValidation(TcpConfig.RstValidation.ANY_IN_WINDOW).build();
        States.established(relaxed).in("RST seq=5100").expectNoOut().expectClosed(CloseReason.RESET_BY_PEER);
    }

    @Test
    void rst_in_time_wait_is_ignored_by_default_rfc1337_3() {
        States.timeWait().atMillis(200).in("RST seq=5002")
                .expectNoOut()
                .expectRejected(RejectReason.RST_IN_TIME_WAIT)
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void an_in_window_inexact_rst_in_time_wait_is_dropped_silently_rfc1337_3() {
        States.timeWait().atMillis(200).in("RST seq=5100")
                .expectNoOut()
                .expectRejected(RejectReason.RST_IN_TIME_WAIT)
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void an_rst_beyond_the_window_in_time_wait_is_dropped_silently_rfc1337_3() {
        States.timeWait().atMillis(200).in("RST|ACK seq=900000 ack=1002")
                .expectNoOut()
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void with_the_close_policy_an_inexact_rst_in_time_wait_still_earns_a_challenge_ack_rfc5961_3_2() {
        States.timeWait(TcpConfig.LINUX).atMillis(200).in("RST seq=5100")
                .expectOut("ACK seq=1002 ack=5002")
                .expectRejected(RejectReason.RST_NOT_EXACT)
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void rst_in_time_wait_closes_it_when_configured_like_linux() {
        States.timeWait(TcpConfig.LINUX).atMillis(200).in("RST seq=5002")
                .expectNoOut()
                .expectClosed(CloseReason.NORMAL);
    }

    @Test
    void rst_in_fin_wait_2_closes_reset_by_peer() {
        States.finWait2().in("RST seq=5001").expectNoOut().expectClosed(CloseReason.RESET_BY_PEER);
    }

    @Test
    void rst_in_last_ack_closes_without_reply() {
        States.lastAck().in("RST seq=5002").expectNoOut().expectClosed(CloseReason.RESET_BY_PEER);
    }

    @Test
    void rst_acking_our_syn_means_refused_rfc9293_3_10_7_3() {
        States.synSent(TcpConfig.DEFAULTS).atMillis(5).in("RST|ACK seq=0 ack=1001")
                .expectNoOut()
                .expectClosed(CloseReason.REFUSED);
    }

    @Test
    void rst_in_syn_sent_without_acceptable_ack_is_ignored_rfc5961_3_2() {
        States.synSent(TcpConfig.DEFAULTS).in("RST seq=0")
                .expectNoOut()
                .expectRejected(RejectReason.RST_UNACCEPTABLE_ACK)
                .expectState(TcpState.SYN_SENT);
    }

    @Test
    void syn_in_a_synchronized_state_gets_a_challenge_ack_rfc5961_4() {
        States.established().atMillis(100).in("SYN seq=9999")
                .expectOut("ACK seq=1001 ack=5001")
                .expectRejected(RejectReason.SYN_IN_SYNCHRONIZED_STATE)
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void syn_in_time_wait_without_a_listener_gets_a_challenge_ack_rfc5961_4() {
        States.timeWait().atMillis(200).in("SYN seq=6000")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void abort_sends_one_rst_at_snd_nxt_and_closes_at_once_without_time_wait_rfc9293_3_10_5() {
        LadderDriver d = States.established()
                .send("pending").expectOut("PSH|ACK seq=1001 len=7")
                .atMillis(100).abort();
        assertEquals(List.of(
                Effects.out("RST|ACK seq=1008 ack=5001", Effect.Why.RESET),
                Effects.moved(TcpState.ESTABLISHED, TcpState.CLOSED),
                Effects.closed(CloseReason.ABORTED),
                Effects.noDeadline()), d.lastEffects());
    }

    @Test
    void abort_in_time_wait_sends_nothing_rfc9293_3_10_5() {
        States.timeWait().abort().expectNoOut().expectClosed(CloseReason.ABORTED);
    }

    @Test
    void a_segment_to_no_connection_with_ack_gets_rst_at_its_ack_rfc9293_3_10_7_1() {
        Segment in = SegmentSpec.parse("ACK seq=5001 ack=1234").toSegment(40000, 80);
        Segment rst = TcpEngine.resetFor(in);
        assertEquals(SegmentSpec.parse("RST seq=1234 ack=0 win=0").toSegment(80, 40000), rst);
    }

    @Test
    void a_segment_to_no_connection_without_ack_gets_rst_ack_covering_it_rfc9293_3_10_7_1() {
        Segment in = SegmentSpec.parse("SYN seq=5000").toSegment(40000, 80);
        assertEquals(SegmentSpec.parse("RST|ACK seq=0 ack=5001 win=0").toSegment(80, 40000), TcpEngine.resetFor(in));
        Segment data = SegmentSpec.parse("FIN|PSH seq=100 len=10").toSegment(40000, 80);
        assertEquals(SegmentSpec.parse("RST|ACK seq=0 ack=111 win=0").toSegment(80, 40000), TcpEngine.resetFor(data));
    }

    @Test
    void a_rst_to_no_connection_is_never_answered_rfc9293_3_10_7_1() {
        assertNull(TcpEngine.resetFor(SegmentSpec.parse("RST seq=1").toSegment(1, 2)));
    }

    @Test
    void a_closed_connection_block_answers_segments_with_the_no_connection_reset() {
        States.established().abort().skipOut();
        LadderDriver d = States.established();
        d.abort().skipOut();
        d.in("ACK seq=5001 ack=1001").expectOut("RST seq=1001").expectRejected(RejectReason.NO_CONNECTION);
    }

    @Test
    void challenge_ack_interval_is_configurable() {
        TcpConfig c = TcpConfig.builder().challengeAckInterval(Duration.ZERO).build();
        States.established(c)
                .in("RST seq=5100").expectOut("ACK seq=1001 ack=5001")
                .in("RST seq=5200").expectOut("ACK seq=1001 ack=5001");
    }
}
