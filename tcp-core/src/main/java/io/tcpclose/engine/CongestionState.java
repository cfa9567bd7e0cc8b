package io.tcpclose.engine;

/**
 * Congestion control and loss recovery (RFC 5681, RFC 6582 NewReno, go-back-N after an RTO).
 * See {@link Part}.
 */
final class CongestionState extends Part {
    int cwnd;
    int ssthresh = Integer.MAX_VALUE; // RFC 5681 §3.1: arbitrarily high until the first loss
    int dupAcks;
    /** RFC 6582's "recover": SND.NXT when the last recovery began. */
    int recover;
    boolean fastRecovery;
    /** After an RTO: resending from {@link #rtxNxt} up to SND.NXT as the windows allow. */
    boolean goBackN;
    int rtxNxt;
}
