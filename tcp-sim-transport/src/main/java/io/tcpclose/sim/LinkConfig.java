package io.tcpclose.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * One direction of a link: its loss, delay, jitter, duplication, reordering, corruption,
 * bandwidth, queue and MTU. Delivery stays in order unless reordering is asked for.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}.
 */
public final class LinkConfig {
    /** A perfect link: 1 ms delay, nothing else. */
    public static final LinkConfig DEFAULT = builder().build();

    final LossModel loss;
    final DelayModel delay;
    final long jitterNanos;
    final double duplicate;
    final double reorder;
    final int reorderGap;
    final double corrupt;
    final long bandwidthBitsPerSecond;
    final int queueLimit;
    final int mtu;

    private LinkConfig(Builder b) {
        loss = b.loss;
        delay = b.delay;
        jitterNanos = b.jitterNanos;
        duplicate = b.duplicate;
        reorder = b.reorder;
        reorderGap = b.reorderGap;
        corrupt = b.corrupt;
        bandwidthBitsPerSecond = b.bandwidth;
        queueLimit = b.queueLimit;
        mtu = b.mtu;
    }

    /** {@return a builder holding the defaults: {@link #DEFAULT}'s parameters} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding this configuration's parameters, to derive a changed one} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.loss = loss;
        b.delay = delay;
        b.jitterNanos = jitterNanos;
        b.duplicate = duplicate;
        b.reorder = reorder;
        b.reorderGap = reorderGap;
        b.corrupt = corrupt;
        b.bandwidth = bandwidthBitsPerSecond;
        b.queueLimit = queueLimit;
        b.mtu = mtu;
        return b;
    }

    /** {@return how the link loses packets on its own} */
    public LossModel loss() {
        return loss;
    }

    /** {@return the link's propagation delay per packet} */
    public DelayModel delay() {
        return delay;
    }

    /** {@return the most jitter added to or taken from each delay, in nanoseconds; 0 for none} */
    public long jitterNanos() {
        return jitterNanos;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(delay.toString());
        if (jitterNanos > 0) {
            sb.append(" jitter ").append(DelayModel.human(jitterNanos));
        }
        if (!(loss instanceof LossModel.Bernoulli && ((LossModel.Bernoulli) loss).p() == 0)) {
            sb.append(", loss ").append(loss);
        }
        if (duplicate > 0) {
            sb.append(", duplicate ").append(Probabilities.pct(duplicate));
        }
        if (reorder > 0) {
            sb.append(", reorder ").append(Probabilities.pct(reorder)).append(" gap ").append(reorderGap);
        }
        if (corrupt > 0) {
            sb.append(", corrupt ").append(Probabilities.pct(corrupt));
        }
        if (bandwidthBitsPerSecond > 0) {
            sb.append(", rate ").append(bandwidthBitsPerSecond).append(" bit/s");
        }
        if (queueLimit > 0) {
            sb.append(", limit ").append(queueLimit);
        }
        if (mtu > 0) {
            sb.append(", mtu ").append(mtu);
        }
        return sb.toString();
    }

    /** Collects a link's parameters, checking each as it is set. Not thread-safe. */
    public static final class Builder {
        private LossModel loss = LossModel.NONE;
        private DelayModel delay = new DelayModel.Constant(Duration.ofMillis(1).toNanos());
        private long jitterNanos;
        private double duplicate;
        private double reorder;
        private int reorderGap = 1;
        private double corrupt;
        private long bandwidth;
        private int queueLimit;
        private int mtu;

        private Builder() {}

        /**
         * How the link loses packets on its own; {@link LossModel#NONE} unless set.
         *
         * @param m the loss model
         * @return this builder
         */
        public Builder loss(LossModel m) {
            loss = Objects.requireNonNull(m, "loss");
            return this;
        }

        /**
         * Independent loss with probability {@code p} per packet ({@link LossModel.Bernoulli}).
         *
         * @param p the loss probability, in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code p} lies outside [0, 1]
         */
        public Builder loss(double p) {
            return loss(new LossModel.Bernoulli(p));
        }

        /**
         * The propagation delay per packet; a constant 1 ms unless set.
         *
         * @param m the delay model
         * @return this builder
         */
        public Builder delay(DelayModel m) {
            delay = Objects.requireNonNull(m, "delay");
            return this;
        }

        /**
         * A constant propagation delay per packet.
         *
         * @param d the delay, zero or more, to the nanosecond
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is negative
         */
        public Builder delay(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + d);
            }
            return delay(DelayModel.constant(d));
        }

        /**
         * Uniform jitter of up to ±{@code d} added to each delay; a delay never goes below zero.
         *
         * @param d the most jitter either way, zero (the default) for none
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is negative
         */
        public Builder jitter(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("jitter must not be negative, was " + d);
            }
            jitterNanos = d.toNanos();
            return this;
        }

        /**
         * Probability that a packet is delivered twice.
         *
         * @param p the duplication probability, in [0, 1]; 0 unless set
         * @return this builder
         * @throws IllegalArgumentException if {@code p} lies outside [0, 1]
         */
        public Builder duplicate(double p) {
            Probabilities.check("duplicate probability", p);
            duplicate = p;
            return this;
        }

        /**
         * netem-style reordering: every {@code gap}-th packet is a candidate, and with
         * probability {@code p} it skips the delay and overtakes the packets before it.
         *
         * @param p   the reordering probability, in [0, 1]; 0 unless set
         * @param gap which packets are candidates: those whose number on the link is a multiple of
         *            {@code gap}, at least 1 (every packet)
         * @return this builder
         * @throws IllegalArgumentException if {@code p} lies outside [0, 1] or {@code gap} is below 1
         */
        public Builder reorder(double p, int gap) {
            Probabilities.check("reorder probability", p);
            if (gap < 1) {
                throw new IllegalArgumentException("reorder gap must be at least 1, was " + gap);
            }
            reorder = p;
            reorderGap = gap;
            return this;
        }

        /**
         * Probability that one random bit of a packet flips (the checksum must catch it).
         *
         * @param p the corruption probability, in [0, 1]; 0 unless set
         * @return this builder
         * @throws IllegalArgumentException if {@code p} lies outside [0, 1]
         */
        public Builder corrupt(double p) {
            Probabilities.check("corrupt probability", p);
            corrupt = p;
            return this;
        }

        /**
         * Serialization rate: a packet occupies the link for its size, IPv4 header included, over
         * this rate, and waits while an earlier one is on the wire. 0 for unlimited.
         *
         * @param bitsPerSecond the rate in bits per second, zero (the default) or more
         * @return this builder
         * @throws IllegalArgumentException if {@code bitsPerSecond} is negative
         */
        public Builder bandwidth(long bitsPerSecond) {
            if (bitsPerSecond < 0) {
                throw new IllegalArgumentException("bandwidth must not be negative, was " + bitsPerSecond);
            }
            bandwidth = bitsPerSecond;
            return this;
        }

        /**
         * Most packets waiting to be serialized; more are tail-dropped. 0 for unlimited. Only
         * matters with a {@link #bandwidth(long)}.
         *
         * @param packets the queue's length in packets, zero (the default) or more
         * @return this builder
         * @throws IllegalArgumentException if {@code packets} is negative
         */
        public Builder queueLimit(int packets) {
            if (packets < 0) {
                throw new IllegalArgumentException("queue limit must not be negative, was " + packets);
            }
            queueLimit = packets;
            return this;
        }

        /**
         * Largest IP packet (20-byte IPv4 header + segment) carried; larger are dropped. 0 for unlimited.
         *
         * @param bytes the MTU in bytes: 0 (the default) or at least 68, IPv4's minimum (RFC 791)
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is neither 0 nor at least 68
         */
        public Builder mtu(int bytes) {
            if (bytes != 0 && bytes < 68) {
                throw new IllegalArgumentException("mtu must be 0 (unlimited) or at least 68, was " + bytes);
            }
            mtu = bytes;
            return this;
        }

        /** {@return the configuration; every parameter was checked when set} */
        public LinkConfig build() {
            return new LinkConfig(this);
        }
    }
}
