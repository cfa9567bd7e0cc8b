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

    /**
     * A segment arrived and decoded, before it reaches a connection.
     *
     * @param nanos   the driver's clock reading
     * @param id      the 4-tuple it belongs to, local side first
     * @param segment the segment
     */
    default void segmentIn(long nanos, FourTuple id, Segment segment) {}

    /**
     * A segment is about to go to the transport.
     *
     * @param nanos   the driver's clock reading
     * @param id      the 4-tuple it belongs to, local side first
     * @param segment the segment
     */
    default void segmentOut(long nanos, FourTuple id, Segment segment) {}

    /**
     * A segment is about to go to the transport, with the engine's reason for sending it (a
     * challenge ACK, a keep-alive probe, a retransmission...). The stack calls this one; by
     * default it calls {@link #segmentOut(long, FourTuple, Segment)}.
     *
     * @param nanos   the driver's clock reading
     * @param id      the 4-tuple it belongs to, local side first
     * @param segment the segment
     * @param why     why it is sent: {@link io.tcpclose.engine.Effect.Why#RESET} for the
     *                stack's own answers to segments for no connection,
     *                {@link io.tcpclose.engine.Effect.Why#SEND} for a SYN cookie's SYN,ACK
     */
    default void segmentOut(long nanos, FourTuple id, Segment segment, io.tcpclose.engine.Effect.Why why) {
        segmentOut(nanos, id, segment);
    }

    /**
     * A connection changed state.
     *
     * @param nanos the driver's clock reading
     * @param id    the connection's 4-tuple
     * @param from  the state it left
     * @param to    the state it entered
     */
    default void stateChanged(long nanos, FourTuple id, TcpState from, TcpState to) {}

    /**
     * A segment was not taken, by a connection or for want of one.
     *
     * @param nanos   the driver's clock reading
     * @param id      the 4-tuple it belongs to, local side first
     * @param reason  why it was rejected
     * @param segment the segment
     */
    default void rejected(long nanos, FourTuple id, RejectReason reason, Segment segment) {}

    /**
     * A connection's congestion state or flight changed after a step (RFC 5681): for plots of
     * cwnd, ssthresh and bytes in flight over time.
     *
     * @param nanos    the driver's clock reading
     * @param id       the connection's 4-tuple
     * @param cwnd     the congestion window in bytes ({@code Integer.MAX_VALUE}: unlimited)
     * @param ssthresh the slow-start threshold in bytes ({@code Integer.MAX_VALUE} until a loss)
     * @param inFlight SND.NXT - SND.UNA: bytes sent and not yet acknowledged
     */
    default void congestion(long nanos, FourTuple id, int cwnd, int ssthresh, int inFlight) {}

    /**
     * Bytes that did not decode; no 4-tuple is reported, as none could be read.
     *
     * @param nanos the driver's clock reading
     * @param error what was wrong with the bytes
     */
    default void malformed(long nanos, MalformedSegmentException error) {}
}
