package io.tcpclose.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The link models, faults and partitions do what they say. */
class LinkModelTest {

    private static List<TraceEvent> of(Simulator sim, TraceEvent.Kind kind, String where) {
        List<TraceEvent> out = new ArrayList<>();
        for (TraceEvent e : sim.trace().events()) {
            if (e.kind() == kind && e.where().equals(where)) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void bernoulli_loss_drops_about_its_share() {
        SplittableRandom r = new SplittableRandom(1);
        boolean[] bad = new boolean[1];
        int lost = 0;
        for (int i = 0; i < 100_000; i++) {
            lost += LossModel.lose(new LossModel.Bernoulli(0.1), r, bad) ? 1 : 0;
        }
        assertEquals(10_000, lost, 600);
    }

    @Test
    void gilbert_elliott_loss_comes_in_bursts() {
        SplittableRandom r = new SplittableRandom(2);
        boolean[] bad = new boolean[1];
        LossModel ge = new LossModel.GilbertElliott(0.01, 0.2, 1.0, 0.0);
        int lost = 0;
        int runs = 0;
        boolean prev = false;
        for (int i = 0; i < 200_000; i++) {
            boolean l = LossModel.lose(ge, r, bad);
            lost += l ? 1 : 0;
            runs += l && !prev ? 1 : 0;
            prev = l;
        }
        // Stationary bad-state share p/(p+r) = 1/21; mean burst length 1/r = 5.
        assertEquals(200_000 / 21.0, lost, 1_500);
        assertEquals(5.0, (double) lost / runs, 0.6);
    }

    @Test
    void delay_distributions_have_their_means() {
        SplittableRandom r = new SplittableRandom(3);
        double u = 0;
        double n = 0;
        double x = 0;
        for (int i = 0; i < 50_000; i++) {
            u += DelayModel.draw(new DelayModel.Uniform(10, 30), r);
            n += DelayModel.draw(new DelayModel.Normal(1000, 100), r);
            x += DelayModel.draw(new DelayModel.Exponential(500), r);
        }
        assertEquals(20, u / 50_000, 0.3);
        assertEquals(1000, n / 50_000, 3);
        assertEquals(500, x / 50_000, 10);
    }

    @Test
    void delivery_stays_in_order_under_jitter_unless_reordering_is_asked_for() {
        Simulator inOrder = Scenarios.transfer(SimulatorTest.pair(4,
                LinkConfig.builder().delay(Duration.ofMillis(20)).jitter(Duration.ofMillis(15)).build()), 30_000);
        assertTrue(isOrdered(of(inOrder, TraceEvent.Kind.DELIVER, "client>server")));
        Simulator reordered = Scenarios.transfer(SimulatorTest.pair(4,
                LinkConfig.builder().delay(Duration.ofMillis(20)).reorder(0.3, 1).build()), 30_000);
        assertTrue(!isOrdered(of(reordered, TraceEvent.Kind.DELIVER, "client>server")));
        assertEquals(Scenarios.pattern(30_000).utf8(), Scenarios.received(reordered), "TCP still delivers in order");
    }

    private static boolean isOrdered(List<TraceEvent> deliveries) {
        for (int i = 1; i < deliveries.size(); i++) {
            if (deliveries.get(i).packet() < deliveries.get(i - 1).packet()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void duplication_delivers_extra_copies_and_tcp_ignores_them() {
        Simulator sim = Scenarios.transfer(SimulatorTest.pair(5, LinkConfig.builder().duplicate(0.5).build()), 10_000);
        assertTrue(sim.link("client", "server").duplicated() > 0);
        assertEquals(Scenarios.pattern(10_000).utf8(), Scenarios.received(sim));
    }

    @Test
    void bandwidth_spaces_packets_by_their_serialization_time() {
        // 1 Mbit/s: a 1500-byte packet takes 12 ms on the wire.
        Simulator sim = Scenarios.transfer(SimulatorTest.pair(6,
                LinkConfig.builder().delay(Duration.ZERO).bandwidth(1_000_000).build()), 5 * 1460);
        List<TraceEvent> full = new ArrayList<>();
        for (TraceEvent e : of(sim, TraceEvent.Kind.DELIVER, "client>server")) {
            if (e.segment().payload().length() == 1460) {
                full.add(e);
            }
        }
        assertTrue(full.size() >= 2);
        long gap = full.get(1).nanos() - full.get(0).nanos();
        assertEquals((1460 + 40) * 8 * 1000L, gap, "1500 bytes at 1 Mbit/s");
    }

    @Test
    void a_full_queue_drops_the_tail() {
        Simulator sim = Scenarios.transfer(SimulatorTest.pair(7,
                LinkConfig.builder().bandwidth(100_000).queueLimit(2).build()), 20 * 1460);
        assertTrue(of(sim, TraceEvent.Kind.DROP, "client>server").stream().anyMatch(e -> e.detail().startsWith("queue full")));
        assertEquals(Scenarios.pattern(20 * 1460).utf8(), Scenarios.received(sim), "retransmission recovers");
    }

    @Test
    void the_queue_drains_between_bursts_so_bursts_below_its_limit_never_drop() {
        // 1 Mbit/s, room for 3 waiting packets; a 2-segment burst every 100 ms leaves in 24 ms.
        Simulator sim = SimulatorTest.pair(9, LinkConfig.builder().delay(Duration.ofMillis(5)).bandwidth(1_000_000).queueLimit(3).build());
        Scenarios.openAndSend(sim, 0);
        for (int i = 1; i <= 20; i++) {
            sim.at(Duration.ofMillis(1000 + 100L * i), "burst " + i,
                    () -> sim.host("client").stack().connections().get(0).send(io.tcpclose.wire.Bytes.pattern(2 * 1460)));
        }
        sim.at(Duration.ofSeconds(5), "client closes", () -> sim.host("client").stack().connections().get(0).close());
        sim.run();
        assertTrue(of(sim, TraceEvent.Kind.DROP, "client>server").isEmpty(), of(sim, TraceEvent.Kind.DROP, "client>server").toString());
    }

    @Test
    void packets_above_the_mtu_are_dropped() {
        Simulator sim = SimulatorTest.pair(8, LinkConfig.builder().mtu(576).build());
        Scenarios.openAndSend(sim, 3000);
        sim.runFor(Duration.ofSeconds(3));
        assertTrue(of(sim, TraceEvent.Kind.DROP, "client>server").stream().anyMatch(e -> e.detail().equals("exceeds MTU 576")));
    }

    @Test
    void a_scheduled_one_way_partition_drops_then_heals() {
        Simulator sim = SimulatorTest.pair(9, LinkConfig.DEFAULT);
        sim.partition("client", "server", Duration.ofMillis(500), Duration.ofSeconds(3));
        Scenarios.openAndSend(sim, 0);
        sim.at(Duration.ofSeconds(1), "send into the partition", () -> sim.host("client").stack().connections().get(0)
                .send(io.tcpclose.wire.Bytes.utf8("late")));
        sim.runFor(Duration.ofSeconds(10));
        assertTrue(of(sim, TraceEvent.Kind.DROP, "client>server").stream().allMatch(e -> e.detail().equals("partition")));
        assertTrue(of(sim, TraceEvent.Kind.DROP, "client>server").size() >= 2, "the send and a retransmission fell in it");
        assertTrue(of(sim, TraceEvent.Kind.DROP, "server>client").isEmpty(), "one way only");
        assertEquals("late", Scenarios.received(sim), "delivered after the heal");
    }

    @Test
    void targeted_rules_print_readably_count_their_matches_and_compose() {
        FaultRule dropFin = FaultRule.drop("client", "server", FaultRule.Match.FIN, 1);
        FaultRule delayAck = FaultRule.delay("server", "client", FaultRule.Match.PURE_ACK, 2, Duration.ofMillis(300));
        FaultRule dup7 = FaultRule.duplicate("client", "server", FaultRule.Match.ANY, 7, 2);
        assertEquals("on client>server, the 1st segment with FIN: drop", dropFin.toString());
        assertEquals("on server>client, the 2nd pure ACK: delay 300 ms", delayAck.toString());
        assertEquals("on client>server, the 7th segment: duplicate twice", dup7.toString());
        Simulator sim = SimulatorTest.pair(10, LinkConfig.DEFAULT);
        sim.addFault(dropFin);
        sim.addFault(delayAck);
        sim.addFault(dup7);
        Scenarios.transfer(sim, 3 * 1460);
        assertEquals(1, dropFin.fired());
        assertEquals(2, dropFin.seen(), "the FIN and its retransmission");
        assertEquals(1, delayAck.fired());
        assertEquals(1, dup7.fired());
        assertEquals(2, sim.link("client", "server").duplicated());
        assertTrue(of(sim, TraceEvent.Kind.DROP, "client>server").get(0).detail().contains(dropFin.toString()));
    }

    @Test
    void unknown_link_names_fail_fast() {
        Simulator sim = SimulatorTest.pair(1, LinkConfig.DEFAULT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim.addFault(FaultRule.drop("client", "nobody", FaultRule.Match.ANY, 1)));
        assertTrue(e.getMessage().contains("no link client>nobody"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinkConfig.builder().loss(1.5));
    }

    @Test
    void each_link_draws_from_its_own_stream_so_other_links_do_not_change_its_fate() {
        LinkConfig lossy = LinkConfig.builder().loss(0.3).jitter(Duration.ofMillis(3)).build();
        Simulator alone = Scenarios.transfer(SimulatorTest.pair(11, lossy), 8000);
        Simulator crowded = SimulatorTest.pair(11, lossy);
        Host x = crowded.addHost("x", "10.0.0.3", TcpConfig.DEFAULTS);
        Host y = crowded.addHost("y", "10.0.0.4", TcpConfig.DEFAULTS);
        crowded.connect(x, y, lossy);
        y.listen(80, c -> new ConnectionListener() {});
        crowded.at(Duration.ofMillis(3), "x connects", () -> x.connect(y, 80, new ConnectionListener() {
            @Override
            public void onEstablished(Connection c) {
                c.send(Scenarios.pattern(9000));
            }
        }));
        Scenarios.transfer(crowded, 8000);
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (TraceEvent e : alone.trace().events()) {
            if (e.where().startsWith("client>")) {
                a.add(e.line());
            }
        }
        for (TraceEvent e : crowded.trace().events()) {
            if (e.where().startsWith("client>")) {
                b.add(e.line());
            }
        }
        assertEquals(a, b);
    }

    @Test
    void replays_report_no_divergence_for_a_deterministic_scenario() {
        LinkConfig messy = LinkConfig.builder().loss(new LossModel.GilbertElliott(0.05, 0.3, 0.8, 0.01))
                .delay(new DelayModel.Normal(20_000_000, 5_000_000)).duplicate(0.05).reorder(0.1, 2).corrupt(0.02).build();
        assertEquals(Optional.empty(), Replays.firstDivergence(() -> Scenarios.transfer(SimulatorTest.pair(12, messy), 20_000)));
    }
}
