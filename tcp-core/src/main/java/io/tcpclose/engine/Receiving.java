package io.tcpclose.engine;

import static io.tcpclose.wire.TcpFlags.ACK;
import static io.tcpclose.wire.TcpFlags.FIN;
import static io.tcpclose.wire.TcpFlags.RST;

import io.tcpclose.engine.Effect.Why;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;

/**
 * Receiving: segment text and FIN (RFC 9293 §3.10.7.4, seventh and eighth checks), reassembly
 * of out-of-order data, and when the ACK goes (at once, or delayed per RFC 1122 4.2.3.2 and RFC
 * 5681 §4.2). Stateless: rules over a {@link MutableTcb}.
 */
final class Receiving {
    private Receiving() {}

    /** RCV.WND: the receive buffer less what the application has not read. */
    static int window(MutableTcb c) {
        return Math.max(0, c.id.config.receiveBuffer - c.rcv.unread);
    }

    /**
     * What of the segment's text and FIN lies inside the window (RFC 9293 §3.10.7.4 seventh):
     * what we already have is cut on the left, what lies beyond the window on the right, and a
     * FIN beyond it is not taken. Sets {@code c.inSeq}, {@code c.inData}, {@code c.inFin}.
     */
    static void trim(MutableTcb c, Segment seg) {
        int seq = seg.seq();
        Bytes data = seg.payload();
        boolean fin = seg.has(FIN);
        int rcvNxt = c.rcv.nxt;
        if (Seq.lt(seq, rcvNxt)) {
            int cut = Math.min(Seq.diff(rcvNxt, seq), data.length());
            data = data.dropFirst(cut);
            seq += cut;
        }
        int room = Seq.diff(rcvNxt + window(c), seq);
        if (data.length() > room) {
            data = data.slice(0, Math.max(0, room));
            fin = false;
        }
        c.inSeq = seq;
        c.inData = data;
        c.inFin = fin;
    }

    /** {@return whether the trimmed segment's own FIN is next in order: the eighth check takes it now} */
    static boolean finInOrder(MutableTcb c) {
        return c.inFin && c.inSeq == c.rcv.nxt;
    }

    /** RFC 9293 §3.10.7.4 seventh (text) and eighth (FIN) for the {@link #trim trimmed} segment, with reassembly. */
    static void take(MutableTcb c, Segment seg) {
        int seq = c.inSeq;
        Bytes data = c.inData;
        boolean fin = c.inFin;
        c.inData = null;
        int rcvNxt = c.rcv.nxt;
        if (data.isEmpty() && !fin) {
            return;
        }
        if (c.life.appClosed && !data.isEmpty()) {
            // RFC 1122 §4.2.2.13, RFC 2525 §2.17: the application will never read this, so the
            // peer must learn its data was lost: reset.
            c.transmit(Sending.segment(c, c.snd.nxt, RST | ACK, Bytes.EMPTY), Why.RESET);
            c.setState(TcpState.CLOSED, CloseReason.ABORTED_UNREAD_DATA);
            return;
        }
        if (seq != rcvNxt) {
            hold(c, seq, data, fin, seg);
            c.ackNeeded = true; // a duplicate ACK tells the peer where the gap is, at once (RFC 5681 §4.2)
            return;
        }
        boolean finReached = fin;
        boolean gap = !c.rcv.held.isEmpty();
        if (!data.isEmpty()) {
            deliver(c, data);
        }
        if (!finReached) {
            finReached = drainHeld(c);
        }
        TcpConfig config = c.id.config;
        if (config.delayedAckNanos != TcpConfig.NONE && !finReached && !gap && c.rcv.quickAcksLeft > 0) {
            c.rcv().quickAcksLeft--; // Linux's quick-ACK start: the first segments are ACKed at once, to open cwnd
            c.ackNeeded = true;
        } else if (config.delayedAckNanos != TcpConfig.NONE && !finReached && !gap) {
            // RFC 1122 4.2.3.2, RFC 5681 §4.2: in-order data may wait for a second segment or
            // the delay bound; a FIN, or data that fills a gap, is acknowledged at once.
            if (++c.rcv().unackedSegments >= 2) {
                c.ackNeeded = true;
            } else if (!c.tm.armed(TimerKind.DELAYED_ACK)) {
                c.tm().set(TimerKind.DELAYED_ACK, c.now + config.delayedAckNanos);
            }
        } else {
            c.ackNeeded = true;
        }
        if (finReached) {
            finArrives(c);
        }
    }

    private static void deliver(MutableTcb c, Bytes data) {
        RecvSeq r = c.rcv();
        r.nxt += data.length();
        r.unread += data.length();
        c.out.deliver(data);
    }

    private static void hold(MutableTcb c, int seq, Bytes data, boolean fin, Segment seg) {
        if (c.rcv.held.size() >= c.id.config.reassemblySegments) {
            c.reject(RejectReason.REASSEMBLY_QUEUE_FULL, seg);
            return;
        }
        RecvSeq r = c.rcv();
        r.held = r.held.add(new HeldQueue.Held(seq, data, fin));
    }

    /** Delivers held segments that the gap's filling made contiguous; true when a held FIN is reached. */
    private static boolean drainHeld(MutableTcb c) {
        int i = 0;
        boolean finReached = false;
        HeldQueue held = c.rcv.held;
        while (i < held.size() && !finReached) {
            HeldQueue.Held h = held.get(i);
            if (Seq.gt(h.seq(), c.rcv.nxt)) {
                break;
            }
            i++;
            int cut = Seq.diff(c.rcv.nxt, h.seq());
            if (cut <= h.data().length()) {
                Bytes rest = h.data().dropFirst(cut);
                if (!rest.isEmpty()) {
                    deliver(c, rest);
                }
                finReached = h.fin();
            } else if (h.fin() && cut == h.data().length() + 1) {
                finReached = false; // that FIN was already consumed
            }
        }
        if (i > 0) {
            RecvSeq r = c.rcv();
            r.held = r.held.dropFirst(i);
        }
        return finReached;
    }

    /** RFC 9293 §3.10.7.4 eighth: the peer's FIN, in order. */
    private static void finArrives(MutableTcb c) {
        RecvSeq r = c.rcv();
        r.nxt += 1;
        r.held = HeldQueue.EMPTY;
        c.out.peerFinished();
        switch (c.life.state) {
            case SYN_RECEIVED:
            case ESTABLISHED:
                c.setState(TcpState.CLOSE_WAIT, null);
                break;
            case FIN_WAIT_1:
                // Our FIN acknowledged too (perhaps by this very segment): straight to TIME-WAIT;
                // otherwise both FINs crossed: simultaneous close (RFC 9293 §3.6, Figure 13).
                c.setState(Sending.finAcked(c) ? TcpState.TIME_WAIT : TcpState.CLOSING, null);
                break;
            case FIN_WAIT_2:
                c.setState(TcpState.TIME_WAIT, null);
                break;
            default:
                break;
        }
    }
}
