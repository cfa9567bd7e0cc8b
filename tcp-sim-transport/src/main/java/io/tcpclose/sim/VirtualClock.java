package io.tcpclose.sim;

import io.tcpclose.spi.Clock;

/**
 * The simulator's clock: virtual nanoseconds that jump straight from one event to the next, so
 * waiting out a 240 s TIME-WAIT costs microseconds of real time.
 *
 * <p>Invariant: never moves backwards. Not thread-safe: owned by one {@link Simulator}.
 */
public final class VirtualClock implements Clock {
    private long nanos;

    @Override
    public long nanoTime() {
        return nanos;
    }

    /** Back to time 0, for {@link Simulator#reset}. */
    void reset() {
        nanos = 0;
    }

    void advanceTo(long t) {
        if (t < nanos) {
            throw new IllegalStateException("virtual time cannot go back from " + nanos + " to " + t);
        }
        nanos = t;
    }
}
