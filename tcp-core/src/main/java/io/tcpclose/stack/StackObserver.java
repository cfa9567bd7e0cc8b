package io.tcpclose.stack;

import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.MalformedSegmentException;
import io.tcpclose.wire.Segment;

/**
 * A tracing hook: everything a {@code TcpStack} sees and does, with the driver's timestamp.
 * Every method has an empty default, so an observer overrides only what it wants.
 *
 * <p>Called on the driver's thread, synchronously; an observer must not call back into the
 * stack.
 */
public interface StackObserver {
    /** The no-op observer. */
    StackObserver NONE = new StackObserver() {};

    default void segmentIn(long nanos, FourTuple id, Segment segment) {}

    default void segmentOut(long nanos, FourTuple id, Segment segment) {}

    default void stateChanged(long nanos, FourTuple id, TcpState from, TcpState to) {}

    default void rejected(long nanos, FourTuple id, RejectReason reason, Segment segment) {}

    /** Bytes that did not decode; {@code id} is null as no 4-tuple could be read. */
    default void malformed(long nanos, MalformedSegmentException error) {}
}
