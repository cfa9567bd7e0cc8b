package io.tcpclose.engine;

/**
 * What the SYNs negotiated (RFC 7323): window scaling and timestamps, with TS.Recent. See
 * {@link Part}.
 */
final class Negotiated extends Part {
    boolean wsOk;
    int sndShift;
    int rcvShift;
    boolean tsOk;
    /** Added to the clock's milliseconds for our TSval (RFC 7323 §5.4). */
    int tsOffset;
    /** Whether {@link #tsRecent} holds the peer's last timestamp (RFC 7323 §4.3). */
    boolean hasTsRecent;
    int tsRecent;
    long tsRecentNanos;
}
