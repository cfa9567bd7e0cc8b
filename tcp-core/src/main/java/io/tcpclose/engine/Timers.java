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
    // The table, one deadline per TimerKind (fields, not an array: no second object per copy);
    // at(int) and put(int, long) are the only mapping from a kind to its slot.
    private long timeWaitAt;
    private long finWait2At;
    private long userTimeoutAt;
    private long retransmissionAt;
    private long persistAt;
    private long keepAliveAt;
    private long delayedAckAt;
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

    /** The deadline in the slot of the kind with this ordinal. */
    long at(int kind) {
        switch (kind) {
            case 0:
                return timeWaitAt;
            case 1:
                return finWait2At;
            case 2:
                return userTimeoutAt;
            case 3:
                return retransmissionAt;
            case 4:
                return persistAt;
            case 5:
                return keepAliveAt;
            default:
                return delayedAckAt;
        }
    }

    private void put(int kind, long deadline) {
        switch (kind) {
            case 0:
                timeWaitAt = deadline;
                break;
            case 1:
                finWait2At = deadline;
                break;
            case 2:
                userTimeoutAt = deadline;
                break;
            case 3:
                retransmissionAt = deadline;
                break;
            case 4:
                persistAt = deadline;
                break;
            case 5:
                keepAliveAt = deadline;
                break;
            default:
                delayedAckAt = deadline;
        }
    }

    /** The deadline of {@code kind}, armed or not (0 when not). */
    long at(TimerKind kind) {
        return at(kind.ordinal());
    }

    static int bit(TimerKind kind) {
        return 1 << kind.ordinal();
    }

    boolean armed(TimerKind kind) {
        return (armed & bit(kind)) != 0;
    }

    /** {@return the deadline of {@code kind}, or {@link Tcb#NO_DEADLINE} when it is not armed} */
    long deadline(TimerKind kind) {
        return armed(kind) ? at(kind.ordinal()) : Tcb.NO_DEADLINE;
    }

    /** True when {@code kind} is armed and its deadline is at or before {@code now}. */
    boolean due(TimerKind kind, long now) {
        return armed(kind) && at(kind.ordinal()) - now <= 0;
    }

    void set(TimerKind kind, long deadline) {
        put(kind.ordinal(), deadline);
        armed |= bit(kind);
    }

    void cancel(TimerKind kind) {
        put(kind.ordinal(), 0);
        armed &= ~bit(kind);
    }

    /** Cancels every timer and forgets the waiting data's origin (entering TIME-WAIT or CLOSED). */
    void cancelAll() {
        for (int a = armed; a != 0; a &= a - 1) {
            put(Integer.numberOfTrailingZeros(a), 0);
        }
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
        long best = at(Integer.numberOfTrailingZeros(a));
        for (a &= a - 1; a != 0; a &= a - 1) {
            long d = at(Integer.numberOfTrailingZeros(a));
            if (d - best < 0) {
                best = d;
            }
        }
        return best;
    }
}
