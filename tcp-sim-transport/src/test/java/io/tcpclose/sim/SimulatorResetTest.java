package io.tcpclose.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Simulator#reset}: one network reused between runs, each run event for event the run
 * of a new simulator with the same seed.
 */
class SimulatorResetTest {
    private static final LinkConfig LOSSY = LinkConfig.builder().loss(0.2).delay(Duration.ofMillis(20))
            .jitter(Duration.ofMillis(5)).build();

    @Test
    void a_run_after_reset_is_the_run_of_a_new_simulator_with_that_seed() {
        Simulator reused = SimulatorTest.pair(7, LOSSY);
        // The first run leaves everything a run can leave: a fault rule, a partition, a changed
        // link, a listener, TIME-WAITs, counts.
        reused.addFault(FaultRule.drop("client", "server", FaultRule.Match.FIN, 0)); // every FIN: none in the first run
        reused.partition("server", "client", Duration.ofSeconds(1), Duration.ofSeconds(2));
        reused.link("client", "server").configure(LinkConfig.builder().delay(Duration.ofMillis(1)).build());
        Scenarios.openAndSend(reused, 3000);
        reused.runFor(Duration.ofSeconds(30));

        Simulator fresh = Scenarios.transfer(SimulatorTest.pair(8, LOSSY), 5000);
        Scenarios.transfer(reused.reset(8), 5000);

        assertEquals(Optional.empty(), fresh.trace().firstDivergence(reused.trace()));
        assertEquals(fresh.trace().hash(), reused.trace().hash());
        assertEquals(fresh.eventsProcessed(), reused.eventsProcessed());
        assertEquals(fresh.now(), reused.now());
        for (String[] l : new String[][] {{"client", "server"}, {"server", "client"}}) {
            assertEquals(fresh.link(l[0], l[1]).toString(), reused.link(l[0], l[1]).toString());
        }
        for (String h : new String[] {"client", "server"}) {
            assertEquals(fresh.host(h).stack().stats().toString(), reused.host(h).stack().stats().toString());
        }
        assertEquals(Scenarios.received(fresh), Scenarios.received(reused));
    }

    @Test
    void a_connection_from_before_the_reset_is_gone() {
        Simulator sim = SimulatorTest.pair(1, LinkConfig.builder().delay(Duration.ofMillis(5)).build());
        Scenarios.openAndSend(sim, 0);
        sim.runFor(Duration.ofSeconds(1));
        Connection old = sim.host("client").stack().connections().get(0);
        Connection oldServer = sim.host("server").stack().connections().get(0);
        oldServer.send(Bytes.utf8("unread")); // the client's listener never reads
        sim.runFor(Duration.ofSeconds(1));
        assertEquals(6, old.available());
        sim.reset(2);
        assertEquals(io.tcpclose.engine.TcpState.CLOSED, old.state());
        assertEquals(io.tcpclose.engine.CloseReason.ABORTED, old.closeReason());
        assertEquals(0, old.available(), "nothing to read on a connection that is gone");
        assertThrows(IllegalStateException.class, () -> old.read(10));
        assertEquals(0, sim.host("client").stack().connectionCount());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> old.send(Bytes.utf8("x")));
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
        old.close(); // letting go of it is harmless
        sim.run();
        assertEquals(0, sim.link("client", "server").sent(), "nothing from the old connection reached the wire");
    }

    @Test
    void reset_from_inside_the_run_is_refused() {
        Simulator sim = SimulatorTest.pair(1, LinkConfig.builder().build());
        sim.at(Duration.ofSeconds(1), "reset", () -> sim.reset(2));
        IllegalStateException e = assertThrows(IllegalStateException.class, sim::run);
        assertTrue(e.getMessage().contains("between runs"), e.getMessage());
    }

    @Test
    void a_listener_from_before_the_reset_is_gone_so_the_port_can_be_listened_on_again() {
        Simulator sim = SimulatorTest.pair(1, LinkConfig.builder().build());
        sim.host("server").listen(80, c -> new ConnectionListener() {});
        sim.reset(1);
        sim.host("server").listen(80, c -> new ConnectionListener() {});
        sim.host("client").connect(sim.host("server"), 80, new ConnectionListener() {});
        sim.run();
        assertEquals(1, sim.host("server").stack().stats().connectionsOpened());
    }
}
