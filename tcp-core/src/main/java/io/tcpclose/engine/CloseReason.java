package io.tcpclose.engine;

/**
 * Why a connection reached CLOSED: a closed set, reported to the application exactly once.
 *
 * <p>Immutable and thread-safe.
 */
public enum CloseReason {
    /** Both FINs exchanged and acknowledged; for the active closer, after TIME-WAIT. */
    NORMAL(null),
    /** A valid RST arrived in a synchronized state (RFC 9293 §3.10.7.4, RFC 5961 §3.2). */
    RESET_BY_PEER(null),
    /**
     * Our SYN was answered with RST (RFC 9293 §3.10.7.3), or with a hard ICMP error, port or
     * protocol unreachable (RFC 1122 §4.2.3.9, {@link Event.IcmpError}): nobody listens there.
     */
    REFUSED(null),
    /** The application called {@code abort()}, or closed before the connection existed. */
    ABORTED(null),
    /**
     * The application called {@code close()} with data still unread, or data arrived after it
     * did; the connection was reset (RFC 9293 §3.6.1, RFC 2525 §2.17, RFC 1122 §4.2.2.13).
     */
    ABORTED_UNREAD_DATA(null),
    /** A segment (SYN, data or FIN) went unacknowledged through every retransmission (RFC 1122 §4.2.3.5). */
    TIMED_OUT_RETRANSMISSION(TimerKind.RETRANSMISSION),
    /** Transmitted data stayed unacknowledged for the user timeout (RFC 5482, RFC 9293 §3.10.8). */
    TIMED_OUT_USER(TimerKind.USER_TIMEOUT),
    /** The last keep-alive probe went unanswered (RFC 1122 §4.2.3.6). */
    TIMED_OUT_KEEPALIVE(TimerKind.KEEPALIVE),
    /** An orphaned connection waited too long in FIN-WAIT-2 for the peer's FIN. */
    TIMED_OUT_FIN_WAIT_2(TimerKind.FIN_WAIT_2);

    private final TimerKind timer;

    CloseReason(TimerKind timer) {
        this.timer = timer;
    }

    /** {@return true for the timeouts, false for every other reason} */
    public boolean isTimeout() {
        return timer != null;
    }

    /** {@return the timer that expired, or null when this is not a timeout} */
    public TimerKind timer() {
        return timer;
    }

    /**
     * The error a socket reports for this end, as POSIX names it and Linux's {@code SO_ERROR}
     * carries it: {@code ECONNRESET} for a reset, {@code ECONNREFUSED} for a refusal, {@code
     * ETIMEDOUT} for every timeout, and null for an end that is no error: a normal close, or one
     * the application made itself (its abort, or its close with unread data, which resets the
     * peer but is no error to the application). The one mapping every transport and the packetdrill runner use.
     *
     * @return the errno name, or null
     */
    public String errno() {
        if (this == RESET_BY_PEER) {
            return "ECONNRESET";
        }
        if (this == REFUSED) {
            return "ECONNREFUSED";
        }
        return isTimeout() ? "ETIMEDOUT" : null;
    }

    /**
     * The text the JDK's sockets put in the {@code SocketException} for {@link #errno()}:
     * "Connection reset", "Connection refused", "Connection timed out" (with this reason, so a
     * user can tell the timeouts apart); null where {@code errno()} is.
     *
     * @return the message, or null
     */
    public String socketMessage() {
        String e = errno();
        if (e == null) {
            return null;
        }
        switch (e) {
            case "ECONNRESET":
                return "Connection reset";
            case "ECONNREFUSED":
                return "Connection refused";
            default:
                return "Connection timed out (" + this + ")";
        }
    }
}
