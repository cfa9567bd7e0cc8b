package io.tcpclose.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Effect;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Segment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * CI runs every benchmark method once, with the smallest parameters, and checks that what it
 * computes is sane: a correctness smoke test, never a timing.
 */
class BenchmarkSmokeTest {

    @ParameterizedTest
    @ValueSource(strings = {"tcpclose", "agrona", "netty", "jdk", "pq"})
    void every_timer_benchmark_runs_and_keeps_its_timers(String impl) {
        TimerBenchmark b = new TimerBenchmark();
        b.impl = impl;
        b.pending = 1000;
        b.setUp();
        try {
            b.scheduleCancel();
            b.rearm();
            if (!impl.equals("netty") && !impl.equals("jdk")) {
                assertEquals(1000, b.timers.pending(), "N timers still pending");
            }
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcpclose", "agrona", "pq"})
    void every_expiry_benchmark_fires_exactly_the_armed_timer(String impl) {
        TimerExpireBenchmark b = new TimerExpireBenchmark();
        b.impl = impl;
        b.pending = 1000;
        b.setUp();
        for (int i = 0; i < 5; i++) {
            assertEquals(1, b.scheduleExpire(), "the armed timer expires on the next tick, nothing else");
        }
        assertEquals(1000, b.timers.pending());
    }

    @Test
    void every_engine_benchmark_produces_its_expected_effects() {
        EngineBenchmark b = new EngineBenchmark();
        b.setUp();
        assertEquals(2461, b.ackInWindowEstablished().tcb().sndUna());
        assertTrue(b.ackInWindowMutableBaseline());
        Step data = b.dataSegment();
        assertEquals(100, data.tcb().unread());
        assertEquals(1, Snapshots.transmits(data));
        assertEquals(TcpState.CLOSE_WAIT, b.finInEstablished().tcb().state());
        assertEquals(CloseReason.NORMAL, b.finalAckInLastAck().tcb().closeReason());
        Step rtx = b.retransmittedFinInTimeWait();
        assertEquals(TcpState.TIME_WAIT, rtx.tcb().state());
        assertEquals(1, Snapshots.transmits(rtx));
        assertEquals(CloseReason.RESET_BY_PEER, b.rstAtRcvNxt().tcb().closeReason());
        Step challenge = b.rstInWindowChallengeAck();
        assertTrue(challenge.effects().stream().anyMatch(e -> e instanceof Effect.Transmit
                && ((Effect.Transmit) e).why() == Effect.Why.CHALLENGE_ACK));
        assertEquals(1, Snapshots.transmits(b.outOfWindowSegment()));
    }

    @Test
    void the_in_place_engine_benchmarks_keep_doing_their_work_across_wraps() {
        EngineBenchmark b = new EngineBenchmark();
        b.setUp();
        for (int i = 0; i < 2 * EngineBenchmark.FLIGHT + 100; i++) { // past two flights and three wraps of the data
            b.ackInWindowInPlace();
            b.dataSegmentInPlace();
            b.ackWithTimestampsInPlace();
        }
        assertEquals(TcpState.ESTABLISHED, b.sender.state());
        assertEquals(TcpState.ESTABLISHED, b.receiver.state());
        assertEquals(TcpState.ESTABLISHED, b.tsSender.state());
        assertEquals(1001 + 100, b.sender.sndUna(), "each ACK took one byte");
        assertEquals(1001 + 100, b.tsSender.sndUna(), "each timestamped ACK took one byte");
        assertEquals(1001 + EngineBenchmark.FLIGHT, b.sender.sndNxt(), "the flight is all in flight");
        b.finInEstablishedInPlace();
        assertEquals(TcpState.CLOSE_WAIT, b.scratch.state());
        b.finalAckInLastAckInPlace();
        assertEquals(CloseReason.NORMAL, b.scratch.closeReason());
        b.rstAtRcvNxtInPlace();
        assertEquals(CloseReason.RESET_BY_PEER, b.scratch.closeReason());
        long before = b.sink.effects;
        b.outOfWindowSegmentInPlace();
        assertTrue(b.sink.effects > before);
    }

    @Test
    void every_codec_benchmark_round_trips() throws Exception {
        for (int payload : new int[] {0, 1460}) {
            CodecBenchmark b = new CodecBenchmark();
            b.payload = payload;
            b.setUp();
            Segment decoded = b.decode();
            assertEquals(b.segment, decoded);
            assertEquals(b.wire.length, b.encode());
            assertEquals(0, b.checksum(), "a valid segment sums to zero");
            assertEquals(b.segment, b.roundTrip());
        }
    }

    @Test
    void the_driver_benchmark_acks_each_data_segment() {
        DriverBenchmark b = new DriverBenchmark();
        b.connections = 1000;
        b.setUp();
        long before = b.peer.sentByServer;
        for (int i = 0; i < 2000; i++) {
            b.dataSegmentThroughDriver();
        }
        assertEquals(before + 2000, b.peer.sentByServer, "one ACK per data segment");
        assertEquals(1000, b.peer.server.stats().connections(TcpState.ESTABLISHED));
    }

    @Test
    void the_simulator_benchmarks_complete_their_transfers() {
        SimBenchmark b = new SimBenchmark();
        SimBenchmark.Deliveries d = new SimBenchmark.Deliveries();
        long n = b.lossyTransfer(d);
        assertTrue(n > 2 * 256 * 1024 / 1460, "at least the data segments were delivered: " + n);
        assertEquals(n, d.deliveries);
        assertTrue(b.lifecycle() > 10);
    }

    @Test
    void the_lifecycle_benchmark_completes_lifecycles_on_both_stacks_over_loopback() throws Exception {
        for (String impl : new String[] {"tcpclose", "tcpclose-callbacks", "kernel"}) {
            LifecycleBenchmark b = new LifecycleBenchmark();
            b.impl = impl;
            b.setUp();
            twentyLifecycles(impl, b::lifecycle, b::tearDown);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcpclose", "kernel"})
    void the_bulk_benchmark_moves_each_mebibyte_across(String impl) throws Exception {
        BulkBenchmark b = new BulkBenchmark();
        b.impl = impl;
        b.mss = 1460;
        b.setUp();
        try {
            BulkBenchmark.Datagrams counters = new BulkBenchmark.Datagrams();
            assertEquals(BulkBenchmark.MIB, b.mebibyte(counters));
            assertEquals(2L * BulkBenchmark.MIB, b.mebibyte(counters));
            if (impl.equals("tcpclose")) {
                assertTrue(counters.datagrams >= 2 * BulkBenchmark.MIB / 1460, "a datagram per segment at least: " + counters.datagrams);
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void loop_allocation_measures_both_loops_per_segment() throws Exception {
        LoopAllocation.Result r = LoopAllocation.measure(4);
        assertTrue(r.dataSegments() >= 4 * (1 << 20) / 1460, "data segments: " + r.dataSegments());
        assertTrue(r.perDataSegment() > r.payloadPerDataSegment() - 100, "the payload handed out is part of it: " + r);
        assertTrue(r.perAckSegment() > 0, r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "reno", "reno+ts", "linux"})
    void the_feature_cost_benchmark_acknowledges_the_data_in_flight(String features) {
        FeatureCostBenchmark b = new FeatureCostBenchmark();
        b.features = features;
        b.setUp();
        Step s = b.ackOfNewData();
        assertEquals(1001 + 1448, s.tcb().sndUna(), features);
        assertEquals(!features.startsWith("none") && !features.equals("reno"), s.tcb().timestamps(), features);
    }

    @Test
    void the_drill_benchmark_runs_a_passing_script() {
        DrillBenchmark b = new DrillBenchmark();
        b.setUp();
        assertEquals(io.tcpclose.packetdrill.ScriptResult.Status.PASS, b.run());
    }

    @Test
    void footprint_measures_pending_timers() {
        double per = Footprint.perTimer(100_000);
        assertTrue(per > 20 && per < 200, "bytes per pending timer: " + per);
    }

    @Test
    void footprint_measures_time_wait_connections_both_ways() {
        double full = Footprint.perConnection(2000, true, false);
        assertTrue(full > 0 && full < 100_000, "bytes per connection: " + full);
        double compact = Footprint.perConnection(2000, true, true);
        assertTrue(compact > 0 && compact < 100_000, "bytes per compacted connection: " + compact);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcpclose-tun", "kernel"})
    void every_tun_lifecycle_benchmark_closes_cleanly_against_the_kernel(String impl) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name")) && new java.io.File("/dev/net/tun").exists();
        if (!root && System.getenv("CI") != null) {
            org.junit.jupiter.api.Assertions.fail("CI runs this as root with /dev/net/tun (see .ci/run)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(root, "skipped: needs root and /dev/net/tun");
        TunLifecycleBenchmark b = new TunLifecycleBenchmark();
        b.impl = impl;
        b.setUp();
        twentyLifecycles(impl, b::lifecycle, b::tearDown);
        assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of("/run/netns/tcpclose-bench-" + ProcessHandle.current().pid())),
                "the benchmark removed its namespace");
    }

    interface Lifecycle {
        int run() throws Exception;
    }

    interface Teardown {
        void run() throws Exception;
    }

    /** Twenty lifecycles, each answered with the 1 KiB reply's first byte, then the teardown. */
    private static void twentyLifecycles(String impl, Lifecycle lifecycle, Teardown tearDown) throws Exception {
        try {
            for (int i = 0; i < 20; i++) {
                assertEquals(0, lifecycle.run(), impl + ": the first byte of the 1 KiB reply");
            }
        } finally {
            tearDown.run();
        }
    }
}
