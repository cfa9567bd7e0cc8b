package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.ladder.LadderDriver;
import io.tcpclose.ladder.SegmentSpec;
import io.tcpclose.wire.Segment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Timestamps (RFC 7323 §3–5): TSval from the injected clock in milliseconds plus the
 * connection's offset, TSecr echoing TS.Recent, RTT samples from the echo, PAWS, and their use
 * in TIME-WAIT (RFC 6191). The client opens at 100 ms, so its first TSval is 100.
 */
class TimestampsTest {
    private static final TcpConfig TS = TcpConfig.builder().timestamps(true).build();

    /** ESTABLISHED with timestamps: the peer's SYN,ACK at 110 ms carries TSval 7000. */
    private static LadderDriver established(TcpConfig c) {
        return LadderDriver.client(c).strict().atMillis(100).open(1000)
                .expectOut("SYN seq=1000 tsval=100 tsecr=0")
                .atMillis(110).in("SYN|ACK seq=5000 ack=1001 mss=1460 tsval=7000 tsecr=100")
                .expectOut("ACK seq=1001 ack=5001 tsval=110 tsecr=7000");
    }

    @Test
    void every_segment_but_a_rst_carries_tsval_from_the_clock_and_echoes_ts_recent_rfc7323_3_2() {
        LadderDriver d = established(TS);
        assertTrue(d.tcb().timestamps());
        d.atMillis(150).send("x").expectOut("PSH|ACK seq=1001 len=1 tsval=150 tsecr=7000");
        d.abort().expectOut("RST|ACK seq=1002 tsval=-1");
    }

    @Test
    void the_payload_makes_room_for_the_option_in_each_segment() {
        assertEquals(1448, established(TS).tcb().sndMss(), "1460 less the 12 option bytes");
    }

    @Test
    void a_peer_whose_syn_ack_has_no_timestamps_gets_none_rfc7323_3_2() {
        LadderDriver d = LadderDriver.client(TS).strict().atMillis(100).open(1000).expectOut("SYN tsval=100")
                .atMillis(110).in("SYN|ACK seq=5000 ack=1001 mss=1460")
                .expectOut("ACK seq=1001 ack=5001 tsval=-1");
        assertFalse(d.tcb().timestamps());
    }

    @Test
    void a_syn_ack_echoes_the_syns_timestamp_only_when_it_had_one_rfc7323_3_2() {
        LadderDriver.server(TS).strict().atMillis(50).listen(7000)
                .in("SYN seq=5000 mss=1460 tsval=123").expectOut("SYN|ACK seq=7000 ack=5001 tsval=50 tsecr=123");
        LadderDriver.server(TS).strict().atMillis(50).listen(7000)
                .in("SYN seq=5000 mss=1460").expectOut("SYN|ACK seq=7000 ack=5001 tsval=-1");
    }

    @Test
    void an_rtt_sample_comes_from_the_echoed_timestamp_even_for_a_retransmission_rfc7323_4_1() {
        LadderDriver d = established(TS).atMillis(200).send("x").expectOut("PSH|ACK tsval=200")
                .atMillis(1_200).expectOut("PSH|ACK seq=1001 tsval=1200") // the RTO: Karn would allow no sample
                .atMillis(1_260).in("ACK seq=5001 ack=1002 tsval=7010 tsecr=1200");
        // SRTT was 10 ms (the handshake); the sample is now 1260 - TSecr 1200 = 60 ms: (7 x 10 + 60) / 8.
        assertEquals(Duration.ofMillis(10).toNanos() * 7 / 8 + Duration.ofMillis(60).toNanos() / 8, d.tcb().srttNanos());
    }

    @Test
    void ts_recent_follows_the_peers_newer_timestamps_in_order_rfc7323_4_3() {
        LadderDriver d = established(TS).atMillis(120).in("PSH|ACK seq=5001 ack=1001 len=5 tsval=7050")
                .expectOut("ACK ack=5006 tsecr=7050");
        assertEquals(7050, d.tcb().tsRecent());
        // Beyond a gap (right of Last.ACK.sent): it is held, but TS.Recent stays.
        d.in("PSH|ACK seq=5100 ack=1001 len=5 tsval=7060").expectOut("ACK ack=5006 tsecr=7050");
        assertEquals(7050, d.tcb().tsRecent());
    }

    @Test
    void paws_drops_a_segment_older_than_ts_recent_and_acks_rfc7323_5_3() {
        LadderDriver d = established(TS).atMillis(120).in("PSH|ACK seq=5001 ack=1001 len=5 tsval=7050")
                .expectOut("ACK ack=5006")
                // An old duplicate from a previous wrap of the sequence space: in the window, older timestamp.
                .in("PSH|ACK seq=5006 ack=1001 len=5 tsval=6000")
                .expectOut("ACK seq=1001 ack=5006 tsecr=7050")
                .expectRejected(RejectReason.PAWS);
        assertEquals(5, d.tcb().unread(), "the old segment's bytes were not delivered");
    }

    @Test
    void paws_does_not_judge_a_rst_rfc7323_5_3() {
        established(TS).atMillis(120).in("RST seq=5001 tsval=1").expectClosed(CloseReason.RESET_BY_PEER);
    }

    @Test
    void a_ts_recent_idle_for_24_days_no_longer_judges_rfc7323_5_5() {
        established(TS).at(Duration.ofDays(25)).in("PSH|ACK seq=5001 ack=1001 len=5 tsval=10")
                .expectOut("ACK seq=1001 ack=5006 tsecr=10")
                .expectDelivered("\u0000\u0001\u0002\u0003\u0004");
    }

    /** Both FINs done with timestamps: TIME-WAIT, TS.Recent 7100, RCV.NXT 5002. */
    private static LadderDriver timeWait() {
        return established(TS).atMillis(120).close().expectOut("FIN|ACK seq=1001 tsval=120")
                .atMillis(130).in("FIN|ACK seq=5001 ack=1002 tsval=7100 tsecr=120")
                .expectOut("ACK seq=1002 ack=5002 tsecr=7100")
                .expectState(TcpState.TIME_WAIT);
    }

    /** A SYN for the TIME-WAIT's 4-tuple, with a listener waiting. */
    private static Step synWithListener(String spec) {
        Segment syn = SegmentSpec.parse(spec).toSegment(LadderDriver.SERVER_PORT, LadderDriver.CLIENT_PORT);
        return TcpEngine.step(timeWait().tcb(), new Event.Arrive(syn, true), Duration.ofMillis(200).toNanos());
    }

    @Test
    void in_time_wait_a_syn_with_a_newer_timestamp_opens_a_new_incarnation_whatever_its_sequence_rfc6191_2() {
        Step s = synWithListener("SYN seq=10 mss=1460 tsval=7200"); // seq below RCV.NXT 5002
        assertTrue(s.effects().stream().anyMatch(e -> e instanceof Effect.NewIncarnation), s.effects().toString());
    }

    @Test
    void in_time_wait_a_syn_with_an_older_timestamp_does_not_even_with_a_higher_sequence_rfc6191_2() {
        Step s = synWithListener("SYN seq=900000 mss=1460 tsval=7000");
        assertFalse(s.effects().stream().anyMatch(e -> e instanceof Effect.NewIncarnation), s.effects().toString());
        assertEquals(TcpState.TIME_WAIT, s.tcb().state());
    }

    @Test
    void in_time_wait_a_syn_without_timestamps_falls_back_to_the_sequence_rule_rfc6191_2() {
        assertTrue(synWithListener("SYN seq=9000 mss=1460").effects().stream().anyMatch(e -> e instanceof Effect.NewIncarnation));
        assertFalse(synWithListener("SYN seq=10 mss=1460").effects().stream().anyMatch(e -> e instanceof Effect.NewIncarnation));
    }

    @Test
    void in_time_wait_paws_discards_an_old_duplicate_rfc7323_5_3() {
        timeWait().atMillis(200).in("PSH|ACK seq=5002 ack=1002 len=3 tsval=6990")
                .expectOut("ACK seq=1002 ack=5002")
                .expectRejected(RejectReason.PAWS)
                .expectState(TcpState.TIME_WAIT);
    }
}
