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
 * <p>Memory: 32 bytes per timer slot plus a little over 8 per spoke (both levels, and an
 * occupancy bit per spoke that lets a poll skip empty ticks 64 at a time). A slot's four words sit
 * side by side in one {@code long[]} (deadline, attachment, both links, spoke and generation),
 * so touching a timer touches one cache line, not six arrays.
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
    /** Words per slot, and where each one sits. */
    private static final int SHIFT = 2;
    private static final int DEADLINE = 0;
    private static final int ATTACHMENT = 1;
    /** {@code next << 32 | prev} (as unsigned 32 bits). A free slot keeps its free-list next here. */
    private static final int LINKS = 2;
    /** {@code spoke << 32 | generation}; spoke NONE marks a free slot. */
    private static final int META = 3;
    private static final long LOW = 0xffff_ffffL;
    private static final long HIGH = ~LOW;
    /** The largest slot count whose word index still fits an int. */
    private static final int MAX_SLOTS = 1 << (30 - SHIFT);

    private final long startNanos;
    private final int tickShift;
    private final long tickNanos;
    private final int spokeMask;
    private final int levelShift;
    /** Spokes [0, n) are this turn's ticks; [n, 2n) are whole turns further out. */
    private final int[] heads;
    /** One bit per spoke, set while its list is non-empty: a poll skips 64 empty spokes per word. */
    private final long[] occupied;

    private long[] words;
    private int capacity;
    private int freeHead = NONE;
    private int used;
    private int pending;
    private long currentTick;
    private long cascadedTurn;
    private int modCount;
    /** Bumped by every change to a pending deadline; {@link #earliestDeadline} is cached against it. */
    private long version;
    private long earliestCached;
    private long earliestVersion = -1;

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
        if (initialCapacity < 1 || initialCapacity > MAX_SLOTS) {
            throw new IllegalArgumentException(
                    "initialCapacity must be in [1, " + MAX_SLOTS + "], was " + initialCapacity);
        }
        this.startNanos = startNanos;
        this.tickNanos = tickNanos;
        this.tickShift = Long.numberOfTrailingZeros(tickNanos);
        this.spokeMask = ticksPerWheel - 1;
        this.levelShift = Integer.numberOfTrailingZeros(ticksPerWheel);
        this.heads = new int[2 * ticksPerWheel];
        Arrays.fill(heads, NONE);
        this.occupied = new long[Math.max(1, heads.length >>> 6)];
        allocate(initialCapacity);
    }

    /**
     * A wheel with about 1 ms ticks and 4096 spokes, starting at {@code startNanos}, with room
     * for 64 timers that doubles as needed (a simulator builds many small stacks).
     *
     * @param startNanos the clock's value now; ticks count from here
     */
    public TimerWheel(long startNanos) {
        this(startNanos, 1L << 20, 4096, 64);
    }

    private void allocate(int newCapacity) {
        words = words == null ? new long[newCapacity << SHIFT] : Arrays.copyOf(words, newCapacity << SHIFT);
        for (int slot = capacity; slot < newCapacity; slot++) {
            words[(slot << SHIFT) + META] = (long) NONE << 32; // free, generation 0
        }
        capacity = newCapacity;
    }

    /**
     * Drops every pending timer (each id becomes stale, so cancelling one later is a harmless
     * {@code false}) and sets the wheel's time to {@code nowNanos}, which may lie before the
     * time it had: the wheel as built, its grown arrays kept, for a driver that reuses it
     * between independent runs. O(slots ever used).
     *
     * @param nowNanos the clock's value now, on the clock {@code startNanos} came from
     */
    public void clear(long nowNanos) {
        long[] w = words;
        freeHead = NONE;
        for (int slot = used - 1; slot >= 0; slot--) {
            int b = slot << SHIFT;
            if ((int) (w[b + META] >> 32) != NONE) {
                w[b + META] = ((long) NONE << 32) | (((int) w[b + META] + 1) & LOW); // a new generation: old ids go stale
            }
            w[b + LINKS] = ((long) freeHead << 32) | LOW;
            freeHead = slot;
        }
        Arrays.fill(heads, NONE);
        Arrays.fill(occupied, 0L);
        pending = 0;
        currentTick = tickOf(nowNanos);
        cascadedTurn = currentTick >> levelShift;
        modCount++;
        version++;
    }

    /** {@return the number of timers scheduled and not yet fired or cancelled} */
    public int pendingCount() {
        return pending;
    }

    /** {@return the tick length in nanoseconds} */
    public long tickNanos() {
        return tickNanos;
    }

    /**
     * Schedules a timer.
     *
     * @param deadlineNanos when it fires, on the clock {@code startNanos} came from; a deadline
     *                      already past fires on the next {@link #poll}
     * @param attachment    any value, handed back to the {@link Handler}
     * @return its id, never {@link #NULL_TIMER}
     * @throws IllegalStateException when 2^28 timers are already pending
     */
    public long schedule(long deadlineNanos, long attachment) {
        int slot = freeHead;
        if (slot != NONE) {
            freeHead = (int) (words[(slot << SHIFT) + LINKS] >> 32);
        } else {
            if (used == capacity) {
                if (capacity == MAX_SLOTS) {
                    throw new IllegalStateException("timer wheel is full: " + MAX_SLOTS + " timers pending");
                }
                allocate((int) Math.min(MAX_SLOTS, Math.max(16L, 2L * capacity)));
            }
            slot = used++;
        }
        long[] w = words;
        int b = slot << SHIFT;
        w[b + DEADLINE] = deadlineNanos;
        w[b + ATTACHMENT] = attachment;
        int generation = (int) w[b + META];
        link(w, slot, generation, spokeOf(deadlineNanos));
        pending++;
        return ((long) generation << 32) | slot;
    }

    /**
     * Cancels a timer.
     *
     * @param timerId the id {@link #schedule} returned
     * @return true if it was pending; false for a fired, cancelled or otherwise stale id
     */
    public boolean cancel(long timerId) {
        int slot = liveSlot(timerId);
        if (slot == NONE) {
            return false;
        }
        long[] w = words;
        unlink(w, slot);
        release(w, slot);
        return true;
    }

    /**
     * Moves a pending timer to a new deadline, keeping its id and attachment: the common TCP
     * case of re-arming the retransmission timer on every ACK.
     *
     * @param timerId          the id {@link #schedule} returned
     * @param newDeadlineNanos the new deadline, on the same clock
     * @return true if it was pending and now has the new deadline
     */
    public boolean reschedule(long timerId, long newDeadlineNanos) {
        int slot = liveSlot(timerId);
        if (slot == NONE) {
            return false;
        }
        long[] w = words;
        int b = slot << SHIFT;
        int to = spokeOf(newDeadlineNanos);
        w[b + DEADLINE] = newDeadlineNanos;
        version++;
        if ((int) (w[b + META] >> 32) != to) {
            unlink(w, slot);
            link(w, slot, (int) w[b + META], to);
        }
        return true;
    }

    /**
     * The earliest deadline among pending timers, or {@link Long#MAX_VALUE} when none is
     * pending. Found from the occupancy bits, not by scanning every timer: the first occupied
     * spoke of this turn's ring in tick order holds the earliest timer unless it lies in a later
     * turn, and then only the outer spokes of the turns before it are read too. So the cost is
     * the timers of one or two spokes (one tick's, or one turn's when nothing is due within a
     * turn), whatever the number pending: cheap enough for an event loop to ask every turn, and asking
     * again before any timer changes costs a comparison.
     *
     * @return the earliest pending deadline, or {@link Long#MAX_VALUE}
     */
    public long earliestDeadline() {
        if (pending == 0) {
            return Long.MAX_VALUE;
        }
        if (earliestVersion != version) { // asked again with nothing changed (a loop's every turn): the answer stands
            earliestCached = findEarliest();
            earliestVersion = version;
        }
        return earliestCached;
    }

    private long findEarliest() {
        int n = spokeMask + 1;
        int cur = (int) (currentTick & spokeMask);
        // Inner spokes, in tick order from the current one: each holds one tick's timers (the
        // current one also those already due).
        long tick = 0;
        int s = nextOccupied(cur, n);
        if (s < n) {
            tick = currentTick + (s - cur);
        } else {
            s = nextOccupied(0, cur);
            if (s < cur) {
                tick = currentTick + (n - cur) + s;
            } else {
                s = -1;
            }
        }
        boolean found = s >= 0;
        long best = found ? earliestIn(heads[s]) : 0;
        // Outer spokes hold whole turns after this one; only those starting before the inner
        // candidate's tick can hold an earlier timer (one may also hold timers whole rings of
        // turns later, which only lose the comparison).
        long turn = (currentTick >> levelShift) + 1;
        for (int k = 0; k < n; k++, turn++) {
            long turnStart = turn << levelShift;
            if (found && tick - turnStart < 0) {
                break;
            }
            int outer = n + (int) (turn & spokeMask);
            if ((occupied[outer >>> 6] & (1L << outer)) != 0) {
                long m = earliestIn(heads[outer]);
                if (!found || m - best < 0) {
                    best = m;
                    tick = tickOf(m);
                    found = true;
                }
            }
        }
        return found ? best : Long.MAX_VALUE;
    }

    /** The earliest deadline on one spoke's list (which is not empty). */
    private long earliestIn(int head) {
        long[] w = words;
        long best = w[(head << SHIFT) + DEADLINE];
        for (int i = (int) (w[(head << SHIFT) + LINKS] >> 32); i != NONE; i = (int) (w[(i << SHIFT) + LINKS] >> 32)) {
            long d = w[(i << SHIFT) + DEADLINE];
            if (d - best < 0) {
                best = d;
            }
        }
        return best;
    }

    /**
     * The deadline of a pending timer, or {@link Long#MIN_VALUE} for a stale id.
     *
     * @param timerId the id {@link #schedule} returned
     * @return its deadline, or {@link Long#MIN_VALUE}
     */
    public long deadline(long timerId) {
        int slot = liveSlot(timerId);
        return slot == NONE ? Long.MIN_VALUE : words[(slot << SHIFT) + DEADLINE];
    }

    /**
     * Fires every timer whose deadline is at or before {@code nowNanos}, at most {@code limit}.
     *
     * @param nowNanos the clock's value now
     * @param handler  called once for each timer that fires, which is released first
     * @param limit    the most timers to fire in this call; the rest wait for the next
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
            for (int s = nextOccupied(0, heads.length); s < heads.length && fired < limit;
                    s = nextOccupied(s + 1, heads.length)) {
                fired += expire(s, nowNanos, handler, limit - fired);
            }
            if (fired < limit) {
                currentTick = nowTick;
                cascadedTurn = nowTick >> levelShift;
                for (int s = nextOccupied(spokeMask + 1, heads.length); s < heads.length;
                        s = nextOccupied(s + 1, heads.length)) {
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
            currentTick = nextBusyTick(nowTick);
        }
        return fired;
    }

    /**
     * The next tick after the current one that needs a visit: one whose inner spoke holds
     * timers, the start of the next turn (its outer spoke cascades down), or {@code nowTick},
     * whichever comes first. Ticks in between have empty spokes, so skipping them is exact.
     */
    private long nextBusyTick(long nowTick) {
        long from = currentTick + 1;
        long turnStart = ((currentTick >> levelShift) + 1) << levelShift;
        if (from == turnStart) {
            return from; // a new turn: its outer spoke cascades first
        }
        // From here to the bound stays inside this turn, so the spokes run upwards without wrapping.
        long bound = nowTick - turnStart < 0 ? nowTick : turnStart;
        int first = (int) (from & spokeMask);
        int end = bound == turnStart ? spokeMask + 1 : (int) (bound & spokeMask) + 1;
        int s = nextOccupied(first, end);
        return s < end ? from + (s - first) : bound;
    }

    /** The first occupied spoke in [from, end), or a value at or above {@code end} when none is. */
    private int nextOccupied(int from, int end) {
        if (from >= end) {
            return end;
        }
        int word = from >>> 6;
        long bits = occupied[word] & (-1L << from);
        while (true) {
            if (bits != 0) {
                return (word << 6) + Long.numberOfTrailingZeros(bits);
            }
            if (++word << 6 >= end) {
                return end;
            }
            bits = occupied[word];
        }
    }

    private int expire(int spoke, long nowNanos, Handler handler, int limit) {
        int fired = 0;
        int i = heads[spoke];
        while (i != NONE && fired < limit) {
            long[] w = words; // the handler may grow the array
            int b = i << SHIFT;
            int following = (int) (w[b + LINKS] >> 32);
            if (w[b + DEADLINE] - nowNanos <= 0) {
                long id = ((w[b + META] & LOW) << 32) | i;
                long attachment = w[b + ATTACHMENT];
                unlink(w, i);
                release(w, i);
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
        if (timerId == NULL_TIMER || slot < 0 || slot >= used) {
            return NONE;
        }
        long meta = words[(slot << SHIFT) + META];
        if ((int) meta != (int) (timerId >>> 32) || (int) (meta >> 32) == NONE) {
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
        long[] w = words;
        int i = heads[outerSpoke];
        heads[outerSpoke] = NONE;
        occupied[outerSpoke >>> 6] &= ~(1L << outerSpoke);
        while (i != NONE) {
            int b = i << SHIFT;
            int following = (int) (w[b + LINKS] >> 32);
            link(w, i, (int) w[b + META], spokeOf(w[b + DEADLINE]));
            i = following;
        }
    }

    /** Pushes a slot onto the front of a spoke's list. */
    private void link(long[] w, int slot, int generation, int spoke) {
        int head = heads[spoke];
        int b = slot << SHIFT;
        w[b + LINKS] = ((long) head << 32) | LOW; // prev = NONE
        if (head != NONE) {
            int h = (head << SHIFT) + LINKS;
            w[h] = (w[h] & HIGH) | (slot & LOW);
        }
        heads[spoke] = slot;
        occupied[spoke >>> 6] |= 1L << spoke;
        w[b + META] = ((long) spoke << 32) | (generation & LOW);
        modCount++;
        version++;
    }

    private void unlink(long[] w, int slot) {
        int b = slot << SHIFT;
        long links = w[b + LINKS];
        int p = (int) links;
        int n = (int) (links >> 32);
        if (p != NONE) {
            int pl = (p << SHIFT) + LINKS;
            w[pl] = ((long) n << 32) | (w[pl] & LOW);
        } else {
            int spoke = (int) (w[b + META] >> 32);
            heads[spoke] = n;
            if (n == NONE) {
                occupied[spoke >>> 6] &= ~(1L << spoke);
            }
        }
        if (n != NONE) {
            int nl = (n << SHIFT) + LINKS;
            w[nl] = (w[nl] & HIGH) | (p & LOW);
        }
        modCount++;
        version++;
    }

    /** Frees a slot: a new generation, so every id handed out for it goes stale. */
    private void release(long[] w, int slot) {
        int b = slot << SHIFT;
        w[b + META] = ((long) NONE << 32) | (((int) w[b + META] + 1) & LOW);
        w[b + LINKS] = ((long) freeHead << 32) | LOW;
        freeHead = slot;
        pending--;
    }
}
