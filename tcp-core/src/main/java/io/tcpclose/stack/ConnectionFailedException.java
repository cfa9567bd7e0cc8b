package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;
import java.util.Objects;

/**
 * Thrown by {@link Connection#read} once the bytes that arrived are all read and the stream
 * did not end with the peer's FIN but with a reset or a timeout, so that an application cannot
 * take a lost connection for a clean end of stream (as {@code java.net.Socket} throws
 * "Connection reset"). Unchecked, since reading a connection never does I/O.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectionFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the connection ended. */
    private final CloseReason reason;

    /**
     * An exception for a connection that ended for {@code reason}.
     *
     * @param reason a reason that is not {@link CloseReason#NORMAL}
     */
    public ConnectionFailedException(CloseReason reason) {
        super(describe(Objects.requireNonNull(reason, "reason")));
        this.reason = reason;
    }

    /**
     * Why the connection ended.
     *
     * @return the close reason: a reset, a refusal or a timeout
     */
    public CloseReason reason() {
        return reason;
    }

    private static String describe(CloseReason r) {
        switch (r) {
            case RESET_BY_PEER:
                return "Connection reset by peer";
            case REFUSED:
                return "Connection refused";
            default:
                return r.isTimeout() ? "Connection timed out (" + r + ")" : "Connection ended: " + r;
        }
    }
}
