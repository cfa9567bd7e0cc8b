package io.tcpclose.sim;

import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import java.time.Duration;
import java.util.Objects;

/**
 * A targeted fault, written as data: on one link direction, the n-th segment of a kind (or
 * every one), gets an action. Prints readably ("on client>server, the 1st segment with FIN:
 * drop") and counts its own matches.
 *
 * <p>The rule's definition is immutable; its match counter is the only state and belongs to
 * the run that uses it ({@link #copy()} gives a fresh counter). Not thread-safe.
 */
public final class FaultRule {
    /** Which segments a rule considers. */
    public enum Match {
        /** Every segment: "the 7th segment" counts all. */
        ANY("segment"),
        /** With SYN set: a SYN or a SYN,ACK. */
        SYN("segment with SYN"),
        /** With FIN set, data or not. */
        FIN("segment with FIN"),
        /** With RST set. */
        RST("segment with RST"),
        /** ACK alone: the ACK flag and no other (no SYN, FIN, RST or PSH), and no data. */
        PURE_ACK("pure ACK"),
        /** Carrying data. */
        DATA("data segment");

        private final String phrase;

        Match(String phrase) {
            this.phrase = phrase;
        }

        boolean test(Segment s) {
            switch (this) {
                case ANY:
                    return true;
                case SYN:
                    return s.has(TcpFlags.SYN);
                case FIN:
                    return s.has(TcpFlags.FIN);
                case RST:
                    return s.has(TcpFlags.RST);
                case PURE_ACK:
                    return s.flags() == TcpFlags.ACK && s.payload().isEmpty();
                default:
                    return !s.payload().isEmpty();
            }
        }
    }

    /** What happens to a matching segment. */
    public sealed interface Action {
        /** Lost. */
        record Drop() implements Action {
            @Override
            public String toString() {
                return "drop";
            }
        }

        /**
         * Delivered {@code nanos} later than the link would deliver it.
         *
         * @param nanos the extra delay in nanoseconds
         */
        record Delay(long nanos) implements Action {
            @Override
            public String toString() {
                return "delay " + Duration.ofNanos(nanos).toMillis() + " ms";
            }
        }

        /**
         * Delivered {@code extraCopies} more times.
         *
         * @param extraCopies how many copies beyond the original
         */
        record Duplicate(int extraCopies) implements Action {
            @Override
            public String toString() {
                return extraCopies == 1 ? "duplicate once" : extraCopies == 2 ? "duplicate twice" : "duplicate " + extraCopies + " times";
            }
        }

        /** One bit flipped. */
        record Corrupt() implements Action {
            @Override
            public String toString() {
                return "corrupt";
            }
        }

        /**
         * Delivered as usual, and one more copy {@code nanos} later: an old duplicate in the making.
         *
         * @param nanos how long after the original the copy arrives, in nanoseconds
         */
        record DelayedCopy(long nanos) implements Action {
            @Override
            public String toString() {
                return "keep a copy and deliver it " + Duration.ofNanos(nanos).toMillis() + " ms later";
            }
        }

        /** Held until the link is released (or for ever). */
        record Hold() implements Action {
            @Override
            public String toString() {
                return "hold";
            }
        }
    }

    private final String from;
    private final String to;
    private final Match match;
    private final int nth;
    private final Action action;
    private int seen;
    private int fired;

    /**
     * A rule with a fresh counter.
     *
     * @param from   the sending host's name
     * @param to     the receiving host's name
     * @param match  which segments count
     * @param nth    1 for the first matching segment, 2 for the second, ...; 0 for every one
     * @param action what happens to the segments the rule picks
     * @throws IllegalArgumentException if {@code nth} is negative
     */
    public FaultRule(String from, String to, Match match, int nth, Action action) {
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        this.match = Objects.requireNonNull(match, "match");
        this.action = Objects.requireNonNull(action, "action");
        if (nth < 0) {
            throw new IllegalArgumentException("nth must be 0 (every) or at least 1, was " + nth);
        }
        this.nth = nth;
    }

    /**
     * On {@code from>to}, the {@code nth} segment matching {@code match}: drop.
     *
     * @param from  the sending host's name
     * @param to    the receiving host's name
     * @param match which segments count
     * @param nth   1 for the first matching segment, 2 for the second, ...; 0 for every one
     * @return the rule, its counters at zero
     * @throws IllegalArgumentException if {@code nth} is negative
     */
    public static FaultRule drop(String from, String to, Match match, int nth) {
        return new FaultRule(from, to, match, nth, new Action.Drop());
    }

    /**
     * On {@code from>to}, the {@code nth} segment matching {@code match}: delay by {@code d}.
     *
     * @param from  the sending host's name
     * @param to    the receiving host's name
     * @param match which segments count
     * @param nth   1 for the first matching segment, 2 for the second, ...; 0 for every one
     * @param d     the extra delay, to the nanosecond
     * @return the rule, its counters at zero
     * @throws IllegalArgumentException if {@code nth} is negative
     */
    public static FaultRule delay(String from, String to, Match match, int nth, Duration d) {
        return new FaultRule(from, to, match, nth, new Action.Delay(d.toNanos()));
    }

    /**
     * On {@code from>to}, the {@code nth} segment matching {@code match}: deliver it extra times.
     *
     * @param from        the sending host's name
     * @param to          the receiving host's name
     * @param match       which segments count
     * @param nth         1 for the first matching segment, 2 for the second, ...; 0 for every one
     * @param extraCopies how many copies beyond the original
     * @return the rule, its counters at zero
     * @throws IllegalArgumentException if {@code nth} is negative
     */
    public static FaultRule duplicate(String from, String to, Match match, int nth, int extraCopies) {
        return new FaultRule(from, to, match, nth, new Action.Duplicate(extraCopies));
    }

    /**
     * On {@code from>to}, the {@code nth} segment matching {@code match}: also deliver a copy
     * {@code d} later.
     *
     * @param from  the sending host's name
     * @param to    the receiving host's name
     * @param match which segments count
     * @param nth   1 for the first matching segment, 2 for the second, ...; 0 for every one
     * @param d     how long after the original the copy arrives, to the nanosecond
     * @return the rule, its counters at zero
     * @throws IllegalArgumentException if {@code nth} is negative
     */
    public static FaultRule delayedCopy(String from, String to, Match match, int nth, Duration d) {
        return new FaultRule(from, to, match, nth, new Action.DelayedCopy(d.toNanos()));
    }

    /**
     * On {@code from>to}, the {@code nth} segment matching {@code match}: hold it until the link is
     * released ({@link Link#release()}).
     *
     * @param from  the sending host's name
     * @param to    the receiving host's name
     * @param match which segments count
     * @param nth   1 for the first matching segment, 2 for the second, ...; 0 for every one
     * @return the rule, its counters at zero
     * @throws IllegalArgumentException if {@code nth} is negative
     */
    public static FaultRule hold(String from, String to, Match match, int nth) {
        return new FaultRule(from, to, match, nth, new Action.Hold());
    }

    /**
     * On {@code from>to}, the {@code nth} segment matching {@code match}: flip a bit.
     *
     * @param from  the sending host's name
     * @param to    the receiving host's name
     * @param match which segments count
     * @param nth   1 for the first matching segment, 2 for the second, ...; 0 for every one
     * @return the rule, its counters at zero
     * @throws IllegalArgumentException if {@code nth} is negative
     */
    public static FaultRule corrupt(String from, String to, Match match, int nth) {
        return new FaultRule(from, to, match, nth, new Action.Corrupt());
    }

    /** {@return the same rule with its counters at zero} */
    public FaultRule copy() {
        return new FaultRule(from, to, match, nth, action);
    }

    /** {@return the name of the host whose segments the rule considers} */
    public String from() {
        return from;
    }

    /** {@return the name of the host those segments go to} */
    public String to() {
        return to;
    }

    /** {@return which segments count} */
    public Match match() {
        return match;
    }

    /** {@return which matching segment the action applies to, 1-based; 0 for every one} */
    public int nth() {
        return nth;
    }

    /** {@return what happens to the segments the rule picks} */
    public Action action() {
        return action;
    }

    /** {@return how many segments on the rule's link matched its kind so far} */
    public int seen() {
        return seen;
    }

    /** {@return how many times the action was applied so far} */
    public int fired() {
        return fired;
    }

    /** Counts {@code s} if it is on this rule's link and of its kind; true when the action applies. */
    boolean applies(String linkFrom, String linkTo, Segment s) {
        if (!from.equals(linkFrom) || !to.equals(linkTo) || !match.test(s)) {
            return false;
        }
        seen++;
        if (nth == 0 || seen == nth) {
            fired++;
            return true;
        }
        return false;
    }

    /** {@return Java source that rebuilds this rule, for pasting a failing case into a test} */
    public String toJava() {
        String head = "\"" + from + "\", \"" + to + "\", FaultRule.Match." + match + ", " + nth;
        if (action instanceof Action.Drop) {
            return "FaultRule.drop(" + head + ")";
        }
        if (action instanceof Action.Delay) {
            return "FaultRule.delay(" + head + ", Duration.ofNanos(" + ((Action.Delay) action).nanos() + "L))";
        }
        if (action instanceof Action.Duplicate) {
            return "FaultRule.duplicate(" + head + ", " + ((Action.Duplicate) action).extraCopies() + ")";
        }
        if (action instanceof Action.Hold) {
            return "FaultRule.hold(" + head + ")";
        }
        if (action instanceof Action.DelayedCopy) {
            return "FaultRule.delayedCopy(" + head + ", Duration.ofNanos(" + ((Action.DelayedCopy) action).nanos() + "L))";
        }
        return "FaultRule.corrupt(" + head + ")";
    }

    @Override
    public String toString() {
        String which = nth == 0 ? "every " + match.phrase : "the " + ordinal(nth) + " " + match.phrase;
        return "on " + from + ">" + to + ", " + which + ": " + action;
    }

    private static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th"
                : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
        return n + suffix;
    }
}
