package io.tcpclose.sim;

/** Validation and display of probabilities. Stateless. */
final class Probabilities {
    private Probabilities() {}

    static void check(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " must lie in [0, 1], was " + p);
        }
    }

    static String pct(double p) {
        return String.format("%.4g%%", p * 100);
    }
}
