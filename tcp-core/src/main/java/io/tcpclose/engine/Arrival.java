package io.tcpclose.engine;

import static io.tcpclose.wire.TcpFlags.ACK;
import static io.tcpclose.wire.TcpFlags.FIN;
import static io.tcpclose.wire.TcpFlags.RST;
import static io.tcpclose.wire.TcpFlags.SYN;

import io.tcpclose.engine.Effect.Why;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpOptions;

/**
 * A segment arrives (RFC 9293 §3.10.7): one arm per state group, and for the synchronized
 * states the checks of §3.10.7.4 in order — sequence number (with RFC 7323's PAWS before it),
 * RST (RFC 5961 §3), SYN (RFC 5961 §4), ACK, text, FIN — the ACK, text and FIN handed to
 * {@link Acking} and {@link Receiving}. Stateless: rules over a {@link MutableTcb}.
 */
final class Arrival {
    private Arrival() {}

    /** RFC 7323 §5.5: TS.Recent older than 24 days no longer judges anything. */
    static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * 1_000_000_000L;

    static void arrive(MutableTcb c, Segment seg, boolean listening) {
        switch (c.life.state) {
            case CLOSED:
                closed(c, seg);
                return;
            case LISTEN:
                listen(c, seg);
                return;
            case SYN_SENT:
                synSent(c, seg);
                return;
            case TIME_WAIT:
                if (listening && newIncarnation(c, seg)) {
                    return;
                }
                synchronizedState(c, seg);
                return;
            default:
                synchronizedState(c, seg);
        }
    }

    /** RFC 9293 §3.10.7.1: no connection; answer anything but a RST with a RST. */
    private static void closed(MutableTcb c, Segment seg) {
        c.reject(RejectReason.NO_CONNECTION, seg);
        if (!seg.has(RST)) {
            c.transmit(TcpEngine.resetFor(seg), Why.RESET);
        }
    }

    /** RFC 9293 §3.10.7.2. */
    private static void listen(MutableTcb c, Segment seg) {
        if (seg.has(RST)) {
            c.reject(RejectReason.IGNORED_IN_STATE, seg);
            return;
        }
        if (seg.has(ACK)) {
            c.reject(RejectReason.UNACCEPTABLE_ACK, seg);
            c.transmit(TcpEngine.resetFor(seg), Why.RESET);
            return;
        }
        if (!seg.has(SYN)) {
            c.reject(RejectReason.IGNORED_IN_STATE, seg);
            return;
        }
        Ident id = c.id();
        if (id.remotePort == 0) {
            id.remotePort = seg.srcPort();
        }
        synReceived(c, seg);
        SendSeq s = c.snd();
        s.wnd = seg.window(); // never scaled in a SYN (RFC 7323 §2.2)
        s.maxWnd = s.wnd;
        s.wl1 = seg.seq();
        s.wl2 = id.iss;
        s.nxt = id.iss + 1;
        c.setState(TcpState.SYN_RECEIVED, null);
        c.transmit(Sending.synSegment(c, SYN | ACK), Why.SEND);
        Sending.startRtt(c, s.nxt);
        TimerRules.markWaiting(c);
        TimerRules.armRtx(c);
    }

    /** The peer's SYN is in: IRS, RCV.NXT, its MSS and the options both sides offered. */
    private static void synReceived(MutableTcb c, Segment syn) {
        c.id().irs = syn.seq();
        c.rcv().nxt = syn.seq() + 1;
        int peerMss = syn.options().mss();
        TcpConfig config = c.id.config;
        c.snd().mss = Math.min(peerMss > 0 ? peerMss : 536, config.mss);
        // What both sides offered is on (RFC 7323 §1.3, §2.2, §3.2).
        TcpOptions o = syn.options();
        Negotiated n = c.opt();
        n.wsOk = config.windowScaling && o.windowScale() >= 0;
        n.sndShift = n.wsOk ? Math.min(o.windowScale(), 14) : 0; // §2.3: a larger shift is taken as 14
        n.rcvShift = n.wsOk ? Sending.ourShift(config) : 0;
        n.tsOk = config.timestamps && o.hasTimestamps();
        if (n.tsOk) {
            n.tsRecent = (int) o.tsVal();
            n.tsRecentNanos = c.now;
            n.hasTsRecent = true;
            c.snd().mss = Math.max(1, c.snd.mss - Sending.TIMESTAMPS_OPTION); // the option rides in every segment
        }
    }

    /** An ICMP error about a segment we sent ({@link Event.IcmpError} says the rule and why). */
    static void icmpError(MutableTcb c, Event.IcmpError e) {
        boolean inFlight = Seq.le(c.snd.una, e.quotedSeq()) && Seq.lt(e.quotedSeq(), c.snd.nxt);
        if (e.hard() && inFlight && c.life.state == TcpState.SYN_SENT) {
            c.setState(TcpState.CLOSED, CloseReason.REFUSED);
        }
    }

    /** RFC 9293 §3.10.7.3. */
    private static void synSent(MutableTcb c, Segment seg) {
        boolean hasAck = seg.has(ACK);
        if (hasAck && (Seq.le(seg.ack(), c.id.iss) || Seq.gt(seg.ack(), c.snd.nxt))) {
            c.reject(RejectReason.UNACCEPTABLE_ACK, seg);
            if (!seg.has(RST)) {
                c.transmit(TcpEngine.resetFor(seg), Why.RESET);
            }
            return;
        }
        if (seg.has(RST)) {
            if (hasAck) {
                // RFC 5961 §3.2 / RFC 9293: a RST that acknowledges our SYN means "refused".
                c.setState(TcpState.CLOSED, CloseReason.REFUSED);
            } else {
                c.reject(RejectReason.RST_UNACCEPTABLE_ACK, seg);
            }
            return;
        }
        if (!seg.has(SYN)) {
            c.reject(RejectReason.IGNORED_IN_STATE, seg);
            return;
        }
        synReceived(c, seg);
        if (hasAck) {
            Acking.advance(c, seg.ack());
            SendSeq s = c.snd();
            s.wnd = seg.window();
            s.maxWnd = s.wnd;
            s.wl1 = seg.seq();
            s.wl2 = seg.ack();
            c.setState(TcpState.ESTABLISHED, null);
            c.ackNeeded = true;
            Sending.output(c);
        } else {
            // Simultaneous open: SYN-RECEIVED, answering with SYN,ACK.
            SendSeq s = c.snd();
            s.wnd = seg.window();
            s.wl1 = seg.seq();
            c.setState(TcpState.SYN_RECEIVED, null);
            c.transmit(Sending.synSegment(c, SYN | ACK), Why.SEND);
        }
    }

    /**
     * RFC 9293 §3.6.1, RFC 6191 §2: with a listener waiting, a SYN above everything this
     * TIME-WAIT received may open a new incarnation of the 4-tuple; the driver does it.
     */
    private static boolean newIncarnation(MutableTcb c, Segment seg) {
        if (!c.id.config.timeWaitReuse || !seg.has(SYN) || seg.has(ACK) || seg.has(RST)) {
            return false;
        }
        // RFC 6191 §2: with timestamps on both incarnations a newer TSval admits the SYN whatever
        // its sequence number; otherwise it must lie above everything the old one received.
        boolean newer = c.opt.tsOk && seg.options().hasTimestamps() && c.opt.hasTsRecent
                ? Seq.gt((int) seg.options().tsVal(), c.opt.tsRecent)
                : Seq.gt(seg.seq(), c.rcv.nxt);
        if (!newer) {
            return false;
        }
        c.out.newIncarnation(seg, c.snd.nxt);
        return true;
    }

    /** RFC 9293 §3.10.7.4: SYN-RECEIVED and every synchronized state. */
    private static void synchronizedState(MutableTcb c, Segment seg) {
        TcpConfig config = c.id.config;
        TcpState state = c.life.state;
        if (state == TcpState.TIME_WAIT) {
            if (config.timeWaitRestartOnAck && seg.has(ACK) && !seg.has(RST)) {
                // Linux (tcp_timewait_state_process): any segment with an ACK restarts the 2×MSL wait.
                c.tm().set(TimerKind.TIME_WAIT, c.now + config.timeWaitNanos());
            }
            if (seg.has(RST) && config.timeWaitRst == TcpConfig.TimeWaitRst.IGNORE) {
                // RFC 1337 §3: ignoring RST in TIME-WAIT prevents its assassination, and ignoring
                // means silence: no challenge ACK for any RST, exact, in the window or beyond it
                // (Linux, FreeBSD and gVisor drop it the same way).
                c.reject(RejectReason.RST_IN_TIME_WAIT, seg);
                return;
            }
        }
        if ((state == TcpState.SYN_RECEIVED || Sending.synUnacked(c)) && seg.has(SYN) && !seg.has(RST)
                && seg.seq() == c.id.irs) {
            if (!seg.has(ACK)) {
                // A repeated SYN means our SYN,ACK was lost: send it again.
                c.transmit(Sending.synSegment(c, SYN | ACK), Why.RETRANSMISSION);
                return;
            }
            // Simultaneous open: the peer's SYN,ACK repeats the SYN we already took. Its SYN
            // bit is old news; its ACK completes our side (RFC 9293 §3.5, Figure 8).
            seg = seg.withFlags(seg.flags() & ~SYN).withSeq(c.id.irs + 1);
        }

        // Fourth check brought forward: RFC 5961 §4 answers a SYN in a synchronized state with a
        // (rate-limited) challenge ACK "irrespective of the sequence number".
        if (seg.has(SYN) && !seg.has(RST)) {
            c.reject(RejectReason.SYN_IN_SYNCHRONIZED_STATE, seg);
            challengeAck(c);
            return;
        }

        // RFC 7323 §5.3 R1, before the sequence check: PAWS drops an old duplicate by its timestamp.
        if (pawsRejects(c, seg)) {
            c.reject(RejectReason.PAWS, seg);
            duplicateAck(c, seg);
            return;
        }

        // First: sequence number acceptability.
        if (!acceptable(c, seg)) {
            unacceptable(c, seg);
            return;
        }

        takeTimestamps(c, seg);

        // Second: RST (RFC 5961 §3.2).
        if (seg.has(RST)) {
            reset(c, seg);
            return;
        }

        // Fifth: the ACK field.
        if (!seg.has(ACK)) {
            c.reject(RejectReason.NO_ACK, seg);
            return;
        }
        if (state == TcpState.SYN_RECEIVED) {
            if (Seq.gt(seg.ack(), c.snd.una) && Seq.le(seg.ack(), c.snd.nxt)) {
                SendSeq s = c.snd();
                s.wnd = seg.window() << c.opt.sndShift;
                s.maxWnd = Math.max(s.maxWnd, s.wnd);
                s.wl1 = seg.seq();
                s.wl2 = seg.ack();
                c.setState(TcpState.ESTABLISHED, null);
            } else {
                c.reject(RejectReason.UNACCEPTABLE_ACK, seg);
                c.transmit(TcpEngine.resetFor(seg), Why.RESET);
                return;
            }
        }
        if (Seq.gt(seg.ack(), c.snd.nxt)) {
            // Acknowledges something never sent: ACK and drop (RFC 9293 §3.10.7.4 fifth).
            c.reject(RejectReason.UNACCEPTABLE_ACK, seg);
            duplicateAck(c, seg);
            return;
        }
        if (c.snd.maxWnd > 0 && Seq.lt(seg.ack(), c.snd.una - c.snd.maxWnd)) {
            // RFC 5961 §5.2: implausibly old ACK, likely blind injection.
            c.reject(RejectReason.UNACCEPTABLE_ACK, seg);
            challengeAck(c);
            return;
        }
        // A stale ACK (below SND.UNA) is ignored; the rest of the segment, FIN included, is
        // still processed.
        Acking.acknowledge(c, seg);
        Receiving.trim(c, seg);

        switch (c.life.state) {
            case FIN_WAIT_1:
                // RFC 9293 §3.10.7.4 fifth: our FIN acknowledged, FIN-WAIT-2, and processing goes
                // on there. When this segment's own FIN is taken below, the eighth check moves
                // FIN-WAIT-1 straight to TIME-WAIT instead ("perhaps in this segment"), as Linux.
                if (Sending.finAcked(c) && !Receiving.finInOrder(c)) {
                    c.setState(TcpState.FIN_WAIT_2, null);
                }
                break;
            case CLOSING:
                if (Sending.finAcked(c)) {
                    c.setState(TcpState.TIME_WAIT, null); // RFC 9293 §3.10.7.4: CLOSING + ACK of FIN
                }
                break;
            case LAST_ACK:
                if (Sending.finAcked(c)) {
                    c.setState(TcpState.CLOSED, CloseReason.NORMAL); // RFC 9293 §3.10.7.4: LAST-ACK + ACK of FIN
                    return;
                }
                break;
            case TIME_WAIT:
                // Only a retransmitted FIN is expected here (handled above). Anything else that
                // occupies sequence space is ACKed; a bare ACK is not, or two TIME-WAITs would
                // echo ACKs forever.
                if (seg.seqLength() > 0) {
                    c.ackNeeded = true;
                    Sending.output(c);
                }
                return;
            default:
                break;
        }

        // Seventh: segment text. Eighth: FIN.
        Receiving.take(c, seg);
        if (c.life.state == TcpState.CLOSED) {
            return;
        }
        Sending.output(c);
    }

    /** RFC 7323 §5.3 R1: an old duplicate by its timestamp (TS.Recent is at most 24 days old, §5.5). */
    static boolean pawsRejects(MutableTcb c, Segment seg) {
        Negotiated opt = c.opt;
        TcpOptions opts = seg.options();
        return opt.tsOk && opts.hasTimestamps() && !seg.has(RST) && opt.hasTsRecent
                && Seq.lt((int) opts.tsVal(), opt.tsRecent) && c.now - opt.tsRecentNanos < PAWS_IDLE_NANOS;
    }

    /**
     * RFC 7323 §4.3: remember the timestamp to echo, from a segment at or left of what we
     * acknowledged; and note its TSecr for this ACK's RTT sample (§4.1).
     */
    static void takeTimestamps(MutableTcb c, Segment seg) {
        Negotiated opt = c.opt;
        TcpOptions opts = seg.options();
        if (opt.tsOk && opts.hasTimestamps() && !seg.has(RST) && Seq.le(seg.seq(), c.rcv.lastAckSent)
                && (!opt.hasTsRecent || Seq.ge((int) opts.tsVal(), opt.tsRecent)
                        || c.now - opt.tsRecentNanos >= PAWS_IDLE_NANOS)) { // §5.5: a stale TS.Recent is replaced
            Negotiated n = c.opt();
            n.tsRecent = (int) opts.tsVal();
            n.tsRecentNanos = c.now;
            n.hasTsRecent = true;
        }
        c.curTsEcr = opt.tsOk && opts.hasTimestamps() ? (int) opts.tsEcr() : 0;
    }

    /** An unacceptable segment (RFC 9293 §3.10.7.4 first check): dropped, and usually ACKed. */
    private static void unacceptable(MutableTcb c, Segment seg) {
        TcpState state = c.life.state;
        int rcvNxt = c.rcv.nxt;
        if (seg.has(RST)) {
            c.reject(RejectReason.OUT_OF_WINDOW, seg); // RFC 5961 §3.2: outside the window, drop silently
            return;
        }
        if (state.peerFinReceived() && seg.has(FIN) && seg.seq() + seg.seqLength() == rcvNxt) {
            // RFC 9293 §3.10.7.4 eighth: the peer repeats its FIN because our ACK of it was
            // lost. ACK it again; in TIME-WAIT also restart the 2×MSL wait (§3.6.1).
            c.reject(RejectReason.FIN_REPEATED, seg);
            if (state == TcpState.TIME_WAIT) {
                c.tm().set(TimerKind.TIME_WAIT, c.now + c.id.config.timeWaitNanos());
            }
        } else {
            c.reject(RejectReason.OUT_OF_WINDOW, seg);
            if (c.id.config.silentAfterFin && state != TcpState.TIME_WAIT && state.peerFinReceived()
                    && Seq.ge(seg.seq(), rcvNxt) && Seq.lt(seg.seq(), rcvNxt + Math.max(1, Receiving.window(c)))) {
                // Linux (tcp_rcv_state_process): in CLOSE-WAIT, CLOSING and LAST-ACK a segment at
                // or beyond RCV.NXT inside the window is dropped without an answer.
                return;
            }
        }
        duplicateAck(c, seg);
    }

    /**
     * RFC 9293 §3.10.7.4 first check, with a FIN at RCV.NXT accepted even into a zero window.
     * Once the peer's FIN is in, no sequence space lies beyond RCV.NXT: only a segment at
     * RCV.NXT without text is acceptable (Linux, FreeBSD and gVisor agree), whatever window we
     * still advertise. A RST is still judged against the window, for RFC 5961 §3.2's challenge.
     */
    private static boolean acceptable(MutableTcb c, Segment seg) {
        int rcvNxt = c.rcv.nxt;
        if (c.life.state.peerFinReceived() && !seg.has(RST)) {
            return seg.seq() == rcvNxt && seg.seqLength() == 0;
        }
        int len = seg.seqLength();
        int wnd = Receiving.window(c);
        int seq = seg.seq();
        if (len == 0) {
            return wnd == 0 ? seq == rcvNxt : Seq.inWindow(seq, rcvNxt, wnd);
        }
        if (wnd == 0) {
            return seq == rcvNxt && seg.payload().isEmpty() && seg.has(FIN);
        }
        return Seq.inWindow(seq, rcvNxt, wnd) || Seq.inWindow(seq + len - 1, rcvNxt, wnd);
    }

    /** RFC 5961 §3.2 (the TIME-WAIT policy of RFC 1337 is decided before the sequence check). */
    private static void reset(MutableTcb c, Segment seg) {
        boolean exact = seg.seq() == c.rcv.nxt;
        if (!exact && c.id.config.rstValidation == TcpConfig.RstValidation.RFC_5961) {
            // RFC 5961 §3.2: in window but not exact: challenge ACK, let a real peer prove it.
            c.reject(RejectReason.RST_NOT_EXACT, seg);
            challengeAck(c);
            return;
        }
        switch (c.life.state) {
            case SYN_RECEIVED:
                c.setState(TcpState.CLOSED, c.id.passive ? CloseReason.RESET_BY_PEER : CloseReason.REFUSED);
                return;
            case TIME_WAIT:
                c.setState(TcpState.CLOSED, CloseReason.NORMAL); // RFC 1337's hazard, allowed by the CLOSE policy
                return;
            default:
                // RFC 9293 §3.10.7.4 second check: never answer a RST.
                c.setState(TcpState.CLOSED, CloseReason.RESET_BY_PEER);
        }
    }

    /**
     * The ACK owed to an unacceptable segment. When the segment is itself a bare ACK it may be
     * one half of an ACK storm between two desynchronized ends (each answering the other's
     * "unacceptable" ACK), so such answers share the RFC 5961 §7 throttle, as Linux does;
     * segments that carry data, SYN or FIN are always answered.
     */
    private static void duplicateAck(MutableTcb c, Segment seg) {
        if (seg.seqLength() == 0) {
            if (c.tm.outOfWindowAckSent && c.now - c.tm.lastOutOfWindowAckNanos < c.id.config.challengeAckIntervalNanos) {
                return;
            }
            Timers t = c.tm();
            t.lastOutOfWindowAckNanos = c.now;
            t.outOfWindowAckSent = true;
        }
        c.transmit(Sending.ackSegment(c), Why.DUPLICATE_ACK);
    }

    private static void challengeAck(MutableTcb c) {
        // RFC 5961 §7: at most one challenge ACK per interval per connection.
        if (c.tm.challengeSent && c.now - c.tm.lastChallengeAckNanos < c.id.config.challengeAckIntervalNanos) {
            return;
        }
        Timers t = c.tm();
        t.lastChallengeAckNanos = c.now;
        t.challengeSent = true;
        c.transmit(Sending.ackSegment(c), Why.CHALLENGE_ACK);
    }
}
