package io.tcpclose.sim.jqwik;

import io.tcpclose.sim.FaultPlan;
import io.tcpclose.sim.FaultRule;
import io.tcpclose.sim.LinkConditions;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for simulated-network tests: fault plans and link conditions that shrink
 * toward fewer rules, smaller counts, zero delay and no background noise. A failing case
 * prints its plan as Java (see {@link FaultPlan#toJava()}) to paste into a test; pair it with
 * the property's seed to replay the run exactly.
 *
 * <p>Stateless; thread-safe. Needs jqwik on the test classpath (an optional dependency).
 */
public final class SimArbitraries {
    private SimArbitraries() {}

    /**
     * One targeted rule between two hosts, in either direction: any {@link FaultRule.Match}, the
     * 1st to 8th matching segment, and a drop, a delay of 0 to 3000 ms, or 1 to 3 extra copies.
     *
     * @param a one host's name
     * @param b the other host's name
     * @return rules on {@code a>b} or {@code b>a}
     */
    public static Arbitrary<FaultRule> faultRules(String a, String b) {
        Arbitrary<Boolean> forward = Arbitraries.of(true, false);
        Arbitrary<FaultRule.Match> match = Arbitraries.of(FaultRule.Match.class);
        Arbitrary<Integer> nth = Arbitraries.integers().between(1, 8).withDistribution(net.jqwik.api.RandomDistribution.uniform());
        Arbitrary<FaultRule.Action> action = Arbitraries.oneOf(
                Arbitraries.just(new FaultRule.Action.Drop()),
                Arbitraries.longs().between(0, 3_000).map(ms -> (FaultRule.Action) new FaultRule.Action.Delay(Duration.ofMillis(ms).toNanos())),
                Arbitraries.integers().between(1, 3).map(n -> (FaultRule.Action) new FaultRule.Action.Duplicate(n)));
        return Combinators.combine(forward, match, nth, action)
                .as((f, m, n, act) -> new FaultRule(f ? a : b, f ? b : a, m, n, act));
    }

    /**
     * Up to {@code maxRules} rules ({@link #faultRules}) and no injected RSTs.
     *
     * @param a        one host's name
     * @param b        the other host's name
     * @param maxRules the most rules in a plan, zero or more
     * @return plans that shrink toward fewer and simpler rules
     */
    public static Arbitrary<FaultPlan> faultPlans(String a, String b, int maxRules) {
        return faultRules(a, b).list().ofMaxSize(maxRules).map(rules -> new FaultPlan(rules, List.of()));
    }

    /**
     * Rules plus up to {@code maxInjections} RSTs injected within the first {@code withinMillis}
     * milliseconds, in either direction. A RST's sequence number is the receiver's RCV.NXT plus
     * 0 (a valid reset), plus 1 to 60000 (meant to land in the window: a challenge ACK) or plus
     * 100000 to 2000000 (meant to fall outside it); see {@link FaultPlan.RstInjection}.
     *
     * @param a             one host's name
     * @param b             the other host's name
     * @param maxRules      the most rules in a plan, zero or more
     * @param maxInjections the most injected RSTs in a plan, zero or more
     * @param withinMillis  the latest injection time, in milliseconds of virtual time from the start
     * @return plans with rules and injections
     */
    public static Arbitrary<FaultPlan> faultPlansWithResets(String a, String b, int maxRules, int maxInjections, long withinMillis) {
        Arbitrary<FaultPlan.RstInjection> inj = Combinators.combine(
                Arbitraries.longs().between(0, withinMillis),
                Arbitraries.of(true, false),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(0)),                      // exactly RCV.NXT: a valid reset
                        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 60_000)),  // in the window: challenge ACK
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(100_000, 2_000_000)))) // outside: dropped
                .as((ms, f, off) -> new FaultPlan.RstInjection(Duration.ofMillis(ms).toNanos(), f ? a : b, f ? b : a, off));
        return Combinators.combine(faultRules(a, b).list().ofMaxSize(maxRules), inj.list().ofMaxSize(maxInjections))
                .as(FaultPlan::new);
    }

    /**
     * Background conditions: loss up to {@code maxLoss}, delay 0 to 100 ms, jitter 0 to 20 ms,
     * duplication and reordering probabilities up to 0.1 each; probabilities to three decimals.
     *
     * @param maxLoss the highest loss probability, in [0, 1]
     * @return conditions that shrink toward a quiet link with no delay
     */
    public static Arbitrary<LinkConditions> linkConditions(double maxLoss) {
        return Combinators.combine(
                Arbitraries.doubles().between(0, maxLoss).ofScale(3),
                Arbitraries.integers().between(0, 100),
                Arbitraries.integers().between(0, 20),
                Arbitraries.doubles().between(0, 0.1).ofScale(3),
                Arbitraries.doubles().between(0, 0.1).ofScale(3))
                .as(LinkConditions::new);
    }
}
