package io.tcpclose.engine;

/**
 * The receive sequence space (RFC 9293 §3.3.1), the reassembly queue and the ACK bookkeeping
 * (what we last acknowledged, what is owed under delayed ACKs). See {@link Part}.
 */
final class RecvSeq extends Part {
    int nxt;
    /** Bytes delivered but not yet consumed: RCV.WND is the receive buffer less these. */
    int unread;
    HeldQueue held = HeldQueue.EMPTY;
    /** RFC 7323 §4.3's Last.ACK.sent. */
    int lastAckSent;
    /** In-order data segments received since our last ACK, while ACKs are delayed. */
    int unackedSegments;
    /** In-order segments still to be ACKed at once before delayed ACKs begin (Linux's quick-ACK start). */
    int quickAcksLeft;
}
