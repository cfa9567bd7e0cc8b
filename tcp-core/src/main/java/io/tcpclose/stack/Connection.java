package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.MutableTcb;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpConfig;
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
 * <p>Misuse (sending after {@link #shutdownOutput()}) throws {@link
 * io.tcpclose.engine.TcpApiException} naming the state; nothing is lost. Reading never fails
 * on a closing or closed connection: it returns what is left; only a stream that a reset or a
 * timeout cut short says so, with {@link ConnectionFailedException}, once its bytes are read.
 *
 * <p>Not thread-safe: call it only on the stack's driver thread (listener callbacks run there).
 */
public final class Connection {
    final TcpStack stack;
    final FourTuple id;
    final PseudoHeader outbound;
    /** The engine state, stepped in place by the stack; snapshots are made only when asked. */
    final MutableTcb live;
    ConnectionListener listener;
    /** Delivered and not yet read; made at the first delivery (an idle connection has none). */
    ArrayDeque<Bytes> received;
    int receivedBytes;
    int slot = -1;
    long timerId = TimerWheel.NULL_TIMER;
    long scheduledDeadline = Tcb.NO_DEADLINE;
    boolean established;
    boolean peerFinished;
    boolean closeCompleted;
    /** The last send did not fit whole: tell the application when room frees. */
    boolean sendBlocked;
    /** The listener whose backlog this half-open connection counts against (a TcpStack.Listener), or null. */
    Object backlogOf;
    /** Handed to the stack's TIME-WAIT table: the stack no longer holds this object. */
    boolean compacted;
    /** A TIME-WAIT ended early by a new incarnation (RFC 6191): closed normally, whatever its snapshot says. */
    boolean superseded;
    /** A compacted TIME-WAIT brought back by an old duplicate SYN: it stays a Connection. */
    boolean restored;
    /** Its stack was reset ({@link TcpStack#reset}): CLOSED (ABORTED) to observers, every call but close and abort refused. */
    boolean discarded;
    /** The TIME-WAIT this new incarnation replaces, set aside until it is synchronized (RFC 9293 §3.6.1). */
    Connection predecessor;
    /** As {@link #predecessor}, for a compacted TIME-WAIT. */
    io.tcpclose.engine.TimeWait compactPredecessor;

    Connection(TcpStack stack, FourTuple id, MutableTcb live, ConnectionListener listener) {
        this.stack = stack;
        this.id = id;
        this.live = live;
        this.listener = listener;
        this.outbound = PseudoHeader.of(id.localAddress(), id.remoteAddress());
    }

    /**
     * The connection's identity.
     *
     * @return the local and remote address and port
     */
    public FourTuple id() {
        return id;
    }

    /**
     * The connection's state now.
     *
     * @return the engine's state; for a compacted TIME-WAIT, TIME_WAIT until it ends, then CLOSED
     */
    public TcpState state() {
        if (discarded) {
            return TcpState.CLOSED;
        }
        if (compacted) {
            return stack.timeWaits.holds(id) ? TcpState.TIME_WAIT : TcpState.CLOSED;
        }
        return superseded ? TcpState.CLOSED : live.state();
    }

    /** {@return why it closed, or null while it is open (NORMAL once a compacted TIME-WAIT began)} */
    public CloseReason closeReason() {
        if (discarded) {
            return CloseReason.ABORTED;
        }
        return compacted || superseded ? CloseReason.NORMAL : live.closeReason();
    }

    /**
     * {@return a snapshot of the engine's state now, for inspection (for a compacted TIME-WAIT, the
     * one it began with)}. Made on demand: the stack steps the connection in place.
     */
    public Tcb tcb() {
        return live.snapshot();
    }

    /** {@return the number of bytes received and not yet read} */
    public int available() {
        return discarded ? 0 : receivedBytes;
    }

    /** {@return true once the peer's FIN arrived: after the available bytes, the stream ends} */
    public boolean peerFinished() {
        return peerFinished;
    }

    /**
     * Whether the close handshake has completed: our FIN acknowledged and the peer's FIN
     * received ({@link ConnectionListener#onCloseCompleted}). The connection may still wait in
     * TIME-WAIT.
     *
     * @return true from the moment the handshake completed on
     */
    public boolean closeCompleted() {
        return closeCompleted;
    }

    /**
     * Queues as many of {@code data}'s bytes as fit in the send buffer ({@link #sendRoom()}),
     * and says how many: the rest is not taken, and {@link ConnectionListener#onWritable} comes
     * when room frees. What is taken is sent in order and never dropped.
     *
     * @param data the bytes
     * @return how many of them were taken, from the first on; 0 when the buffer is full
     * @throws io.tcpclose.engine.TcpApiException after {@link #shutdownOutput()} or once closed
     */
    public int send(Bytes data) {
        return stack.send(this, java.util.Objects.requireNonNull(data, "data"));
    }

    /**
     * Queues what fits of a copy of {@code data}, as {@link #send(Bytes)} does.
     *
     * @param data the bytes, copied
     * @return how many of them were taken
     * @throws io.tcpclose.engine.TcpApiException after {@link #shutdownOutput()} or once closed
     */
    public int send(byte[] data) {
        return send(Bytes.copyOf(java.util.Objects.requireNonNull(data, "data")));
    }

    /**
     * Room left in the send buffer: how many bytes {@link #send(Bytes)} would take now.
     *
     * @return the free bytes; 0 once the connection can no longer send
     */
    public int sendRoom() {
        return compacted || superseded || discarded || !live.state().maySend() ? 0 : live.sendRoom();
    }

    /**
     * Bytes taken by {@link #send(Bytes)} that the peer has not acknowledged yet, sent or not.
     *
     * @return the count; 0 when everything sent is acknowledged
     */
    public int unacknowledged() {
        return compacted || superseded || discarded ? 0 : live.sendQueueLength();
    }

    /**
     * Reads (and consumes) up to {@code max} of the {@link #available()} bytes, reopening the
     * receive window by as many. Returns empty bytes when nothing is available: check {@link
     * #peerFinished()} to tell the end of the stream from "nothing yet". In any state, TIME-WAIT
     * and CLOSED included, it returns what is left and never fails, except as below.
     *
     * @param max the most bytes to return; 0 returns empty bytes
     * @return between 0 and {@code max} bytes, in order
     * @throws IllegalArgumentException   when {@code max} is negative
     * @throws ConnectionFailedException  when nothing is left to read and the connection was
     *                                    reset or timed out before the peer's FIN arrived: a
     *                                    lost stream must not pass for a finished one
     */
    public Bytes read(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, was " + max);
        }
        if (discarded) {
            throw TcpStack.gone(this);
        }
        int want = Math.min(max, receivedBytes);
        if (want == 0) {
            if (receivedBytes == 0 && !peerFinished) {
                CloseReason r = closeReason();
                if (r != null && r != CloseReason.NORMAL && r != CloseReason.ABORTED
                        && r != CloseReason.ABORTED_UNREAD_DATA) {
                    throw new ConnectionFailedException(r);
                }
            }
            return Bytes.EMPTY;
        }
        Bytes out;
        Bytes first = received.peek();
        if (first.length() >= want) { // the common case: no copy at all
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
        if (out.length() > 0 && (compacted || !live.consumeQuietly(out.length()))) {
            stack.apply(this, new Event.Consume(out.length())); // it reopens the window: a step, and an ACK
        }
        return out;
    }

    /**
     * Reads everything available, as {@link #read(int)} does.
     *
     * @return the available bytes, perhaps none
     * @throws ConnectionFailedException as {@link #read(int)}
     */
    public Bytes readAll() {
        return read(receivedBytes);
    }

    /**
     * Changes this connection's per-connection options: keep-alive, the user timeout and the send
     * buffer ({@link Event.Configure} says when each takes effect). Start from
     * {@code tcb().config().toBuilder()}.
     *
     * @param config the connection's configuration from now on
     * @throws io.tcpclose.engine.TcpApiException when {@code config} differs in a knob an open
     *                                            connection cannot change, naming it
     */
    public void configure(TcpConfig config) {
        stack.apply(this, new Event.Configure(config));
    }

    /** Shuts down the sending side: our FIN follows the queued data; receiving goes on. */
    public void shutdownOutput() {
        stack.apply(this, Event.SHUTDOWN_OUTPUT);
    }

    /**
     * Closes fully; unread or later-arriving data resets the connection (configurable).
     * Idempotent, like {@code java.net.Socket.close()}.
     */
    public void close() {
        stack.apply(this, Event.CLOSE);
    }

    /** Resets the connection at once (RFC 9293 §3.10.5); harmless once it is closed. */
    public void abort() {
        stack.apply(this, Event.ABORT);
    }

    @Override
    public String toString() {
        return id + " " + state();
    }
}
