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
    /** Our SYN was answered with RST (RFC 9293 §3.10.7.3): nobody listens there. */
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
}
