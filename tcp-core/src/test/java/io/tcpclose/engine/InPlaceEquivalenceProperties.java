package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The in-place step is the pure step: two endpoints run the same random trace twice, once as
 * chained snapshots through {@link TcpEngine#step} and once as {@link MutableTcb}s stepped in
 * place, and after every step the effects are identical and, whenever the in-place side takes
 * a snapshot, so is every field of every part. The trace covers every state: opens, data both
 * ways, loss, duplication, reordering, forged RST/SYN/ACK/data at several offsets, every close
 * call, configuration changes and timers, under each preset and option set. Each pure step
 * also leaves the snapshot it started from unchanged (copy-on-write never writes a shared part).
 */
class InPlaceEquivalenceProperties {
    private static final long MS = 1_000_000L;

    private static final List<TcpConfig> CONFIGS = List.of(
            TcpConfig.DEFAULTS,
            TcpConfig.RFC_STRICT,
            TcpConfig.LINUX,
            TcpConfig.DEFAULTS.toBuilder().windowScaling(true).timestamps(true).delayedAck(Duration.ofMillis(40))
                    .receiveBuffer(256 * 1024).build(),
            TcpConfig.DEFAULTS.toBuilder().userTimeout(Duration.ofMillis(900)).sendBuffer(4000).receiveBuffer(3000)
                    .mss(500).build(),
            TcpConfig.DEFAULTS.toBuilder().keepAlive(Duration.ofMillis(500), Duration.ofMillis(200), 2)
                    .msl(Duration.ofMillis(300)).maxRetransmissions(3, 2).build(),
            TcpConfig.LINUX.toBuilder().timeWaitRst(TcpConfig.TimeWaitRst.CLOSE)
                    .rstValidation(TcpConfig.RstValidation.ANY_IN_WINDOW).reassemblySegments(2).build());

    /** One endpoint, twice: as pure snapshots and in place. */
    private static final class Twin {
        Tcb pure;
        final MutableTcb live;
        final List<Effect> liveEffects = new ArrayList<>();
        final EffectSink sink = EffectSink.into(liveEffects);

        Twin(TcpConfig config, int localPort, int remotePort) {
            pure = Tcb.create(config, localPort, remotePort);
            live = MutableTcb.create(config, localPort, remotePort);
        }
    }

    @Property(seed = "20261207", tries = 10_000)
    void the_in_place_step_equals_the_pure_step_field_by_field_and_effect_by_effect(
            @ForAll @IntRange(max = 6) int configIndex,
            @ForAll long traceSeed,
            @ForAll @IntRange(min = 10, max = 80) int actions) {
        TcpConfig config = CONFIGS.get(configIndex);
        Random r = new Random(traceSeed);
        Twin client = new Twin(config, 40000, 80);
        Twin server = new Twin(config, 80, 0);
        List<Segment> toServer = new ArrayList<>();
        List<Segment> toClient = new ArrayList<>();
        long now = 1_000 * MS;
        step(server, new Event.Listen(5000), now, r, toClient);
        step(client, new Event.Open(1000), now, r, toServer);
        for (int i = 0; i < actions; i++) {
            int what = r.nextInt(20);
            boolean atClient = r.nextBoolean();
            Twin side = atClient ? client : server;
            List<Segment> inbound = atClient ? toClient : toServer;
            List<Segment> outbound = atClient ? toServer : toClient;
            if (what < 8 && !inbound.isEmpty()) {
                // deliver one: in order, reordered, or a duplicate that stays in flight
                int k = r.nextInt(4) == 0 ? r.nextInt(inbound.size()) : 0;
                Segment s = r.nextInt(8) == 0 ? inbound.get(k) : inbound.remove(k);
                step(side, new Event.Arrive(s, r.nextInt(4) == 0), now, r, outbound);
            } else if (what == 8 && !inbound.isEmpty()) {
                inbound.remove(r.nextInt(inbound.size())); // lost
            } else if (what == 9 && r.nextInt(4) == 0) {
                // an ICMP error, hard or soft, quoting a segment in flight or just outside
                step(side, Event.IcmpError.of(false, 3, 1 + r.nextInt(3), side.pure.sndUna() + r.nextInt(3) - 1), now, r, outbound);
            } else if (what == 9) {
                step(side, new Event.Arrive(forged(side.pure, r), r.nextBoolean()), now, r, outbound);
            } else if (what < 12) {
                step(side, new Event.Send(Bytes.pattern(1 + r.nextInt(r.nextBoolean() ? 100 : 5000))), now, r, outbound);
            } else if (what == 12) {
                step(side, new Event.Consume(r.nextInt(side.pure.unread() + 1)), now, r, outbound);
            } else if (what == 13) {
                Event[] closes = {Event.SHUTDOWN_OUTPUT, Event.CLOSE, Event.ABORT, Event.CLOSE};
                step(side, closes[r.nextInt(r.nextInt(6) == 0 ? 4 : 2)], now, r, outbound);
            } else if (what == 14) {
                TcpConfig next = r.nextBoolean() ? side.pure.config().toBuilder().keepAliveOff().build()
                        : side.pure.config().toBuilder().keepAlive(Duration.ofMillis(100 + r.nextInt(900)),
                                Duration.ofMillis(50 + r.nextInt(200)), 1 + r.nextInt(3))
                                .userTimeout(Duration.ofMillis(200 + r.nextInt(2000))).build();
                if (r.nextInt(3) == 0) { // TCP_NODELAY on or off
                    next = next.toBuilder().nagle(TcpConfig.Nagle.values()[r.nextInt(TcpConfig.Nagle.values().length)]).build();
                }
                step(side, new Event.Configure(next), now, r, outbound);
            } else {
                // time passes: a random amount, or exactly to the earliest deadline
                long d = side.pure.hasDeadline() && r.nextBoolean() ? side.pure.nextDeadline() - now : r.nextInt(400) * MS;
                now += Math.max(0, d);
                step(client, Event.TICK, now, r, toServer);
                step(server, Event.TICK, now, r, toClient);
            }
        }
        Statistics.label("client ends in").collect(client.pure.state());
        assertEquals(client.pure, client.live.snapshot(), "client at the end");
        assertEquals(server.pure, server.live.snapshot(), "server at the end");
    }

    /** An off-path segment: RST, SYN, ACK or data at a sequence number near, in or beyond the window. */
    private static Segment forged(Tcb t, Random r) {
        int[] flags = {TcpFlags.RST, TcpFlags.RST | TcpFlags.ACK, TcpFlags.SYN, TcpFlags.ACK, TcpFlags.ACK | TcpFlags.PSH,
                TcpFlags.FIN | TcpFlags.ACK};
        int f = flags[r.nextInt(flags.length)];
        int[] offsets = {-70000, -1, 0, 1, 100, t.rcvWnd() - 1, t.rcvWnd(), 1 << 20};
        int seq = t.rcvNxt() + offsets[r.nextInt(offsets.length)];
        int ack = t.sndUna() + r.nextInt(3) - 1;
        Bytes payload = (f & TcpFlags.PSH) != 0 ? Bytes.pattern(1 + r.nextInt(200)) : Bytes.EMPTY;
        return new Segment(t.remotePort() == 0 ? 40000 : t.remotePort(), t.localPort(), seq, ack, f, r.nextInt(65536),
                io.tcpclose.wire.TcpOptions.NONE, payload);
    }

    private static void step(Twin side, Event e, long now, Random r, List<Segment> outbound) {
        Tcb before = side.pure;
        int hashBefore = before.hashCode();
        Step s;
        try {
            s = TcpEngine.step(before, e, now);
        } catch (TcpApiException pureRefused) {
            side.liveEffects.clear();
            try {
                side.live.step(e, now, side.sink);
            } catch (TcpApiException liveRefused) {
                assertEquals(pureRefused.getMessage(), liveRefused.getMessage());
                assertEquals(hashBefore, before.hashCode(), "misuse changed nothing");
                assertEquals(before, side.live.snapshot(), "misuse changed nothing in place either");
                return;
            }
            throw new AssertionError("the in-place step took " + e + " that the pure step refused: " + pureRefused);
        }
        side.liveEffects.clear();
        if (e instanceof Event.Consume && r.nextBoolean() && side.live.consumeQuietly(((Event.Consume) e).bytes())) {
            // Taken without a step: only when the step itself does nothing but take the bytes.
            assertEquals(List.of(), s.effects(), () -> "a quiet consume where the step had effects, from " + before);
        } else {
            if (e instanceof Event.Arrive && r.nextBoolean()) {
                // A driver's receive path: the same step without the event object.
                side.live.arrive(((Event.Arrive) e).segment(), ((Event.Arrive) e).listening(), now, side.sink);
            } else {
                side.live.step(e, now, side.sink);
            }
            assertEquals(s.effects(), side.liveEffects, () -> "effects of " + e + " from " + before);
        }
        assertEquals(hashBefore, before.hashCode(), () -> "the pure step wrote into the snapshot it started from: " + e);
        assertEquals(s.tcb().state(), side.live.state());
        assertEquals(s.tcb().nextDeadline(), side.live.nextDeadline());
        assertEquals(s.tcb().hasDeadline(), side.live.hasDeadline());
        assertEquals(s.tcb().sendQueueLength(), side.live.sendQueueLength());
        if (r.nextInt(3) == 0) {
            // A snapshot now and then: it freezes the parts, and the next in-place writes copy them.
            assertEquals(s.tcb(), side.live.snapshot(), () -> "after " + e);
        }
        side.pure = s.tcb();
        for (Effect effect : s.effects()) {
            if (effect instanceof Effect.Transmit) {
                outbound.add(((Effect.Transmit) effect).segment());
            }
        }
    }
}
