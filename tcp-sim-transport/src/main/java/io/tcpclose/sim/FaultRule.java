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
        SYN("segment with SYN"),
        FIN("segment with FIN"),
        RST("segment with RST"),
        /** ACK alone: no data, no SYN, FIN or RST. */
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

        /** Delivered {@code nanos} later than the link would deliver it. */
        record Delay(long nanos) implements Action {
            @Override
            public String toString() {
                return "delay " + Duration.ofNanos(nanos).toMillis() + " ms";
            }
        }

        /** Delivered {@code extraCopies} more times. */
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

        /** Delivered as usual, and one more copy {@code nanos} later: an old duplicate in the making. */
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
     * @param nth 1 for the first matching segment, 2 for the second, ...; 0 for every one
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

    /** On {@code from>to}, the {@code nth} segment matching {@code match}: drop. */
    public static FaultRule drop(String from, String to, Match match, int nth) {
        return new FaultRule(from, to, match, nth, new Action.Drop());
    }

    /** On {@code from>to}, the {@code nth} segment matching {@code match}: delay by {@code d}. */
    public static FaultRule delay(String from, String to, Match match, int nth, Duration d) {
        return new FaultRule(from, to, match, nth, new Action.Delay(d.toNanos()));
    }

    /** On {@code from>to}, the {@code nth} segment matching {@code match}: deliver it extra times. */
    public static FaultRule duplicate(String from, String to, Match match, int nth, int extraCopies) {
        return new FaultRule(from, to, match, nth, new Action.Duplicate(extraCopies));
    }

    /** On {@code from>to}, the {@code nth} segment matching {@code match}: also deliver a copy {@code d} later. */
    public static FaultRule delayedCopy(String from, String to, Match match, int nth, Duration d) {
        return new FaultRule(from, to, match, nth, new Action.DelayedCopy(d.toNanos()));
    }

    /** On {@code from>to}, the {@code nth} segment matching {@code match}: hold it. */
    public static FaultRule hold(String from, String to, Match match, int nth) {
        return new FaultRule(from, to, match, nth, new Action.Hold());
    }

    /** On {@code from>to}, the {@code nth} segment matching {@code match}: flip a bit. */
    public static FaultRule corrupt(String from, String to, Match match, int nth) {
        return new FaultRule(from, to, match, nth, new Action.Corrupt());
    }

    /** The same rule with its counters at zero. */
    public FaultRule copy() {
        return new FaultRule(from, to, match, nth, action);
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public Match match() {
        return match;
    }

    public int nth() {
        return nth;
    }

    public Action action() {
        return action;
    }

    /** How many segments matched the kind so far. */
    public int seen() {
        return seen;
    }

    /** How many times the action was applied. */
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

    /** Java source that rebuilds this rule, for pasting a failing case into a test. */
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
