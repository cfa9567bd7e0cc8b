package io.tcpclose.sim.cli;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionFailedException;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.wire.Bytes;
import java.util.function.Consumer;

/**
 * A scenario's application on one connection. It acts on events, never on the clock: it sends
 * its request once established, runs {@link #whenAcked} once everything it sent is
 * acknowledged, {@link #whenRequestRead} once it has read {@link #requestBytes}, and
 * {@link #whenEof} at the peer's end of stream; it records what it received and how the
 * connection ended. Not thread-safe (the simulator is single-threaded).
 */
final class Endpoint implements ConnectionListener {
    final String name;
    final TcpConfig config;
    final StringBuilder received = new StringBuilder();
    boolean read = true;
    Bytes sendOnEstablished;
    /** Once everything sent is acknowledged (at once when nothing is sent); fires once. */
    Consumer<Connection> whenAcked;
    /** Once this many bytes were read (or, when not reading, have arrived); fires once. */
    int requestBytes;
    Consumer<Connection> whenRequestRead;
    /** At the peer's FIN, after reading; closing is what a plain application does. */
    Consumer<Connection> whenEof = Connection::close;
    Connection connection;
    CloseReason reason;
    boolean established;
    boolean closeCompleted;
    private Bytes pending = Bytes.EMPTY;

    Endpoint(String name, TcpConfig config) {
        this.name = name;
        this.config = config;
    }

    @Override
    public void onEstablished(Connection c) {
        connection = c;
        established = true;
        if (sendOnEstablished != null && sendOnEstablished.length() > 0) {
            pending = sendOnEstablished;
            push(c);
        } else {
            acked(c);
        }
    }

    /** Offers what is left; the send buffer takes what fits and says when it has room again. */
    private void push(Connection c) {
        if (!pending.isEmpty()) {
            int taken = c.send(pending);
            pending = pending.dropFirst(taken);
        }
    }

    @Override
    public void onWritable(Connection c) {
        push(c);
        if (pending.isEmpty() && c.unacknowledged() == 0) {
            acked(c);
        }
    }

    private void acked(Connection c) {
        Consumer<Connection> w = whenAcked;
        if (w != null) {
            whenAcked = null;
            w.accept(c);
        }
    }

    @Override
    public void onReadable(Connection c) {
        if (read) {
            received.append(c.readAll().utf8());
        }
        int have = read ? received.length() : c.available();
        if (whenRequestRead != null && have >= requestBytes) {
            Consumer<Connection> w = whenRequestRead;
            whenRequestRead = null;
            w.accept(c);
        }
    }

    @Override
    public void onPeerFinished(Connection c) {
        if (read) {
            received.append(c.readAll().utf8());
        }
        if (whenEof != null) {
            whenEof.accept(c);
        }
    }

    @Override
    public void onCloseCompleted(Connection c) {
        closeCompleted = true;
    }

    @Override
    public void onClosed(Connection c, CloseReason r) {
        connection = c;
        reason = r;
    }

    /** Reads what is left, reporting a reset as the application would see it. */
    String drainReport() {
        if (connection == null) {
            return "";
        }
        try {
            connection.readAll();
            return "";
        } catch (ConnectionFailedException e) {
            return "; read() reports \"" + e.getMessage() + "\"";
        }
    }

    String outcome() {
        String state = connection == null ? "never connected" : connection.state().toString();
        CloseReason r = reason != null ? reason : connection != null ? connection.closeReason() : null;
        String why = r == null ? "" : " (" + r + ")";
        String shown = received.length() > 40 ? received.substring(0, 37) + "..." : received.toString();
        return String.format("%-22s %s%s, %d bytes delivered%s", name + ":", state, why, received.length(),
                received.length() == 0 ? "" : " \"" + shown + "\"");
    }

    /** Why the connection ended short of what the scenario describes, in plain words, or null. */
    String explanation() {
        CloseReason r = reason != null ? reason : connection != null ? connection.closeReason() : null;
        if (r == null) {
            return null;
        }
        switch (r) {
            case TIMED_OUT_RETRANSMISSION:
                return established
                        ? name + " gave up: a segment went unacknowledged through " + config.maxRetransmissions()
                                + " retransmissions (" + config.maxOrphanRetransmissions() + " after close())"
                        : name + ": the handshake never completed: the SYN went out " + (config.maxSynRetransmissions() + 1)
                                + " times without a SYN,ACK getting through";
            case REFUSED:
                return name + ": the connection was refused (RST in answer to the SYN)";
            case RESET_BY_PEER:
                return name + " was reset by its peer";
            case TIMED_OUT_USER:
                return name + ": data waited longer than the user timeout for its ACK";
            case TIMED_OUT_KEEPALIVE:
                return name + ": no answer to its " + config.keepAliveProbes() + " keep-alive probes got through";
            case TIMED_OUT_FIN_WAIT_2:
                return name + ": the peer's FIN never came within the FIN-WAIT-2 timeout";
            case ABORTED_UNREAD_DATA:
                return name + " reset the connection: data arrived that its application would never read";
            default:
                return null;
        }
    }
}
