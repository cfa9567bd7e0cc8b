package io.tcpclose.engine;

/**
 * The retransmission timer's estimator (RFC 6298): SRTT, RTTVAR, RTO, and the one segment
 * being timed. See {@link Part}.
 */
final class RttState extends Part {
    /** Marks an SRTT before the first sample (a duration, never a clock reading). */
    static final long UNSET = Long.MIN_VALUE;

    /** The current RTO, backoff included. */
    long rto;
    long srtt = UNSET;
    long rttvar;
    /** Whether a segment is being timed: the sample is taken when {@link #seq} is acknowledged. */
    boolean timing;
    int seq;
    long startNanos;
}
