package io.tcpclose.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The wheel against a plain model: the same timers fire, none early, none lost. */
class TimerWheelProperties {
    private static final long TICK = 1L << 10;

    record Op(int kind, long amount, int pick) {}

    @Property(seed = "20261124", tries = 1000)
    void the_wheel_fires_exactly_what_a_model_says_is_due(@ForAll("ops") List<Op> ops) {
        TimerWheel w = new TimerWheel(0, TICK, 8, 2);
        Map<Long, Long> modelDeadlines = new HashMap<>(); // attachment -> deadline
        Map<Long, Long> ids = new HashMap<>();            // attachment -> id
        List<Long> live = new ArrayList<>();
        long now = 0;
        long nextAttachment = 0;
        for (Op op : ops) {
            switch (op.kind()) {
                case 0: { // schedule
                    long deadline = now + op.amount() - 3 * TICK; // some already past
                    long a = nextAttachment++;
                    ids.put(a, w.schedule(deadline, a));
                    modelDeadlines.put(a, deadline);
                    live.add(a);
                    break;
                }
                case 1: // cancel
                    if (!live.isEmpty()) {
                        long a = live.remove(op.pick() % live.size());
                        assertTrue(w.cancel(ids.get(a)));
                        modelDeadlines.remove(a);
                    }
                    break;
                case 2: // reschedule
                    if (!live.isEmpty()) {
                        long a = live.get(op.pick() % live.size());
                        long deadline = now + op.amount();
                        assertTrue(w.reschedule(ids.get(a), deadline));
                        modelDeadlines.put(a, deadline);
                    }
                    break;
                default: { // advance and poll
                    now += op.amount();
                    long t = now;
                    TreeSet<Long> due = new TreeSet<>();
                    modelDeadlines.forEach((a, d) -> {
                        if (d - t <= 0) {
                            due.add(a);
                        }
                    });
                    TreeSet<Long> fired = new TreeSet<>();
                    // Sometimes a small limit: the rest must stay pending for the next poll.
                    int limit = op.pick() % 4 == 0 ? 1 + op.pick() % 3 : Integer.MAX_VALUE;
                    int n = w.poll(now, (id, a, at) -> {
                        assertTrue(modelDeadlines.get(a) - at <= 0, "fired early");
                        fired.add(a);
                    }, limit);
                    assertEquals(fired.size(), n);
                    assertEquals(Math.min(limit, due.size()), fired.size(), "fires what is due, up to the limit");
                    assertTrue(due.containsAll(fired));
                    fired.forEach(a -> {
                        modelDeadlines.remove(a);
                        live.remove(a);
                    });
                }
            }
            assertEquals(modelDeadlines.size(), w.pendingCount());
            long earliest = modelDeadlines.values().stream().reduce((x, y) -> y - x < 0 ? y : x).orElse(Long.MAX_VALUE);
            assertEquals(earliest, w.earliestDeadline(), "the earliest pending deadline, read from the occupancy bits");
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = net.jqwik.api.Combinators.combine(
                Arbitraries.integers().between(0, 3),
                // up to 25 turns of the 8-spoke wheel: past the outer ring's reach too
                Arbitraries.longs().between(0, 200 * TICK),
                Arbitraries.integers().between(0, 1000)).as(Op::new);
        return op.list().ofMaxSize(80);
    }
}
