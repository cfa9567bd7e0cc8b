package io.tcpclose.spi;

/**
 * The only source of time in tcpclose: a monotonic nanosecond counter, like
 * {@link System#nanoTime()}, with an arbitrary origin. Values are compared by subtraction, so
 * wrap-around is harmless.
 *
 * <p>How the two transports use it: the simulator implements it as a virtual clock that jumps
 * straight to the next scheduled event (a 60 s TIME-WAIT costs nothing); the NIO selector loop
 * wraps {@code System.nanoTime()}. A driver reads it once per loop turn or application call and
 * passes that value down, so one step sees one instant.
 *
 * <p>Implementations must be safe to call from the driver's thread; nothing else calls them.
 */
@FunctionalInterface
public interface Clock {
    /** {@return nanoseconds on a monotonic clock with an arbitrary origin} */
    long nanoTime();
}
