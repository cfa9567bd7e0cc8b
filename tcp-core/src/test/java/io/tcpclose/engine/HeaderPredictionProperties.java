package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Header prediction (RFC 1323 Appendix A) is only a shortcut: for any ESTABLISHED snapshot and
 * any arriving segment, the step with prediction equals the full RFC 9293 step, field by field
 * and effect by effect.
 */
class HeaderPredictionProperties {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000 * MS;

    private static final List<TcpConfig> CONFIGS = List.of(
            TcpConfig.DEFAULTS, TcpConfig.RFC_STRICT, TcpConfig.LINUX,
            TcpConfig.DEFAULTS.toBuilder().userTimeout(Duration.ofMillis(300)).build(),
            TcpConfig.DEFAULTS.toBuilder().keepAlive(Duration.ofSeconds(5), Duration.ofSeconds(1), 3).build());

    private static Segment peer(int seq, int ack, int flags, int window, Bytes payload) {
        return new Segment(80, 40000, seq, ack, flags, window, TcpOptions.NONE, payload);
    }

    /** ESTABLISHED through real steps, then {@code sends} application writes with some ACKed by the peer. */
    private static Tcb established(TcpConfig config, int[] sends, int partialAcks, int peerData) {
        Tcb t = Tcb.create(config, 40000, 80);
        t = TcpEngine.fullStep(t, new Event.Open(1000), T0).tcb();
        boolean ts = config.timestamps();
        t = TcpEngine.fullStep(t, new Event.Arrive(new Segment(80, 40000, 5000, 1001, TcpFlags.SYN | TcpFlags.ACK,
                65535, new TcpOptions(1460, config.windowScaling() ? 7 : -1, false, ts, ts ? 7000 : 0, ts ? T0 / MS : 0),
                Bytes.EMPTY)), T0 + 10 * MS).tcb();
        long now = T0 + 20 * MS;
        int rcv = 5001;
        if (peerData > 0) {
            t = TcpEngine.fullStep(t, new Event.Arrive(peer(rcv, 1001, TcpFlags.ACK, 65535, Bytes.pattern(peerData))), now).tcb();
            rcv += peerData;
        }
        for (int i = 0; i < sends.length; i++) {
            now += 5 * MS;
            t = TcpEngine.fullStep(t, new Event.Send(Bytes.pattern(sends[i])), now).tcb();
            if (i < partialAcks) {
                now += 5 * MS;
                int ack = t.sndUna() + Math.max(1, (t.sndNxt() - t.sndUna()) / 2);
                t = TcpEngine.fullStep(t, new Event.Arrive(peer(rcv, ack, TcpFlags.ACK, 65535, Bytes.EMPTY)), now).tcb();
            }
        }
        return t;
    }

    @Property(seed = "20261124", tries = 3000)
    void the_predicted_step_equals_the_full_rfc9293_step(
            @ForAll @IntRange(max = 4) int configIndex,
            @ForAll("sends") int[] sends,
            @ForAll @IntRange(max = 3) int partialAcks,
            @ForAll @IntRange(max = 3000) int peerData,
            @ForAll @IntRange(max = 100) int ackPercent,
            @ForAll("mostlyZero") int ackNudge,
            @ForAll("mostlyZero") int seqOffset,
            @ForAll("flags") int flags,
            @ForAll @IntRange(max = 65535) int window,
            @ForAll("mostlyZero") int payload,
            @ForAll @LongRange(min = 0, max = 2_000) long laterMillis,
            @ForAll("mostlyZero") int tsNudge,
            @ForAll boolean withTimestamps) throws IllegalAccessException {
        Tcb t = established(CONFIGS.get(configIndex), sends, partialAcks, peerData);
        if (t.state() != TcpState.ESTABLISHED) {
            return; // a partial ACK pattern can only keep ESTABLISHED; guard anyway
        }
        int ack = t.sndUna() + (int) ((long) (t.sndNxt() - t.sndUna()) * ackPercent / 100) + ackNudge;
        long now = T0 + 200 * MS + laterMillis * MS;
        // With timestamps negotiated: the peer's TSval near TS.Recent (PAWS may reject it), echoing ours.
        TcpOptions opts = t.timestamps() && withTimestamps
                ? new TcpOptions(-1, -1, false, true, t.tsRecent() + tsNudge, (now - 30 * MS) / MS) : TcpOptions.NONE;
        Segment seg = new Segment(80, 40000, t.rcvNxt() + seqOffset, ack, flags, window, opts, Bytes.pattern(Math.abs(payload) * 97));
        Step full = TcpEngine.fullStep(t, new Event.Arrive(seg), now);
        Step fast = TcpEngine.step(t, new Event.Arrive(seg), now);
        boolean predicted = predictable(t, seg);
        Statistics.label("predicted").collect(predicted);
        Statistics.label("kind").collect(!predicted ? "full path"
                : (seg.payload().isEmpty() ? "ack" : "data") + (seg.options().hasTimestamps() ? " with timestamps" : ""));
        // Each kind of predicted segment must be there, or its equivalence is not shown.
        Statistics.label("kind").coverage(c -> {
            c.check("data").percentage(p -> p > 2);
            c.check("ack with timestamps").percentage(p -> p > 1);
            c.check("data with timestamps").percentage(p -> p > 0.2);
        });
        // Both outcomes must be well represented, or the comparison proves little.
        Statistics.label("predicted").coverage(c -> {
            c.check(true).percentage(p -> p > 15);
            c.check(false).percentage(p -> p > 15);
        });
        assertSameFields(full.tcb(), fast.tcb());
        assertEquals(full.effects(), fast.effects());
    }

    @Example
    void an_in_order_ack_of_new_data_is_predicted_and_anything_else_is_not() {
        Tcb t = established(TcpConfig.DEFAULTS, new int[] {1460}, 0, 0);
        long now = T0 + 100 * MS;
        assertTrue(predictable(t, peer(5001, 2461, TcpFlags.ACK, 65535, Bytes.EMPTY)));
        assertTrue(predictable(t, peer(5001, 1500, TcpFlags.ACK, 65535, Bytes.EMPTY)), "a partial ACK too");
        assertFalse(predictable(t, peer(5001, 1001, TcpFlags.ACK, 65535, Bytes.EMPTY)), "duplicate ACK");
        assertFalse(predictable(t, peer(5001, 2461, TcpFlags.ACK | TcpFlags.FIN, 65535, Bytes.EMPTY)), "FIN");
        assertFalse(predictable(t, peer(5002, 2461, TcpFlags.ACK, 65535, Bytes.EMPTY)), "out of order");
        assertTrue(predictable(t, peer(5001, 2461, TcpFlags.ACK, 65535, Bytes.pattern(1))), "in-order data too");
        assertFalse(predictable(t, peer(5001, 2461, TcpFlags.ACK, 65535, Bytes.pattern(70_000))), "data beyond the window");
        assertFalse(predictable(t, peer(5001, 2462, TcpFlags.ACK, 65535, Bytes.EMPTY)), "acks the unsent");
    }

    @Provide
    Arbitrary<int[]> sends() {
        return Arbitraries.integers().between(1, 5000).array(int[].class).ofMaxSize(3);
    }

    @Provide
    Arbitrary<Integer> mostlyZero() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(-3, 3)));
    }

    @Provide
    Arbitrary<Integer> flags() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just(TcpFlags.ACK)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(TcpFlags.ACK | TcpFlags.PSH, TcpFlags.ACK | TcpFlags.FIN,
                        TcpFlags.RST, TcpFlags.ACK | TcpFlags.RST, TcpFlags.SYN, TcpFlags.ACK | TcpFlags.URG, 0)));
    }

    private static boolean predictable(Tcb t, Segment seg) {
        return Acking.predictable(MutableTcb.of(t), seg);
    }

    /** Every part of the two snapshots, each compared field by field, so a field added later is compared too. */
    static void assertSameFields(Tcb expected, Tcb actual) throws IllegalAccessException {
        for (Field f : Tcb.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            assertEquals(f.get(expected), f.get(actual), f.getName() + " differs; full step gave " + expected);
        }
    }
}
