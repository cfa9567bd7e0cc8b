package io.tcpclose.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.sim.FaultPlan;
import io.tcpclose.sim.Host;
import io.tcpclose.sim.LinkConfig;
import io.tcpclose.sim.Simulator;
import io.tcpclose.sim.jqwik.SimArbitraries;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Quick start: a jqwik property over the simulator. jqwik is your test dependency
 * ({@code net.jqwik:jqwik}, the version in this project's parent pom); {@link SimArbitraries}
 * generates fault plans that shrink toward fewer, simpler faults, and a failing case prints its
 * plan as Java to paste into a test. One network is built once and {@link Simulator#reset} before
 * each try.
 */
class SimPropertyExample {
    private final Simulator sim = network();

    private static Simulator network() {
        Simulator sim = new Simulator(0).traceEnabled(false);
        Host client = sim.addHost("client", "10.0.0.1", TcpConfig.DEFAULTS);
        Host server = sim.addHost("server", "10.0.0.2", TcpConfig.DEFAULTS);
        sim.connect(client, server, LinkConfig.builder().delay(Duration.ofMillis(10)).build());
        return sim;
    }

    @Property(seed = "20261207", tries = 200)
    void whatever_the_network_loses_early_the_request_arrives_whole_and_both_close_normally(
            @ForAll("plans") FaultPlan plan, @ForAll @IntRange(min = 1, max = 1_000_000) int seed) {
        sim.reset(seed);
        plan.applyTo(sim);
        StringBuilder got = new StringBuilder();
        CloseReason[] ends = new CloseReason[2];
        sim.host("server").listen(80, accepted -> new ConnectionListener() {
            @Override
            public void onReadable(Connection c) {
                got.append(c.readAll().utf8());
            }

            @Override
            public void onPeerFinished(Connection c) {
                c.close();
            }

            @Override
            public void onClosed(Connection c, CloseReason reason) {
                ends[1] = reason;
            }
        });
        sim.host("client").connect(sim.host("server"), 80, new ConnectionListener() {
            @Override
            public void onEstablished(Connection c) {
                c.send(Bytes.utf8("GET / HTTP/1.0\r\n\r\n"));
                c.close();
            }

            @Override
            public void onClosed(Connection c, CloseReason reason) {
                ends[0] = reason;
            }
        });
        sim.run();
        assertEquals("GET / HTTP/1.0\r\n\r\n", got.toString(), plan::toJava);
        assertEquals(CloseReason.NORMAL, ends[0], plan::toJava);
        assertEquals(CloseReason.NORMAL, ends[1], plan::toJava);
    }

    /** Up to three drop, delay, duplicate or hold rules between the two hosts. */
    @Provide
    Arbitrary<FaultPlan> plans() {
        return SimArbitraries.faultPlans("client", "server", 3);
    }
}
