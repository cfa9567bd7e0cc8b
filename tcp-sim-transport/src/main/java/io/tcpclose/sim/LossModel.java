package io.tcpclose.sim;

import java.util.SplittableRandom;

/**
 * How a link loses packets on its own, apart from targeted faults. Parameter names follow
 * Linux netem ({@code loss random P}, {@code loss gemodel p r 1-h 1-k}).
 *
 * <p>Implementations are immutable; the per-link state of a bursty model lives in the link.
 */
public sealed interface LossModel {
    /** No loss. */
    LossModel NONE = new Bernoulli(0);

    /**
     * Independent loss with probability {@code p} per packet.
     *
     * @param p the loss probability, in [0, 1]
     */
    record Bernoulli(double p) implements LossModel {
        /**
         * Checks the probability.
         *
         * @param p the loss probability, in [0, 1]
         * @throws IllegalArgumentException if {@code p} lies outside [0, 1]
         */
        public Bernoulli {
            Probabilities.check("loss probability", p);
        }

        @Override
        public String toString() {
            return p == 0 ? "none" : "random " + Probabilities.pct(p);
        }
    }

    /**
     * Gilbert-Elliott bursty loss: a good and a bad state. {@code p}: good to bad, {@code r}:
     * bad to good, {@code oneMinusH}: loss probability in the bad state, {@code oneMinusK}:
     * loss probability in the good state (netem's {@code gemodel p r 1-h 1-k}).
     *
     * @param p         the probability of moving from the good state to the bad one, per packet
     * @param r         the probability of moving from the bad state to the good one, per packet
     * @param oneMinusH the loss probability in the bad state
     * @param oneMinusK the loss probability in the good state
     */
    record GilbertElliott(double p, double r, double oneMinusH, double oneMinusK) implements LossModel {
        /**
         * Checks the probabilities.
         *
         * @param p         good to bad, in [0, 1]
         * @param r         bad to good, in [0, 1]
         * @param oneMinusH loss in the bad state, in [0, 1]
         * @param oneMinusK loss in the good state, in [0, 1]
         * @throws IllegalArgumentException if a probability lies outside [0, 1]
         */
        public GilbertElliott {
            Probabilities.check("gemodel p", p);
            Probabilities.check("gemodel r", r);
            Probabilities.check("gemodel 1-h", oneMinusH);
            Probabilities.check("gemodel 1-k", oneMinusK);
        }

        @Override
        public String toString() {
            return "gemodel p=" + Probabilities.pct(p) + " r=" + Probabilities.pct(r)
                    + " 1-h=" + Probabilities.pct(oneMinusH) + " 1-k=" + Probabilities.pct(oneMinusK);
        }
    }

    /**
     * Decides one packet's fate; {@code bad} is the link's Gilbert-Elliott state, updated in place.
     * A Gilbert-Elliott model first moves between states, then draws the loss in the new state.
     *
     * @param m      the model
     * @param random the link's random stream
     * @param bad    a one-element array: whether the link is in the bad state (unused by
     *               {@link Bernoulli})
     * @return true when the packet is lost
     */
    static boolean lose(LossModel m, SplittableRandom random, boolean[] bad) {
        if (m instanceof Bernoulli) {
            double p = ((Bernoulli) m).p();
            return p > 0 && random.nextDouble() < p;
        }
        GilbertElliott g = (GilbertElliott) m;
        // Transition first, then draw the loss in the new state (netem's order).
        if (bad[0]) {
            if (random.nextDouble() < g.r()) {
                bad[0] = false;
            }
        } else if (random.nextDouble() < g.p()) {
            bad[0] = true;
        }
        double lossP = bad[0] ? g.oneMinusH() : g.oneMinusK();
        return random.nextDouble() < lossP;
    }
}
