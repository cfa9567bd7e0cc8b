package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Seq;
import java.util.Objects;

/**
 * A connection's transmission control block (RFC 9293 §3.3.1): an immutable snapshot of
 * everything one connection knows. {@link TcpEngine#step} takes one and returns the next.
 *
 * <p>Invariants: SND.UNA ≤ SND.NXT (modulo 2<sup>32</sup>); the send queue holds exactly the
 * bytes from SND.UNA on that are not yet acknowledged, sent or not; at most one deadline per
 * {@link TimerKind}; in CLOSED every deadline is {@link #NO_DEADLINE}. Deadlines are absolute
 * times on the caller's monotonic nanosecond clock and are compared by subtraction.
 *
 * <p>Immutable and thread-safe.
 */
public final class Tcb {
    /** The value of a deadline that is not set. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** Marks an unset time or sample in nanosecond fields. */
    static final long UNSET = Long.MIN_VALUE;

    /** A segment held for reassembly: its data, and whether a FIN follows it. */
    record Held(int seq, Bytes data, boolean fin) {
        int end() {
            return seq + data.length() + (fin ? 1 : 0);
        }
    }

    final TcpConfig config;
    final int localPort;
    final int remotePort;
    final TcpState state;
    final boolean passive;
    final int iss;
    final int sndUna;
    final int sndNxt;
    final int sndWnd;
    final int sndWl1;
    final int sndWl2;
    final int sndMss;
    final int maxSndWnd;
    final Bytes sendQueue;
    final boolean finQueued;
    final boolean finSent;
    final boolean appClosed;
    final int irs;
    final int rcvNxt;
    final int unread;
    final HeldQueue held;
    final long rtoNanos;
    final long srttNanos;
    final long rttvarNanos;
    final int rttSeq;
    final long rttStartNanos;
    final int retries;
    final int persistBackoff;
    final long rtxDeadline;
    final long persistDeadline;
    final long timeWaitDeadline;
    final long finWait2Deadline;
    final long keepAliveDeadline;
    final long oldestUnackedNanos;
    final int keepAliveProbesSent;
    final long lastChallengeAckNanos;
    final long lastOutOfWindowAckNanos;
    final CloseReason closeReason;

    Tcb(Work w) {
        config = w.config;
        localPort = w.localPort;
        remotePort = w.remotePort;
        state = w.state;
        passive = w.passive;
        iss = w.iss;
        sndUna = w.sndUna;
        sndNxt = w.sndNxt;
        sndWnd = w.sndWnd;
        sndWl1 = w.sndWl1;
        sndWl2 = w.sndWl2;
        sndMss = w.sndMss;
        maxSndWnd = w.maxSndWnd;
        sendQueue = w.sendQueue;
        finQueued = w.finQueued;
        finSent = w.finSent;
        appClosed = w.appClosed;
        irs = w.irs;
        rcvNxt = w.rcvNxt;
        unread = w.unread;
        held = w.held;
        rtoNanos = w.rtoNanos;
        srttNanos = w.srttNanos;
        rttvarNanos = w.rttvarNanos;
        rttSeq = w.rttSeq;
        rttStartNanos = w.rttStartNanos;
        retries = w.retries;
        persistBackoff = w.persistBackoff;
        rtxDeadline = w.rtxDeadline;
        persistDeadline = w.persistDeadline;
        timeWaitDeadline = w.timeWaitDeadline;
        finWait2Deadline = w.finWait2Deadline;
        keepAliveDeadline = w.keepAliveDeadline;
        oldestUnackedNanos = w.oldestUnackedNanos;
        keepAliveProbesSent = w.keepAliveProbesSent;
        lastChallengeAckNanos = w.lastChallengeAckNanos;
        lastOutOfWindowAckNanos = w.lastOutOfWindowAckNanos;
        closeReason = w.closeReason;
    }

    /**
     * The snapshot after a predicted ACK ({@link HeaderPrediction}): {@code t} with the fields
     * an in-order ACK of new data changes, and the retransmission and probe counters cleared.
     */
    Tcb(Tcb t, int sndUna, Bytes sendQueue, int sndWnd, int sndWl1, int sndWl2, int maxSndWnd,
            long rtoNanos, long srttNanos, long rttvarNanos, long rttStartNanos,
            long rtxDeadline, long oldestUnackedNanos, long keepAliveDeadline) {
        config = t.config;
        localPort = t.localPort;
        remotePort = t.remotePort;
        state = t.state;
        passive = t.passive;
        iss = t.iss;
        this.sndUna = sndUna;
        sndNxt = t.sndNxt;
        this.sndWnd = sndWnd;
        this.sndWl1 = sndWl1;
        this.sndWl2 = sndWl2;
        sndMss = t.sndMss;
        this.maxSndWnd = maxSndWnd;
        this.sendQueue = sendQueue;
        finQueued = t.finQueued;
        finSent = t.finSent;
        appClosed = t.appClosed;
        irs = t.irs;
        rcvNxt = t.rcvNxt;
        unread = t.unread;
        held = t.held;
        this.rtoNanos = rtoNanos;
        this.srttNanos = srttNanos;
        this.rttvarNanos = rttvarNanos;
        rttSeq = t.rttSeq;
        this.rttStartNanos = rttStartNanos;
        retries = 0;
        persistBackoff = 0;
        this.rtxDeadline = rtxDeadline;
        persistDeadline = t.persistDeadline;
        timeWaitDeadline = t.timeWaitDeadline;
        finWait2Deadline = t.finWait2Deadline;
        this.keepAliveDeadline = keepAliveDeadline;
        this.oldestUnackedNanos = oldestUnackedNanos;
        keepAliveProbesSent = 0;
        lastChallengeAckNanos = t.lastChallengeAckNanos;
        lastOutOfWindowAckNanos = t.lastOutOfWindowAckNanos;
        closeReason = t.closeReason;
    }

    /**
     * A fresh connection in CLOSED, ready for {@link Event.Open} or {@link Event.Listen}.
     *
     * @param remotePort the peer's port, or 0 for a listener that takes it from the SYN
     */
    public static Tcb create(TcpConfig config, int localPort, int remotePort) {
        Objects.requireNonNull(config, "config");
        if (localPort < 0 || localPort > 0xFFFF || remotePort < 0 || remotePort > 0xFFFF) {
            throw new IllegalArgumentException("ports must lie in 0..65535: " + localPort + ", " + remotePort);
        }
        return new Tcb(new Work(config, localPort, remotePort));
    }

    public TcpConfig config() {
        return config;
    }

    public TcpState state() {
        return state;
    }

    public int localPort() {
        return localPort;
    }

    public int remotePort() {
        return remotePort;
    }

    /** True when this connection came from a passive OPEN (a listener). */
    public boolean passive() {
        return passive;
    }

    /** ISS: our initial sequence number. */
    public int iss() {
        return iss;
    }

    /** IRS: the peer's initial sequence number. */
    public int irs() {
        return irs;
    }

    /** SND.UNA: oldest unacknowledged sequence number. */
    public int sndUna() {
        return sndUna;
    }

    /** SND.NXT: next sequence number to send. */
    public int sndNxt() {
        return sndNxt;
    }

    /** SND.WND: the peer's advertised window. */
    public int sndWnd() {
        return sndWnd;
    }

    /** The MSS we send with: the peer's announced MSS, at most ours. */
    public int sndMss() {
        return sndMss;
    }

    /** RCV.NXT: next sequence number expected from the peer. */
    public int rcvNxt() {
        return rcvNxt;
    }

    /** RCV.WND: the window we advertise, the receive buffer less unread bytes. */
    public int rcvWnd() {
        return Math.max(0, config.receiveBuffer - unread);
    }

    /** Bytes delivered to the application but not yet consumed. */
    public int unread() {
        return unread;
    }

    /** Bytes queued to send that are not yet acknowledged (sent or not). */
    public int sendQueueLength() {
        return sendQueue.length();
    }

    /** Bytes the application queued that have not been sent even once. */
    public int unsentLength() {
        boolean synUnacked = sndUna == iss && Seq.gt(sndNxt, iss) && state != TcpState.LISTEN && state != TcpState.CLOSED;
        int inFlight = Seq.diff(sndNxt, sndUna) - (finSent ? 1 : 0) - (synUnacked ? 1 : 0);
        return sendQueue.length() - Math.max(0, inFlight);
    }

    /** True when our FIN has gone out at least once. */
    public boolean finSent() {
        return finSent;
    }

    /** True when the application called {@code close()}: the connection is an orphan. */
    public boolean appClosed() {
        return appClosed;
    }

    /** Segments held for reassembly. */
    public int heldSegments() {
        return held.size();
    }

    /** Current retransmission timeout (RFC 6298), including any backoff. */
    public long rtoNanos() {
        return rtoNanos;
    }

    /** Smoothed RTT, or -1 before the first sample. */
    public long srttNanos() {
        return srttNanos == UNSET ? -1 : srttNanos;
    }

    /** Consecutive retransmissions of the oldest unacknowledged segment. */
    public int retries() {
        return retries;
    }

    /** Keep-alive probes sent since the peer was last heard from. */
    public int keepAliveProbesSent() {
        return keepAliveProbesSent;
    }

    /** Why the connection closed, or null while it is not CLOSED (or never opened). */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** The deadline of one timer, or {@link #NO_DEADLINE}. */
    public long deadline(TimerKind kind) {
        switch (kind) {
            case TIME_WAIT:
                return timeWaitDeadline;
            case FIN_WAIT_2:
                return finWait2Deadline;
            case USER_TIMEOUT:
                return userTimeoutDeadline();
            case RETRANSMISSION:
                return rtxDeadline;
            case PERSIST:
                return persistDeadline;
            case KEEPALIVE:
                return keepAliveDeadline;
            default:
                throw new AssertionError(kind);
        }
    }

    long userTimeoutDeadline() {
        return config.userTimeoutNanos == TcpConfig.NONE || oldestUnackedNanos == UNSET
                ? NO_DEADLINE
                : oldestUnackedNanos + config.userTimeoutNanos;
    }

    /**
     * When this connection next needs a {@link Event.Tick}: the earliest of its deadlines, or
     * {@link #NO_DEADLINE}. Derived from the snapshot, never stored separately.
     */
    public long nextDeadline() {
        // Unrolled over the timer kinds: this runs twice per step, on the hot path.
        long best = earlier(rtxDeadline, timeWaitDeadline);
        best = earlier(best, finWait2Deadline);
        best = earlier(best, persistDeadline);
        best = earlier(best, keepAliveDeadline);
        return earlier(best, userTimeoutDeadline());
    }

    private static long earlier(long a, long b) {
        if (a == NO_DEADLINE) {
            return b;
        }
        if (b == NO_DEADLINE) {
            return a;
        }
        return b - a < 0 ? b : a;
    }

    @Override
    public String toString() {
        return "Tcb{" + state + " " + localPort + "->" + remotePort
                + " snd.una=" + Seq.toUnsigned(sndUna) + " snd.nxt=" + Seq.toUnsigned(sndNxt)
                + " snd.wnd=" + sndWnd + " rcv.nxt=" + Seq.toUnsigned(rcvNxt) + " rcv.wnd=" + rcvWnd()
                + " queued=" + sendQueue.length() + (finQueued ? " fin-queued" : "") + (finSent ? " fin-sent" : "")
                + (appClosed ? " orphan" : "") + "}";
    }
}
