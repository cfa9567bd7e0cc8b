package io.tcpclose.engine;

/**
 * The connection's timers as one table indexed by {@link TimerKind}, and the times the
 * timer-like rules run from: when the oldest unacknowledged data began waiting (the user
 * timeout's origin), how many keep-alive probes went unanswered, and when the last challenge
 * ACK and the last ACK to an unacceptable ACK went out (RFC 5961 §7's throttle). See {@link
 * Part}.
 *
 * <p>Invariant: a disarmed slot holds 0, so equal states compare equal. Deadlines are absolute
 * times on the caller's monotonic clock, compared by subtraction: any {@code long} works, and
 * whether a slot is armed is kept in {@link #armed}, never in a magic value.
 */
final class Timers extends Part {
    private static final TimerKind[] KINDS = TimerKind.values();
    /** Every timer's bit in {@link #armed}. */
    static final int ALL = (1 << KINDS.length) - 1;

    /** Deadlines by {@link TimerKind#ordinal()}. */
    long[] at = new long[KINDS.length];
    /** Bit {@code 1 << kind.ordinal()} set when that slot holds a deadline. */
    int armed;
    /** Whether queued data is waiting for an ACK (or a window), and since when. */
    boolean waiting;
    long waitingSinceNanos;
    int keepAliveProbesSent;
    boolean challengeSent;
    long lastChallengeAckNanos;
    boolean outOfWindowAckSent;
    long lastOutOfWindowAckNanos;

    @Override
    Timers copy() {
        Timers t = (Timers) super.copy();
        t.at = at.clone();
        return t;
    }

    static int bit(TimerKind kind) {
        return 1 << kind.ordinal();
    }

    boolean armed(TimerKind kind) {
        return (armed & bit(kind)) != 0;
    }

    /** {@return the deadline of {@code kind}, or {@link Tcb#NO_DEADLINE} when it is not armed} */
    long deadline(TimerKind kind) {
        return armed(kind) ? at[kind.ordinal()] : Tcb.NO_DEADLINE;
    }

    /** True when {@code kind} is armed and its deadline is at or before {@code now}. */
    boolean due(TimerKind kind, long now) {
        return armed(kind) && at[kind.ordinal()] - now <= 0;
    }

    void set(TimerKind kind, long deadline) {
        at[kind.ordinal()] = deadline;
        armed |= bit(kind);
    }

    void cancel(TimerKind kind) {
        at[kind.ordinal()] = 0;
        armed &= ~bit(kind);
    }

    /** Cancels every timer and forgets the waiting data's origin (entering TIME-WAIT or CLOSED). */
    void cancelAll() {
        java.util.Arrays.fill(at, 0);
        armed = 0;
        waiting = false;
        waitingSinceNanos = 0;
    }

    /**
     * The user timeout follows the waiting data's origin (RFC 5482 §3): armed at origin + the
     * configured timeout while data waits and a timeout is configured. The one place the slot
     * is derived.
     */
    void syncUserTimeout(TcpConfig config) {
        if (waiting && config.userTimeoutNanos != TcpConfig.NONE) {
            set(TimerKind.USER_TIMEOUT, waitingSinceNanos + config.userTimeoutNanos);
        } else {
            cancel(TimerKind.USER_TIMEOUT);
        }
    }

    /** {@return whether any timer is armed} */
    boolean any() {
        return armed != 0;
    }

    /** The earliest armed deadline, or {@link Tcb#NO_DEADLINE} when none is armed. */
    long next() {
        int a = armed;
        if (a == 0) {
            return Tcb.NO_DEADLINE;
        }
        int i = Integer.numberOfTrailingZeros(a);
        long best = at[i];
        for (a &= a - 1; a != 0; a &= a - 1) {
            long d = at[Integer.numberOfTrailingZeros(a)];
            if (d - best < 0) {
                best = d;
            }
        }
        return best;
    }
}
