package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;

/**
 * What a connection tells its application. All methods have empty defaults.
 *
 * <p>Called on the driver's thread, after the step that caused it has been applied, so the
 * listener may call back into the {@link Connection} (read, send, close). An exception a
 * listener throws propagates to the caller of {@code TcpStack.receive}, {@code poll} or the
 * {@link Connection} call that led to it; the connection stays as the step left it, so the
 * listener's own state is the application's to repair.
 */
public interface ConnectionListener {
    /**
     * The three-way handshake completed: for an active open when our SYN is acknowledged; for a
     * passive one right after its {@link Acceptor} returned this listener, so the listener an
     * acceptor hands out hears it too.
     *
     * @param c the connection
     */
    default void onEstablished(Connection c) {}

    /**
     * New bytes are available to {@link Connection#read}.
     *
     * @param c the connection
     */
    default void onReadable(Connection c) {}

    /**
     * The send buffer has room again after a {@link Connection#send} that did not fit whole, or
     * everything sent so far is acknowledged ({@link Connection#unacknowledged()} is 0).
     *
     * @param c the connection
     */
    default void onWritable(Connection c) {}

    /**
     * The peer finished sending (its FIN): end of stream after the bytes already readable.
     *
     * @param c the connection
     */
    default void onPeerFinished(Connection c) {}

    /**
     * The close handshake has completed: our FIN is acknowledged and the peer's FIN received.
     * Whoever closed first hears this on entering TIME-WAIT, 2×MSL before {@link #onClosed};
     * the other end when its FIN is acknowledged, just before {@link #onClosed}. Not called
     * for a connection that ends any other way (reset, abort, timeout).
     *
     * @param c the connection
     */
    default void onCloseCompleted(Connection c) {}

    /**
     * The connection is gone (CLOSED), or handed to the stack's compact TIME-WAIT table. Called
     * exactly once for every connection the application has seen: from {@code connect()} on for
     * an active open (a refused or timed-out connect included), from acceptance on for a
     * passive one.
     *
     * @param c      the connection
     * @param reason why it closed
     */
    default void onClosed(Connection c, CloseReason reason) {}
}
