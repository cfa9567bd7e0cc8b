package io.tcpclose.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The event heap against java.util.PriorityQueue: same events, in time order, ties first-come. */
class EventQueueProperties {
    record Entry(long time, long order, Object payload) {}

    @Property(seed = "20261124", tries = 500)
    void events_leave_in_time_order_and_ties_in_insertion_order(@ForAll("ops") List<Long> ops) {
        EventQueue q = new EventQueue();
        PriorityQueue<Entry> model = new PriorityQueue<>(
                Comparator.comparingLong(Entry::time).thenComparingLong(Entry::order));
        long order = 0;
        List<Object> got = new ArrayList<>();
        List<Object> want = new ArrayList<>();
        for (long op : ops) {
            if (op < 0 && !model.isEmpty()) { // a negative entry polls
                Entry e = model.poll();
                assertEquals(e.time(), q.peekTime());
                assertEquals(e.time(), q.poll());
                want.add(e.payload());
                got.add(q.polledPayload);
            } else if (op >= 0) {
                Object payload = "event " + order;
                q.add(op, (int) (op % 3), payload);
                model.add(new Entry(op, order++, payload));
            }
            assertEquals(model.size(), q.size());
        }
        while (!model.isEmpty()) {
            want.add(model.poll().payload());
            q.poll();
            got.add(q.polledPayload);
        }
        assertEquals(want, got);
        assertEquals(true, q.isEmpty());
    }

    @Provide
    Arbitrary<List<Long>> ops() {
        // few distinct times, so ties are common; -1 means poll
        return Arbitraries.longs().between(-1, 20).list().ofMaxSize(300);
    }
}
