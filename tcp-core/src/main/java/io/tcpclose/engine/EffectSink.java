package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import java.util.List;

/**
 * Where an in-place step ({@link MutableTcb#step}) puts its effects: one call per {@link Effect},
 * in the same order {@link TcpEngine#step} lists them, without building the records. A driver
 * implements it to act on each effect at once; {@link #into(List)} collects records instead.
 *
 * <p>Called only from the thread stepping the connection, during the step. An implementation
 * must not step the same connection again from inside a call (defer that until the step
 * returns), and must not throw: the step is part-way through when it calls, and an exception
 * leaves the connection half-stepped with its remaining effects unreported. Thread-safety is
 * the implementation's.
 */
public interface EffectSink {
    /**
     * Put a segment on the wire ({@link Effect.Transmit}).
     *
     * @param segment the segment
     * @param why     why it is sent
     */
    void transmit(Segment segment, Effect.Why why);

    /**
     * How many of a send's bytes the send queue took ({@link Effect.Queued}).
     *
     * @param bytes how many, 0..the send's length
     */
    void queued(int bytes);

    /**
     * In-order bytes for the application ({@link Effect.Deliver}).
     *
     * @param data the bytes
     */
    void deliver(Bytes data);

    /** The peer's FIN is in: end of stream after everything delivered ({@link Effect.PeerFinished}). */
    void peerFinished();

    /**
     * A state change ({@link Effect.StateChanged}).
     *
     * @param from the state before
     * @param to   the state after
     */
    void stateChanged(TcpState from, TcpState to);

    /** Both FINs are acknowledged ({@link Effect.CloseCompleted}). */
    void closeCompleted();

    /**
     * The connection reached CLOSED, once ({@link Effect.Closed}).
     *
     * @param reason why
     */
    void closed(CloseReason reason);

    /**
     * An arriving segment was not accepted ({@link Effect.Rejected}).
     *
     * @param reason  why
     * @param segment the segment
     */
    void rejected(RejectReason reason, Segment segment);

    /**
     * The earliest deadline changed ({@link Effect.NextDeadline}). Drivers that read {@link
     * MutableTcb#nextDeadline()} after each step may ignore it.
     *
     * @param atNanos when to tick, meaningful only when {@code pending}
     * @param pending whether any timer is armed
     */
    void nextDeadline(long atNanos, boolean pending);

    /**
     * A SYN in TIME-WAIT may open a new incarnation ({@link Effect.NewIncarnation}).
     *
     * @param syn       the SYN
     * @param oldSndNxt the old incarnation's SND.NXT
     */
    void newIncarnation(Segment syn, int oldSndNxt);

    /**
     * A sink that appends each effect to {@code out} as its {@link Effect} record.
     *
     * @param out the list to append to
     * @return the sink
     */
    static EffectSink into(List<Effect> out) {
        return new EffectList(java.util.Objects.requireNonNull(out, "out"));
    }
}
