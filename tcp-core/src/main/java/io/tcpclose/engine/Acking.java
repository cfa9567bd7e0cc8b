package io.tcpclose.engine;

import static io.tcpclose.wire.TcpFlags.FIN;
import static io.tcpclose.wire.TcpFlags.SYN;

import io.tcpclose.engine.Effect.Why;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpFlags;

/**
 * The ACK field (RFC 9293 §3.10.7.4, fifth check): SND.UNA advancing, the send window, RTT
 * samples and the RTO (RFC 6298, RFC 7323 §4), congestion control and loss recovery (RFC
 * 5681, RFC 6582, RFC 3042), and header prediction, the fast path that runs only this check
 * when every other check is known to pass. Stateless: rules over a {@link MutableTcb}.
 */
final class Acking {
    private Acking() {}

    /** RFC 5681 §3.2's DupThresh. */
    static final int DUP_THRESH = 3;
    /** RFC 6298 §5.7's RTO once data transmission begins after a handshake that timed out. */
    static final long SYN_FALLBACK_RTO_NANOS = 3_000_000_000L;

    /**
     * Header prediction (Jacobson's fast path, RFC 7323 Appendix A; Linux's {@code
     * tcp_rcv_established}): in ESTABLISHED, a segment that is next in order, carries no SYN,
     * RST, FIN or URG, passes PAWS, fits the window, and acknowledges nothing never sent — an
     * ACK of new data (with data still waiting to go out or not), or in-order data for the
     * reader — passes every check of RFC 9293 §3.10.7.4 but the ACK, text and output steps. For
     * it only those run: the same rules the full path runs, not a copy of them.
     *
     * @return true when the segment was handled here; false: take the full path
     */
    static boolean predicted(MutableTcb c, Segment seg) {
        if (!predictable(c, seg)) {
            return false;
        }
        if (c.opt.tsOk) {
            Arrival.takeTimestamps(c, seg);
        }
        acknowledge(c, seg);
        if (!seg.payload().isEmpty()) {
            Receiving.trim(c, seg);
            Receiving.take(c, seg);
            Sending.output(c);
        } else if (Sending.unsent(c) > 0) {
            Sending.output(c); // the window or cwnd this ACK opened lets waiting data out
        }
        // else output has nothing to do: no data waits, no ACK is owed, the timer is armed
        return true;
    }

    /** Whether {@link #predicted} takes {@code seg}: the guard alone, changing nothing. */
    static boolean predictable(MutableTcb c, Segment seg) {
        SendSeq s = c.snd;
        int flags = seg.flags();
        if (c.life.state != TcpState.ESTABLISHED
                || (flags & ~TcpFlags.PSH) != TcpFlags.ACK // no SYN, RST, FIN or URG to consider
                || seg.seq() != c.rcv.nxt // in order: acceptable whatever the window (first check)
                || c.life.finQueued || c.life.finSent
                || c.tm.armed(TimerKind.PERSIST)
                || s.una == c.id.iss
                || c.cc.dupAcks != 0 || c.cc.fastRecovery || c.cc.goBackN) { // loss recovery takes the full path
            return false;
        }
        if (c.opt.tsOk && (!seg.options().hasTimestamps()
                || (c.opt.hasTsRecent && Seq.lt((int) seg.options().tsVal(), c.opt.tsRecent)))) {
            return false; // no timestamp where one is due, or one PAWS may reject
        }
        int ack = seg.ack();
        int length = seg.payload().length();
        if (length == 0) {
            return Seq.gt(ack, s.una) && Seq.le(ack, s.nxt); // new data, nothing never sent
        }
        // Data: for the reader, whole in the window, no gap to fill, and ACKing nothing never sent.
        return Seq.ge(ack, s.una) && Seq.le(ack, s.nxt) && length <= Receiving.window(c)
                && c.rcv.held.isEmpty() && !c.life.appClosed;
    }

    /**
     * An acceptable ACK (RFC 9293 §3.10.7.4 fifth, after its checks for an ACK of something
     * never sent and an implausibly old one): SND.UNA, the window, congestion, and the peer
     * known alive. A stale ACK (below SND.UNA) changes only the last of these.
     */
    static void acknowledge(MutableTcb c, Segment seg) {
        int unaBefore = c.snd.una;
        int wndBefore = c.snd.wnd;
        boolean outstanding = c.snd.nxt != c.snd.una;
        boolean synWasUnacked = c.snd.una == c.id.iss;
        if (Seq.gt(seg.ack(), c.snd.una)) {
            advance(c, seg.ack());
        }
        if (Seq.ge(seg.ack(), c.snd.una)) {
            updateWindow(c, seg);
        }
        if (!synWasUnacked) {
            congestion(c, seg, unaBefore, wndBefore, outstanding);
        }
        if (c.tm.keepAliveProbesSent != 0) {
            c.tm().keepAliveProbesSent = 0;
        }
        if (c.snd.nxt == c.snd.una && c.snd.retries != 0) {
            c.snd().retries = 0; // nothing in flight: this answers a window probe, the peer is alive (RFC 1122 4.2.2.17)
        }
        TimerRules.armKeepAlive(c);
    }

    /** SND.UNA moves to {@code ack}: the acknowledged bytes leave the queue, the RTT is sampled, timers restart. */
    static void advance(MutableTcb c, int ack) {
        SendSeq s = c.snd();
        int acked = Seq.diff(ack, s.una);
        int ctl = 0;
        boolean synAcked = s.una == c.id.iss; // SND.UNA returns to ISS only after 2^32 bytes; not a concern at these sizes
        if (synAcked) {
            ctl++; // our SYN
        }
        if (c.life.finSent && ack == s.nxt) {
            ctl++; // our FIN
        }
        int dataAcked = Math.max(0, Math.min(acked - ctl, s.queued()));
        s.dropAcked(dataAcked);
        s.una = ack;
        if (c.curTsEcr != 0) {
            // RFC 7323 §4.1: the echoed timestamp times this ACK, retransmitted or not (no Karn).
            rttSample(c, Math.max(0, Sending.tsNow(c) - c.curTsEcr) * 1_000_000L);
            c.rtt().timing = false;
        } else if (c.rtt.timing && Seq.ge(ack, c.rtt.seq)) {
            rttSample(c, c.now - c.rtt.startNanos);
            c.rtt().timing = false;
        }
        TcpConfig config = c.id.config;
        if (synAcked) {
            // RFC 5681 §3.1: after a lost SYN or SYN,ACK the first window is one segment.
            CongestionState cc = c.cc();
            int iw = Sending.initialWindow(config, s.mss);
            cc.cwnd = s.retries > 0 ? Math.min(iw, config.congestionControl.windowAfterTimeout(s.mss)) : iw;
            cc.recover = ack; // RFC 6582 §3.2: "initialized to the initial send sequence number"
            cc.rtxNxt = ack;
        }
        if (synAcked && s.retries > 0 && c.rtt.srtt == RttState.UNSET && config.rtoInitialNanos < SYN_FALLBACK_RTO_NANOS) {
            // RFC 6298 §5.7: the SYN (or SYN,ACK) timed out and no RTT was measured, so the
            // 1 s initial RTO proved too short for this path: data starts with 3 s.
            c.rtt().rto = Math.max(config.rtoMinNanos, Math.min(SYN_FALLBACK_RTO_NANOS, config.rtoMaxNanos));
        }
        s.retries = 0;
        s.persistBackoff = 0;
        c.tm().cancel(TimerKind.RETRANSMISSION);
        if (s.una == s.nxt && s.queued() == 0) {
            TimerRules.stopWaiting(c);
        } else {
            // RFC 6298 §5.3: restart the timer when new data is acknowledged; the user timeout
            // runs again from this progress, for data in flight or still waiting for a window.
            TimerRules.restartWaiting(c);
            if (s.una != s.nxt) {
                TimerRules.armRtx(c);
            }
        }
    }

    /**
     * The congestion response to an acceptable ACK (RFC 5681 §3, RFC 6582 §3.2, RFC 3042):
     * growth for new data, NewReno's partial and full ACKs, and duplicate ACKs counted toward
     * fast retransmit.
     */
    private static void congestion(MutableTcb c, Segment seg, int unaBefore, int wndBefore, boolean outstanding) {
        int acked = Seq.diff(c.snd.una, unaBefore);
        int mss = c.snd.mss;
        TcpConfig config = c.id.config;
        if (acked > 0) {
            CongestionState cc = c.cc();
            if (cc.goBackN && Seq.gt(c.snd.una, cc.rtxNxt)) {
                cc.rtxNxt = c.snd.una; // the peer had more than we resent so far
            }
            if (cc.goBackN && cc.rtxNxt == c.snd.nxt) {
                cc.goBackN = false;
            }
            if (cc.fastRecovery) {
                if (Seq.ge(c.snd.una, cc.recover)) {
                    // Full ACK, RFC 6582 §3.2 step 6 (option 1): deflate to ssthresh, bounded by
                    // what is in flight so the exit sends no burst.
                    cc.fastRecovery = false;
                    cc.dupAcks = 0;
                    cc.cwnd = Math.min(cc.ssthresh, Math.max(Seq.diff(c.snd.nxt, c.snd.una), mss) + mss);
                } else {
                    // Partial ACK, step 5: the next hole is lost too; resend it at once, deflate
                    // by what was acknowledged, add one segment back if a segment's worth was.
                    Sending.retransmitFrom(c, c.snd.una, mss, Why.FAST_RETRANSMIT);
                    cc.cwnd = Math.max(mss, cc.cwnd - acked) + (acked >= mss ? mss : 0);
                }
                return;
            }
            cc.dupAcks = 0;
            cc.cwnd = config.congestionControl.onAck(cc.cwnd, cc.ssthresh, acked, mss);
            return;
        }
        // RFC 5681 §2's duplicate ACK: data outstanding, SEG.ACK = SND.UNA, no data, no SYN or
        // FIN, the same window.
        if (!outstanding || seg.ack() != unaBefore || !seg.payload().isEmpty() || seg.has(SYN) || seg.has(FIN)
                || (seg.window() << c.opt.sndShift) != wndBefore || c.snd.nxt == c.snd.una) {
            return;
        }
        CongestionState cc = c.cc();
        if (cc.dupAcks < Integer.MAX_VALUE) {
            cc.dupAcks++;
        }
        if (cc.fastRecovery) {
            cc.cwnd = saturatingAdd(cc.cwnd, mss); // step 4: each duplicate means a segment has left
        } else if (cc.dupAcks == DUP_THRESH && !cc.goBackN && Seq.ge(c.snd.una, cc.recover)) {
            // RFC 5681 §3.2 steps 2-3, RFC 6582 §3.2 step 2. An ACK that covers all of
            // "recover" counts as new, as Linux's high_seq test does (RFC 6582 asks for more).
            cc.ssthresh = config.congestionControl.ssthreshAfterLoss(cc.cwnd, Seq.diff(c.snd.nxt, c.snd.una), mss);
            cc.recover = c.snd.nxt;
            if (c.rtt.timing) {
                c.rtt().timing = false; // Karn: the resent segment gives no sample
            }
            Sending.retransmitFrom(c, c.snd.una, mss, Why.FAST_RETRANSMIT);
            cc.cwnd = saturatingAdd(cc.ssthresh, DUP_THRESH * mss);
            cc.fastRecovery = true;
        }
    }

    static int saturatingAdd(int a, int b) {
        return (int) Math.min(Integer.MAX_VALUE, (long) a + b);
    }

    /** RFC 6298 §2.2-2.4 (clock granularity is a nanosecond, so G vanishes). */
    private static void rttSample(MutableTcb c, long r) {
        RttState t = c.rtt();
        t.rttvar = rttvarAfter(t.srtt, t.rttvar, r); // uses the old SRTT, as §2.3 orders
        t.srtt = srttAfter(t.srtt, r);
        t.rto = rtoFor(c.id.config, t.srtt, t.rttvar);
    }

    /** RFC 6298 §2.2/§2.3: RTTVAR after a sample {@code r}, given the SRTT before it. */
    static long rttvarAfter(long srtt, long rttvar, long r) {
        return srtt == RttState.UNSET ? r / 2 : (3 * rttvar + Math.abs(srtt - r)) / 4;
    }

    /** RFC 6298 §2.2/§2.3: SRTT after a sample {@code r}. */
    static long srttAfter(long srtt, long r) {
        return srtt == RttState.UNSET ? r : (7 * srtt + r) / 8;
    }

    /**
     * RFC 6298 §2.4 with the configured floor (§2.4's 1 s, or Linux's 200 ms) and ceiling; or,
     * with {@link TcpConfig#rtoMinOnVariance()}, Linux's SRTT + max(4·RTTVAR, floor).
     */
    static long rtoFor(TcpConfig config, long srtt, long rttvar) {
        if (config.rtoMinOnVariance) {
            return Math.min(srtt + Math.max(4 * rttvar, config.rtoMinNanos), config.rtoMaxNanos);
        }
        return Math.max(config.rtoMinNanos, Math.min(srtt + 4 * rttvar, config.rtoMaxNanos));
    }

    /** RFC 9293 §3.10.7.4: take the window only from a segment newer than the last update. */
    static void updateWindow(MutableTcb c, Segment seg) {
        SendSeq s0 = c.snd;
        if (!(Seq.lt(s0.wl1, seg.seq()) || (s0.wl1 == seg.seq() && Seq.le(s0.wl2, seg.ack())))) {
            return;
        }
        SendSeq s = c.snd();
        s.wnd = seg.window() << c.opt.sndShift; // RFC 7323 §2.3
        s.wl1 = seg.seq();
        s.wl2 = seg.ack();
        s.maxWnd = Math.max(s.maxWnd, s.wnd);
        if (s.wnd > 0) {
            if (c.tm.armed(TimerKind.PERSIST)) {
                if (s.nxt == s.una && c.tm.waiting) {
                    TimerRules.restartWaiting(c); // the window opened: progress, the wait starts over
                }
                c.tm().cancel(TimerKind.PERSIST);
            }
            s.persistBackoff = 0;
        }
    }
}
