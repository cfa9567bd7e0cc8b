package io.tcpclose.spi;

import java.time.Duration;

/**
 * A {@link Clock} that moves only when told to: for tests and for simulators.
 *
 * <p>Invariant: time never moves backwards. Not thread-safe: confine it to the driver's thread.
 */
public final class ManualClock implements Clock {
    private long nanos;

    /**
     * A clock that reads {@code startNanos} until it is moved.
     *
     * @param startNanos the first reading; any value
     */
    public ManualClock(long startNanos) {
        this.nanos = startNanos;
    }

    /** A clock that reads 0 until it is moved. */
    public ManualClock() {
        this(0);
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    /**
     * Moves to {@code newNanos}, which must not be in the past.
     *
     * @param newNanos the new reading, at or after the current one (compared by subtraction)
     * @throws IllegalArgumentException if {@code newNanos} is before the current reading
     */
    public void set(long newNanos) {
        if (newNanos - nanos < 0) {
            throw new IllegalArgumentException("time moves forward only: " + newNanos + " is before " + nanos);
        }
        nanos = newNanos;
    }

    /**
     * Moves forward by {@code d}.
     *
     * @param d how far to move, zero or more and at most {@code Long.MAX_VALUE} nanoseconds (the
     *          reading may wrap around: readings are compared by subtraction)
     * @throws IllegalArgumentException if {@code d} is negative or longer than a {@code long} of
     *                                  nanoseconds holds
     */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("cannot advance by a negative duration " + d);
        }
        if (d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("cannot advance by more than Long.MAX_VALUE ns (about 292 years): " + d);
        }
        nanos += d.toNanos();
    }
}
