package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.util.Objects;

/**
 * The sans-I/O TCP engine: one pure function from (snapshot, event, now) to (next snapshot,
 * effects).
 *
 * <h2>Theory of operation</h2>
 * <p><b>Rule 1: everything that changes a connection happens in {@link #step}.</b> A connection
 * is an immutable {@link Tcb}; the engine never reads a clock, starts a thread, touches a socket
 * or draws a random number. The caller passes {@code nowNanos} from its own monotonic clock,
 * and the initial sequence number inside {@link Event.Open} / {@link Event.Listen}. The same
 * snapshot, event and time always give the same result.
 *
 * <p><b>Rule 2: the caller carries out the effects, in order.</b> {@link Effect.Transmit} puts a
 * segment on the wire, {@link Effect.Deliver} hands bytes to the application, {@link
 * Effect.NextDeadline} says when to call again with {@link Event.Tick}. Every state change is
 * reported as {@link Effect.StateChanged}; reaching CLOSED is reported once, as {@link
 * Effect.Closed} with a {@link CloseReason}. A segment the engine will not take produces
 * {@link Effect.Rejected} with a reason: unacceptable input is never an exception.
 *
 * <p><b>Rule 3: "when do you next need me?" is derived.</b> {@link Tcb#nextDeadline()} is the
 * earliest of the per-kind deadlines in the snapshot. A {@code Tick} before it, or a second
 * {@code Tick} at the same time, is a harmless no-op. Due timers fire in {@link TimerKind}
 * order.
 *
 * <p><b>Rule 4: application misuse throws.</b> Sending after {@code shutdownOutput()}, sending
 * or {@code shutdownOutput()} on a connection that does not exist, opening twice, consuming more
 * than was delivered, or reconfiguring a knob that cannot change throws {@link TcpApiException}
 * naming the state; a negative byte count is an {@link IllegalArgumentException}. The snapshot
 * passed in is unchanged (it is immutable), so nothing is lost. {@code close()} and {@code
 * abort()} are idempotent, as {@link java.net.Socket#close()} is: on a connection that is
 * already closed, or closing, they do nothing more.
 *
 * <p>The segment-arrival rules follow RFC 9293 §3.10.7 check by check (sequence number, RST,
 * SYN, ACK, text, FIN), with RFC 5961's RST and SYN validation, RFC 1337's TIME-WAIT RST
 * policy, RFC 6298's retransmission timer and RFC 1122's keep-alive. Every knob where stacks
 * differ is in {@link TcpConfig}.
 *
 * <p><b>Rule 5: the pure step and the in-place step are one.</b> {@link #step} copies the
 * snapshot into a {@link MutableTcb}, steps it in place and freezes the result; a driver that
 * owns its connection keeps the {@code MutableTcb} and skips the copy and the snapshot. The
 * rules live by role: {@code Arrival} (RFC 9293 §3.10.7's checks in order), {@code Acking}
 * (the ACK field, RTT, congestion, header prediction), {@code Receiving} (text, FIN,
 * reassembly), {@code Sending} (output and segments), {@code TimerRules}, {@code Calls} (the
 * application's calls); every state change goes through {@code MutableTcb.setState}, which
 * checks it against {@link TcpState#canMoveTo}.
 *
 * <p>Thread-safety: {@code step} is a pure static function and may be called from any thread,
 * but each connection's snapshots form a chain: confine one connection to one thread.
 */
public final class TcpEngine {
    private TcpEngine() {}

    /**
     * Applies one event to a connection.
     *
     * @param tcb      the connection's current snapshot
     * @param event    what happened
     * @param nowNanos the caller's monotonic clock, read once for this step
     * @return the next snapshot and the effects, in order
     * @throws TcpApiException when {@code event} is an application call the state does not allow
     */
    public static Step step(Tcb tcb, Event event, long nowNanos) {
        return step(tcb, event, nowNanos, true);
    }

    /** The full RFC 9293 processing of one event, without header prediction (the reference for its property). */
    static Step fullStep(Tcb tcb, Event event, long nowNanos) {
        return step(tcb, event, nowNanos, false);
    }

    /** Copy, step in place, freeze: the pure step runs exactly the in-place step's code. */
    private static Step step(Tcb tcb, Event event, long nowNanos, boolean predict) {
        Objects.requireNonNull(tcb, "tcb");
        MutableTcb c = MutableTcb.of(tcb);
        EffectList effects = new EffectList();
        c.step(event, nowNanos, effects, predict);
        return new Step(c.snapshot(), effects.effects());
    }

    /**
     * The reset RFC 9293 §3.10.7.1 prescribes for a segment that reaches no connection, or null
     * when the segment is itself a RST (a RST is never answered).
     *
     * @param seg the segment that found no connection
     * @return the RST to send back, or null
     */
    public static Segment resetFor(Segment seg) {
        if (seg.has(TcpFlags.RST)) {
            return null;
        }
        if (seg.has(TcpFlags.ACK)) {
            // <SEQ=SEG.ACK><CTL=RST>
            return new Segment(seg.dstPort(), seg.srcPort(), seg.ack(), 0, TcpFlags.RST, 0, TcpOptions.NONE, Bytes.EMPTY);
        }
        // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        return new Segment(seg.dstPort(), seg.srcPort(), 0, seg.seq() + seg.seqLength(),
                TcpFlags.RST | TcpFlags.ACK, 0, TcpOptions.NONE, Bytes.EMPTY);
    }
}
