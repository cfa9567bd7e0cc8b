package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;

/**
 * The send sequence space (RFC 9293 §3.3.1) and the send queue, with the counters of
 * retransmissions and window probes since the last progress. See {@link Part}.
 *
 * <p>Invariant: SND.UNA ≤ SND.NXT; the send queue ({@link #buffer} from {@link #head} on) holds
 * exactly the bytes from SND.UNA on that are not yet acknowledged, sent or not. An ACK moves
 * {@code head} instead of making a new view, so acknowledging allocates nothing.
 */
final class SendSeq extends Part {
    int una;
    int nxt;
    /** SND.WND in bytes (already scaled). */
    int wnd;
    int wl1;
    int wl2;
    /** The MSS we send with: the peer's announced MSS, at most ours, less the timestamps option. */
    int mss = 536; // RFC 9293 §3.7.1: the default when the peer sends no MSS option
    /** The largest window the peer offered (RFC 5961 §5.2, sender SWS avoidance). */
    int maxWnd;
    /** The send queue is this buffer from {@link #head} on. */
    Bytes buffer = Bytes.EMPTY;
    int head;
    /** Retransmissions of the oldest segment, or unanswered window probes, in a row. */
    int retries;
    /** Window probes since the window closed (the persist timer's backoff). */
    int persistBackoff;
    /** Whether data has gone out at all, and when it last did (RFC 5681 §4.1's idle restart). */
    boolean dataSent;
    long lastDataSentNanos;
    /** The end of the last segment sent shorter than the MSS (Linux's {@code snd_sml}): Minshall's Nagle waits while it is unacknowledged. */
    int sml;

    /** {@return the bytes queued and not yet acknowledged} */
    int queued() {
        return buffer.length() - head;
    }

    /** {@return {@code n} queued bytes from {@code offset} (0 is SND.UNA's byte)} */
    Bytes queueSlice(int offset, int n) {
        return buffer.slice(head + offset, n);
    }

    /** The first {@code n} queued bytes are acknowledged. */
    void dropAcked(int n) {
        head += n;
        if (head == buffer.length()) {
            buffer = Bytes.EMPTY;
            head = 0;
        }
    }

    /** Appends to the queue (in place in the buffer's array when it has room). */
    void append(Bytes data) {
        buffer = (head == 0 ? buffer : buffer.dropFirst(head)).concat(data);
        head = 0;
    }

    /** Empties the queue. */
    void clear() {
        buffer = Bytes.EMPTY;
        head = 0;
    }
}
