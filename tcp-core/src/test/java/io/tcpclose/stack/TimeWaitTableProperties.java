package io.tcpclose.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.engine.TimeWait;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The packed TIME-WAIT table against a HashMap model: lookups, removals, restarts, expiry in time. */
class TimeWaitTableProperties {
    private static final long WAIT = 60;

    record Op(int kind, int key, int amount) {}

    private static TimeWait tw(int key, long deadline) {
        return new TimeWait(key & 0xFFFF, 80, key * 7, key * 13, 100, 1, 2, 100, deadline, key * 3L, key * 5L, (key & 1) != 0, (key & 2) != 0);
    }

    private static long addresses(int key) {
        return (0x0A000001L << 32) | (0x0A000000L + (key >>> 16)); // a few remote hosts, many ports
    }

    @Property(seed = "20261124", tries = 500)
    void the_table_agrees_with_a_map_and_expires_each_entry_at_its_latest_deadline(@ForAll("ops") List<Op> ops) {
        TimeWaitTable t = new TimeWaitTable(42);
        Map<Integer, Long> model = new HashMap<>();
        long now = 0;
        for (Op op : ops) {
            int key = op.key();
            int e = t.find(addresses(key), key & 0xFFFF, 80);
            assertEquals(model.containsKey(key), e >= 0, "find " + key);
            switch (op.kind()) {
                case 0: // enter TIME-WAIT
                    if (e < 0) {
                        t.add(addresses(key), tw(key, now + WAIT));
                        model.put(key, now + WAIT);
                    }
                    break;
                case 1: // restart by a repeated FIN
                    if (e >= 0) {
                        assertEquals(tw(key, model.get(key)), t.get(e));
                        t.update(e, tw(key, now + WAIT));
                        model.put(key, now + WAIT);
                    }
                    break;
                case 2: // reused or reset early
                    if (e >= 0) {
                        t.remove(e);
                        model.remove(key);
                    }
                    break;
                default: { // time passes
                    now += op.amount();
                    TreeSet<Integer> expired = new TreeSet<>();
                    for (int x = t.nextExpired(now); x >= 0; x = t.nextExpired(now)) {
                        FourTuple id = t.tuple(x);
                        byte[] remote = id.remoteAddress().getAddress();
                        expired.add(((remote[3] & 0xFF) << 16) | id.localPort());
                        t.remove(x);
                    }
                    TreeSet<Integer> due = new TreeSet<>();
                    long at = now;
                    model.forEach((k, d) -> {
                        if (d <= at) {
                            due.add(k);
                        }
                    });
                    assertEquals(due, expired);
                    due.forEach(model::remove);
                }
            }
            assertEquals(model.size(), t.size());
        }
        List<Integer> keys = new ArrayList<>(model.keySet());
        for (int k : keys) {
            assertEquals(tw(k, model.get(k)), t.get(t.find(addresses(k), k & 0xFFFF, 80)));
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(1, 3).flatMap(host -> Arbitraries.integers().between(1, 200)
                        .map(port -> (host << 16) | port)),
                Arbitraries.integers().between(0, 40)).as(Op::new);
        return op.list().ofMaxSize(400);
    }
}
