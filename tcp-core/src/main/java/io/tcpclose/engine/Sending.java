package io.tcpclose.engine;

import static io.tcpclose.wire.TcpFlags.ACK;
import static io.tcpclose.wire.TcpFlags.FIN;
import static io.tcpclose.wire.TcpFlags.PSH;
import static io.tcpclose.wire.TcpFlags.RST;

import io.tcpclose.engine.Effect.Why;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpOptions;

/**
 * Output: what the windows let out (RFC 9293 §3.8.6, RFC 5681, RFC 1122 4.2.3.4's sender SWS
 * avoidance), our FIN once the queue has drained, resending after a loss, any owed ACK, and
 * the segments themselves with their options (RFC 7323). Stateless: rules over a {@link
 * MutableTcb}.
 */
final class Sending {
    private Sending() {}

    /** The timestamps option's 10 bytes and its two NOPs. */
    static final int TIMESTAMPS_OPTION = 12;

    static int initialWindow(TcpConfig config, int mss) {
        return config.congestionControl.initialWindow(config.initialWindowSegments, mss);
    }

    /** Our SYN is sent but not yet acknowledged (SND.UNA still at ISS). */
    static boolean synUnacked(MutableTcb c) {
        TcpState s = c.life.state;
        return c.snd.una == c.id.iss && s != TcpState.LISTEN && s != TcpState.CLOSED && Seq.gt(c.snd.nxt, c.id.iss);
    }

    static boolean finAcked(MutableTcb c) {
        return c.life.finSent && c.snd.una == c.snd.nxt;
    }

    /** Bytes queued that have not gone out even once. */
    static int unsent(MutableTcb c) {
        if (c.life.finSent) {
            return 0;
        }
        int ctl = (c.life.state == TcpState.SYN_SENT || synUnacked(c)) ? 1 : 0;
        return c.snd.queued() - (Seq.diff(c.snd.nxt, c.snd.una) - ctl);
    }

    /** Sends what the window allows, the FIN once the queue has drained, and any owed ACK. */
    static void output(MutableTcb c) {
        boolean sent = false;
        if (c.cc.goBackN) {
            // After an RTO: resend what was in flight, as the windows allow (slow start).
            while (Seq.lt(c.cc.rtxNxt, c.snd.nxt)) {
                int flight = Seq.diff(c.cc.rtxNxt, c.snd.una);
                int left = Seq.diff(c.snd.nxt, c.cc.rtxNxt) - (c.life.finSent ? 1 : 0); // data still to resend
                int n = Math.min(Math.min(c.snd.mss, left), c.snd.wnd - flight);
                boolean finOnly = left == 0;
                if (!finOnly && (n <= 0 || (n > c.cc.cwnd - flight && flight > 0))) {
                    break; // whole segments only, as for new data
                }
                c.cc().rtxNxt = retransmitFrom(c, c.cc.rtxNxt, Math.max(0, n), Why.RETRANSMISSION);
                sent = true;
            }
            c.cc().goBackN = c.cc.rtxNxt != c.snd.nxt;
        }
        if (!c.cc.goBackN && canSendData(c)) {
            sent |= sendNew(c);
        }
        if (c.snd.nxt != c.snd.una) {
            TimerRules.armRtx(c);
        }
        if (c.ackNeeded && !sent && c.life.state != TcpState.CLOSED) {
            c.transmit(ackSegment(c), Why.SEND);
        }
        c.ackNeeded = false;
    }

    /** New data as the windows allow, then the FIN; true when anything went out. */
    private static boolean sendNew(MutableTcb c) {
        boolean sent = false;
        int inFlight = Seq.diff(c.snd.nxt, c.snd.una) - (synUnacked(c) ? 1 : 0);
        int unsent = c.snd.queued() - inFlight;
        if (unsent > 0 && c.snd.nxt == c.snd.una && c.snd.dataSent && c.now - c.snd.lastDataSentNanos > c.rtt.rto) {
            // RFC 5681 §4.1: restart after an idle RTO
            int iw = initialWindow(c.id.config, c.snd.mss);
            if (c.cc.cwnd > iw) {
                c.cc().cwnd = iw;
            }
        }
        // RFC 3042: the first two duplicate ACKs each let one new segment out.
        int dupAcks = c.cc.dupAcks;
        int allowed = c.cc.fastRecovery || dupAcks >= Acking.DUP_THRESH ? c.cc.cwnd
                : Acking.saturatingAdd(c.cc.cwnd, dupAcks * c.snd.mss);
        boolean finQueued = c.life.finQueued;
        while (unsent > 0) {
            int flight = Seq.diff(c.snd.nxt, c.snd.una);
            int peerRoom = Seq.diff(c.snd.una + c.snd.wnd, c.snd.nxt);
            int mss = c.snd.mss;
            int n = Math.min(Math.min(mss, unsent), peerRoom);
            if (n <= 0 || (n > allowed - flight && flight > 0)) {
                // The congestion window admits whole segments only (as Linux counts it in
                // packets): a sliver now would only split the next segment (RFC 1122 4.2.3.4).
                break;
            }
            if (n < mss && n < unsent && flight > 0 && n < c.snd.maxWnd / 2) {
                // RFC 1122 4.2.3.4 sender SWS avoidance: a small window opening waits for
                // more; the ACKs of what is in flight will bring it.
                break;
            }
            boolean last = n == unsent;
            if (n < mss && last && !finQueued && flight > 0 && nagleHolds(c)) {
                break; // RFC 1122 4.2.3.4: the ACK of what is in flight, or more data, will bring it
            }
            boolean fin = last && finQueued && c.id.config.finOnLastData;
            int flags = ACK | (last ? PSH : 0) | (fin ? FIN : 0);
            c.transmit(segment(c, c.snd.nxt, flags, c.snd.queueSlice(inFlight, n)), Why.SEND);
            sent = true;
            SendSeq s = c.snd();
            s.dataSent = true;
            s.lastDataSentNanos = c.now;
            startRttIfIdle(c, s.nxt + n);
            TimerRules.markWaiting(c);
            if (n < mss) {
                s.sml = s.nxt + n;
            }
            s.nxt += n + (fin ? 1 : 0);
            if (fin) {
                c.life().finSent = true;
            }
            inFlight += n;
            unsent -= n;
        }
        if (unsent == 0 && finQueued && !c.life.finSent) {
            // The FIN goes out only after every queued byte, and takes one sequence number.
            c.transmit(segment(c, c.snd.nxt, FIN | ACK, Bytes.EMPTY), Why.SEND);
            sent = true;
            startRttIfIdle(c, c.snd.nxt + 1);
            TimerRules.markWaiting(c);
            c.snd().nxt += 1;
            c.life().finSent = true;
        }
        if (unsent > 0) {
            TimerRules.markWaiting(c); // the user timeout covers data a shut window holds back too
            if (c.snd.wnd == 0 && c.snd.nxt == c.snd.una && !c.tm.armed(TimerKind.PERSIST)) {
                TimerRules.armPersist(c);
            }
        }
        return sent;
    }

    /** With data in flight, whether Nagle's algorithm holds back a short tail segment now. */
    private static boolean nagleHolds(MutableTcb c) {
        switch (c.id.config.nagle) {
            case RFC_896:
                return true;
            case MINSHALL:
                return Seq.gt(c.snd.sml, c.snd.una); // an earlier short segment is still unacknowledged
            default:
                return false;
        }
    }

    private static boolean canSendData(MutableTcb c) {
        if (c.life.finSent) {
            return false;
        }
        switch (c.life.state) {
            case ESTABLISHED:
            case CLOSE_WAIT:
            case FIN_WAIT_1:
            case LAST_ACK:
            case CLOSING:
                return true;
            default:
                return false;
        }
    }

    /**
     * Resends from {@code seq} (SND.UNA ≤ seq &lt; SND.NXT) at most {@code max} bytes of data,
     * with our FIN when the segment reaches it.
     *
     * @return the sequence number after what was sent
     */
    static int retransmitFrom(MutableTcb c, int seq, int max, Why why) {
        int offset = Seq.diff(seq, c.snd.una);
        boolean finSent = c.life.finSent;
        int dataEnd = Seq.diff(c.snd.nxt, c.snd.una) - (finSent ? 1 : 0);
        int n = Math.max(0, Math.min(max, dataEnd - offset));
        boolean fin = finSent && offset + n == dataEnd;
        int flags = ACK | (fin ? FIN : 0) | (n > 0 && offset + n == dataEnd ? PSH : 0);
        c.transmit(segment(c, seq, flags, c.snd.queueSlice(offset, n)), why);
        SendSeq s = c.snd();
        s.lastDataSentNanos = c.now;
        s.dataSent = true;
        return seq + n + (fin ? 1 : 0);
    }

    /** The RTO's resend: the SYN or SYN,ACK while unacknowledged, else the oldest segment. */
    static void retransmitHead(MutableTcb c) {
        switch (c.life.state) {
            case SYN_SENT:
                c.transmit(synSegment(c, io.tcpclose.wire.TcpFlags.SYN), Why.RETRANSMISSION);
                return;
            case SYN_RECEIVED:
                c.transmit(synSegment(c, io.tcpclose.wire.TcpFlags.SYN | ACK), Why.RETRANSMISSION);
                return;
            default:
                if (synUnacked(c)) {
                    // FIN-WAIT-1 straight from SYN-RECEIVED: the SYN,ACK comes first.
                    c.transmit(synSegment(c, io.tcpclose.wire.TcpFlags.SYN | ACK), Why.RETRANSMISSION);
                    return;
                }
                break;
        }
        if (c.snd.nxt == c.snd.una) {
            return;
        }
        int next = retransmitFrom(c, c.snd.una, c.snd.mss, Why.RETRANSMISSION);
        CongestionState cc = c.cc();
        cc.rtxNxt = next;
        cc.goBackN = next != c.snd.nxt;
    }

    static void startRtt(MutableTcb c, int endSeq) {
        RttState r = c.rtt();
        r.seq = endSeq;
        r.startNanos = c.now;
        r.timing = true;
    }

    private static void startRttIfIdle(MutableTcb c, int endSeq) {
        if (!c.rtt.timing && c.snd.retries == 0) {
            startRtt(c, endSeq);
        }
    }

    // ------------------------------------------------------------------ segments

    /**
     * Our SYN offers what the configuration allows; a SYN,ACK answers only with what the peer's
     * SYN offered too (RFC 7323 §2.2, §3.2). The window in a SYN is never scaled.
     */
    static Segment synSegment(MutableTcb c, int flags) {
        TcpConfig config = c.id.config;
        boolean answer = (flags & ACK) != 0;
        boolean ws = answer ? c.opt.wsOk : config.windowScaling;
        boolean ts = answer ? c.opt.tsOk : config.timestamps;
        TcpOptions o = new TcpOptions(config.mss, ws ? ourShift(config) : -1, false, ts,
                ts ? Integer.toUnsignedLong(tsNow(c)) : 0, ts && answer ? Integer.toUnsignedLong(c.opt.tsRecent) : 0);
        return new Segment(c.id.localPort, c.id.remotePort, c.id.iss, answer ? c.rcv.nxt : 0, flags,
                Math.min(Receiving.window(c), 0xFFFF), o, Bytes.EMPTY);
    }

    /** RFC 7323 §2.3: the smallest shift that lets the receive buffer be advertised, at most 14. */
    static int ourShift(TcpConfig config) {
        int s = 0;
        while (s < 14 && (config.receiveBuffer >> s) > 0xFFFF) {
            s++;
        }
        return s;
    }

    /** Our timestamp clock: milliseconds of the injected clock plus the connection's offset (RFC 7323 §5.4). */
    static int tsNow(MutableTcb c) {
        return (int) Math.floorDiv(c.now, 1_000_000L) + c.opt.tsOffset;
    }

    static Segment ackSegment(MutableTcb c) {
        return segment(c, c.snd.nxt, ACK, Bytes.EMPTY);
    }

    static Segment segment(MutableTcb c, int seq, int flags, Bytes payload) {
        TcpOptions o = c.opt.tsOk && (flags & RST) == 0
                ? new TcpOptions(-1, -1, false, true, Integer.toUnsignedLong(tsNow(c)), Integer.toUnsignedLong(c.opt.tsRecent))
                : TcpOptions.NONE; // RFC 7323 §3.2: in every segment but a RST
        return new Segment(c.id.localPort, c.id.remotePort, seq, c.rcv.nxt, flags, advertisedWindow(c), o, payload);
    }

    private static int advertisedWindow(MutableTcb c) {
        return Math.min(Receiving.window(c) >> c.opt.rcvShift, 0xFFFF); // RFC 7323 §2.3
    }
}
