package io.tcpclose.engine;

/**
 * Where the connection is in its life (RFC 9293 §3.3.2) and the close bookkeeping: whether the
 * application closed, whether our FIN is queued and sent, and why it ended. See {@link Part}.
 */
final class Lifecycle extends Part {
    TcpState state = TcpState.CLOSED;
    /** The application called close(): the connection is an orphan. */
    boolean appClosed;
    /** shutdownOutput() or close() asked for our FIN; it follows the queued data. */
    boolean finQueued;
    /** Our FIN has gone out at least once (it occupies SND.NXT - 1). */
    boolean finSent;
    /** Why it reached CLOSED; null before. */
    CloseReason closeReason;
}
