package io.tcpclose.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    static Simulator pair(long seed, LinkConfig link) {
        Simulator sim = new Simulator(seed);
        Host a = sim.addHost("client", "10.0.0.1", TcpConfig.DEFAULTS);
        Host b = sim.addHost("server", "10.0.0.2", TcpConfig.DEFAULTS);
        sim.connect(a, b, link);
        return sim;
    }

    @Test
    void a_240_second_time_wait_costs_no_real_time() {
        Simulator sim = new Simulator(1);
        Host a = sim.addHost("client", "10.0.0.1", TcpConfig.RFC_STRICT);
        Host b = sim.addHost("server", "10.0.0.2", TcpConfig.RFC_STRICT);
        sim.connect(a, b, LinkConfig.DEFAULT);
        b.listen(80, c -> new ConnectionListener() {
            @Override
            public void onPeerFinished(Connection conn) {
                conn.close();
            }
        });
        Connection c = a.connect(b, 80, new ConnectionListener() {});
        sim.runFor(Duration.ofSeconds(1));
        c.close();
        long start = System.nanoTime();
        sim.run();
        long realMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(CloseReason.NORMAL, c.closeReason());
        assertTrue(sim.now() >= Duration.ofSeconds(241).toNanos(), "virtual time covered TIME-WAIT");
        assertTrue(realMillis < 5_000, "took " + realMillis + " ms of real time");
    }

    @Test
    void the_same_seed_gives_the_same_trace_and_another_seed_another() {
        LinkConfig lossy = LinkConfig.builder().loss(0.2).delay(Duration.ofMillis(20)).jitter(Duration.ofMillis(5)).build();
        Simulator one = Scenarios.transfer(pair(7, lossy), 5000);
        Simulator two = Scenarios.transfer(pair(7, lossy), 5000);
        Simulator three = Scenarios.transfer(pair(8, lossy), 5000);
        assertEquals(one.trace().hash(), two.trace().hash());
        assertEquals(java.util.Optional.empty(), one.trace().firstDivergence(two.trace()));
        assertNotEquals(one.trace().hash(), three.trace().hash());
        assertTrue(one.trace().firstDivergence(three.trace()).isPresent());
    }

    @Test
    void the_event_limit_names_itself() {
        Simulator sim = pair(1, LinkConfig.DEFAULT).limits(10, Duration.ofHours(1));
        Scenarios.openAndSend(sim, 100_000);
        SimulationLimitException e = assertThrows(SimulationLimitException.class, sim::run);
        assertTrue(e.getMessage().startsWith("event limit of 10 events"), e.getMessage());
    }

    @Test
    void the_virtual_time_limit_names_itself() {
        Simulator sim = pair(1, LinkConfig.DEFAULT).limits(1_000_000, Duration.ofSeconds(10));
        Scenarios.openAndSend(sim, 10);
        sim.at(Duration.ofSeconds(20), "too late", () -> { });
        SimulationLimitException e = assertThrows(SimulationLimitException.class, sim::run);
        assertTrue(e.getMessage().startsWith("virtual time limit of PT10S"), e.getMessage());
    }

    @Test
    void an_action_in_the_past_is_refused_with_the_time_named() {
        Simulator sim = pair(1, LinkConfig.DEFAULT);
        sim.runUntil(Duration.ofSeconds(2).toNanos());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim.at(Duration.ofSeconds(1), "late", () -> { }));
        assertTrue(e.getMessage().contains("virtual time is already PT2S"), e.getMessage());
    }

    @Test
    void corrupted_segments_are_caught_by_the_checksum_and_never_delivered_as_valid() {
        Simulator sim = pair(3, LinkConfig.builder().corrupt(0.3).build());
        Scenarios.transfer(sim, 20_000);
        long corrupted = sim.link("client", "server").corrupted() + sim.link("server", "client").corrupted();
        long malformed = sim.host("client").stack().stats().rejected(io.tcpclose.engine.RejectReason.MALFORMED)
                + sim.host("server").stack().stats().rejected(io.tcpclose.engine.RejectReason.MALFORMED);
        assertTrue(corrupted > 0);
        assertEquals(corrupted, malformed, "every corrupted segment is rejected by its receiver");
        assertEquals(Scenarios.pattern(20_000).utf8(), Scenarios.received(sim), "and the data still arrives intact");
    }

    @Test
    void nothing_is_delivered_later_than_birth_plus_msl() {
        Simulator sim = pair(1, LinkConfig.DEFAULT).networkMsl(Duration.ofSeconds(2));
        Scenarios.openAndSend(sim, 0);
        sim.runFor(Duration.ofSeconds(1));
        Link l = sim.link("client", "server");
        l.hold();
        sim.host("client").stack().connections().get(0).send(Bytes.utf8("late"));
        sim.runFor(Duration.ofSeconds(5));
        l.release();
        sim.runFor(Duration.ofSeconds(1));
        assertTrue(l.expired() > 0, "held past the MSL: expired");
        for (TraceEvent e : sim.trace().events()) {
            if (e.kind() == TraceEvent.Kind.DELIVER) {
                // A delivered packet's SEND is in the trace no more than MSL before it.
                long born = sendTimeOf(sim.trace(), e);
                assertTrue(e.nanos() - born <= Duration.ofSeconds(2).toNanos(), e.line());
            }
        }
    }

    private static long sendTimeOf(Trace t, TraceEvent deliver) {
        for (TraceEvent e : t.events()) {
            if (e.kind() == TraceEvent.Kind.SEND && e.where().equals(deliver.where()) && e.packet() == deliver.packet()) {
                return e.nanos();
            }
        }
        return deliver.nanos();
    }
}
