package io.tcpclose.engine;

import io.tcpclose.wire.Seq;

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
 * <p>The fields live in parts by role (identity, lifecycle, send and receive sequence spaces,
 * RTT, congestion, negotiated options, timers), each declared once; a step shares the parts it
 * did not change with the snapshot before it. {@link MutableTcb} is the same state, stepped in
 * place by a driver that owns it.
 *
 * <p>Immutable and thread-safe; {@link #equals} compares the whole state.
 */
public final class Tcb {
    /**
     * What {@link #nextDeadline()} and {@link #deadline} return when nothing is armed. A real
     * deadline may have this value too: {@link #hasDeadline()} and {@link #armed} tell them apart.
     */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    // The state, by role; each field of the connection is declared once, in its part. Frozen:
    // a MutableTcb that shares a part copies it before writing.
    final Ident id;
    final Lifecycle life;
    final SendSeq snd;
    final RecvSeq rcv;
    final RttState rtt;
    final CongestionState cc;
    final Negotiated opt;
    final Timers tm;
    /** The hash, once computed (0: not yet). */
    private int hash;

    /** The snapshot of {@code c}'s parts (the caller freezes them). */
    Tcb(MutableTcb c) {
        id = c.id;
        life = c.life;
        snd = c.snd;
        rcv = c.rcv;
        rtt = c.rtt;
        cc = c.cc;
        opt = c.opt;
        tm = c.tm;
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
        return MutableTcb.create(config, localPort, remotePort).snapshot();
    }

    /** {@return the configuration this connection runs with} */
    public TcpConfig config() {
        return id.config;
    }

    /** {@return the current state} */
    public TcpState state() {
        return life.state;
    }

    /** {@return our port} */
    public int localPort() {
        return id.localPort;
    }

    /** {@return the peer's port, or 0 for a listener that has not yet seen a SYN} */
    public int remotePort() {
        return id.remotePort;
    }

    /** {@return true when this connection came from a passive OPEN (a listener)} */
    public boolean passive() {
        return id.passive;
    }

    /** {@return ISS, our initial sequence number} */
    public int iss() {
        return id.iss;
    }

    /** {@return IRS, the peer's initial sequence number (meaningful once its SYN has arrived)} */
    public int irs() {
        return id.irs;
    }

    /** {@return SND.UNA, the oldest unacknowledged sequence number} */
    public int sndUna() {
        return snd.una;
    }

    /** {@return SND.NXT, the next sequence number to send} */
    public int sndNxt() {
        return snd.nxt;
    }

    /** {@return SND.WND, the peer's advertised window in bytes} */
    public int sndWnd() {
        return snd.wnd;
    }

    /** {@return the MSS we send with, in bytes: the peer's announced MSS, at most ours} */
    public int sndMss() {
        return snd.mss;
    }

    /** {@return RCV.NXT, the next sequence number expected from the peer} */
    public int rcvNxt() {
        return rcv.nxt;
    }

    /** {@return RCV.WND, the window we advertise in bytes: the receive buffer less unread bytes} */
    public int rcvWnd() {
        return Math.max(0, id.config.receiveBuffer - rcv.unread);
    }

    /** {@return the number of bytes delivered to the application but not yet consumed} */
    public int unread() {
        return rcv.unread;
    }

    /** {@return the number of bytes queued to send that are not yet acknowledged (sent or not)} */
    public int sendQueueLength() {
        return snd.queued();
    }

    /**
     * Room left in the send buffer ({@link TcpConfig#sendBuffer()}): how many more bytes a
     * {@link Event.Send} would take now.
     *
     * @return the free bytes, zero or more
     */
    public int sendRoom() {
        return Math.max(0, id.config.sendBuffer - snd.queued());
    }

    /** {@return the number of bytes the application queued that have not been sent even once} */
    public int unsentLength() {
        TcpState state = life.state;
        boolean synUnacked = snd.una == id.iss && Seq.gt(snd.nxt, id.iss) && state != TcpState.LISTEN && state != TcpState.CLOSED;
        int inFlight = Seq.diff(snd.nxt, snd.una) - (life.finSent ? 1 : 0) - (synUnacked ? 1 : 0);
        return snd.queued() - Math.max(0, inFlight);
    }

    /** {@return true when our FIN has gone out at least once} */
    public boolean finSent() {
        return life.finSent;
    }

    /** {@return true when the application called {@code close()}: the connection is an orphan} */
    public boolean appClosed() {
        return life.appClosed;
    }

    /** {@return the number of out-of-order segments held for reassembly} */
    public int heldSegments() {
        return rcv.held.size();
    }

    /** {@return the current retransmission timeout (RFC 6298) in nanoseconds, including any backoff} */
    public long rtoNanos() {
        return rtt.rto;
    }

    /** {@return the smoothed RTT (RFC 6298 SRTT) in nanoseconds, or -1 before the first sample} */
    public long srttNanos() {
        return rtt.srtt == RttState.UNSET ? -1 : rtt.srtt;
    }

    /**
     * Consecutive retransmissions of the oldest unacknowledged segment or, while a zero window
     * holds everything back, unanswered window probes: both count toward the give-up.
     *
     * @return the count since the last acknowledgment of new data (or, for probes, the last ACK)
     */
    public int retries() {
        return snd.retries;
    }

    /** {@return the number of keep-alive probes sent since the peer was last heard from} */
    public int keepAliveProbesSent() {
        return tm.keepAliveProbesSent;
    }

    /**
     * The congestion window (RFC 5681): how many bytes may be in flight, besides the peer's
     * window. {@code Integer.MAX_VALUE} with {@link CongestionControl#NONE}; inflated during fast
     * recovery (RFC 6582).
     *
     * @return cwnd in bytes
     */
    public int cwnd() {
        return cc.cwnd;
    }

    /** {@return the slow-start threshold in bytes (RFC 5681); {@code Integer.MAX_VALUE} until the first loss} */
    public int ssthresh() {
        return cc.ssthresh;
    }

    /** {@return whether NewReno fast recovery is under way (RFC 6582 §3.2)} */
    public boolean inFastRecovery() {
        return cc.fastRecovery;
    }

    /** {@return whether both SYNs carried window scaling (RFC 7323 §2)} */
    public boolean windowScaling() {
        return opt.wsOk;
    }

    /** {@return the peer's window shift: its window fields count 2^shift bytes; 0 unless negotiated} */
    public int sendWindowShift() {
        return opt.sndShift;
    }

    /** {@return our window shift, applied to the windows we advertise; 0 unless negotiated} */
    public int receiveWindowShift() {
        return opt.rcvShift;
    }

    /** {@return whether both SYNs carried timestamps (RFC 7323 §3)} */
    public boolean timestamps() {
        return opt.tsOk;
    }

    /** {@return TS.Recent, the peer's timestamp to echo (RFC 7323 §4.3), unsigned; meaningful with {@link #timestamps()}} */
    public long tsRecent() {
        return Integer.toUnsignedLong(opt.tsRecent);
    }

    /** {@return how many duplicate ACKs in a row arrived (RFC 5681 §2)} */
    public int duplicateAcks() {
        return cc.dupAcks;
    }

    /** {@return why the connection closed, or null while it is not CLOSED (or never opened)} */
    public CloseReason closeReason() {
        return life.closeReason;
    }

    /**
     * The deadline of one timer, or {@link #NO_DEADLINE} when it is not {@link #armed}.
     *
     * @param kind the timer
     * @return the absolute deadline on the caller's monotonic nanosecond clock, or {@link #NO_DEADLINE}
     */
    public long deadline(TimerKind kind) {
        return tm.deadline(kind);
    }

    /**
     * Whether timer {@code kind} is armed (its deadline may be any {@code long}).
     *
     * @param kind the timer
     * @return true when {@link #deadline} of {@code kind} is a real deadline
     */
    public boolean armed(TimerKind kind) {
        return tm.armed(kind);
    }

    /** {@return whether any timer is armed, that is whether {@link #nextDeadline()} means a time} */
    public boolean hasDeadline() {
        return tm.any();
    }

    /**
     * When this connection next needs a {@link Event.Tick}: the earliest armed deadline, or
     * {@link #NO_DEADLINE} when {@link #hasDeadline()} is false. Derived from the timer table,
     * never stored separately.
     *
     * @return the earliest armed deadline on the caller's monotonic nanosecond clock, or
     *         {@link #NO_DEADLINE}
     */
    public long nextDeadline() {
        return tm.next();
    }

    /**
     * Value equality: the same state in every part. Two connections that reached the same state
     * by different paths are equal (state-space exploration deduplicates by it).
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tcb)) {
            return false;
        }
        Tcb t = (Tcb) o;
        return id.equals(t.id) && life.equals(t.life) && snd.equals(t.snd) && rcv.equals(t.rcv)
                && rtt.equals(t.rtt) && cc.equals(t.cc) && opt.equals(t.opt) && tm.equals(t.tm);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            // A snapshot never changes, so its hash is computed once (a benign race, as String's).
            h = java.util.Objects.hash(id, life, snd, rcv, rtt, cc, opt, tm);
            hash = h == 0 ? 1 : h;
        }
        return h;
    }

    @Override
    public String toString() {
        return "Tcb{" + life.state + " " + id.localPort + "->" + id.remotePort
                + " snd.una=" + Seq.toUnsigned(snd.una) + " snd.nxt=" + Seq.toUnsigned(snd.nxt)
                + " snd.wnd=" + snd.wnd + " rcv.nxt=" + Seq.toUnsigned(rcv.nxt) + " rcv.wnd=" + rcvWnd()
                + " queued=" + snd.queued() + (life.finQueued ? " fin-queued" : "") + (life.finSent ? " fin-sent" : "")
                + (life.appClosed ? " orphan" : "") + "}";
    }
}
