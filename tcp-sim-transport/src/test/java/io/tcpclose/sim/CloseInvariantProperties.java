package io.tcpclose.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.sim.jqwik.SimArbitraries;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Our invariant suite: two endpoints over generated fault plans and link conditions, in both
 * close orders and simultaneously, with data in flight both ways.
 */
class CloseInvariantProperties {
    /** Keep-alive makes half-open connections (one side reset, the other idle) end too. */
    static final TcpConfig CONFIG = TcpConfig.builder()
            .keepAlive(Duration.ofSeconds(30), Duration.ofSeconds(5), 3).build();
    /** The same timers with every data-path feature on: window scaling, timestamps, delayed ACKs. */
    static final TcpConfig ALL_FEATURES = CONFIG.toBuilder().windowScaling(true).timestamps(true)
            .delayedAck(Duration.ofMillis(40)).receiveBuffer(256 * 1024).build();
    static final Duration HEAL = Duration.ofSeconds(20);

    /** RFC 1122 §4.2.3.5 budget: every retransmission of a segment, backed off and capped, plus the final wait. */
    static long retransmissionBoundNanos(TcpConfig c) {
        long total = 0;
        long rto = c.rtoInitialNanos();
        for (int i = 0; i <= Math.max(c.maxRetransmissions(), c.maxSynRetransmissions()); i++) {
            total += rto;
            rto = Math.min(rto * 2, c.rtoMaxNanos());
        }
        return total;
    }

    @Property(seed = "779", tries = 500)
    void any_finite_fault_plan_ends_with_both_sides_closed_and_the_invariants_intact(
            @ForAll("plans") FaultPlan plan,
            @ForAll("conditions") LinkConditions conditions,
            @ForAll Duel.Order order,
            @ForAll @IntRange(max = 6000) int clientBytes,
            @ForAll @IntRange(max = 6000) int serverBytes,
            @ForAll @IntRange(min = 1, max = 1_000_000) int seed,
            @ForAll @IntRange(max = 5_000) int outageStartMs,
            @ForAll("outageLengths") int outageMs,
            @ForAll @IntRange(min = 100, max = 60_000) int closeAtMs,
            @ForAll boolean compactTimeWait,
            @ForAll boolean allFeatures) {
        Duel.Outage outage = new Duel.Outage(Duration.ofMillis(outageStartMs), Duration.ofMillis(outageMs));
        Duel d = new Duel(seed, allFeatures ? ALL_FEATURES : CONFIG, conditions, plan, order, clientBytes, serverBytes, HEAL, outage,
                Duration.ofMillis(closeAtMs), compactTimeWait);

        assertEquals(List.of(), d.violations, d::describe);
        // Liveness: once the faults stop, both ends reach CLOSED within 2xMSL, the keep-alive
        // and FIN-WAIT-2 limits and the retransmission bound.
        long calm = Math.max(Math.max(HEAL.toNanos(), outage.end().toNanos()), Duration.ofMillis(closeAtMs).toNanos());
        long bound = calm + CONFIG.timeWaitNanos() + retransmissionBoundNanos(CONFIG)
                + CONFIG.keepAliveIdleNanos() + CONFIG.keepAliveProbes() * CONFIG.keepAliveIntervalNanos()
                + CONFIG.orphanFinWait2TimeoutNanos();
        for (Duel.App a : List.of(d.client, d.server)) {
            if (a.connection != null) {
                assertEquals(TcpState.CLOSED, a.connection.state(), () -> a.name + " is not closed: " + d.describe());
            }
            assertTrue(a.closedReports <= 1, () -> a.name + " reported CLOSED " + a.closedReports + " times");
        }
        assertTrue(d.sim.now() <= bound, () -> "still busy at " + Duration.ofNanos(d.sim.now()) + " > bound " + Duration.ofNanos(bound));
        // Safety: each side received a prefix of what the other sent, all of it after a normal close.
        assertTrue(d.client.peerSent.startsWith(d.client.received.toString()), d::describe);
        assertTrue(d.server.peerSent.startsWith(d.server.received.toString()), d::describe);
        if (d.client.reason == CloseReason.NORMAL && d.server.reason == CloseReason.NORMAL) {
            assertEquals(d.client.peerSent, d.client.received.toString(), d::describe);
            assertEquals(d.server.peerSent, d.server.received.toString(), d::describe);
        }
        Statistics.label("close order").collect(order);
        for (String path : d.paths) {
            Statistics.label("termination path").collect(path);
        }
        if (d.paths.isEmpty()) {
            Statistics.label("termination path").collect("clean");
        }
        Statistics.label("outcome").collect(d.client.reason + "/" + d.server.reason);
    }

    @Provide
    Arbitrary<FaultPlan> plans() {
        return SimArbitraries.faultPlansWithResets("client", "server", 4, 1, 3_000);
    }

    @Provide
    Arbitrary<Integer> outageLengths() {
        return net.jqwik.api.Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, net.jqwik.api.Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(2, net.jqwik.api.Arbitraries.integers().between(1, 150_000)));
    }

    @Provide
    Arbitrary<LinkConditions> conditions() {
        return SimArbitraries.linkConditions(0.3);
    }
}
