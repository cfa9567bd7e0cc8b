package io.tcpclose.engine;

/**
 * Why an arriving segment was not accepted: a closed set a driver counts, in the spirit of
 * {@code netstat -s}.
 *
 * <p>Immutable and thread-safe.
 */
public enum RejectReason {
    /** Sequence number outside the receive window (RFC 9293 §3.10.7.4 first check). */
    OUT_OF_WINDOW,
    /**
     * The peer's FIN again, after we took it: our ACK of it was lost, so it is acknowledged
     * again (and TIME-WAIT's 2×MSL restarts, RFC 9293 §3.6.1). Not a fault, but not new input.
     */
    FIN_REPEATED,
    /** RST whose sequence number is not RCV.NXT, or outside the window (RFC 5961 §3.2). */
    RST_NOT_EXACT,
    /** RST ignored in TIME-WAIT (RFC 1337). */
    RST_IN_TIME_WAIT,
    /** RST whose ACK does not acknowledge our SYN (RFC 9293 §3.10.7.3). */
    RST_UNACCEPTABLE_ACK,
    /** SYN in a synchronized state: answered with a challenge ACK (RFC 5961 §4). */
    SYN_IN_SYNCHRONIZED_STATE,
    /** Segment without the ACK bit in a synchronized state (RFC 9293 §3.10.7.4 fifth check). */
    NO_ACK,
    /** ACK of something not yet sent, or too old to be plausible (RFC 9293 §3.10.7.4, RFC 5961 §5). */
    UNACCEPTABLE_ACK,
    /** A segment this state has no use for (a RST in LISTEN, a bare segment in SYN-SENT). */
    IGNORED_IN_STATE,
    /** Out-of-order segment dropped because the reassembly queue is full. */
    REASSEMBLY_QUEUE_FULL,
    /** The bytes did not decode as a TCP segment (see {@code MalformedSegmentException}). */
    MALFORMED,
    /** No connection and no listener for the segment's 4-tuple (RFC 9293 §3.10.7.1). */
    NO_CONNECTION,
    /** An old duplicate: its timestamp is older than TS.Recent (PAWS, RFC 7323 §5.3). */
    PAWS
}
