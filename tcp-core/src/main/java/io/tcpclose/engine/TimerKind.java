package io.tcpclose.engine;

/**
 * The per-connection timers. A connection holds at most one deadline per kind; when several
 * are due at once they fire in declaration order, so runs are deterministic.
 *
 * <p>Immutable and thread-safe.
 */
public enum TimerKind {
    /** TIME-WAIT's 2×MSL (RFC 9293 §3.6.1). */
    TIME_WAIT,
    /** The orphan FIN-WAIT-2 limit (a Linux-style safeguard; RFC 9293 sets none). */
    FIN_WAIT_2,
    /** RFC 5482 user timeout: oldest unacknowledged data waited too long. */
    USER_TIMEOUT,
    /** Retransmission of SYN, data or FIN (RFC 6298). */
    RETRANSMISSION,
    /** Zero-window probe (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17). */
    PERSIST,
    /** Keep-alive probe or death (RFC 1122 §4.2.3.6). */
    KEEPALIVE,
    /** A delayed ACK is owed (RFC 1122 4.2.3.2, RFC 5681 §4.2). */
    DELAYED_ACK
}
