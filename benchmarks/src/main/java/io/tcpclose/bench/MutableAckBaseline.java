package io.tcpclose.bench;

/**
 * The reference for what the JVM can do on the ACK path: a hand-written mutable control block
 * that performs the same checks and updates our engine does for an in-window ACK in
 * ESTABLISHED (sequence acceptability, ACK range, send-queue trim, RFC 6298 sample, timer
 * restart, window update), with no allocation. Not thread-safe.
 */
final class MutableAckBaseline {
    int rcvNxt;
    int rcvWnd;
    int sndUna;
    int sndNxt;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int queueOffset;
    int queueLength;
    long rttStart;
    int rttSeq;
    long srtt;
    long rttvar;
    long rto;
    long rtxDeadline;
    int retries;

    void reset(int una, int nxt, int rcv) {
        rcvNxt = rcv;
        rcvWnd = 65535;
        sndUna = una;
        sndNxt = nxt;
        sndWnd = 65535;
        sndWl1 = rcv - 1;
        sndWl2 = una;
        queueOffset = 0;
        queueLength = nxt - una;
        rttStart = 0;
        rttSeq = nxt;
        srtt = 10_000_000;
        rttvar = 5_000_000;
        rto = 1_000_000_000;
        rtxDeadline = 1_000_000_000;
        retries = 1;
    }

    /** Processes an ACK segment's fields; returns true when it was accepted. */
    boolean onAck(int seq, int ack, int window, long now) {
        if (rcvWnd == 0 ? seq != rcvNxt : Integer.compareUnsigned(seq - rcvNxt, rcvWnd) >= 0) {
            return false;
        }
        if (ack - sndNxt > 0) {
            return false;
        }
        if (ack - sndUna > 0) {
            int acked = ack - sndUna;
            int data = Math.min(acked, queueLength);
            queueOffset += data;
            queueLength -= data;
            sndUna = ack;
            if (rttStart != Long.MIN_VALUE && ack - rttSeq >= 0) {
                long r = now - rttStart;
                rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
                srtt = (7 * srtt + r) / 8;
                rto = Math.max(1_000_000_000L, Math.min(srtt + 4 * rttvar, 120_000_000_000L));
                rttStart = Long.MIN_VALUE;
            }
            retries = 0;
            rtxDeadline = sndUna == sndNxt ? Long.MAX_VALUE : now + rto;
        }
        if (sndWl1 - seq < 0 || (sndWl1 == seq && sndWl2 - ack <= 0)) {
            sndWnd = window;
            sndWl1 = seq;
            sndWl2 = ack;
        }
        return true;
    }
}
