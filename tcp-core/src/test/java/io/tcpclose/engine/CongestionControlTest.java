package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.ladder.LadderDriver;
import io.tcpclose.ladder.States;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Congestion control: RFC 5681 slow start, congestion avoidance, fast retransmit and the RTO's
 * loss window; RFC 6582 NewReno fast recovery; RFC 3042 limited transmit; RFC 6928's initial
 * window. Segments are full-sized (1460 bytes); data starts at 1001, the peer's sequence at 5001.
 */
class CongestionControlTest {
    private static final int MSS = 1460;

    /** The sequence numbers of what went out and was not yet looked at; claims them. */
    private static List<Integer> sent(LadderDriver d) {
        return d.takeOut().stream().map(Segment::seq).collect(Collectors.toList());
    }

    private static List<Integer> seqs(int from, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> from + i * MSS).collect(Collectors.toList());
    }

    private static String ack(int n) {
        return "ACK seq=5001 ack=" + n;
    }

    /** ESTABLISHED with {@code bytes} queued and the initial window's 10 segments in flight. */
    private static LadderDriver tenInFlight(int bytes) {
        LadderDriver d = States.established(TcpConfig.DEFAULTS).send(Bytes.pattern(bytes));
        assertEquals(seqs(1001, 10), sent(d), d.transcript());
        return d;
    }

    /** Ten in flight, the first lost: two duplicate ACKs, each letting one new segment out. */
    private static LadderDriver afterTwoDuplicates() {
        LadderDriver d = tenInFlight(30 * MSS).in(ack(1001));
        sent(d);
        d.in(ack(1001));
        sent(d);
        return d;
    }

    @Test
    void a_new_connection_sends_its_initial_window_of_ten_segments_and_no_more_rfc6928_2() {
        LadderDriver d = tenInFlight(30 * MSS);
        assertEquals(10 * MSS, d.tcb().cwnd());
        assertEquals(Integer.MAX_VALUE, d.tcb().ssthresh(), "RFC 5681 §3.1: arbitrarily high at first");
    }

    @Test
    void the_initial_window_is_a_knob() {
        LadderDriver d = States.established(TcpConfig.builder().initialWindow(2).build()).send(Bytes.pattern(30 * MSS));
        assertEquals(seqs(1001, 2), sent(d));
    }

    @Test
    void slow_start_grows_the_window_by_at_most_one_segment_per_ack_rfc5681_3_1() {
        LadderDriver d = tenInFlight(30 * MSS).in(ack(1001 + 2 * MSS)); // two segments acknowledged by one ACK
        assertEquals(11 * MSS, d.tcb().cwnd(), "min(acked, SMSS): one segment, not two");
        assertEquals(seqs(1001 + 10 * MSS, 3), sent(d), "8 in flight, window 11: three more");
    }

    @Test
    void congestion_avoidance_adds_about_one_segment_per_window_rfc5681_3_1_eq3() {
        assertEquals(1000 + 10, CongestionControl.RENO.onAck(1000, 500, 100, 100), "SMSS*SMSS/cwnd");
        assertEquals(1000 + 100, CongestionControl.RENO.onAck(1000, 2000, 300, 100), "slow start below ssthresh");
        assertEquals(100_000 + 1, CongestionControl.RENO.onAck(100_000, 1, 100, 100), "at least one byte");
    }

    @Test
    void the_loss_threshold_is_half_the_flight_but_at_least_two_segments_rfc5681_3_1_eq4() {
        assertEquals(500, CongestionControl.RENO.ssthreshAfterLoss(2000, 1000, 100));
        assertEquals(200, CongestionControl.RENO.ssthreshAfterLoss(2000, 300, 100));
    }

    @Test
    void the_first_two_duplicate_acks_each_release_one_new_segment_rfc3042_2() {
        LadderDriver d = tenInFlight(30 * MSS);
        d.in(ack(1001));
        assertEquals(seqs(1001 + 10 * MSS, 1), sent(d));
        d.in(ack(1001));
        assertEquals(seqs(1001 + 11 * MSS, 1), sent(d));
        assertEquals(2, d.tcb().duplicateAcks());
        assertFalse(d.tcb().inFastRecovery());
    }

    @Test
    void the_third_duplicate_ack_retransmits_snd_una_at_once_and_halves_the_window_rfc5681_3_2() {
        LadderDriver d = afterTwoDuplicates();
        d.in(ack(1001)).expectOut("ACK seq=1001 len=1460").expectNoOut();
        assertEquals(Effect.Why.FAST_RETRANSMIT, d.lastEffects().stream()
                .filter(e -> e instanceof Effect.Transmit).map(e -> ((Effect.Transmit) e).why()).findFirst().orElseThrow());
        assertTrue(d.tcb().inFastRecovery());
        assertEquals(6 * MSS, d.tcb().ssthresh(), "FlightSize 12 segments / 2");
        assertEquals(9 * MSS, d.tcb().cwnd(), "ssthresh + 3 SMSS: the three segments that left");
    }

    @Test
    void further_duplicates_inflate_the_window_and_let_new_data_out_rfc6582_3_2_step4() {
        LadderDriver d = afterTwoDuplicates();
        d.in(ack(1001));
        sent(d);
        // cwnd 9 segments against 12 in flight: each duplicate adds one segment; new data once cwnd passes the flight.
        for (int i = 0; i < 3; i++) {
            d.in(ack(1001)).expectNoOut();
        }
        d.in(ack(1001));
        assertEquals(seqs(1001 + 12 * MSS, 1), sent(d));
    }

    @Test
    void a_partial_ack_resends_the_next_hole_at_once_and_stays_in_recovery_rfc6582_3_2_step5() {
        LadderDriver d = afterTwoDuplicates();
        d.in(ack(1001));
        sent(d);
        d.in(ack(1001 + 5 * MSS)); // the first arrived; the sixth was lost too
        assertEquals(1001 + 5 * MSS, (int) sent(d).get(0), "the hole, first");
        assertTrue(d.tcb().inFastRecovery());
    }

    @Test
    void a_full_ack_ends_recovery_with_the_window_bounded_by_ssthresh_and_the_flight_rfc6582_3_2_step6() {
        LadderDriver d = afterTwoDuplicates();
        d.in(ack(1001));
        sent(d);
        d.in(ack(1001 + 12 * MSS)); // everything sent before recovery began
        assertFalse(d.tcb().inFastRecovery());
        assertEquals(2 * MSS, d.tcb().cwnd(), "min(ssthresh, max(FlightSize, SMSS) + SMSS): nothing in flight, no burst");
        assertEquals(6 * MSS, d.tcb().ssthresh());
        assertEquals(seqs(1001 + 12 * MSS, 2), sent(d));
        assertEquals(0, d.tcb().duplicateAcks());
    }

    @Test
    void a_window_update_or_data_is_not_a_duplicate_ack_rfc5681_2() {
        LadderDriver d = tenInFlight(30 * MSS);
        d.in("ACK seq=5001 ack=1001 win=60000");
        sent(d);
        d.in("PSH|ACK seq=5001 ack=1001 len=1");
        sent(d);
        assertEquals(0, d.tcb().duplicateAcks());
    }

    @Test
    void a_timeout_collapses_the_window_to_one_segment_and_resends_in_slow_start_rfc5681_3_1() {
        LadderDriver d = tenInFlight(30 * MSS).atMillis(1_010);
        assertEquals(List.of(1001), sent(d));
        assertEquals(MSS, d.tcb().cwnd(), "the loss window");
        assertEquals(5 * MSS, d.tcb().ssthresh(), "FlightSize 10 segments / 2");
        d.atMillis(1_100).in(ack(1001 + MSS));
        assertEquals(seqs(1001 + MSS, 2), sent(d), "go-back-N: the window is two segments now");
        d.in(ack(1001 + 3 * MSS));
        assertEquals(seqs(1001 + 3 * MSS, 3), sent(d), "slow start: three");
    }

    @Test
    void after_a_timeout_an_ack_beyond_what_was_resent_skips_ahead() {
        LadderDriver d = tenInFlight(30 * MSS).atMillis(1_010);
        sent(d);
        d.atMillis(1_100).in(ack(1001 + 9 * MSS)); // the peer had all but the first segment
        List<Integer> out = sent(d);
        assertEquals(1001 + 9 * MSS, (int) out.get(0), "no resending of what the peer has: " + out);
    }

    @Test
    void duplicate_acks_for_data_sent_before_a_timeout_do_not_start_fast_retransmit_rfc6582_3_2_step1() {
        LadderDriver d = tenInFlight(30 * MSS).atMillis(1_010);
        sent(d);
        d.atMillis(1_100).in(ack(1001 + MSS));
        sent(d);
        for (int i = 0; i < 3; i++) {
            d.in(ack(1001 + MSS));
            sent(d);
        }
        assertFalse(d.tcb().inFastRecovery());
    }

    @Test
    void a_second_timeout_of_the_same_data_keeps_ssthresh_rfc5681_3_1() {
        LadderDriver d = tenInFlight(30 * MSS).atMillis(1_010);
        sent(d);
        d.atMillis(3_010);
        assertEquals(List.of(1001), sent(d));
        assertEquals(5 * MSS, d.tcb().ssthresh(), "not half of the one-segment flight");
    }

    @Test
    void after_an_idle_rto_the_window_restarts_at_the_initial_window_rfc5681_4_1() {
        LadderDriver d = States.established(TcpConfig.DEFAULTS).send(Bytes.pattern(10 * MSS));
        sent(d);
        // Grow the window past the initial one.
        d.in(ack(1001 + 10 * MSS));
        assertTrue(d.tcb().cwnd() > 10 * MSS, "grew: " + d.tcb().cwnd());
        d.atMillis(30_000).send(Bytes.pattern(30 * MSS));
        assertEquals(seqs(1001 + 10 * MSS, 10), sent(d));
        assertEquals(10 * MSS, d.tcb().cwnd());
    }

    @Test
    void after_a_lost_syn_the_first_window_is_one_segment_rfc5681_3_1() {
        LadderDriver d = LadderDriver.client(TcpConfig.DEFAULTS).open(1000).expectOut("SYN seq=1000")
                .atMillis(1_000).expectOut("SYN seq=1000")
                .atMillis(1_100).in("SYN|ACK seq=5000 ack=1001 mss=1460").expectOut("ACK seq=1001 ack=5001")
                .send(Bytes.pattern(10 * MSS));
        assertEquals(List.of(1001), sent(d));
    }

    @Test
    void without_congestion_control_the_whole_receive_window_goes_at_once() {
        LadderDriver d = States.established(TcpConfig.builder().congestionControl(CongestionControl.NONE).build())
                .send(Bytes.pattern(30 * MSS));
        assertEquals(30, sent(d).size(), "the 64 KiB window holds 44 segments");
    }
}
