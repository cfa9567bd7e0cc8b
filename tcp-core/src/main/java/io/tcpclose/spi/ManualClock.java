package io.tcpclose.spi;

import java.time.Duration;

/**
 * A {@link Clock} that moves only when told to: for tests and for simulators.
 *
 * <p>Invariant: time never moves backwards. Not thread-safe: confine it to the driver's thread.
 */
public final class ManualClock implements Clock {
    private long nanos;

    public ManualClock(long startNanos) {
        this.nanos = startNanos;
    }

    public ManualClock() {
        this(0);
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    /** Moves to {@code nanos}, which must not be in the past. */
    public void set(long newNanos) {
        if (newNanos - nanos < 0) {
            throw new IllegalArgumentException("time moves forward only: " + newNanos + " is before " + nanos);
        }
        nanos = newNanos;
    }

    /** Moves forward by {@code d}. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("cannot advance by a negative duration " + d);
        }
        nanos += d.toNanos();
    }
}
