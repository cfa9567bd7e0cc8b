package io.tcpclose.engine;

import static io.tcpclose.engine.Tcb.A_CHALLENGE;
import static io.tcpclose.engine.Tcb.A_DEADLINES;
import static io.tcpclose.engine.Tcb.A_DELACK;
import static io.tcpclose.engine.Tcb.A_FIN_WAIT_2;
import static io.tcpclose.engine.Tcb.A_KEEPALIVE;
import static io.tcpclose.engine.Tcb.A_OLDEST;
import static io.tcpclose.engine.Tcb.A_OUT_OF_WINDOW;
import static io.tcpclose.engine.Tcb.A_PERSIST;
import static io.tcpclose.engine.Tcb.A_RTT;
import static io.tcpclose.engine.Tcb.A_RTX;
import static io.tcpclose.engine.Tcb.A_SENT;
import static io.tcpclose.engine.Tcb.A_TIME_WAIT;
import static io.tcpclose.engine.Tcb.A_TS_RECENT;
import static io.tcpclose.engine.Tcb.UNSET;
import static io.tcpclose.wire.TcpFlags.ACK;
import static io.tcpclose.wire.TcpFlags.FIN;
import static io.tcpclose.wire.TcpFlags.PSH;
import static io.tcpclose.wire.TcpFlags.RST;
import static io.tcpclose.wire.TcpFlags.SYN;

import io.tcpclose.engine.Effect.Why;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The mutable scratch copy of a {@link Tcb} that one step works on, and all the transition
 * logic. Created from a snapshot, changed by exactly one event, frozen into the next snapshot.
 * Never escapes a step. Not thread-safe (and never shared).
 */
final class Work {
    TcpConfig config;
    int localPort;
    int remotePort;
    TcpState state;
    boolean passive;
    int iss;
    int sndUna;
    int sndNxt;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int sndMss;
    int maxSndWnd;
    Bytes sendQueue;
    boolean finQueued;
    boolean finSent;
    boolean appClosed;
    int irs;
    int rcvNxt;
    int unread;
    HeldQueue held;
    long rtoNanos;
    long srttNanos;
    long rttvarNanos;
    int rttSeq;
    long rttStartNanos;
    int retries;
    int persistBackoff;
    long rtxDeadline;
    long persistDeadline;
    long timeWaitDeadline;
    long finWait2Deadline;
    long keepAliveDeadline;
    long oldestUnackedNanos;
    int keepAliveProbesSent;
    long lastChallengeAckNanos;
    long lastOutOfWindowAckNanos;
    CloseReason closeReason;
    /** Which deadline and timestamp fields hold a value ({@code Tcb.A_*} bits): no magic values. */
    int armed;
    int cwnd;
    int ssthresh;
    int dupAcks;
    int recover;
    boolean fastRecovery;
    boolean goBackN;
    int rtxNxt;
    long lastDataSentNanos;
    boolean wsOk;
    int sndShift;
    int rcvShift;
    boolean tsOk;
    int tsOffset;
    int tsRecent;
    long tsRecentNanos;
    int lastAckSent;
    int unackedSegments;
    long delAckDeadline;
    int quickAcksLeft;
    /** The arriving segment's TSecr while it is processed (0: none); never stored. */
    private int curTsEcr;

    private long now;
    private long deadlineBefore;
    private boolean hadDeadlineBefore;
    private final List<Effect> effects = new ArrayList<>(4);
    /** Set by segment processing: an ACK is owed, carried by data if any goes out. */
    private boolean ackNeeded;

    /** A fresh CLOSED connection. */
    Work(TcpConfig config, int localPort, int remotePort) {
        this.config = config;
        this.localPort = localPort;
        this.remotePort = remotePort;
        state = TcpState.CLOSED;
        sendQueue = Bytes.EMPTY;
        held = HeldQueue.EMPTY;
        rtoNanos = config.rtoInitialNanos;
        srttNanos = UNSET;
        rttvarNanos = 0;
        sndMss = 536; // RFC 9293 §3.7.1: the default when the peer sends no MSS option
        armed = 0; // no timer, no timestamp
        cwnd = initialWindow();
        ssthresh = Integer.MAX_VALUE; // RFC 5681 §3.1: arbitrarily high until the first loss
    }

    Work(Tcb t, long now) {
        config = t.config;
        localPort = t.localPort;
        remotePort = t.remotePort;
        state = t.state;
        passive = t.passive;
        iss = t.iss;
        sndUna = t.sndUna;
        sndNxt = t.sndNxt;
        sndWnd = t.sndWnd;
        sndWl1 = t.sndWl1;
        sndWl2 = t.sndWl2;
        sndMss = t.sndMss;
        maxSndWnd = t.maxSndWnd;
        sendQueue = t.sendQueue;
        finQueued = t.finQueued;
        finSent = t.finSent;
        appClosed = t.appClosed;
        irs = t.irs;
        rcvNxt = t.rcvNxt;
        unread = t.unread;
        held = t.held;
        rtoNanos = t.rtoNanos;
        srttNanos = t.srttNanos;
        rttvarNanos = t.rttvarNanos;
        rttSeq = t.rttSeq;
        rttStartNanos = t.rttStartNanos;
        retries = t.retries;
        persistBackoff = t.persistBackoff;
        rtxDeadline = t.rtxDeadline;
        persistDeadline = t.persistDeadline;
        timeWaitDeadline = t.timeWaitDeadline;
        finWait2Deadline = t.finWait2Deadline;
        keepAliveDeadline = t.keepAliveDeadline;
        oldestUnackedNanos = t.oldestUnackedNanos;
        keepAliveProbesSent = t.keepAliveProbesSent;
        lastChallengeAckNanos = t.lastChallengeAckNanos;
        lastOutOfWindowAckNanos = t.lastOutOfWindowAckNanos;
        closeReason = t.closeReason;
        armed = t.armed;
        cwnd = t.cwnd;
        ssthresh = t.ssthresh;
        dupAcks = t.dupAcks;
        recover = t.recover;
        fastRecovery = t.fastRecovery;
        goBackN = t.goBackN;
        rtxNxt = t.rtxNxt;
        lastDataSentNanos = t.lastDataSentNanos;
        wsOk = t.wsOk;
        sndShift = t.sndShift;
        rcvShift = t.rcvShift;
        tsOk = t.tsOk;
        tsOffset = t.tsOffset;
        tsRecent = t.tsRecent;
        tsRecentNanos = t.tsRecentNanos;
        lastAckSent = t.lastAckSent;
        unackedSegments = t.unackedSegments;
        delAckDeadline = t.delAckDeadline;
        quickAcksLeft = t.quickAcksLeft;
        this.now = now;
        this.deadlineBefore = t.nextDeadline();
        this.hadDeadlineBefore = t.hasDeadline();
    }

    Step finish() {
        Tcb next = new Tcb(this);
        long d = next.nextDeadline();
        boolean pending = next.hasDeadline();
        if (d != deadlineBefore || pending != hadDeadlineBefore) {
            effects.add(pending ? new Effect.NextDeadline(d) : Effect.NO_DEADLINE);
        }
        return new Step(next, Collections.unmodifiableList(effects));
    }

    // ------------------------------------------------------------------ the one choke point

    /**
     * Every state change goes through here: it records the change and runs the entry actions
     * of the new state.
     */
    private void setState(TcpState to, CloseReason reason) {
        TcpState from = state;
        if (from == to) {
            return;
        }
        state = to;
        effects.add(new Effect.StateChanged(from, to));
        switch (to) {
            case ESTABLISHED:
                armKeepAlive();
                quickAcksLeft = config.quickAcks;
                if (finQueued) {
                    // shutdownOutput() came while the handshake was in progress (RFC 9293 §3.10.4)
                    setState(TcpState.FIN_WAIT_1, null);
                }
                break;
            case FIN_WAIT_2:
                // Only an orphan waits a limited time for the peer's FIN; a half-closed
                // connection may keep receiving for as long as the peer sends, and only
                // keep-alive (if on) can tell it the peer has gone.
                if (appClosed && config.orphanFinWait2TimeoutNanos != TcpConfig.NONE) {
                    finWait2Deadline = now + config.orphanFinWait2TimeoutNanos;
                    arm(A_FIN_WAIT_2);
                }
                if (!has(A_KEEPALIVE)) {
                    armKeepAlive();
                }
                break;
            case CLOSE_WAIT:
                if (!has(A_KEEPALIVE)) {
                    armKeepAlive();
                }
                break;
            case TIME_WAIT:
                // Both FINs are acknowledged: the close handshake is done, the wait begins.
                effects.add(Effect.CLOSE_COMPLETED);
                // RFC 9293 §3.6.1: 2×MSL, so a lost last ACK can be repeated and old duplicates die out.
                cancelAllTimers();
                timeWaitDeadline = now + config.timeWaitNanos();
                arm(A_TIME_WAIT);
                sendQueue = Bytes.EMPTY;
                held = HeldQueue.EMPTY;
                break;
            case CLOSED:
                if (from == TcpState.LAST_ACK && reason == CloseReason.NORMAL) {
                    effects.add(Effect.CLOSE_COMPLETED); // the passive closer's FIN is acknowledged
                }
                cancelAllTimers();
                sendQueue = Bytes.EMPTY;
                held = HeldQueue.EMPTY;
                closeReason = reason;
                effects.add(new Effect.Closed(reason));
                break;
            default:
                break;
        }
    }

    private void cancelAllTimers() {
        disarm(A_DEADLINES | A_OLDEST | A_RTT);
    }

    private boolean has(int bits) {
        return (armed & bits) != 0;
    }

    private void arm(int bits) {
        armed |= bits;
    }

    private void disarm(int bits) {
        armed &= ~bits;
    }

    // ------------------------------------------------------------------ application calls

    void open(int newIss, int newTsOffset) {
        if (state != TcpState.CLOSED || closeReason != null) {
            throw new TcpApiException("open()", state, "a connection block opens once");
        }
        iss = newIss;
        tsOffset = newTsOffset;
        sndUna = newIss;
        sndNxt = newIss + 1;
        setState(TcpState.SYN_SENT, null);
        transmit(synSegment(SYN), Why.SEND);
        startRtt(sndNxt);
        markOldestUnacked();
        armRtx();
    }

    void listen(int newIss, int newTsOffset) {
        if (state != TcpState.CLOSED || closeReason != null) {
            throw new TcpApiException("listen()", state, "a connection block opens once");
        }
        iss = newIss;
        tsOffset = newTsOffset;
        sndUna = newIss;
        sndNxt = newIss;
        passive = true;
        setState(TcpState.LISTEN, null);
    }

    void send(Bytes data) {
        if (!state.maySend()) {
            throw new TcpApiException("send()", state, state == TcpState.CLOSED
                    ? "the connection does not exist" : "the sending side is shut down");
        }
        if (finQueued) {
            throw new TcpApiException("send()", state, "shutdownOutput() was already called");
        }
        // The send buffer bounds what waits: take what fits, and the caller learns how much
        // from the queue's length (Tcb.sendRoom()); what is taken is never dropped.
        int room = config.sendBuffer - sendQueue.length();
        if (room <= 0) {
            return;
        }
        sendQueue = sendQueue.concat(data.length() > room ? data.slice(0, room) : data);
        output();
    }

    void shutdownOutput() {
        switch (state) {
            case CLOSED:
                throw new TcpApiException("shutdownOutput()", state, "the connection does not exist");
            case LISTEN:
                setState(TcpState.CLOSED, CloseReason.ABORTED);
                return;
            case SYN_SENT:
                finQueued = true; // the FIN follows once ESTABLISHED is reached
                return;
            case SYN_RECEIVED:
                finQueued = true;
                if (sendQueue.isEmpty()) {
                    // RFC 9293 §3.10.4: with nothing queued, the FIN goes now, behind our SYN.
                    setState(TcpState.FIN_WAIT_1, null);
                    output();
                }
                return; // otherwise it follows the data once ESTABLISHED is reached
            case ESTABLISHED:
                finQueued = true;
                setState(TcpState.FIN_WAIT_1, null);
                output();
                return;
            case CLOSE_WAIT:
                // RFC 9293 §3.10.4: the FIN follows the queued data, then LAST-ACK.
                finQueued = true;
                setState(TcpState.LAST_ACK, null);
                output();
                return;
            default:
                return; // already closing: idempotent
        }
    }

    void close() {
        switch (state) {
            case CLOSED:
                return; // idempotent, like java.net.Socket.close()
            case LISTEN:
            case SYN_SENT:
                // RFC 9293 §3.10.4: nothing was promised yet; delete the TCB.
                setState(TcpState.CLOSED, CloseReason.ABORTED);
                return;
            default:
                break;
        }
        if (unread > 0 && config.rstOnCloseWithUnreadData && state != TcpState.TIME_WAIT) {
            // RFC 2525 §2.17, RFC 9293 §3.6.1: closing with unread data must not look like a
            // clean close to the peer, so reset instead of FIN.
            transmit(segment(sndNxt, RST | ACK, Bytes.EMPTY), Why.RESET);
            setState(TcpState.CLOSED, CloseReason.ABORTED_UNREAD_DATA);
            return;
        }
        appClosed = true;
        if (state == TcpState.FIN_WAIT_2 && config.orphanFinWait2TimeoutNanos != TcpConfig.NONE) {
            finWait2Deadline = now + config.orphanFinWait2TimeoutNanos;
            arm(A_FIN_WAIT_2);
        }
        shutdownOutput();
    }

    void abort() {
        switch (state) {
            case CLOSED:
                return;
            case SYN_RECEIVED:
            case ESTABLISHED:
            case FIN_WAIT_1:
            case FIN_WAIT_2:
            case CLOSE_WAIT:
                // RFC 9293 §3.10.5: <SEQ=SND.NXT><CTL=RST>; with ACK, as Linux sends it.
                transmit(segment(sndNxt, RST | ACK, Bytes.EMPTY), Why.RESET);
                setState(TcpState.CLOSED, CloseReason.ABORTED);
                return;
            default:
                // LISTEN, SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: no RST is owed (RFC 9293 §3.10.5).
                setState(TcpState.CLOSED, CloseReason.ABORTED);
        }
    }

    void configure(TcpConfig next) {
        String fixed = config.fixedKnobChanged(next);
        if (fixed != null) {
            throw new TcpApiException("configure()", state, fixed + " cannot change on an open connection;"
                    + " only keep-alive, the user timeout and the send buffer can");
        }
        TcpConfig old = config;
        config = next;
        if (!next.keepAlive) {
            disarm(A_KEEPALIVE);
            keepAliveProbesSent = 0;
        } else if (!old.keepAlive || !has(A_KEEPALIVE)) {
            keepAliveProbesSent = 0;
            armKeepAlive();
        } else {
            // Linux tcp_sock_set_keepidle: the new period counts from the last activity the old
            // deadline was measured from; a deadline already past fires at the next tick.
            long period = keepAliveProbesSent == 0 ? old.keepAliveIdleNanos : old.keepAliveIntervalNanos;
            long nextPeriod = keepAliveProbesSent == 0 ? next.keepAliveIdleNanos : next.keepAliveIntervalNanos;
            long at = keepAliveDeadline - period + nextPeriod;
            keepAliveDeadline = at - now < 0 ? now : at;
        }
    }

    void consume(int bytes) {
        if (bytes < 0 || bytes > unread) {
            throw new TcpApiException("consume(" + bytes + ")", state,
                    "only " + unread + " delivered bytes are unread");
        }
        int before = rcvWndNow();
        unread -= bytes;
        // Reopening a window the peer may be blocked on: tell it (RFC 9293 §3.8.6.2.2).
        if (state.mayReceive() && state.isSynchronized() && before < sndMssForWindow() && rcvWndNow() >= sndMssForWindow()) {
            ackNeeded = true;
            output();
        }
    }

    private int sndMssForWindow() {
        return Math.min(config.mss, config.receiveBuffer / 2);
    }

    // ------------------------------------------------------------------ time

    void tick() {
        // Fixed order (TimerKind declaration order) keeps runs deterministic.
        if (due(A_TIME_WAIT, timeWaitDeadline)) {
            disarm(A_TIME_WAIT);
            setState(TcpState.CLOSED, CloseReason.NORMAL);
            return;
        }
        if (due(A_FIN_WAIT_2, finWait2Deadline)) {
            disarm(A_FIN_WAIT_2);
            setState(TcpState.CLOSED, CloseReason.TIMED_OUT_FIN_WAIT_2);
            return;
        }
        if (userTimeoutArmed() && userTimeoutDeadline() - now <= 0) {
            // RFC 5482 §3 / RFC 9293 §3.10.8: data waited too long for its ACK (or for a window).
            setState(TcpState.CLOSED, CloseReason.TIMED_OUT_USER);
            return;
        }
        if (due(A_RTX, rtxDeadline)) {
            retransmissionTimeout();
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (due(A_PERSIST, persistDeadline)) {
            persistTimeout();
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (due(A_KEEPALIVE, keepAliveDeadline)) {
            keepAliveTimeout();
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (due(A_DELACK, delAckDeadline)) {
            disarm(A_DELACK);
            transmit(ackSegment(), Why.SEND); // the delay bound: the owed ACK goes now
        }
    }

    private boolean due(int bit, long deadline) {
        return has(bit) && deadline - now <= 0;
    }

    private boolean userTimeoutArmed() {
        return config.userTimeoutNanos != TcpConfig.NONE && has(A_OLDEST);
    }

    /** Valid only while {@link #userTimeoutArmed()}. */
    private long userTimeoutDeadline() {
        return oldestUnackedNanos + config.userTimeoutNanos;
    }

    /** Queued data starts waiting now (sent, or held back by a zero window), unless it already was. */
    private void markOldestUnacked() {
        if (!has(A_OLDEST)) {
            oldestUnackedNanos = now;
            arm(A_OLDEST);
        }
    }

    private void retransmissionTimeout() {
        int limit = state == TcpState.SYN_SENT ? config.maxSynRetransmissions
                : state == TcpState.SYN_RECEIVED ? config.maxSynAckRetransmissions
                : appClosed ? config.maxOrphanRetransmissions : config.maxRetransmissions;
        if (retries >= limit) {
            // RFC 1122 §4.2.3.5 R2: give up and close; the peer is presumed gone, so no RST.
            setState(TcpState.CLOSED, CloseReason.TIMED_OUT_RETRANSMISSION);
            return;
        }
        boolean dataState = state != TcpState.SYN_SENT && state != TcpState.SYN_RECEIVED && !synUnacked();
        if (dataState) {
            // RFC 5681 §3.1: ssthresh from the flight at the first timeout of a run (held while
            // the same data times out again), then one segment, slow start, and go-back-N from
            // SND.UNA; RFC 6582 §3.2 step 1: no fast retransmit until all of this is acknowledged.
            if (retries == 0) {
                ssthresh = config.congestionControl.ssthreshAfterLoss(cwnd, Seq.diff(sndNxt, sndUna), sndMss);
            }
            cwnd = config.congestionControl.windowAfterTimeout(sndMss);
            fastRecovery = false;
            dupAcks = 0;
            recover = sndNxt;
        }
        retries++;
        // RFC 6298 §5.5: back off; §3 Karn: a retransmitted segment gives no RTT sample.
        rtoNanos = Math.min(rtoNanos * 2, config.rtoMaxNanos);
        disarm(A_RTT);
        retransmitHead();
        disarm(A_RTX);
        armRtx();
    }

    private int initialWindow() {
        return config.congestionControl.initialWindow(config.initialWindowSegments, sndMss);
    }

    /**
     * Resends from {@code seq} (SND.UNA ≤ seq &lt; SND.NXT) at most {@code max} bytes of data,
     * with our FIN when the segment reaches it.
     *
     * @return the sequence number after what was sent
     */
    private int retransmitFrom(int seq, int max, Why why) {
        int offset = Seq.diff(seq, sndUna);
        int dataEnd = Seq.diff(sndNxt, sndUna) - (finSent ? 1 : 0);
        int n = Math.max(0, Math.min(max, dataEnd - offset));
        boolean fin = finSent && offset + n == dataEnd;
        int flags = ACK | (fin ? FIN : 0) | (n > 0 && offset + n == dataEnd ? PSH : 0);
        transmit(segment(seq, flags, sendQueue.slice(offset, n)), why);
        lastDataSentNanos = now;
        arm(A_SENT);
        return seq + n + (fin ? 1 : 0);
    }

    private void retransmitHead() {
        switch (state) {
            case SYN_SENT:
                transmit(synSegment(SYN), Why.RETRANSMISSION);
                return;
            case SYN_RECEIVED:
                transmit(synSegment(SYN | ACK), Why.RETRANSMISSION);
                return;
            default:
                if (synUnacked()) {
                    // FIN-WAIT-1 straight from SYN-RECEIVED: the SYN,ACK comes first.
                    transmit(synSegment(SYN | ACK), Why.RETRANSMISSION);
                    return;
                }
                break;
        }
        if (sndNxt == sndUna) {
            return;
        }
        rtxNxt = retransmitFrom(sndUna, sndMss, Why.RETRANSMISSION);
        goBackN = rtxNxt != sndNxt;
    }

    private void persistTimeout() {
        disarm(A_PERSIST);
        if (sndWnd == 0 && unsent() > 0 && sndNxt == sndUna) {
            // RFC 1122 4.2.2.17 / RFC 9293 §3.8.6.1: a peer that answers its probes may hold the
            // window shut indefinitely, but an unanswered probe counts toward the give-up like a
            // retransmission (`retries` is free while nothing is in flight; any acceptable ACK
            // clears it). An orphan's data has no reader waiting for it: it gets its orphan limit
            // of probes in all, answered or not. Linux counts its probes the same two ways.
            int limit = appClosed ? config.maxOrphanRetransmissions : config.maxRetransmissions;
            if ((appClosed ? persistBackoff : retries) >= limit) {
                setState(TcpState.CLOSED, CloseReason.TIMED_OUT_RETRANSMISSION);
                return;
            }
            // Zero-window probe at SND.UNA-1: the peer must answer with an ACK that carries
            // its current window (RFC 9293 §3.8.6.1; the form Linux uses).
            transmit(segment(sndUna - 1, ACK, Bytes.EMPTY), Why.WINDOW_PROBE);
            retries++;
            if (persistBackoff < Integer.MAX_VALUE) {
                persistBackoff++;
            }
            armPersist();
        }
    }

    private void keepAliveTimeout() {
        disarm(A_KEEPALIVE);
        if (!keepAliveApplies() || sndNxt != sndUna || unsent() > 0) {
            // Not idle (retransmission or window probing covers a silent peer), or a state that
            // never idles: the idle clock keeps running, so probing starts once it applies.
            armKeepAlive();
            return;
        }
        if (keepAliveProbesSent >= config.keepAliveProbes) {
            // RFC 1122 §4.2.3.6: the peer is dead; tell it (if it comes back) with a RST.
            transmit(segment(sndNxt, RST | ACK, Bytes.EMPTY), Why.RESET);
            setState(TcpState.CLOSED, CloseReason.TIMED_OUT_KEEPALIVE);
            return;
        }
        // RFC 1122 §4.2.3.6: SEG.SEQ = SND.NXT-1, no data, so the peer must ACK it.
        transmit(segment(sndNxt - 1, ACK, Bytes.EMPTY), Why.KEEPALIVE_PROBE);
        keepAliveProbesSent++;
        keepAliveDeadline = now + config.keepAliveIntervalNanos;
        arm(A_KEEPALIVE);
    }

    private boolean keepAliveApplies() {
        return config.keepAlive && (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_2);
    }

    /** Restarts the idle clock; it runs in every synchronized state but TIME-WAIT and fires only where probing applies. */
    private void armKeepAlive() {
        if (config.keepAlive && state.isSynchronized() && state != TcpState.TIME_WAIT) {
            keepAliveDeadline = now + config.keepAliveIdleNanos;
            arm(A_KEEPALIVE);
        }
    }

    private void armRtx() {
        if (has(A_RTX)) {
            return;
        }
        long d = now + rtoNanos;
        // Clamp so the user timeout fires on time instead of after a long backed-off RTO.
        if (userTimeoutArmed() && userTimeoutDeadline() - d < 0) {
            d = userTimeoutDeadline();
        }
        rtxDeadline = d;
        arm(A_RTX);
    }

    private void armPersist() {
        int shift = Math.min(persistBackoff, 20);
        // rtoNanos << shift, saturating at the ceiling instead of overflowing for a huge RTO.
        long interval = rtoNanos > (config.rtoMaxNanos >> shift) ? config.rtoMaxNanos : rtoNanos << shift;
        persistDeadline = now + interval;
        arm(A_PERSIST);
    }

    // ------------------------------------------------------------------ segment arrival

    void arrive(Segment seg, boolean listening) {
        if (state == TcpState.TIME_WAIT && listening && newIncarnation(seg)) {
            return;
        }
        switch (state) {
            case CLOSED:
                closedArrives(seg);
                return;
            case LISTEN:
                listenArrives(seg);
                return;
            case SYN_SENT:
                synSentArrives(seg);
                return;
            default:
                synchronizedArrives(seg);
        }
    }

    /** RFC 9293 §3.10.7.1: no connection; answer anything but a RST with a RST. */
    private void closedArrives(Segment seg) {
        reject(RejectReason.NO_CONNECTION, seg);
        if (!seg.has(RST)) {
            transmit(TcpEngine.resetFor(seg), Why.RESET);
        }
    }

    /** RFC 9293 §3.10.7.2. */
    private void listenArrives(Segment seg) {
        if (seg.has(RST)) {
            reject(RejectReason.IGNORED_IN_STATE, seg);
            return;
        }
        if (seg.has(ACK)) {
            reject(RejectReason.UNACCEPTABLE_ACK, seg);
            transmit(TcpEngine.resetFor(seg), Why.RESET);
            return;
        }
        if (!seg.has(SYN)) {
            reject(RejectReason.IGNORED_IN_STATE, seg);
            return;
        }
        if (remotePort == 0) {
            remotePort = seg.srcPort();
        }
        irs = seg.seq();
        rcvNxt = seg.seq() + 1;
        takeMss(seg);
        negotiate(seg);
        sndWnd = seg.window(); // never scaled in a SYN (RFC 7323 §2.2)
        maxSndWnd = sndWnd;
        sndWl1 = seg.seq();
        sndWl2 = iss;
        sndNxt = iss + 1;
        setState(TcpState.SYN_RECEIVED, null);
        transmit(synSegment(SYN | ACK), Why.SEND);
        startRtt(sndNxt);
        markOldestUnacked();
        armRtx();
    }

    /** RFC 9293 §3.10.7.3. */
    private void synSentArrives(Segment seg) {
        boolean hasAck = seg.has(ACK);
        if (hasAck && (Seq.le(seg.ack(), iss) || Seq.gt(seg.ack(), sndNxt))) {
            reject(RejectReason.UNACCEPTABLE_ACK, seg);
            if (!seg.has(RST)) {
                transmit(TcpEngine.resetFor(seg), Why.RESET);
            }
            return;
        }
        if (seg.has(RST)) {
            if (hasAck) {
                // RFC 5961 §3.2 / RFC 9293: a RST that acknowledges our SYN means "refused".
                setState(TcpState.CLOSED, CloseReason.REFUSED);
            } else {
                reject(RejectReason.RST_UNACCEPTABLE_ACK, seg);
            }
            return;
        }
        if (!seg.has(SYN)) {
            reject(RejectReason.IGNORED_IN_STATE, seg);
            return;
        }
        irs = seg.seq();
        rcvNxt = seg.seq() + 1;
        takeMss(seg);
        negotiate(seg);
        if (hasAck) {
            ackAdvance(seg.ack());
            sndWnd = seg.window();
            maxSndWnd = sndWnd;
            sndWl1 = seg.seq();
            sndWl2 = seg.ack();
            setState(TcpState.ESTABLISHED, null);
            ackNeeded = true;
            output();
        } else {
            // Simultaneous open: SYN-RECEIVED, answering with SYN,ACK.
            sndWnd = seg.window();
            sndWl1 = seg.seq();
            setState(TcpState.SYN_RECEIVED, null);
            transmit(synSegment(SYN | ACK), Why.SEND);
        }
    }

    /**
     * RFC 9293 §3.6.1, RFC 6191 §2: with a listener waiting, a SYN above everything this
     * TIME-WAIT received may open a new incarnation of the 4-tuple; the driver does it.
     */
    private boolean newIncarnation(Segment seg) {
        if (!config.timeWaitReuse || !seg.has(SYN) || seg.has(ACK) || seg.has(RST)) {
            return false;
        }
        // RFC 6191 §2: with timestamps on both incarnations a newer TSval admits the SYN whatever
        // its sequence number; otherwise it must lie above everything the old one received.
        boolean newer = tsOk && seg.options().hasTimestamps() && has(A_TS_RECENT)
                ? Seq.gt((int) seg.options().tsVal(), tsRecent)
                : Seq.gt(seg.seq(), rcvNxt);
        if (!newer) {
            return false;
        }
        effects.add(new Effect.NewIncarnation(seg, sndNxt));
        return true;
    }

    /** RFC 9293 §3.10.7.4: SYN-RECEIVED and every synchronized state. */
    private void synchronizedArrives(Segment seg) {
        if (state == TcpState.TIME_WAIT && config.timeWaitRestartOnAck && seg.has(ACK) && !seg.has(RST)) {
            // Linux (tcp_timewait_state_process): any segment with an ACK restarts the 2×MSL wait.
            timeWaitDeadline = now + config.timeWaitNanos();
        }
        if (state == TcpState.TIME_WAIT && seg.has(RST) && config.timeWaitRst == TcpConfig.TimeWaitRst.IGNORE) {
            // RFC 1337 §3: ignoring RST in TIME-WAIT prevents its assassination, and ignoring
            // means silence: no challenge ACK for any RST, exact, in the window or beyond it
            // (Linux, FreeBSD and gVisor drop it the same way).
            reject(RejectReason.RST_IN_TIME_WAIT, seg);
            return;
        }
        if ((state == TcpState.SYN_RECEIVED || synUnacked()) && seg.has(SYN) && !seg.has(RST) && seg.seq() == irs) {
            if (!seg.has(ACK)) {
                // A repeated SYN means our SYN,ACK was lost: send it again.
                transmit(synSegment(SYN | ACK), Why.RETRANSMISSION);
                return;
            }
            // Simultaneous open: the peer's SYN,ACK repeats the SYN we already took. Its SYN
            // bit is old news; its ACK completes our side (RFC 9293 §3.5, Figure 8).
            seg = seg.withFlags(seg.flags() & ~SYN).withSeq(irs + 1);
        }

        // Fourth check brought forward: RFC 5961 §4 answers a SYN in a synchronized state with a
        // (rate-limited) challenge ACK "irrespective of the sequence number".
        if (seg.has(SYN) && !seg.has(RST)) {
            reject(RejectReason.SYN_IN_SYNCHRONIZED_STATE, seg);
            challengeAck();
            return;
        }

        // RFC 7323 §5.3 R1, before the sequence check: PAWS drops an old duplicate by its timestamp.
        TcpOptions opts = seg.options();
        if (tsOk && opts.hasTimestamps() && !seg.has(RST) && has(A_TS_RECENT)
                && Seq.lt((int) opts.tsVal(), tsRecent) && now - tsRecentNanos < PAWS_IDLE_NANOS) {
            reject(RejectReason.PAWS, seg);
            duplicateAck(seg);
            return;
        }

        // First: sequence number acceptability.
        if (!acceptable(seg)) {
            if (seg.has(RST)) {
                reject(RejectReason.OUT_OF_WINDOW, seg); // RFC 5961 §3.2: outside the window, drop silently
                return;
            }
            if (state.peerFinReceived() && seg.has(FIN) && seg.seq() + seg.seqLength() == rcvNxt) {
                // RFC 9293 §3.10.7.4 eighth: the peer repeats its FIN because our ACK of it was
                // lost. ACK it again; in TIME-WAIT also restart the 2×MSL wait (§3.6.1).
                reject(RejectReason.FIN_REPEATED, seg);
                if (state == TcpState.TIME_WAIT) {
                    timeWaitDeadline = now + config.timeWaitNanos();
                }
            } else {
                reject(RejectReason.OUT_OF_WINDOW, seg);
                if (config.silentAfterFin && state != TcpState.TIME_WAIT && state.peerFinReceived()
                        && Seq.ge(seg.seq(), rcvNxt) && Seq.lt(seg.seq(), rcvNxt + Math.max(1, rcvWndNow()))) {
                    // Linux (tcp_rcv_state_process): in CLOSE-WAIT, CLOSING and LAST-ACK a segment at
                    // or beyond RCV.NXT inside the window is dropped without an answer.
                    return;
                }
            }
            duplicateAck(seg);
            return;
        }

        // RFC 7323 §4.3: remember the timestamp to echo, from a segment at or left of what we acknowledged.
        if (tsOk && opts.hasTimestamps() && !seg.has(RST) && Seq.le(seg.seq(), lastAckSent)
                && (!has(A_TS_RECENT) || Seq.ge((int) opts.tsVal(), tsRecent)
                        || now - tsRecentNanos >= PAWS_IDLE_NANOS)) { // §5.5: a stale TS.Recent is replaced
            tsRecent = (int) opts.tsVal();
            tsRecentNanos = now;
            arm(A_TS_RECENT);
        }
        curTsEcr = tsOk && opts.hasTimestamps() ? (int) opts.tsEcr() : 0;

        // Second: RST (RFC 5961 §3.2).
        if (seg.has(RST)) {
            resetArrives(seg);
            return;
        }

        // Fifth: the ACK field.
        if (!seg.has(ACK)) {
            reject(RejectReason.NO_ACK, seg);
            return;
        }
        if (state == TcpState.SYN_RECEIVED) {
            if (Seq.gt(seg.ack(), sndUna) && Seq.le(seg.ack(), sndNxt)) {
                sndWnd = seg.window() << sndShift;
                maxSndWnd = Math.max(maxSndWnd, sndWnd);
                sndWl1 = seg.seq();
                sndWl2 = seg.ack();
                setState(TcpState.ESTABLISHED, null);
            } else {
                reject(RejectReason.UNACCEPTABLE_ACK, seg);
                transmit(TcpEngine.resetFor(seg), Why.RESET);
                return;
            }
        }
        if (Seq.gt(seg.ack(), sndNxt)) {
            // Acknowledges something never sent: ACK and drop (RFC 9293 §3.10.7.4 fifth).
            reject(RejectReason.UNACCEPTABLE_ACK, seg);
            duplicateAck(seg);
            return;
        }
        if (maxSndWnd > 0 && Seq.lt(seg.ack(), sndUna - maxSndWnd)) {
            // RFC 5961 §5.2: implausibly old ACK, likely blind injection.
            reject(RejectReason.UNACCEPTABLE_ACK, seg);
            challengeAck();
            return;
        }
        // A stale ACK (below SND.UNA) is ignored; the rest of the segment, FIN included, is
        // still processed.
        int unaBefore = sndUna;
        int wndBefore = sndWnd;
        boolean outstanding = sndNxt != sndUna;
        boolean synWasUnacked = sndUna == iss;
        if (Seq.gt(seg.ack(), sndUna)) {
            ackAdvance(seg.ack());
        }
        if (Seq.ge(seg.ack(), sndUna)) {
            updateWindow(seg);
        }
        if (!synWasUnacked) {
            congestion(seg, unaBefore, wndBefore, outstanding);
        }
        keepAliveProbesSent = 0;
        if (sndNxt == sndUna) {
            retries = 0; // nothing in flight: this answers a window probe, the peer is alive (RFC 1122 4.2.2.17)
        }
        armKeepAlive();

        // A FIN that reaches RCV.NXT once this segment's data is in: its FIN step decides.
        boolean finInOrder = seg.has(FIN) && Seq.le(seg.seq(), rcvNxt);
        switch (state) {
            case FIN_WAIT_1:
                if (finAcked() && !finInOrder) {
                    setState(TcpState.FIN_WAIT_2, null); // RFC 9293 §3.10.7.4: our FIN is acknowledged
                }
                break;
            case CLOSING:
                if (finAcked()) {
                    setState(TcpState.TIME_WAIT, null); // RFC 9293 §3.10.7.4: CLOSING + ACK of FIN
                }
                break;
            case LAST_ACK:
                if (finAcked()) {
                    setState(TcpState.CLOSED, CloseReason.NORMAL); // RFC 9293 §3.10.7.4: LAST-ACK + ACK of FIN
                    return;
                }
                break;
            case TIME_WAIT:
                // Only a retransmitted FIN is expected here (handled above). Anything else that
                // occupies sequence space is ACKed; a bare ACK is not, or two TIME-WAITs would
                // echo ACKs forever.
                if (seg.seqLength() > 0) {
                    ackNeeded = true;
                    output();
                }
                return;
            default:
                break;
        }

        // Seventh: segment text. Eighth: FIN.
        receiveText(seg);
        if (state == TcpState.CLOSED) {
            return;
        }
        if (state == TcpState.FIN_WAIT_1 && finAcked()) {
            setState(TcpState.FIN_WAIT_2, null); // the FIN this segment carried could not be taken yet
        }
        output();
    }

    /** Our SYN is sent but not yet acknowledged (SND.UNA still at ISS). */
    private boolean synUnacked() {
        return sndUna == iss && state != TcpState.LISTEN && state != TcpState.CLOSED && Seq.gt(sndNxt, iss);
    }

    private boolean finAcked() {
        return finSent && sndUna == sndNxt;
    }

    /**
     * RFC 9293 §3.10.7.4 first check, with a FIN at RCV.NXT accepted even into a zero window.
     * Once the peer's FIN is in, no sequence space lies beyond RCV.NXT: only a segment at
     * RCV.NXT without text is acceptable (Linux, FreeBSD and gVisor agree), whatever window we
     * still advertise. A RST is still judged against the window, for RFC 5961 §3.2's challenge.
     */
    private boolean acceptable(Segment seg) {
        if (state.peerFinReceived() && !seg.has(RST)) {
            return seg.seq() == rcvNxt && seg.seqLength() == 0;
        }
        int len = seg.seqLength();
        int wnd = rcvWndNow();
        int seq = seg.seq();
        if (len == 0) {
            return wnd == 0 ? seq == rcvNxt : Seq.inWindow(seq, rcvNxt, wnd);
        }
        if (wnd == 0) {
            return seq == rcvNxt && seg.payload().isEmpty() && seg.has(FIN);
        }
        return Seq.inWindow(seq, rcvNxt, wnd) || Seq.inWindow(seq + len - 1, rcvNxt, wnd);
    }

    private int rcvWndNow() {
        return Math.max(0, config.receiveBuffer - unread);
    }

    private void resetArrives(Segment seg) {
        boolean exact = seg.seq() == rcvNxt;
        if (!exact && config.rstValidation == TcpConfig.RstValidation.RFC_5961) {
            // RFC 5961 §3.2: in window but not exact: challenge ACK, let a real peer prove it.
            reject(RejectReason.RST_NOT_EXACT, seg);
            challengeAck();
            return;
        }
        switch (state) {
            case SYN_RECEIVED:
                setState(TcpState.CLOSED, passive ? CloseReason.RESET_BY_PEER : CloseReason.REFUSED);
                return;
            case TIME_WAIT:
                if (config.timeWaitRst == TcpConfig.TimeWaitRst.IGNORE) {
                    // RFC 1337 §3: ignoring RST here prevents TIME-WAIT assassination.
                    reject(RejectReason.RST_IN_TIME_WAIT, seg);
                    return;
                }
                setState(TcpState.CLOSED, CloseReason.NORMAL);
                return;
            default:
                // RFC 9293 §3.10.7.4 second check: never answer a RST.
                setState(TcpState.CLOSED, CloseReason.RESET_BY_PEER);
        }
    }

    /**
     * The ACK owed to an unacceptable segment. When the segment is itself a bare ACK it may be
     * one half of an ACK storm between two desynchronized ends (each answering the other's
     * "unacceptable" ACK), so such answers share the RFC 5961 §7 throttle, as Linux does;
     * segments that carry data, SYN or FIN are always answered.
     */
    private void duplicateAck(Segment seg) {
        if (seg.seqLength() == 0) {
            if (has(A_OUT_OF_WINDOW) && now - lastOutOfWindowAckNanos < config.challengeAckIntervalNanos) {
                return;
            }
            lastOutOfWindowAckNanos = now;
            arm(A_OUT_OF_WINDOW);
        }
        transmit(ackSegment(), Why.DUPLICATE_ACK);
    }

    private void challengeAck() {
        // RFC 5961 §7: at most one challenge ACK per interval per connection.
        if (has(A_CHALLENGE) && now - lastChallengeAckNanos < config.challengeAckIntervalNanos) {
            return;
        }
        lastChallengeAckNanos = now;
        arm(A_CHALLENGE);
        transmit(ackSegment(), Why.CHALLENGE_ACK);
    }

    private void ackAdvance(int ack) {
        int acked = Seq.diff(ack, sndUna);
        int ctl = 0;
        boolean synAcked = sndUna == iss; // SND.UNA returns to ISS only after 2^32 bytes; not a concern at these sizes
        if (synAcked) {
            ctl++; // our SYN
        }
        if (finSent && ack == sndNxt) {
            ctl++; // our FIN
        }
        int dataAcked = Math.max(0, Math.min(acked - ctl, sendQueue.length()));
        sendQueue = sendQueue.dropFirst(dataAcked);
        sndUna = ack;
        if (curTsEcr != 0) {
            // RFC 7323 §4.1: the echoed timestamp times this ACK, retransmitted or not (no Karn).
            rttSample(Math.max(0, tsNow() - curTsEcr) * 1_000_000L);
            disarm(A_RTT);
        } else if (has(A_RTT) && Seq.ge(ack, rttSeq)) {
            rttSample(now - rttStartNanos);
            disarm(A_RTT);
        }
        if (synAcked) {
            // RFC 5681 §3.1: after a lost SYN or SYN,ACK the first window is one segment.
            cwnd = retries > 0 ? Math.min(initialWindow(), config.congestionControl.windowAfterTimeout(sndMss))
                    : initialWindow();
            recover = ack; // RFC 6582 §3.2: "initialized to the initial send sequence number"
            rtxNxt = ack;
        }
        if (synAcked && retries > 0 && srttNanos == UNSET && config.rtoInitialNanos < SYN_FALLBACK_RTO_NANOS) {
            // RFC 6298 §5.7: the SYN (or SYN,ACK) timed out and no RTT was measured, so the
            // 1 s initial RTO proved too short for this path: data starts with 3 s.
            rtoNanos = Math.max(config.rtoMinNanos, Math.min(SYN_FALLBACK_RTO_NANOS, config.rtoMaxNanos));
        }
        retries = 0;
        persistBackoff = 0;
        disarm(A_RTX);
        if (sndUna == sndNxt && sendQueue.isEmpty()) {
            disarm(A_OLDEST);
        } else {
            // RFC 6298 §5.3: restart the timer when new data is acknowledged; the user timeout
            // runs again from this progress, for data in flight or still waiting for a window.
            oldestUnackedNanos = now;
            arm(A_OLDEST);
            if (sndUna != sndNxt) {
                armRtx();
            }
        }
    }

    /** RFC 5681 §3.2's DupThresh. */
    static final int DUP_THRESH = 3;

    /**
     * The congestion response to an acceptable ACK (RFC 5681 §3, RFC 6582 §3.2, RFC 3042):
     * growth for new data, NewReno's partial and full ACKs, and duplicate ACKs counted toward
     * fast retransmit.
     */
    private void congestion(Segment seg, int unaBefore, int wndBefore, boolean outstanding) {
        int acked = Seq.diff(sndUna, unaBefore);
        if (acked > 0) {
            if (goBackN && Seq.gt(sndUna, rtxNxt)) {
                rtxNxt = sndUna; // the peer had more than we resent so far
            }
            if (goBackN && rtxNxt == sndNxt) {
                goBackN = false;
            }
            if (fastRecovery) {
                if (Seq.ge(sndUna, recover)) {
                    // Full ACK, RFC 6582 §3.2 step 6 (option 1): deflate to ssthresh, bounded by
                    // what is in flight so the exit sends no burst.
                    fastRecovery = false;
                    dupAcks = 0;
                    cwnd = Math.min(ssthresh, Math.max(Seq.diff(sndNxt, sndUna), sndMss) + sndMss);
                } else {
                    // Partial ACK, step 5: the next hole is lost too; resend it at once, deflate
                    // by what was acknowledged, add one segment back if a segment's worth was.
                    retransmitFrom(sndUna, sndMss, Why.FAST_RETRANSMIT);
                    cwnd = Math.max(sndMss, cwnd - acked) + (acked >= sndMss ? sndMss : 0);
                }
                return;
            }
            dupAcks = 0;
            cwnd = config.congestionControl.onAck(cwnd, ssthresh, acked, sndMss);
            return;
        }
        // RFC 5681 §2's duplicate ACK: data outstanding, SEG.ACK = SND.UNA, no data, no SYN or
        // FIN, the same window.
        if (!outstanding || seg.ack() != unaBefore || !seg.payload().isEmpty() || seg.has(SYN) || seg.has(FIN)
                || (seg.window() << sndShift) != wndBefore || sndNxt == sndUna) {
            return;
        }
        if (dupAcks < Integer.MAX_VALUE) {
            dupAcks++;
        }
        if (fastRecovery) {
            cwnd = saturatingAdd(cwnd, sndMss); // step 4: each duplicate means a segment has left
        } else if (dupAcks == DUP_THRESH && !goBackN && Seq.ge(sndUna, recover)) {
            // RFC 5681 §3.2 steps 2-3, RFC 6582 §3.2 step 2. An ACK that covers all of
            // "recover" counts as new, as Linux's high_seq test does (RFC 6582 asks for more).
            ssthresh = config.congestionControl.ssthreshAfterLoss(cwnd, Seq.diff(sndNxt, sndUna), sndMss);
            recover = sndNxt;
            disarm(A_RTT); // Karn: the resent segment gives no sample
            retransmitFrom(sndUna, sndMss, Why.FAST_RETRANSMIT);
            cwnd = saturatingAdd(ssthresh, DUP_THRESH * sndMss);
            fastRecovery = true;
        }
    }

    private static int saturatingAdd(int a, int b) {
        return (int) Math.min(Integer.MAX_VALUE, (long) a + b);
    }

    /** RFC 6298 §5.7's RTO once data transmission begins after a handshake that timed out. */
    static final long SYN_FALLBACK_RTO_NANOS = 3_000_000_000L;

    /** RFC 6298 §2.2-2.4 (clock granularity is a nanosecond, so G vanishes). */
    private void rttSample(long r) {
        rttvarNanos = rttvarAfter(srttNanos, rttvarNanos, r); // uses the old SRTT, as §2.3 orders
        srttNanos = srttAfter(srttNanos, r);
        rtoNanos = rtoFor(config, srttNanos, rttvarNanos);
    }

    /** RFC 6298 §2.2/§2.3: RTTVAR after a sample {@code r}, given the SRTT before it. */
    static long rttvarAfter(long srtt, long rttvar, long r) {
        return srtt == UNSET ? r / 2 : (3 * rttvar + Math.abs(srtt - r)) / 4;
    }

    /** RFC 6298 §2.2/§2.3: SRTT after a sample {@code r}. */
    static long srttAfter(long srtt, long r) {
        return srtt == UNSET ? r : (7 * srtt + r) / 8;
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

    private void updateWindow(Segment seg) {
        // RFC 9293 §3.10.7.4: take the window only from a segment newer than the last update.
        if (Seq.lt(sndWl1, seg.seq()) || (sndWl1 == seg.seq() && Seq.le(sndWl2, seg.ack()))) {
            sndWnd = seg.window() << sndShift; // RFC 7323 §2.3
            sndWl1 = seg.seq();
            sndWl2 = seg.ack();
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
            if (sndWnd > 0) {
                if (has(A_PERSIST) && sndNxt == sndUna && has(A_OLDEST)) {
                    oldestUnackedNanos = now; // the window opened: progress, the wait starts over
                }
                disarm(A_PERSIST);
                persistBackoff = 0;
            }
        }
    }

    /** RFC 9293 §3.10.7.4 seventh (text) and eighth (FIN), with reassembly of out-of-order data. */
    private void receiveText(Segment seg) {
        int seq = seg.seq();
        Bytes data = seg.payload();
        boolean fin = seg.has(FIN);
        // Trim what we already have on the left, and what lies beyond the window on the right.
        if (Seq.lt(seq, rcvNxt)) {
            int cut = Math.min(Seq.diff(rcvNxt, seq), data.length());
            data = data.dropFirst(cut);
            seq += cut;
        }
        int room = Seq.diff(rcvNxt + rcvWndNow(), seq);
        if (data.length() > room) {
            data = data.slice(0, Math.max(0, room));
            fin = false;
        }
        if (data.isEmpty() && !fin) {
            return;
        }
        if (appClosed && !data.isEmpty()) {
            // RFC 1122 §4.2.2.13, RFC 2525 §2.17: the application will never read this, so the
            // peer must learn its data was lost: reset.
            transmit(segment(sndNxt, RST | ACK, Bytes.EMPTY), Why.RESET);
            setState(TcpState.CLOSED, CloseReason.ABORTED_UNREAD_DATA);
            return;
        }
        if (seq != rcvNxt) {
            hold(seq, data, fin, seg);
            ackNeeded = true; // a duplicate ACK tells the peer where the gap is, at once (RFC 5681 §4.2)
            return;
        }
        boolean finReached = fin;
        boolean gap = !held.isEmpty();
        if (!data.isEmpty()) {
            deliver(data);
        }
        if (!finReached) {
            finReached = drainHeld();
        }
        if (config.delayedAckNanos != TcpConfig.NONE && !finReached && !gap && quickAcksLeft > 0) {
            quickAcksLeft--; // Linux's quick-ACK start: the first segments are ACKed at once, to open cwnd
            ackNeeded = true;
        } else if (config.delayedAckNanos != TcpConfig.NONE && !finReached && !gap) {
            // RFC 1122 4.2.3.2, RFC 5681 §4.2: in-order data may wait for a second segment or
            // the delay bound; a FIN, or data that fills a gap, is acknowledged at once.
            if (++unackedSegments >= 2) {
                ackNeeded = true;
            } else if (!has(A_DELACK)) {
                delAckDeadline = now + config.delayedAckNanos;
                arm(A_DELACK);
            }
        } else {
            ackNeeded = true;
        }
        if (finReached) {
            finArrives();
        }
    }

    private void deliver(Bytes data) {
        rcvNxt += data.length();
        unread += data.length();
        effects.add(new Effect.Deliver(data));
    }

    private void hold(int seq, Bytes data, boolean fin, Segment seg) {
        if (held.size() >= config.reassemblySegments) {
            reject(RejectReason.REASSEMBLY_QUEUE_FULL, seg);
            return;
        }
        held = held.add(new Tcb.Held(seq, data, fin));
    }

    /** Delivers held segments that the gap's filling made contiguous; true when a held FIN is reached. */
    private boolean drainHeld() {
        int i = 0;
        boolean finReached = false;
        while (i < held.size() && !finReached) {
            Tcb.Held h = held.get(i);
            if (Seq.gt(h.seq(), rcvNxt)) {
                break;
            }
            i++;
            int cut = Seq.diff(rcvNxt, h.seq());
            if (cut <= h.data().length()) {
                Bytes rest = h.data().dropFirst(cut);
                if (!rest.isEmpty()) {
                    deliver(rest);
                }
                finReached = h.fin();
            } else if (h.fin() && cut == h.data().length() + 1) {
                finReached = false; // that FIN was already consumed
            }
        }
        if (i > 0) {
            held = held.dropFirst(i);
        }
        return finReached;
    }

    /** RFC 9293 §3.10.7.4 eighth: the peer's FIN, in order. */
    private void finArrives() {
        rcvNxt += 1;
        held = HeldQueue.EMPTY;
        effects.add(Effect.PEER_FINISHED);
        switch (state) {
            case SYN_RECEIVED:
            case ESTABLISHED:
                setState(TcpState.CLOSE_WAIT, null);
                break;
            case FIN_WAIT_1:
                // Our FIN acknowledged too (perhaps by this very segment): straight to TIME-WAIT;
                // otherwise both FINs crossed: simultaneous close (RFC 9293 §3.6, Figure 13).
                setState(finAcked() ? TcpState.TIME_WAIT : TcpState.CLOSING, null);
                break;
            case FIN_WAIT_2:
                setState(TcpState.TIME_WAIT, null);
                break;
            default:
                break;
        }
    }

    // ------------------------------------------------------------------ output

    private int unsent() {
        if (finSent) {
            return 0;
        }
        int ctl = (state == TcpState.SYN_SENT || synUnacked()) ? 1 : 0;
        return sendQueue.length() - (Seq.diff(sndNxt, sndUna) - ctl);
    }

    /** Sends what the window allows, the FIN once the queue has drained, and any owed ACK. */
    private void output() {
        boolean sent = false;
        if (goBackN) {
            // After an RTO: resend what was in flight, as the windows allow (slow start).
            while (Seq.lt(rtxNxt, sndNxt)) {
                int flight = Seq.diff(rtxNxt, sndUna);
                int left = Seq.diff(sndNxt, rtxNxt) - (finSent ? 1 : 0); // data still to resend
                int n = Math.min(Math.min(sndMss, left), sndWnd - flight);
                boolean finOnly = left == 0;
                if (!finOnly && (n <= 0 || (n > cwnd - flight && flight > 0))) {
                    break; // whole segments only, as for new data
                }
                rtxNxt = retransmitFrom(rtxNxt, Math.max(0, n), Why.RETRANSMISSION);
                sent = true;
            }
            goBackN = rtxNxt != sndNxt;
        }
        if (!goBackN && canSendData()) {
            int inFlight = Seq.diff(sndNxt, sndUna) - (synUnacked() ? 1 : 0);
            int unsent = sendQueue.length() - inFlight;
            if (unsent > 0 && sndNxt == sndUna && has(A_SENT) && now - lastDataSentNanos > rtoNanos) {
                cwnd = Math.min(cwnd, initialWindow()); // RFC 5681 §4.1: restart after an idle RTO
            }
            // RFC 3042: the first two duplicate ACKs each let one new segment out.
            int allowed = fastRecovery || dupAcks >= DUP_THRESH ? cwnd : saturatingAdd(cwnd, dupAcks * sndMss);
            while (unsent > 0) {
                int flight = Seq.diff(sndNxt, sndUna);
                int peerRoom = Seq.diff(sndUna + sndWnd, sndNxt);
                int n = Math.min(Math.min(sndMss, unsent), peerRoom);
                if (n <= 0 || (n > allowed - flight && flight > 0)) {
                    // The congestion window admits whole segments only (as Linux counts it in
                    // packets): a sliver now would only split the next segment (RFC 1122 4.2.3.4).
                    break;
                }
                if (n < sndMss && n < unsent && flight > 0 && n < maxSndWnd / 2) {
                    // RFC 1122 4.2.3.4 sender SWS avoidance: a small window opening waits for
                    // more; the ACKs of what is in flight will bring it.
                    break;
                }
                boolean last = n == unsent;
                boolean fin = last && finQueued && config.finOnLastData;
                int flags = ACK | (last ? PSH : 0) | (fin ? FIN : 0);
                transmit(segment(sndNxt, flags, sendQueue.slice(inFlight, n)), Why.SEND);
                sent = true;
                lastDataSentNanos = now;
                arm(A_SENT);
                startRttIfIdle(sndNxt + n);
                markOldestUnacked();
                sndNxt += n + (fin ? 1 : 0);
                finSent |= fin;
                inFlight += n;
                unsent -= n;
            }
            if (unsent == 0 && finQueued && !finSent) {
                // The FIN goes out only after every queued byte, and takes one sequence number.
                transmit(segment(sndNxt, FIN | ACK, Bytes.EMPTY), Why.SEND);
                sent = true;
                startRttIfIdle(sndNxt + 1);
                markOldestUnacked();
                sndNxt += 1;
                finSent = true;
            }
            if (unsent > 0) {
                markOldestUnacked(); // the user timeout covers data a shut window holds back too
                if (sndWnd == 0 && sndNxt == sndUna && !has(A_PERSIST)) {
                    armPersist();
                }
            }
        }
        if (sndNxt != sndUna) {
            armRtx();
        }
        if (ackNeeded && !sent && state != TcpState.CLOSED) {
            transmit(ackSegment(), Why.SEND);
        }
        ackNeeded = false;
    }

    private boolean canSendData() {
        if (finSent) {
            return false;
        }
        switch (state) {
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

    private void startRtt(int endSeq) {
        rttSeq = endSeq;
        rttStartNanos = now;
        arm(A_RTT);
    }

    private void startRttIfIdle(int endSeq) {
        if (!has(A_RTT) && retries == 0) {
            startRtt(endSeq);
        }
    }

    // ------------------------------------------------------------------ segments

    private void takeMss(Segment seg) {
        int peer = seg.options().mss();
        sndMss = Math.min(peer > 0 ? peer : 536, config.mss);
    }

    /**
     * Our SYN offers what the configuration allows; a SYN,ACK answers only with what the peer's
     * SYN offered too (RFC 7323 §2.2, §3.2). The window in a SYN is never scaled.
     */
    private Segment synSegment(int flags) {
        boolean answer = (flags & ACK) != 0;
        boolean ws = answer ? wsOk : config.windowScaling;
        boolean ts = answer ? tsOk : config.timestamps;
        TcpOptions o = new TcpOptions(config.mss, ws ? ourShift() : -1, false, ts,
                ts ? Integer.toUnsignedLong(tsNow()) : 0, ts && answer ? Integer.toUnsignedLong(tsRecent) : 0);
        return new Segment(localPort, remotePort, iss, answer ? rcvNxt : 0, flags,
                Math.min(rcvWndNow(), 0xFFFF), o, Bytes.EMPTY);
    }

    /** RFC 7323 §2.3: the smallest shift that lets the receive buffer be advertised, at most 14. */
    private int ourShift() {
        int s = 0;
        while (s < 14 && (config.receiveBuffer >> s) > 0xFFFF) {
            s++;
        }
        return s;
    }

    /** Takes the peer's SYN options: what both sides offered is on (RFC 7323 §1.3, §2.2, §3.2). */
    private void negotiate(Segment syn) {
        TcpOptions o = syn.options();
        wsOk = config.windowScaling && o.windowScale() >= 0;
        sndShift = wsOk ? Math.min(o.windowScale(), 14) : 0; // §2.3: a larger shift is taken as 14
        rcvShift = wsOk ? ourShift() : 0;
        tsOk = config.timestamps && o.hasTimestamps();
        if (tsOk) {
            tsRecent = (int) o.tsVal();
            tsRecentNanos = now;
            arm(A_TS_RECENT);
            sndMss = Math.max(1, sndMss - TIMESTAMPS_OPTION); // the option rides in every segment
        }
    }

    /** The timestamps option's 10 bytes and its two NOPs. */
    static final int TIMESTAMPS_OPTION = 12;
    /** RFC 7323 §5.5: TS.Recent older than 24 days no longer judges anything. */
    static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * 1_000_000_000L;

    /** Our timestamp clock: milliseconds of the injected clock plus the connection's offset (RFC 7323 §5.4). */
    private int tsNow() {
        return (int) Math.floorDiv(now, 1_000_000L) + tsOffset;
    }

    private Segment ackSegment() {
        return segment(sndNxt, ACK, Bytes.EMPTY);
    }

    private Segment segment(int seq, int flags, Bytes payload) {
        TcpOptions o = tsOk && (flags & RST) == 0
                ? new TcpOptions(-1, -1, false, true, Integer.toUnsignedLong(tsNow()), Integer.toUnsignedLong(tsRecent))
                : TcpOptions.NONE; // RFC 7323 §3.2: in every segment but a RST
        return new Segment(localPort, remotePort, seq, rcvNxt, flags, advertisedWindow(), o, payload);
    }

    private int advertisedWindow() {
        return Math.min(rcvWndNow() >> rcvShift, 0xFFFF); // RFC 7323 §2.3
    }

    private void transmit(Segment s, Why why) {
        if (s.has(ACK)) {
            lastAckSent = s.ack(); // RFC 7323 §4.3's Last.ACK.sent
            unackedSegments = 0; // any segment with an ACK pays what was delayed
            disarm(A_DELACK);
        }
        effects.add(new Effect.Transmit(s, why));
    }

    private void reject(RejectReason reason, Segment seg) {
        effects.add(new Effect.Rejected(reason, seg));
    }
}
