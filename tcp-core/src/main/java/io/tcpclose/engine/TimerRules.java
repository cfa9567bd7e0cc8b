package io.tcpclose.engine;

import static io.tcpclose.wire.TcpFlags.ACK;
import static io.tcpclose.wire.TcpFlags.RST;

import io.tcpclose.engine.Effect.Why;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Seq;

/**
 * What each timer does when it fires, and when each is armed: TIME-WAIT's end (RFC 9293
 * §3.6.1), the orphan FIN-WAIT-2 limit, the user timeout (RFC 5482), retransmission with
 * backoff and give-up (RFC 6298, RFC 1122 §4.2.3.5), zero-window probing (RFC 9293 §3.8.6.1),
 * keep-alive (RFC 1122 §4.2.3.6) and the delayed ACK's bound. Stateless: rules over a {@link
 * MutableTcb}.
 */
final class TimerRules {
    private TimerRules() {}

    /** The due timers fire in {@link TimerKind} order, which keeps runs deterministic. */
    static void tick(MutableTcb c) {
        long now = c.now;
        if (c.tm.due(TimerKind.TIME_WAIT, now)) {
            c.setState(TcpState.CLOSED, CloseReason.NORMAL);
            return;
        }
        if (c.tm.due(TimerKind.FIN_WAIT_2, now)) {
            c.setState(TcpState.CLOSED, CloseReason.TIMED_OUT_FIN_WAIT_2);
            return;
        }
        if (c.tm.due(TimerKind.USER_TIMEOUT, now)) {
            // RFC 5482 §3 / RFC 9293 §3.10.8: data waited too long for its ACK (or for a window).
            c.setState(TcpState.CLOSED, CloseReason.TIMED_OUT_USER);
            return;
        }
        if (c.tm.due(TimerKind.RETRANSMISSION, now)) {
            retransmissionTimeout(c);
            if (c.life.state == TcpState.CLOSED) {
                return;
            }
        }
        if (c.tm.due(TimerKind.PERSIST, now)) {
            persistTimeout(c);
            if (c.life.state == TcpState.CLOSED) {
                return;
            }
        }
        if (c.tm.due(TimerKind.KEEPALIVE, now)) {
            keepAliveTimeout(c);
            if (c.life.state == TcpState.CLOSED) {
                return;
            }
        }
        if (c.tm.due(TimerKind.DELAYED_ACK, now)) {
            c.tm().cancel(TimerKind.DELAYED_ACK);
            c.transmit(Sending.ackSegment(c), Why.SEND); // the delay bound: the owed ACK goes now
        }
    }

    /** Queued data starts waiting now (sent, or held back by a zero window), unless it already was. */
    static void markWaiting(MutableTcb c) {
        if (!c.tm.waiting) {
            restartWaiting(c);
        }
    }

    /** Progress: the waiting data's origin (and so the user timeout) starts over now. */
    static void restartWaiting(MutableTcb c) {
        Timers t = c.tm();
        t.waiting = true;
        t.waitingSinceNanos = c.now;
        t.syncUserTimeout(c.id.config);
    }

    /** Nothing waits any more. */
    static void stopWaiting(MutableTcb c) {
        if (c.tm.waiting) {
            Timers t = c.tm();
            t.waiting = false;
            t.waitingSinceNanos = 0;
            t.syncUserTimeout(c.id.config);
        }
    }

    private static void retransmissionTimeout(MutableTcb c) {
        TcpConfig config = c.id.config;
        TcpState state = c.life.state;
        int limit = state == TcpState.SYN_SENT ? config.maxSynRetransmissions
                : state == TcpState.SYN_RECEIVED ? config.maxSynAckRetransmissions
                : c.life.appClosed ? config.maxOrphanRetransmissions : config.maxRetransmissions;
        if (c.snd.retries >= limit) {
            // RFC 1122 §4.2.3.5 R2: give up and close; the peer is presumed gone, so no RST.
            c.setState(TcpState.CLOSED, CloseReason.TIMED_OUT_RETRANSMISSION);
            return;
        }
        boolean dataState = state != TcpState.SYN_SENT && state != TcpState.SYN_RECEIVED && !Sending.synUnacked(c);
        if (dataState) {
            // RFC 5681 §3.1: ssthresh from the flight at the first timeout of a run (held while
            // the same data times out again), then one segment, slow start, and go-back-N from
            // SND.UNA; RFC 6582 §3.2 step 1: no fast retransmit until all of this is acknowledged.
            CongestionState cc = c.cc();
            if (c.snd.retries == 0) {
                cc.ssthresh = config.congestionControl.ssthreshAfterLoss(cc.cwnd, Seq.diff(c.snd.nxt, c.snd.una), c.snd.mss);
            }
            cc.cwnd = config.congestionControl.windowAfterTimeout(c.snd.mss);
            cc.fastRecovery = false;
            cc.dupAcks = 0;
            cc.recover = c.snd.nxt;
        }
        c.snd().retries++;
        // RFC 6298 §5.5: back off; §3 Karn: a retransmitted segment gives no RTT sample.
        RttState r = c.rtt();
        r.rto = Math.min(r.rto * 2, config.rtoMaxNanos);
        r.timing = false;
        Sending.retransmitHead(c);
        c.tm().cancel(TimerKind.RETRANSMISSION);
        armRtx(c);
    }

    private static void persistTimeout(MutableTcb c) {
        c.tm().cancel(TimerKind.PERSIST);
        if (c.snd.wnd == 0 && Sending.unsent(c) > 0 && c.snd.nxt == c.snd.una) {
            // RFC 1122 4.2.2.17 / RFC 9293 §3.8.6.1: a peer that answers its probes may hold the
            // window shut indefinitely, but an unanswered probe counts toward the give-up like a
            // retransmission (`retries` is free while nothing is in flight; any acceptable ACK
            // clears it). An orphan's data has no reader waiting for it: it gets its orphan limit
            // of probes in all, answered or not. Linux counts its probes the same two ways.
            TcpConfig config = c.id.config;
            boolean orphan = c.life.appClosed;
            int limit = orphan ? config.maxOrphanRetransmissions : config.maxRetransmissions;
            if ((orphan ? c.snd.persistBackoff : c.snd.retries) >= limit) {
                c.setState(TcpState.CLOSED, CloseReason.TIMED_OUT_RETRANSMISSION);
                return;
            }
            // Zero-window probe at SND.UNA-1: the peer must answer with an ACK that carries
            // its current window (RFC 9293 §3.8.6.1; the form Linux uses).
            c.transmit(Sending.segment(c, c.snd.una - 1, ACK, Bytes.EMPTY), Why.WINDOW_PROBE);
            SendSeq s = c.snd();
            s.retries++;
            if (s.persistBackoff < Integer.MAX_VALUE) {
                s.persistBackoff++;
            }
            armPersist(c);
        }
    }

    private static void keepAliveTimeout(MutableTcb c) {
        c.tm().cancel(TimerKind.KEEPALIVE);
        if (!keepAliveApplies(c) || c.snd.nxt != c.snd.una || Sending.unsent(c) > 0) {
            // Not idle (retransmission or window probing covers a silent peer), or a state that
            // never idles: the idle clock keeps running, so probing starts once it applies.
            armKeepAlive(c);
            return;
        }
        if (c.tm.keepAliveProbesSent >= c.id.config.keepAliveProbes) {
            // RFC 1122 §4.2.3.6: the peer is dead; tell it (if it comes back) with a RST.
            c.transmit(Sending.segment(c, c.snd.nxt, RST | ACK, Bytes.EMPTY), Why.RESET);
            c.setState(TcpState.CLOSED, CloseReason.TIMED_OUT_KEEPALIVE);
            return;
        }
        // RFC 1122 §4.2.3.6: SEG.SEQ = SND.NXT-1, no data, so the peer must ACK it.
        c.transmit(Sending.segment(c, c.snd.nxt - 1, ACK, Bytes.EMPTY), Why.KEEPALIVE_PROBE);
        Timers t = c.tm();
        t.keepAliveProbesSent++;
        t.set(TimerKind.KEEPALIVE, c.now + c.id.config.keepAliveIntervalNanos);
    }

    private static boolean keepAliveApplies(MutableTcb c) {
        TcpState s = c.life.state;
        return c.id.config.keepAlive && (s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT || s == TcpState.FIN_WAIT_2);
    }

    /** Restarts the idle clock; it runs in every synchronized state but TIME-WAIT and fires only where probing applies. */
    static void armKeepAlive(MutableTcb c) {
        TcpState s = c.life.state;
        if (c.id.config.keepAlive && s.isSynchronized() && s != TcpState.TIME_WAIT) {
            c.tm().set(TimerKind.KEEPALIVE, c.now + c.id.config.keepAliveIdleNanos);
        }
    }

    /**
     * Only an orphan waits a limited time in FIN-WAIT-2 for the peer's FIN; a half-closed
     * connection may keep receiving for as long as the peer sends, and only keep-alive (if on)
     * can tell it the peer has gone. The limit starts when both hold: on entering FIN-WAIT-2
     * as an orphan, or on close() in FIN-WAIT-2.
     */
    static void armOrphanFinWait2(MutableTcb c) {
        TcpConfig config = c.id.config;
        if (c.life.state == TcpState.FIN_WAIT_2 && c.life.appClosed && config.orphanFinWait2TimeoutNanos != TcpConfig.NONE) {
            c.tm().set(TimerKind.FIN_WAIT_2, c.now + config.orphanFinWait2TimeoutNanos);
        }
    }

    static void armRtx(MutableTcb c) {
        if (c.tm.armed(TimerKind.RETRANSMISSION)) {
            return;
        }
        long d = c.now + c.rtt.rto;
        // Clamp so the user timeout fires on time instead of after a long backed-off RTO.
        if (c.tm.armed(TimerKind.USER_TIMEOUT)) {
            long ut = c.tm.at(TimerKind.USER_TIMEOUT);
            if (ut - d < 0) {
                d = ut;
            }
        }
        c.tm().set(TimerKind.RETRANSMISSION, d);
    }

    static void armPersist(MutableTcb c) {
        int shift = Math.min(c.snd.persistBackoff, 20);
        long rto = c.rtt.rto;
        long max = c.id.config.rtoMaxNanos;
        // rto << shift, saturating at the ceiling instead of overflowing for a huge RTO.
        long interval = rto > (max >> shift) ? max : rto << shift;
        c.tm().set(TimerKind.PERSIST, c.now + interval);
    }
}
