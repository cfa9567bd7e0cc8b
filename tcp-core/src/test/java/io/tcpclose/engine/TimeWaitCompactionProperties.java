package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A compacted TIME-WAIT ({@link TimeWait}) behaves exactly as the full snapshot it came from:
 * re-ACK and 2×MSL restart on a repeated FIN (RFC 9293 §3.6.1), challenge ACKs (RFC 5961),
 * RST handling (RFC 1337), expiry, for any sequence of segments and ticks.
 */
class TimeWaitCompactionProperties {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000 * MS;

    private static final List<TcpConfig> CONFIGS = List.of(TcpConfig.DEFAULTS, TcpConfig.RFC_STRICT, TcpConfig.LINUX,
            TcpConfig.DEFAULTS.toBuilder().timeWaitRst(TcpConfig.TimeWaitRst.CLOSE).build());

    record Input(int kind, int seqOffset, int ackOffset, int flags, int payload, int window, int laterMillis) {}

    private static Segment peer(int seq, int ack, int flags, int window, Bytes payload) {
        return new Segment(80, 40000, seq, ack, flags, window, TcpOptions.NONE, payload);
    }

    /** An orphan in TIME-WAIT by one of the three routes: via FIN-WAIT-2, via CLOSING, or a FIN,ACK in FIN-WAIT-1. */
    static Tcb orphanTimeWait(TcpConfig config, int route, int peerData) {
        Tcb t = Tcb.create(config, 40000, 80);
        t = TcpEngine.step(t, new Event.Open(1000), T0).tcb();
        t = TcpEngine.step(t, new Event.Arrive(new Segment(80, 40000, 5000, 1001, TcpFlags.SYN | TcpFlags.ACK,
                65535, TcpOptions.mss(1460), Bytes.EMPTY)), T0 + 10 * MS).tcb();
        int rcv = 5001;
        if (peerData > 0) {
            t = TcpEngine.step(t, new Event.Arrive(peer(rcv, 1001, TcpFlags.ACK, 65535, Bytes.pattern(peerData))), T0 + 20 * MS).tcb();
            rcv += peerData;
            t = TcpEngine.step(t, new Event.Consume(peerData), T0 + 21 * MS).tcb();
        }
        t = TcpEngine.step(t, Event.CLOSE, T0 + 30 * MS).tcb();
        switch (route) {
            case 0:
                t = TcpEngine.step(t, new Event.Arrive(peer(rcv, 1002, TcpFlags.ACK, 40000, Bytes.EMPTY)), T0 + 40 * MS).tcb();
                t = TcpEngine.step(t, new Event.Arrive(peer(rcv, 1002, TcpFlags.FIN | TcpFlags.ACK, 40000, Bytes.EMPTY)), T0 + 50 * MS).tcb();
                break;
            case 1:
                t = TcpEngine.step(t, new Event.Arrive(peer(rcv, 1001, TcpFlags.FIN | TcpFlags.ACK, 40000, Bytes.EMPTY)), T0 + 40 * MS).tcb();
                t = TcpEngine.step(t, new Event.Arrive(peer(rcv + 1, 1002, TcpFlags.ACK, 40000, Bytes.EMPTY)), T0 + 50 * MS).tcb();
                break;
            default:
                t = TcpEngine.step(t, new Event.Arrive(peer(rcv, 1002, TcpFlags.FIN | TcpFlags.ACK, 40000, Bytes.EMPTY)), T0 + 40 * MS).tcb();
        }
        return t;
    }

    @Property(seed = "20261124", tries = 1500)
    void a_compacted_time_wait_answers_every_input_as_the_full_snapshot_does(
            @ForAll @IntRange(max = 3) int configIndex, @ForAll @IntRange(max = 2) int route,
            @ForAll @IntRange(max = 2000) int peerData, @ForAll("inputs") List<Input> inputs) {
        TcpConfig config = CONFIGS.get(configIndex);
        Tcb full = orphanTimeWait(config, route, peerData);
        assertEquals(TcpState.TIME_WAIT, full.state());
        Tcb compact = TimeWait.of(full).toTcb(config);
        long now = T0 + 60 * MS;
        for (Input in : inputs) {
            now += in.laterMillis() * MS;
            Event e = in.kind() == 0 ? Event.TICK : new Event.Arrive(peer(full.rcvNxt() + in.seqOffset(),
                    full.sndNxt() + in.ackOffset(), in.flags(), in.window(), Bytes.pattern(in.payload())));
            Step a = TcpEngine.step(full, e, now);
            Step b = TcpEngine.step(compact, e, now);
            assertEquals(a.effects(), b.effects(), "effects of " + e);
            assertEquals(a.tcb().state(), b.tcb().state());
            assertEquals(a.tcb().nextDeadline(), b.tcb().nextDeadline());
            if (a.tcb().state() != TcpState.TIME_WAIT) {
                return;
            }
            assertEquals(TimeWait.of(a.tcb()), TimeWait.of(b.tcb()));
            full = a.tcb();
            compact = TimeWait.of(b.tcb()).toTcb(config); // compacted again after every step, as a driver does
        }
    }

    @Example
    void only_an_orphan_in_time_wait_with_nothing_unread_compacts() {
        Tcb tw = orphanTimeWait(TcpConfig.DEFAULTS, 0, 0);
        assertTrue(TimeWait.compactable(tw));
        Tcb established = TcpEngine.step(TcpEngine.step(Tcb.create(TcpConfig.DEFAULTS, 40000, 80), new Event.Open(1000), T0).tcb(),
                new Event.Arrive(new Segment(80, 40000, 5000, 1001, TcpFlags.SYN | TcpFlags.ACK, 65535, TcpOptions.NONE, Bytes.EMPTY)),
                T0).tcb();
        assertFalse(TimeWait.compactable(established));
        assertThrows(IllegalArgumentException.class, () -> TimeWait.of(established));
    }

    @Provide
    Arbitrary<List<Input>> inputs() {
        Arbitrary<Integer> near = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(-3, 3)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(-200_000, 200_000)));
        Arbitrary<Integer> flags = Arbitraries.of(TcpFlags.ACK, TcpFlags.FIN | TcpFlags.ACK, TcpFlags.RST,
                TcpFlags.RST | TcpFlags.ACK, TcpFlags.SYN, TcpFlags.ACK | TcpFlags.PSH, 0);
        Arbitrary<Input> input = Combinators.combine(
                Arbitraries.integers().between(0, 4), near, near, flags,
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.just(0)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 20))),
                Arbitraries.integers().between(0, 65535),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 300)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 70_000))))
                .as(Input::new);
        return input.list().ofMaxSize(12);
    }
}
