package io.tcpclose.timer;

import java.util.Arrays;

/**
 * A hashed timer wheel of absolute nanosecond deadlines, for a driver that owns many
 * connections.
 *
 * <p>Timers live in parallel primitive arrays, one slot per timer, threaded onto per-spoke
 * doubly linked lists; free slots form a free list. So {@link #schedule}, {@link #cancel} and
 * {@link #reschedule} are O(1) whatever the number of pending timers (no scan for a free slot),
 * and none allocates once the arrays have grown to the working set. A timer id packs the slot
 * and a generation ({@code generation << 32 | slot}); every release bumps the generation, so a
 * stale id is recognised and cancelling it is a harmless {@code false}.
 *
 * <p>Two levels: timers due within one turn of the wheel sit in the spoke of their tick; timers
 * further out sit in a second ring of spokes, one per whole turn, and cascade down into the
 * first when their turn begins. So a poll only ever walks timers that are due this tick, not
 * every timer that happens to hash to the same spoke from later turns.
 *
 * <p>{@link #poll} fires every timer whose deadline is at or before {@code now}, never one
 * early, in spoke order, at most {@code limit} per call. It catches up across any number of
 * elapsed ticks in one call (after a full turn it sweeps each spoke once instead of ticking),
 * and with nothing pending it returns at once. Deadlines are compared by subtraction, so the
 * wheel is safe across {@code System.nanoTime()} wrap-around.
 *
 * <p>Memory: 32 bytes per timer slot (deadline, attachment, two links, spoke, generation) plus
 * 8 per spoke (both levels).
 *
 * <p>Not thread-safe by design: one driver thread owns it. A handler may schedule, cancel or
 * reschedule timers while {@code poll} runs.
 */
public final class TimerWheel {
    /** Never a valid timer id. */
    public static final long NULL_TIMER = -1L;

    /** Called for each expired timer. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param timerId    the id {@link #schedule} returned (now released)
         * @param attachment the value given at scheduling
         * @param nowNanos   the time passed to {@link #poll}
         */
        void onExpiry(long timerId, long attachment, long nowNanos);
    }

    private static final int NONE = -1;

    private final long startNanos;
    private final int tickShift;
    private final long tickNanos;
    private final int spokeMask;
    private final int levelShift;
    /** Spokes [0, n) are this turn's ticks; [n, 2n) are whole turns further out. */
    private final int[] heads;

    private long[] deadlines;
    private long[] attachments;
    private int[] next;
    private int[] prev;
    private int[] generations;
    /** The spoke a pending timer is linked into, or NONE for a free slot. */
    private int[] spokes;
    private int freeHead = NONE;
    private int used;
    private int pending;
    private long currentTick;
    private long cascadedTurn;
    private int modCount;

    /**
     * @param startNanos      the clock's value now; ticks count from here
     * @param tickNanos       tick length, a power of two (e.g. 1 &lt;&lt; 20, about a millisecond)
     * @param ticksPerWheel   spokes, a power of two
     * @param initialCapacity timer slots allocated up front
     */
    public TimerWheel(long startNanos, long tickNanos, int ticksPerWheel, int initialCapacity) {
        if (tickNanos <= 0 || Long.bitCount(tickNanos) != 1) {
            throw new IllegalArgumentException("tickNanos must be a positive power of two, was " + tickNanos);
        }
        if (ticksPerWheel <= 0 || Integer.bitCount(ticksPerWheel) != 1) {
            throw new IllegalArgumentException("ticksPerWheel must be a positive power of two, was " + ticksPerWheel);
        }
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("initialCapacity must be at least 1, was " + initialCapacity);
        }
        this.startNanos = startNanos;
        this.tickNanos = tickNanos;
        this.tickShift = Long.numberOfTrailingZeros(tickNanos);
        this.spokeMask = ticksPerWheel - 1;
        this.levelShift = Integer.numberOfTrailingZeros(ticksPerWheel);
        this.heads = new int[2 * ticksPerWheel];
        Arrays.fill(heads, NONE);
        allocate(initialCapacity);
    }

    /** A wheel with about 1 ms ticks and 4096 spokes, starting at {@code startNanos}. */
    public TimerWheel(long startNanos) {
        this(startNanos, 1L << 20, 4096, 1024);
    }

    private void allocate(int capacity) {
        deadlines = deadlines == null ? new long[capacity] : Arrays.copyOf(deadlines, capacity);
        attachments = attachments == null ? new long[capacity] : Arrays.copyOf(attachments, capacity);
        next = next == null ? new int[capacity] : Arrays.copyOf(next, capacity);
        prev = prev == null ? new int[capacity] : Arrays.copyOf(prev, capacity);
        generations = generations == null ? new int[capacity] : Arrays.copyOf(generations, capacity);
        int old = spokes == null ? 0 : spokes.length;
        spokes = spokes == null ? new int[capacity] : Arrays.copyOf(spokes, capacity);
        Arrays.fill(spokes, old, capacity, NONE);
    }

    /** Number of timers scheduled and not yet fired or cancelled. */
    public int pendingCount() {
        return pending;
    }

    /** The tick length in nanoseconds. */
    public long tickNanos() {
        return tickNanos;
    }

    /**
     * Schedules a timer.
     *
     * @return its id, never {@link #NULL_TIMER}
     */
    public long schedule(long deadlineNanos, long attachment) {
        int slot = freeHead;
        if (slot != NONE) {
            freeHead = next[slot];
        } else {
            if (used == deadlines.length) {
                allocate(Math.max(16, deadlines.length * 2));
            }
            slot = used++;
        }
        deadlines[slot] = deadlineNanos;
        attachments[slot] = attachment;
        link(slot, spokeOf(deadlineNanos));
        pending++;
        return ((long) generations[slot] << 32) | slot;
    }

    /**
     * Cancels a timer.
     *
     * @return true if it was pending; false for a fired, cancelled or otherwise stale id
     */
    public boolean cancel(long timerId) {
        int slot = liveSlot(timerId);
        if (slot == NONE) {
            return false;
        }
        unlink(slot);
        release(slot);
        return true;
    }

    /**
     * Moves a pending timer to a new deadline, keeping its id and attachment: the common TCP
     * case of re-arming the retransmission timer on every ACK.
     *
     * @return true if it was pending and now has the new deadline
     */
    public boolean reschedule(long timerId, long newDeadlineNanos) {
        int slot = liveSlot(timerId);
        if (slot == NONE) {
            return false;
        }
        int to = spokeOf(newDeadlineNanos);
        deadlines[slot] = newDeadlineNanos;
        if (spokes[slot] != to) {
            unlink(slot);
            link(slot, to);
        }
        return true;
    }

    /**
     * The earliest deadline among pending timers, or {@link Long#MAX_VALUE} when none is
     * pending. It scans every slot, O(capacity): meant for a simulator that jumps virtual time
     * to the next event, not for a hot path.
     */
    public long earliestDeadline() {
        long best = Long.MAX_VALUE;
        boolean found = false;
        for (int i = 0; i < used; i++) {
            if (spokes[i] != NONE && (!found || deadlines[i] - best < 0)) {
                best = deadlines[i];
                found = true;
            }
        }
        return best;
    }

    /** The deadline of a pending timer, or {@link Long#MIN_VALUE} for a stale id. */
    public long deadline(long timerId) {
        int slot = liveSlot(timerId);
        return slot == NONE ? Long.MIN_VALUE : deadlines[slot];
    }

    /**
     * Fires every timer whose deadline is at or before {@code nowNanos}, at most {@code limit}.
     *
     * @return the number fired
     */
    public int poll(long nowNanos, Handler handler, int limit) {
        long nowTick = tickOf(nowNanos);
        if (pending == 0) {
            if (nowTick - currentTick > 0) {
                currentTick = nowTick;
                cascadedTurn = nowTick >> levelShift;
            }
            return 0;
        }
        int fired = 0;
        if (nowTick - currentTick > spokeMask) {
            // More than a whole turn elapsed: one sweep of every spoke, both levels, finds
            // everything due; what is left of the outer ring is placed anew from the new tick.
            for (int s = 0; s < heads.length && fired < limit; s++) {
                fired += expire(s, nowNanos, handler, limit - fired);
            }
            if (fired < limit) {
                currentTick = nowTick;
                cascadedTurn = nowTick >> levelShift;
                for (int s = spokeMask + 1; s < heads.length; s++) {
                    cascade(s);
                }
            }
            return fired;
        }
        while (fired < limit) {
            while (cascadedTurn - (currentTick >> levelShift) < 0) {
                cascadedTurn++;
                cascade(spokeMask + 1 + (int) (cascadedTurn & spokeMask));
            }
            fired += expire((int) (currentTick & spokeMask), nowNanos, handler, limit - fired);
            if (fired >= limit || currentTick - nowTick >= 0) {
                break;
            }
            currentTick++;
        }
        return fired;
    }

    private int expire(int spoke, long nowNanos, Handler handler, int limit) {
        int fired = 0;
        int i = heads[spoke];
        while (i != NONE && fired < limit) {
            int following = next[i];
            if (deadlines[i] - nowNanos <= 0) {
                long id = ((long) generations[i] << 32) | i;
                long attachment = attachments[i];
                unlink(i);
                release(i);
                fired++;
                int before = modCount;
                handler.onExpiry(id, attachment, nowNanos);
                if (modCount != before) {
                    following = heads[spoke]; // the handler changed the lists: rescan this spoke
                }
            }
            i = following;
        }
        return fired;
    }

    private int liveSlot(long timerId) {
        int slot = (int) timerId;
        if (timerId == NULL_TIMER || slot < 0 || slot >= used
                || generations[slot] != (int) (timerId >>> 32) || spokes[slot] == NONE) {
            return NONE;
        }
        return slot;
    }

    private long tickOf(long nanos) {
        return (nanos - startNanos) >> tickShift;
    }

    private int spokeOf(long deadlineNanos) {
        long tick = tickOf(deadlineNanos);
        if (tick - currentTick < 0) {
            tick = currentTick; // already due: the next poll's first spoke finds it
        }
        if (tick - currentTick <= spokeMask) {
            return (int) (tick & spokeMask);
        }
        return spokeMask + 1 + (int) ((tick >> levelShift) & spokeMask);
    }

    /** Re-places every timer of one outer spoke relative to the current tick. */
    private void cascade(int outerSpoke) {
        int i = heads[outerSpoke];
        heads[outerSpoke] = NONE;
        while (i != NONE) {
            int following = next[i];
            link(i, spokeOf(deadlines[i]));
            i = following;
        }
    }

    private void link(int slot, int spoke) {
        int head = heads[spoke];
        next[slot] = head;
        prev[slot] = NONE;
        if (head != NONE) {
            prev[head] = slot;
        }
        heads[spoke] = slot;
        spokes[slot] = spoke;
        modCount++;
    }

    private void unlink(int slot) {
        int p = prev[slot];
        int n = next[slot];
        if (p != NONE) {
            next[p] = n;
        } else {
            heads[spokes[slot]] = n;
        }
        if (n != NONE) {
            prev[n] = p;
        }
        modCount++;
    }

    private void release(int slot) {
        generations[slot]++;
        spokes[slot] = NONE;
        prev[slot] = NONE;
        next[slot] = freeHead;
        freeHead = slot;
        pending--;
    }
}
