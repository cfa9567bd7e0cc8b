package io.tcpclose.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A set of faults for one run, as data: targeted {@link FaultRule}s plus RSTs the network
 * injects at given times. Prints as Java a user can paste into a test.
 *
 * <p>Immutable and thread-safe (rules are copied with fresh counters when applied).
 *
 * @param rules      targeted rules, applied together
 * @param injections RSTs to inject
 */
public record FaultPlan(List<FaultRule> rules, List<RstInjection> injections) {
    /** No faults at all. */
    public static final FaultPlan NONE = new FaultPlan(List.of(), List.of());

    /**
     * A RST injected on {@code from>to} at {@code atNanos}, with sequence number RCV.NXT +
     * {@code offset} of the receiving connection ({@link Simulator#injectRstRelative}).
     *
     * @param atNanos virtual time from the start, in nanoseconds
     * @param from    the sending host's name
     * @param to      the receiving host's name; its first connection with {@code from} gets the RST
     * @param offset  added to that connection's RCV.NXT: 0 is exactly the next expected number
     */
    public record RstInjection(long atNanos, String from, String to, int offset) {
        String toJava() {
            return "new FaultPlan.RstInjection(" + atNanos + "L, \"" + from + "\", \"" + to + "\", " + offset + ")";
        }
    }

    /**
     * Copies the lists.
     *
     * @param rules      targeted rules, applied together
     * @param injections RSTs to inject
     */
    public FaultPlan {
        rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
        injections = List.copyOf(Objects.requireNonNull(injections, "injections"));
    }

    /**
     * Installs this plan's faults (with fresh rule counters) in {@code sim}.
     *
     * @param sim the simulator to install them in, before or during its run
     * @throws IllegalArgumentException if a rule or injection names a link {@code sim} does not have,
     *                                  or an injection's time has already passed
     */
    public void applyTo(Simulator sim) {
        for (FaultRule r : rules) {
            sim.addFault(r.copy());
        }
        for (RstInjection i : injections) {
            sim.injectRstRelative(Duration.ofNanos(i.atNanos()), i.from(), i.to(), i.offset());
        }
    }

    /** {@return Java source that rebuilds this plan, for pasting a failing case into a test} */
    public String toJava() {
        List<String> r = new ArrayList<>();
        for (FaultRule rule : rules) {
            r.add(rule.toJava());
        }
        List<String> i = new ArrayList<>();
        for (RstInjection inj : injections) {
            i.add(inj.toJava());
        }
        return "new FaultPlan(List.of(" + String.join(", ", r) + "), List.of(" + String.join(", ", i) + "))";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (FaultRule rule : rules) {
            sb.append(sb.length() == 0 ? "" : "; ").append(rule);
        }
        for (RstInjection inj : injections) {
            sb.append(sb.length() == 0 ? "" : "; ").append("at ").append(Duration.ofNanos(inj.atNanos()).toMillis())
                    .append(" ms inject RST rcv.nxt").append(inj.offset() >= 0 ? "+" : "").append(inj.offset())
                    .append(" on ").append(inj.from()).append('>').append(inj.to());
        }
        return (sb.length() == 0 ? "no faults" : sb.toString()) + "\n  as Java: " + toJava();
    }
}
