package io.tcpclose.sim.cli;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.wire.Bytes;

/**
 * A scenario's application on one connection: records what it received and how the
 * connection ended, and optionally reads, echoes or closes on EOF. Not thread-safe.
 */
final class Endpoint implements ConnectionListener {
    final String name;
    final StringBuilder received = new StringBuilder();
    boolean read = true;
    boolean closeOnEof = true;
    Bytes sendOnEstablished;
    /** Close once this many bytes have been received (0: never on that account). */
    int closeAfterBytes;
    Connection connection;
    CloseReason reason;

    Endpoint(String name) {
        this.name = name;
    }

    @Override
    public void onEstablished(Connection c) {
        connection = c;
        if (sendOnEstablished != null && sendOnEstablished.length() > 0) {
            c.send(sendOnEstablished);
        }
    }

    @Override
    public void onReadable(Connection c) {
        if (read) {
            received.append(c.readAll().utf8());
            if (closeAfterBytes > 0 && received.length() >= closeAfterBytes) {
                closeAfterBytes = 0;
                c.close();
            }
        }
    }

    @Override
    public void onPeerFinished(Connection c) {
        if (closeOnEof) {
            c.close();
        }
    }

    @Override
    public void onClosed(Connection c, CloseReason r) {
        reason = r;
    }

    String outcome() {
        String state = connection == null ? "never connected" : connection.state().toString();
        String why = reason == null ? (connection != null && connection.closeReason() != null ? " (" + connection.closeReason() + ")" : "")
                : " (" + reason + ")";
        String shown = received.length() > 40 ? received.substring(0, 37) + "..." : received.toString();
        return String.format("%-22s %s%s, %d bytes delivered%s", name + ":", state, why, received.length(),
                received.length() == 0 ? "" : " \"" + shown + "\"");
    }
}
