package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Seq;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The shared-array reassembly queue against a plain sorted list: any mix of appends, inserts
 * and drops, including a step taken twice from the same snapshot, leaves every earlier queue
 * exactly as it was.
 */
class HeldQueueProperties {
    record Op(int kind, int seq, int pick) {}

    private static List<HeldQueue.Held> contents(HeldQueue q) {
        List<HeldQueue.Held> out = new ArrayList<>();
        for (int i = 0; i < q.size(); i++) {
            out.add(q.get(i));
        }
        return out;
    }

    private static List<HeldQueue.Held> modelAdd(List<HeldQueue.Held> model, HeldQueue.Held h) {
        List<HeldQueue.Held> next = new ArrayList<>(model);
        int at = next.size();
        while (at > 0 && Seq.lt(h.seq(), next.get(at - 1).seq())) {
            at--;
        }
        next.add(at, h);
        return next;
    }

    @Property(seed = "20261124", tries = 500)
    void every_queue_ever_made_keeps_its_own_contents(@ForAll("ops") List<Op> ops) {
        List<HeldQueue> queues = new ArrayList<>(List.of(HeldQueue.EMPTY));
        List<List<HeldQueue.Held>> models = new ArrayList<>(List.of(List.of()));
        for (Op op : ops) {
            int base = op.pick() % queues.size(); // branch from any earlier snapshot, not only the latest
            HeldQueue q = queues.get(base);
            List<HeldQueue.Held> m = models.get(base);
            if (op.kind() == 0 && !q.isEmpty()) {
                int n = 1 + op.seq() % q.size();
                queues.add(q.dropFirst(n));
                models.add(new ArrayList<>(m.subList(n, m.size())));
            } else {
                HeldQueue.Held h = new HeldQueue.Held(op.seq(), Bytes.pattern(op.seq() % 5), op.seq() % 7 == 0);
                queues.add(q.add(h));
                models.add(modelAdd(m, h));
            }
            for (int i = 0; i < queues.size(); i++) {
                assertEquals(models.get(i), contents(queues.get(i)), "queue " + i);
            }
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return net.jqwik.api.Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 60),
                Arbitraries.integers().between(0, 1000)).as(Op::new).list().ofMaxSize(60);
    }
}
