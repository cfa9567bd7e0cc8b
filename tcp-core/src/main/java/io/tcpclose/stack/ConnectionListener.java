package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;

/**
 * What a connection tells its application. All methods have empty defaults.
 *
 * <p>Called on the driver's thread, after the step that caused it has been applied, so the
 * listener may call back into the {@link Connection} (read, send, close).
 */
public interface ConnectionListener {
    /** The three-way handshake completed. */
    default void onEstablished(Connection c) {}

    /** New bytes are available to {@link Connection#read}. */
    default void onReadable(Connection c) {}

    /** The peer finished sending (its FIN): end of stream after the bytes already readable. */
    default void onPeerFinished(Connection c) {}

    /** The connection reached CLOSED; called exactly once. */
    default void onClosed(Connection c, CloseReason reason) {}
}
