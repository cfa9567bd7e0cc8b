package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The timer table: one slot per TimerKind, the earliest armed one is the next deadline. */
class TimersTest {
    @Test
    void each_kind_has_its_own_slot_and_disarming_one_leaves_the_others() {
        Timers t = new Timers();
        TimerKind[] kinds = TimerKind.values();
        for (int i = 0; i < kinds.length; i++) {
            t.set(kinds[i], 1000 + i);
        }
        for (int i = 0; i < kinds.length; i++) {
            assertEquals(1000 + i, t.deadline(kinds[i]), kinds[i].name());
        }
        t.cancel(TimerKind.RETRANSMISSION);
        assertFalse(t.armed(TimerKind.RETRANSMISSION));
        assertEquals(Tcb.NO_DEADLINE, t.deadline(TimerKind.RETRANSMISSION));
        assertEquals(0, t.at(TimerKind.RETRANSMISSION), "a disarmed slot holds 0, so equal states compare equal");
        assertEquals(1000 + TimerKind.PERSIST.ordinal(), t.deadline(TimerKind.PERSIST));
    }

    @Test
    void the_next_deadline_is_the_earliest_armed_one_compared_by_subtraction_across_wrap_around() {
        Timers t = new Timers();
        assertFalse(t.any());
        assertEquals(Tcb.NO_DEADLINE, t.next());
        t.set(TimerKind.KEEPALIVE, Long.MIN_VALUE + 5); // just past the wrap: later than MAX_VALUE - 5
        t.set(TimerKind.RETRANSMISSION, Long.MAX_VALUE - 5);
        assertTrue(t.any());
        assertEquals(Long.MAX_VALUE - 5, t.next());
        t.cancelAll();
        assertFalse(t.any());
        assertEquals(new Timers(), t, "cancelling everything leaves the table as new");
    }
}
