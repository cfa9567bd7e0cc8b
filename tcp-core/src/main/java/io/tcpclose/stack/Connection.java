package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpState;
import io.tcpclose.timer.TimerWheel;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.PseudoHeader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's handle on one connection of a {@link TcpStack}: send, read, half-close,
 * close, abort. Every call is one engine step at the stack clock's current time.
 *
 * <p>Misuse (sending after {@link #shutdownOutput()}, reading more than is available) throws
 * {@link io.tcpclose.engine.TcpApiException} naming the state; nothing is lost.
 *
 * <p>Not thread-safe: call it only on the stack's driver thread (listener callbacks run there).
 */
public final class Connection {
    final TcpStack stack;
    final FourTuple id;
    final PseudoHeader outbound;
    Tcb tcb;
    ConnectionListener listener;
    ArrayDeque<Bytes> received = new ArrayDeque<>();
    int receivedBytes;
    int slot = -1;
    long timerId = TimerWheel.NULL_TIMER;
    long scheduledDeadline = Tcb.NO_DEADLINE;
    boolean established;
    boolean peerFinished;
    /** Handed to the stack's TIME-WAIT table: the stack no longer holds this object. */
    boolean compacted;

    Connection(TcpStack stack, FourTuple id, Tcb tcb, ConnectionListener listener) {
        this.stack = stack;
        this.id = id;
        this.tcb = tcb;
        this.listener = listener;
        this.outbound = PseudoHeader.of(id.localAddress(), id.remoteAddress());
    }

    public FourTuple id() {
        return id;
    }

    public TcpState state() {
        if (compacted) {
            return stack.holdsTimeWait(id) ? TcpState.TIME_WAIT : TcpState.CLOSED;
        }
        return tcb.state();
    }

    /** Why it closed, or null while it is open (NORMAL once a compacted TIME-WAIT began). */
    public CloseReason closeReason() {
        return compacted ? CloseReason.NORMAL : tcb.closeReason();
    }

    /** The engine's current snapshot, for inspection (for a compacted TIME-WAIT, the one it began with). */
    public Tcb tcb() {
        return tcb;
    }

    /** Bytes received and not yet read. */
    public int available() {
        return receivedBytes;
    }

    /** True once the peer's FIN arrived: after the available bytes, the stream ends. */
    public boolean peerFinished() {
        return peerFinished;
    }

    /** Queues bytes for sending. */
    public void send(Bytes data) {
        stack.apply(this, new Event.Send(data));
    }

    /** Queues a copy of {@code data} for sending. */
    public void send(byte[] data) {
        send(Bytes.copyOf(data));
    }

    /** Reads (and consumes) up to {@code max} available bytes, reopening the receive window. */
    public Bytes read(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, was " + max);
        }
        int want = Math.min(max, receivedBytes);
        Bytes out;
        Bytes first = received.peek();
        if (want == 0) {
            out = Bytes.EMPTY;
        } else if (first.length() >= want) { // the common case: no copy at all
            out = first.slice(0, want);
            received.poll();
            if (want < first.length()) {
                received.addFirst(first.dropFirst(want));
            }
        } else { // one copy of every chunk, not a copy per chunk
            List<Bytes> parts = new ArrayList<>();
            int taken = 0;
            while (taken < want) {
                Bytes head = received.poll();
                int take = Math.min(head.length(), want - taken);
                parts.add(head.slice(0, take));
                taken += take;
                if (take < head.length()) {
                    received.addFirst(head.dropFirst(take));
                }
            }
            out = Bytes.join(parts);
        }
        receivedBytes -= out.length();
        if (out.length() > 0) {
            stack.apply(this, new Event.Consume(out.length()));
        }
        return out;
    }

    /** Reads everything available. */
    public Bytes readAll() {
        return read(receivedBytes);
    }

    /** Shuts down the sending side: our FIN follows the queued data; receiving goes on. */
    public void shutdownOutput() {
        stack.apply(this, Event.SHUTDOWN_OUTPUT);
    }

    /** Closes fully; unread or later-arriving data resets the connection (configurable). */
    public void close() {
        stack.apply(this, Event.CLOSE);
    }

    /** Resets the connection at once. */
    public void abort() {
        stack.apply(this, Event.ABORT);
    }

    @Override
    public String toString() {
        return id + " " + tcb.state();
    }
}
