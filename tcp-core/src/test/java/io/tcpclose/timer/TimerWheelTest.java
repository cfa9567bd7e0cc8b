package io.tcpclose.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long TICK = 1L << 20;
    private final List<Long> fired = new ArrayList<>();
    private final TimerWheel.Handler record = (id, attachment, now) -> fired.add(attachment);

    @Test
    void a_timer_fires_at_its_deadline_never_before() {
        TimerWheel w = new TimerWheel(0, TICK, 64, 4);
        w.schedule(5 * TICK + 3, 42);
        assertEquals(0, w.poll(5 * TICK + 2, record, 100));
        assertEquals(List.of(), fired);
        assertEquals(1, w.poll(5 * TICK + 3, record, 100));
        assertEquals(List.of(42L), fired);
        assertEquals(0, w.pendingCount());
    }

    @Test
    void cancel_stops_a_timer_and_a_stale_cancel_is_harmless() {
        TimerWheel w = new TimerWheel(0, TICK, 64, 4);
        long id = w.schedule(10 * TICK, 1);
        assertTrue(w.cancel(id));
        assertFalse(w.cancel(id), "second cancel of the same id");
        long reused = w.schedule(20 * TICK, 2);
        assertNotEquals(id, reused, "the slot is reused under a new generation");
        assertFalse(w.cancel(id), "the old id does not cancel the new timer");
        w.poll(30 * TICK, record, 100);
        assertEquals(List.of(2L), fired);
    }

    @Test
    void clear_drops_every_timer_makes_their_ids_stale_and_may_turn_the_clock_back() {
        TimerWheel w = new TimerWheel(0, TICK, 64, 4);
        long near = w.schedule(3 * TICK, 1);
        long far = w.schedule(500 * TICK, 2); // on the second level
        w.poll(100 * TICK, record, 100);
        fired.clear();
        w.clear(0);
        assertEquals(0, w.pendingCount());
        assertFalse(w.cancel(far), "an id from before the clear");
        assertFalse(w.reschedule(near, 5 * TICK));
        w.schedule(2 * TICK, 3);
        assertEquals(2 * TICK, w.earliestDeadline(), "time starts again from the clear's now");
        assertEquals(1, w.poll(1_000 * TICK, record, 100));
        assertEquals(List.of(3L), fired);
    }

    @Test
    void a_fired_timers_id_is_stale() {
        TimerWheel w = new TimerWheel(0, TICK, 64, 4);
        long id = w.schedule(TICK, 1);
        w.poll(2 * TICK, record, 100);
        assertFalse(w.cancel(id));
        assertFalse(w.reschedule(id, 5 * TICK));
    }

    @Test
    void reschedule_moves_the_deadline_and_keeps_the_id() {
        TimerWheel w = new TimerWheel(0, TICK, 64, 4);
        long id = w.schedule(3 * TICK, 7);
        assertTrue(w.reschedule(id, 40 * TICK));
        assertEquals(40 * TICK, w.deadline(id));
        assertEquals(0, w.poll(39 * TICK, record, 100));
        assertEquals(1, w.poll(40 * TICK, record, 100));
        assertEquals(List.of(7L), fired);
    }

    @Test
    void deadlines_beyond_one_turn_wait_for_their_turn() {
        TimerWheel w = new TimerWheel(0, TICK, 8, 4);
        w.schedule(100 * TICK, 1); // 12 turns out
        for (long t = 0; t < 100; t++) {
            assertEquals(0, w.poll(t * TICK, record, 100));
        }
        assertEquals(1, w.poll(100 * TICK, record, 100));
    }

    @Test
    void one_poll_catches_up_across_many_elapsed_ticks() {
        TimerWheel w = new TimerWheel(0, TICK, 16, 4);
        for (int i = 0; i < 50; i++) {
            w.schedule(i * 7 * TICK, i);
        }
        assertEquals(50, w.poll(1_000_000 * TICK, record, 1000));
        assertEquals(50, fired.size());
    }

    @Test
    void poll_fires_at_most_limit_and_the_rest_next_time() {
        TimerWheel w = new TimerWheel(0, TICK, 16, 4);
        for (int i = 0; i < 10; i++) {
            w.schedule(TICK, i);
        }
        assertEquals(3, w.poll(2 * TICK, record, 3));
        assertEquals(7, w.pendingCount());
        assertEquals(7, w.poll(2 * TICK, record, 100));
    }

    @Test
    void a_deadline_already_past_fires_on_the_next_poll() {
        TimerWheel w = new TimerWheel(0, TICK, 16, 4);
        w.poll(100 * TICK, record, 10);
        w.schedule(3 * TICK, 9);
        assertEquals(1, w.poll(100 * TICK, record, 10));
    }

    @Test
    void a_handler_may_schedule_and_cancel_while_polling() {
        TimerWheel w = new TimerWheel(0, TICK, 16, 4);
        long[] other = new long[1];
        w.schedule(TICK, 1);
        other[0] = w.schedule(TICK, 2);
        w.schedule(TICK, 3);
        w.poll(2 * TICK, (id, att, now) -> {
            fired.add(att);
            if (att == 3 || att == 1) {
                w.cancel(other[0]);
                w.schedule(now, 100 + att); // due at once: fires in this poll or the next
            }
        }, 100);
        w.poll(2 * TICK, record, 100);
        assertFalse(fired.contains(2L), "cancelled by a handler before it fired: " + fired);
        assertTrue(fired.contains(101L) || fired.contains(103L));
        assertEquals(0, w.pendingCount());
    }

    @Test
    void works_across_nano_time_wrap_around() {
        long start = Long.MAX_VALUE - 10 * TICK;
        TimerWheel w = new TimerWheel(start, TICK, 16, 4);
        w.schedule(start + 20 * TICK, 1); // wraps to negative
        assertEquals(0, w.poll(start + 19 * TICK, record, 10));
        assertEquals(1, w.poll(start + 20 * TICK, record, 10));
    }

    @Test
    void grows_past_its_initial_capacity() {
        TimerWheel w = new TimerWheel(0, TICK, 16, 1);
        for (int i = 0; i < 1000; i++) {
            w.schedule(i * TICK, i);
        }
        assertEquals(1000, w.pendingCount());
        assertEquals(1000, w.poll(2000 * TICK, record, 10_000));
    }

    @Test
    void rejects_bad_geometry_with_a_clear_message() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, 1000, 16, 4));
        assertTrue(e.getMessage().contains("power of two"));
    }
}
