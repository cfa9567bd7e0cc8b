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
 * {@link TimerKind}; in CLOSED no deadline is armed. Deadlines are absolute times on the
 * caller's monotonic nanosecond clock and are compared by subtraction, so any {@code long} the
 * clock returns works, wrap-around included: whether a deadline or a timestamp is set is kept
 * in flags beside it, never in a magic value.
 *
 * <p>Immutable and thread-safe.
 */
public final class Tcb {
    /**
     * What {@link #nextDeadline()} and {@link #deadline} return when nothing is armed. A real
     * deadline may have this value too: {@link #hasDeadline()} and {@link #armed} tell them apart.
     */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** Marks an SRTT before the first sample (a duration, never a clock reading). */
    static final long UNSET = Long.MIN_VALUE;

    // Bits of {@link #armed}: which deadline and timestamp fields hold a value.
    static final int A_RTX = 1;
    static final int A_PERSIST = 1 << 1;
    static final int A_TIME_WAIT = 1 << 2;
    static final int A_FIN_WAIT_2 = 1 << 3;
    static final int A_KEEPALIVE = 1 << 4;
    /** {@link #oldestUnackedNanos} is set: the user timeout runs from it. */
    static final int A_OLDEST = 1 << 5;
    /** {@link #rttStartNanos} is set: a segment is being timed. */
    static final int A_RTT = 1 << 6;
    /** {@link #lastChallengeAckNanos} is set. */
    static final int A_CHALLENGE = 1 << 7;
    /** {@link #lastOutOfWindowAckNanos} is set. */
    static final int A_OUT_OF_WINDOW = 1 << 8;
    /** {@link #lastDataSentNanos} is set: data has been sent (RFC 5681 §4.1's idle restart). */
    static final int A_SENT = 1 << 9;
    /** {@link #tsRecent} holds the peer's last timestamp (RFC 7323 §4.3). */
    static final int A_TS_RECENT = 1 << 10;
    /** {@link #delAckDeadline} is set: an ACK is being delayed. */
    static final int A_DELACK = 1 << 11;
    /** The bits of the six stored deadlines. */
    static final int A_DEADLINES = A_RTX | A_PERSIST | A_TIME_WAIT | A_FIN_WAIT_2 | A_KEEPALIVE | A_DELACK;

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
    /** Which deadline and timestamp fields are set ({@code A_*} bits). */
    final int armed;
    // Congestion control (RFC 5681, RFC 6582), bytes and sequence numbers.
    final int cwnd;
    final int ssthresh;
    final int dupAcks;
    /** RFC 6582's "recover": SND.NXT when the last recovery began. */
    final int recover;
    final boolean fastRecovery;
    /** After an RTO: retransmitting from {@link #rtxNxt} up to SND.NXT as the window allows. */
    final boolean goBackN;
    final int rtxNxt;
    final long lastDataSentNanos;
    // RFC 7323: window scaling and timestamps, negotiated on the SYNs.
    final boolean wsOk;
    final int sndShift;
    final int rcvShift;
    final boolean tsOk;
    final int tsOffset;
    final int tsRecent;
    final long tsRecentNanos;
    final int lastAckSent;
    /** Data segments received since our last ACK, while ACKs are delayed. */
    final int unackedSegments;
    final long delAckDeadline;
    /** In-order segments still to be ACKed at once before delayed ACKs begin (Linux's quick-ACK start). */
    final int quickAcksLeft;

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
        armed = w.armed;
        cwnd = w.cwnd;
        ssthresh = w.ssthresh;
        dupAcks = w.dupAcks;
        recover = w.recover;
        fastRecovery = w.fastRecovery;
        goBackN = w.goBackN;
        rtxNxt = w.rtxNxt;
        lastDataSentNanos = w.lastDataSentNanos;
        wsOk = w.wsOk;
        sndShift = w.sndShift;
        rcvShift = w.rcvShift;
        tsOk = w.tsOk;
        tsOffset = w.tsOffset;
        tsRecent = w.tsRecent;
        tsRecentNanos = w.tsRecentNanos;
        lastAckSent = w.lastAckSent;
        unackedSegments = w.unackedSegments;
        delAckDeadline = w.delAckDeadline;
        quickAcksLeft = w.quickAcksLeft;
    }

    /**
     * The snapshot after a predicted ACK ({@link HeaderPrediction}): {@code t} with the fields
     * an in-order ACK of new data changes, and the retransmission and probe counters cleared.
     */
    Tcb(Tcb t, int sndUna, Bytes sendQueue, int sndWnd, int sndWl1, int sndWl2, int maxSndWnd,
            long rtoNanos, long srttNanos, long rttvarNanos, long rttStartNanos,
            long rtxDeadline, long oldestUnackedNanos, long keepAliveDeadline, int armed, int cwnd) {
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
        this.armed = armed;
        this.cwnd = cwnd;
        ssthresh = t.ssthresh;
        dupAcks = 0;
        recover = t.recover;
        fastRecovery = false;
        goBackN = false;
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
    }

    /**
     * A fresh connection in CLOSED, ready for {@link Event.Open} or {@link Event.Listen}.
     *
     * @param config     the configuration the connection runs with for its whole life
     * @param localPort  our port, 0..65535
     * @param remotePort the peer's port, or 0 for a listener that takes it from the SYN
     * @return the snapshot, in CLOSED with no deadline armed
     * @throws IllegalArgumentException if a port lies outside 0..65535
     */
    public static Tcb create(TcpConfig config, int localPort, int remotePort) {
        Objects.requireNonNull(config, "config");
        if (localPort < 0 || localPort > 0xFFFF || remotePort < 0 || remotePort > 0xFFFF) {
            throw new IllegalArgumentException("ports must lie in 0..65535: " + localPort + ", " + remotePort);
        }
        return new Tcb(new Work(config, localPort, remotePort));
    }

    /** {@return the configuration this connection runs with} */
    public TcpConfig config() {
        return config;
    }

    /** {@return the current state} */
    public TcpState state() {
        return state;
    }

    /** {@return our port} */
    public int localPort() {
        return localPort;
    }

    /** {@return the peer's port, or 0 for a listener that has not yet seen a SYN} */
    public int remotePort() {
        return remotePort;
    }

    /** {@return true when this connection came from a passive OPEN (a listener)} */
    public boolean passive() {
        return passive;
    }

    /** {@return ISS, our initial sequence number} */
    public int iss() {
        return iss;
    }

    /** {@return IRS, the peer's initial sequence number (meaningful once its SYN has arrived)} */
    public int irs() {
        return irs;
    }

    /** {@return SND.UNA, the oldest unacknowledged sequence number} */
    public int sndUna() {
        return sndUna;
    }

    /** {@return SND.NXT, the next sequence number to send} */
    public int sndNxt() {
        return sndNxt;
    }

    /** {@return SND.WND, the peer's advertised window in bytes} */
    public int sndWnd() {
        return sndWnd;
    }

    /** {@return the MSS we send with, in bytes: the peer's announced MSS, at most ours} */
    public int sndMss() {
        return sndMss;
    }

    /** {@return RCV.NXT, the next sequence number expected from the peer} */
    public int rcvNxt() {
        return rcvNxt;
    }

    /** {@return RCV.WND, the window we advertise in bytes: the receive buffer less unread bytes} */
    public int rcvWnd() {
        return Math.max(0, config.receiveBuffer - unread);
    }

    /** {@return the number of bytes delivered to the application but not yet consumed} */
    public int unread() {
        return unread;
    }

    /** {@return the number of bytes queued to send that are not yet acknowledged (sent or not)} */
    public int sendQueueLength() {
        return sendQueue.length();
    }

    /**
     * Room left in the send buffer ({@link TcpConfig#sendBuffer()}): how many more bytes a
     * {@link Event.Send} would take now.
     *
     * @return the free bytes, zero or more
     */
    public int sendRoom() {
        return Math.max(0, config.sendBuffer - sendQueue.length());
    }

    /** {@return the number of bytes the application queued that have not been sent even once} */
    public int unsentLength() {
        boolean synUnacked = sndUna == iss && Seq.gt(sndNxt, iss) && state != TcpState.LISTEN && state != TcpState.CLOSED;
        int inFlight = Seq.diff(sndNxt, sndUna) - (finSent ? 1 : 0) - (synUnacked ? 1 : 0);
        return sendQueue.length() - Math.max(0, inFlight);
    }

    /** {@return true when our FIN has gone out at least once} */
    public boolean finSent() {
        return finSent;
    }

    /** {@return true when the application called {@code close()}: the connection is an orphan} */
    public boolean appClosed() {
        return appClosed;
    }

    /** {@return the number of out-of-order segments held for reassembly} */
    public int heldSegments() {
        return held.size();
    }

    /** {@return the current retransmission timeout (RFC 6298) in nanoseconds, including any backoff} */
    public long rtoNanos() {
        return rtoNanos;
    }

    /** {@return the smoothed RTT (RFC 6298 SRTT) in nanoseconds, or -1 before the first sample} */
    public long srttNanos() {
        return srttNanos == UNSET ? -1 : srttNanos;
    }

    /**
     * Consecutive retransmissions of the oldest unacknowledged segment or, while a zero window
     * holds everything back, unanswered window probes: both count toward the give-up.
     *
     * @return the count since the last acknowledgment of new data (or, for probes, the last ACK)
     */
    public int retries() {
        return retries;
    }

    /** {@return the number of keep-alive probes sent since the peer was last heard from} */
    public int keepAliveProbesSent() {
        return keepAliveProbesSent;
    }

    /**
     * The congestion window (RFC 5681): how many bytes may be in flight, besides the peer's
     * window. {@code Integer.MAX_VALUE} with {@link CongestionControl#NONE}; inflated during fast
     * recovery (RFC 6582).
     *
     * @return cwnd in bytes
     */
    public int cwnd() {
        return cwnd;
    }

    /** {@return the slow-start threshold in bytes (RFC 5681); {@code Integer.MAX_VALUE} until the first loss} */
    public int ssthresh() {
        return ssthresh;
    }

    /** {@return whether NewReno fast recovery is under way (RFC 6582 §3.2)} */
    public boolean inFastRecovery() {
        return fastRecovery;
    }

    /** {@return whether both SYNs carried window scaling (RFC 7323 §2)} */
    public boolean windowScaling() {
        return wsOk;
    }

    /** {@return the peer's window shift: its window fields count 2^shift bytes; 0 unless negotiated} */
    public int sendWindowShift() {
        return sndShift;
    }

    /** {@return our window shift, applied to the windows we advertise; 0 unless negotiated} */
    public int receiveWindowShift() {
        return rcvShift;
    }

    /** {@return whether both SYNs carried timestamps (RFC 7323 §3)} */
    public boolean timestamps() {
        return tsOk;
    }

    /** {@return TS.Recent, the peer's timestamp to echo (RFC 7323 §4.3), unsigned; meaningful with {@link #timestamps()}} */
    public long tsRecent() {
        return Integer.toUnsignedLong(tsRecent);
    }

    /** {@return how many duplicate ACKs in a row arrived (RFC 5681 §2)} */
    public int duplicateAcks() {
        return dupAcks;
    }

    /** {@return why the connection closed, or null while it is not CLOSED (or never opened)} */
    public CloseReason closeReason() {
        return closeReason;
    }

    /**
     * The deadline of one timer, or {@link #NO_DEADLINE} when it is not {@link #armed}.
     *
     * @param kind the timer
     * @return the absolute deadline on the caller's monotonic nanosecond clock, or {@link #NO_DEADLINE}
     */
    public long deadline(TimerKind kind) {
        if (!armed(kind)) {
            return NO_DEADLINE;
        }
        switch (kind) {
            case TIME_WAIT:
                return timeWaitDeadline;
            case FIN_WAIT_2:
                return finWait2Deadline;
            case USER_TIMEOUT:
                return oldestUnackedNanos + config.userTimeoutNanos;
            case RETRANSMISSION:
                return rtxDeadline;
            case PERSIST:
                return persistDeadline;
            case KEEPALIVE:
                return keepAliveDeadline;
            case DELAYED_ACK:
                return delAckDeadline;
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * Whether timer {@code kind} is armed (its deadline may be any {@code long}).
     *
     * @param kind the timer
     * @return true when {@link #deadline} of {@code kind} is a real deadline
     */
    public boolean armed(TimerKind kind) {
        switch (kind) {
            case TIME_WAIT:
                return (armed & A_TIME_WAIT) != 0;
            case FIN_WAIT_2:
                return (armed & A_FIN_WAIT_2) != 0;
            case USER_TIMEOUT:
                return userTimeoutArmed();
            case RETRANSMISSION:
                return (armed & A_RTX) != 0;
            case PERSIST:
                return (armed & A_PERSIST) != 0;
            case KEEPALIVE:
                return (armed & A_KEEPALIVE) != 0;
            case DELAYED_ACK:
                return (armed & A_DELACK) != 0;
            default:
                throw new AssertionError(kind);
        }
    }

    boolean userTimeoutArmed() {
        return config.userTimeoutNanos != TcpConfig.NONE && (armed & A_OLDEST) != 0;
    }

    /** {@return whether any timer is armed, that is whether {@link #nextDeadline()} means a time} */
    public boolean hasDeadline() {
        return (armed & A_DEADLINES) != 0 || userTimeoutArmed();
    }

    /**
     * When this connection next needs a {@link Event.Tick}: the earliest armed deadline, or
     * {@link #NO_DEADLINE} when {@link #hasDeadline()} is false. Derived from the snapshot,
     * never stored separately.
     *
     * @return the earliest armed deadline on the caller's monotonic nanosecond clock, or
     *         {@link #NO_DEADLINE}
     */
    public long nextDeadline() {
        // Unrolled over the timer kinds: this runs twice per step, on the hot path.
        int a = armed;
        boolean ut = userTimeoutArmed();
        if ((a & A_DEADLINES) == 0 && !ut) {
            return NO_DEADLINE;
        }
        boolean any = false;
        long best = 0;
        if ((a & A_RTX) != 0) {
            best = rtxDeadline;
            any = true;
        }
        if ((a & A_TIME_WAIT) != 0 && (!any || timeWaitDeadline - best < 0)) {
            best = timeWaitDeadline;
            any = true;
        }
        if ((a & A_FIN_WAIT_2) != 0 && (!any || finWait2Deadline - best < 0)) {
            best = finWait2Deadline;
            any = true;
        }
        if ((a & A_PERSIST) != 0 && (!any || persistDeadline - best < 0)) {
            best = persistDeadline;
            any = true;
        }
        if ((a & A_KEEPALIVE) != 0 && (!any || keepAliveDeadline - best < 0)) {
            best = keepAliveDeadline;
            any = true;
        }
        if ((a & A_DELACK) != 0 && (!any || delAckDeadline - best < 0)) {
            best = delAckDeadline;
            any = true;
        }
        if (ut) {
            long d = oldestUnackedNanos + config.userTimeoutNanos;
            if (!any || d - best < 0) {
                best = d;
            }
        }
        return best;
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
