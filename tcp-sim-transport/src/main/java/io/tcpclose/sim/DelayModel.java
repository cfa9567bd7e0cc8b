package io.tcpclose.sim;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A link's propagation delay per packet. Negative draws are clamped to zero.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface DelayModel {
    /**
     * Every packet takes {@code nanos}.
     *
     * @param nanos the delay in nanoseconds
     */
    record Constant(long nanos) implements DelayModel {
        @Override
        public String toString() {
            return "delay " + human(nanos);
        }
    }

    /**
     * Uniform in [{@code minNanos}, {@code maxNanos}], both ends included.
     *
     * @param minNanos the shortest delay in nanoseconds
     * @param maxNanos the longest delay in nanoseconds, at least {@code minNanos}
     */
    record Uniform(long minNanos, long maxNanos) implements DelayModel {
        /**
         * Checks that the range is not empty.
         *
         * @param minNanos the shortest delay in nanoseconds
         * @param maxNanos the longest delay in nanoseconds
         * @throws IllegalArgumentException if {@code maxNanos} is below {@code minNanos}
         */
        public Uniform {
            if (maxNanos < minNanos) {
                throw new IllegalArgumentException("uniform delay max " + maxNanos + " below min " + minNanos);
            }
        }

        @Override
        public String toString() {
            return "delay uniform " + human(minNanos) + ".." + human(maxNanos);
        }
    }

    /**
     * Normal with mean and standard deviation.
     *
     * @param meanNanos the mean delay in nanoseconds
     * @param sdNanos   the standard deviation in nanoseconds
     */
    record Normal(long meanNanos, long sdNanos) implements DelayModel {
        @Override
        public String toString() {
            return "delay normal " + human(meanNanos) + " sd " + human(sdNanos);
        }
    }

    /**
     * Exponential with the given mean.
     *
     * @param meanNanos the mean delay in nanoseconds
     */
    record Exponential(long meanNanos) implements DelayModel {
        @Override
        public String toString() {
            return "delay exponential mean " + human(meanNanos);
        }
    }

    /**
     * A duration as a reader of a ladder wants it: "10 ms", "1.5 ms", "2 s".
     *
     * @param nanos the duration in nanoseconds
     * @return whole seconds as "N s", anything else in milliseconds, without trailing zeros
     */
    static String human(long nanos) {
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + " s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + " ms";
        }
        return java.math.BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + " ms";
    }

    /**
     * A constant delay.
     *
     * @param d the delay of every packet, to the nanosecond
     * @return a {@link Constant} of {@code d}
     */
    static DelayModel constant(Duration d) {
        return new Constant(d.toNanos());
    }

    /**
     * Draws one delay.
     *
     * @param m      the model to draw from
     * @param random the source of randomness; a {@link Constant}, or a {@link Uniform} of zero width,
     *               draws nothing from it
     * @return the delay in nanoseconds, never negative
     */
    static long draw(DelayModel m, SplittableRandom random) {
        long d;
        if (m instanceof Constant) {
            d = ((Constant) m).nanos();
        } else if (m instanceof Uniform) {
            Uniform u = (Uniform) m;
            d = u.minNanos() == u.maxNanos() ? u.minNanos() : u.minNanos() + random.nextLong(u.maxNanos() - u.minNanos() + 1);
        } else if (m instanceof Normal) {
            Normal n = (Normal) m;
            d = n.meanNanos() + (long) (gaussian(random) * n.sdNanos());
        } else {
            d = (long) (-Math.log(1 - random.nextDouble()) * ((Exponential) m).meanNanos());
        }
        return Math.max(0, d);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17.
        double u1 = 1 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
