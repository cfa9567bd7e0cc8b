package io.tcpclose.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Why TIME-WAIT exists (RFC 9293 §3.6.1): a copy of a segment from one incarnation of a
 * 4-tuple, delayed in the network (but within its MSL), must never be accepted by the next
 * incarnation. With TIME-WAIT it never is; with TIME-WAIT at zero the same runs find the
 * corruption, which the negative control asserts.
 */
class TimeWaitProperties {
    /** What the second incarnation's server side received, and whether that incarnation ever opened. */
    record Outcome(String secondReceived, boolean secondOpened) {}

    /**
     * Incarnation 1 sends "OLD-DATA!!"; the network keeps a copy for {@code copyDelayMs}. The
     * client closes at 1 s and reconnects from the same port as soon as its stack allows (every
     * 250 ms), sends "NEW-DATA!!" 2 s later and closes. Both incarnations use the same ISNs,
     * the worst case for old duplicates.
     */
    static Outcome run(TcpConfig config, int copyDelayMs, long seed) {
        Simulator sim = new Simulator(seed).networkMsl(Duration.ofSeconds(30));
        Host c = sim.addHost("client", "10.0.0.1", config, IsnGenerator.fixed(1000));
        Host s = sim.addHost("server", "10.0.0.2", config, IsnGenerator.fixed(5000));
        sim.connect(c, s, LinkConfig.builder().delay(Duration.ofMillis(10)).build());
        sim.addFault(FaultRule.delayedCopy("client", "server", FaultRule.Match.DATA, 1, Duration.ofMillis(copyDelayMs)));
        List<StringBuilder> serverReceived = new ArrayList<>();
        s.listen(80, conn -> {
            StringBuilder got = new StringBuilder();
            serverReceived.add(got);
            return new ConnectionListener() {
                @Override
                public void onReadable(Connection cc) {
                    got.append(cc.readAll().utf8());
                }

                @Override
                public void onPeerFinished(Connection cc) {
                    cc.close();
                }
            };
        });
        ConnectionListener quiet = new ConnectionListener() {
            @Override
            public void onReadable(Connection cc) {
                cc.readAll();
            }
        };
        Connection[] first = new Connection[1];
        sim.at(Duration.ZERO, "incarnation 1", () -> {
            first[0] = c.connect(40000, s, 80, quiet);
            first[0].send(Bytes.utf8("OLD-DATA!!"));
        });
        sim.at(Duration.ofSeconds(1), "incarnation 1 closes", () -> first[0].close());
        Runnable reconnect = new Runnable() {
            @Override
            public void run() {
                try {
                    Connection second = c.connect(40000, s, 80, quiet);
                    sim.at(Duration.ofNanos(sim.now()).plusSeconds(2), "incarnation 2 sends", () -> second.send(Bytes.utf8("NEW-DATA!!")));
                    sim.at(Duration.ofNanos(sim.now()).plusSeconds(3), "incarnation 2 closes", second::close);
                } catch (IllegalStateException inTimeWait) {
                    sim.at(Duration.ofNanos(sim.now()).plusMillis(250), "retry", this);
                }
            }
        };
        sim.at(Duration.ofMillis(1200), "reconnect", reconnect);
        sim.run();
        return new Outcome(serverReceived.size() > 1 ? serverReceived.get(1).toString() : "", serverReceived.size() > 1);
    }

    @Property(seed = "20261124", tries = 60)
    void with_time_wait_no_old_duplicate_is_ever_accepted_by_a_new_incarnation(
            @ForAll @IntRange(min = 0, max = 29_000) int copyDelayMs,
            @ForAll @IntRange(min = 1, max = 1000) int seed) {
        Outcome o = run(TcpConfig.DEFAULTS, copyDelayMs, seed);
        assertTrue(o.secondOpened());
        assertEquals("NEW-DATA!!", o.secondReceived(), "the new incarnation must see only its own bytes");
    }

    @Test
    void negative_control_without_time_wait_an_old_duplicate_corrupts_the_new_incarnation() {
        TcpConfig noTimeWait = TcpConfig.builder().msl(Duration.ZERO).build();
        int corrupted = 0;
        List<Integer> corruptingDelays = new ArrayList<>();
        for (int delayMs = 0; delayMs <= 29_000; delayMs += 500) {
            Outcome o = run(noTimeWait, delayMs, 1);
            if (o.secondOpened() && !o.secondReceived().equals("NEW-DATA!!")) {
                corrupted++;
                corruptingDelays.add(delayMs);
            }
        }
        assertTrue(corrupted > 0, "without TIME-WAIT some delayed copy must reach the new incarnation");
        // And with TIME-WAIT the very same delays are harmless.
        for (int delayMs : corruptingDelays) {
            assertEquals("NEW-DATA!!", run(TcpConfig.DEFAULTS, delayMs, 1).secondReceived(), "delay " + delayMs + " ms");
        }
    }
}
