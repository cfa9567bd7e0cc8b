package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import java.util.Objects;

/**
 * A connection's state that a driver owns and steps in place: the same parts a {@link Tcb}
 * holds, and the same rules, without a snapshot or an effect list per step. {@link
 * TcpEngine#step} is defined through it — copy the snapshot into a {@code MutableTcb}, {@link
 * #step} it, {@link #snapshot()} it — so the pure step and the in-place step run the same code
 * (a property test holds them identical, field by field and effect by effect).
 *
 * <p>The state is held in parts by role ({@code Part}); a snapshot shares them, and the first
 * write after a snapshot copies only the part it writes (copy-on-write). A driver that never
 * asks for a snapshot steps without copying anything.
 *
 * <p>Inside the engine, parts are read through their fields ({@code c.snd.una}) and written
 * through the accessor of the same name ({@code c.snd().una = ...}), which copies a part a
 * snapshot still shares.
 *
 * <p>Not thread-safe: confine each instance to one thread (a loop), as a kernel confines a socket
 * to its lock. Application misuse ({@link TcpApiException}) is detected before anything changes.
 */
public final class MutableTcb {
    private static final int ID = 1;
    private static final int LIFE = 1 << 1;
    private static final int SND = 1 << 2;
    private static final int RCV = 1 << 3;
    private static final int RTT = 1 << 4;
    private static final int CC = 1 << 5;
    private static final int OPT = 1 << 6;
    private static final int TM = 1 << 7;
    private static final int ALL = (1 << 8) - 1;

    Ident id;
    Lifecycle life;
    SendSeq snd;
    RecvSeq rcv;
    RttState rtt;
    CongestionState cc;
    Negotiated opt;
    Timers tm;
    /** Parts this instance may write in place; the others a snapshot shares. */
    private int owned;

    // Scratch for the step under way; never part of the state.
    /** The caller's clock for this step. */
    long now;
    /** Where this step's effects go. */
    EffectSink out;
    /** Segment processing owes an ACK, carried by data if any goes out. */
    boolean ackNeeded;
    /** The arriving segment's TSecr while it is processed (0: none). */
    int curTsEcr;
    /** The arriving segment's text and FIN after trimming to the window ({@code Receiving.trim}). */
    int inSeq;
    Bytes inData;
    boolean inFin;

    private MutableTcb() {}

    /**
     * A fresh connection in CLOSED, ready for {@link Event.Open} or {@link Event.Listen}.
     *
     * @param config     the configuration the connection runs with
     * @param localPort  our port, 0..65535
     * @param remotePort the peer's port, or 0 for a listener that takes it from the SYN
     * @return the connection, in CLOSED with no deadline armed
     * @throws IllegalArgumentException if a port lies outside 0..65535
     */
    public static MutableTcb create(TcpConfig config, int localPort, int remotePort) {
        Objects.requireNonNull(config, "config");
        if (localPort < 0 || localPort > 0xFFFF) {
            throw new IllegalArgumentException("local port must lie in 0..65535, was " + localPort);
        }
        if (remotePort < 0 || remotePort > 0xFFFF) {
            throw new IllegalArgumentException("remote port must lie in 0..65535, was " + remotePort);
        }
        MutableTcb c = new MutableTcb();
        c.id = new Ident();
        c.id.config = config;
        c.id.localPort = localPort;
        c.id.remotePort = remotePort;
        c.life = new Lifecycle();
        c.snd = new SendSeq();
        c.rcv = new RecvSeq();
        c.rtt = new RttState();
        c.rtt.rto = config.rtoInitialNanos;
        c.cc = new CongestionState();
        c.cc.cwnd = Sending.initialWindow(config, c.snd.mss);
        c.opt = new Negotiated();
        c.tm = new Timers();
        c.owned = ALL;
        return c;
    }

    /**
     * A connection that continues from {@code snapshot}. The two share every part until this
     * one first writes it; {@code snapshot} never changes.
     *
     * @param snapshot the state to continue from
     * @return the connection
     */
    public static MutableTcb of(Tcb snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        MutableTcb c = new MutableTcb();
        c.resetTo(snapshot);
        return c;
    }

    /**
     * Makes this connection continue from {@code snapshot}, sharing its parts (a driver that
     * keeps one instance to step many snapshots reuses it this way).
     *
     * @param snapshot the state to continue from
     */
    public void resetTo(Tcb snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        id = snapshot.id;
        life = snapshot.life;
        snd = snapshot.snd;
        rcv = snapshot.rcv;
        rtt = snapshot.rtt;
        cc = snapshot.cc;
        opt = snapshot.opt;
        tm = snapshot.tm;
        owned = 0;
    }

    /**
     * An immutable snapshot of the state now. The parts are frozen and shared: the next write
     * to a part copies it, so taking a snapshot costs one small object.
     *
     * @return the snapshot
     */
    public Tcb snapshot() {
        owned = 0;
        return new Tcb(this);
    }

    /**
     * Applies one event in place; effects go to {@code sink} in order, as {@link TcpEngine#step}
     * would list them.
     *
     * @param event    what happened
     * @param nowNanos the caller's monotonic clock, read once for this step
     * @param sink     receives the effects
     * @throws TcpApiException when {@code event} is an application call the state does not allow;
     *                         nothing has changed then. (An exception thrown by {@code sink}
     *                         itself leaves the connection part-way through the step, its
     *                         remaining effects unreported: a sink must not throw, and a driver
     *                         whose sink did should abandon the connection.)
     */
    public void step(Event event, long nowNanos, EffectSink sink) {
        step(event, nowNanos, sink, true);
    }

    /**
     * {@link #step} of an {@link Event.Arrive} without the event object, for a driver's receive
     * path: the same step, effect for effect.
     *
     * @param segment   the arriving segment
     * @param listening whether a listener waits on the segment's destination port ({@link Event.Arrive#listening()})
     * @param nowNanos  the caller's monotonic clock, read once for this step
     * @param sink      receives the effects
     */
    public void arrive(Segment segment, boolean listening, long nowNanos, EffectSink sink) {
        Objects.requireNonNull(segment, "segment");
        run(null, segment, listening, nowNanos, sink, true);
    }

    /** One step; {@code predict} false skips header prediction (the reference for its property). */
    void step(Event event, long nowNanos, EffectSink sink, boolean predict) {
        Objects.requireNonNull(event, "event");
        run(event, null, false, nowNanos, sink, predict);
    }

    /** One step of {@code event}, or of {@code segment} arriving when {@code event} is null. */
    private void run(Event event, Segment segment, boolean listening, long nowNanos, EffectSink sink, boolean predict) {
        Objects.requireNonNull(sink, "sink");
        now = nowNanos;
        out = sink;
        ackNeeded = false;
        curTsEcr = 0;
        long before = tm.next();
        boolean had = tm.any();
        try {
            if (event == null) {
                arrive(segment, listening, predict);
            } else {
                dispatch(event, predict);
            }
        } finally {
            out = null;
            inData = null;
        }
        long after = tm.next();
        boolean has = tm.any();
        if (after != before || has != had) {
            sink.nextDeadline(after, has);
        }
    }

    private void dispatch(Event event, boolean predict) {
        if (event instanceof Event.Arrive) {
            Event.Arrive a = (Event.Arrive) event;
            arrive(a.segment(), a.listening(), predict);
        } else if (event instanceof Event.Tick) {
            TimerRules.tick(this);
        } else if (event instanceof Event.Send) {
            Calls.send(this, ((Event.Send) event).data());
        } else if (event instanceof Event.Consume) {
            Calls.consume(this, ((Event.Consume) event).bytes());
        } else if (event instanceof Event.ShutdownOutput) {
            Calls.shutdownOutput(this);
        } else if (event instanceof Event.Close) {
            Calls.close(this);
        } else if (event instanceof Event.Abort) {
            Calls.abort(this);
        } else if (event instanceof Event.Configure) {
            Calls.configure(this, ((Event.Configure) event).config());
        } else if (event instanceof Event.IcmpError) {
            Arrival.icmpError(this, (Event.IcmpError) event);
        } else if (event instanceof Event.Open) {
            Event.Open o = (Event.Open) event;
            Calls.open(this, o.iss(), o.tsOffset());
        } else if (event instanceof Event.Listen) {
            Event.Listen l = (Event.Listen) event;
            Calls.listen(this, l.iss(), l.tsOffset());
        } else {
            throw new AssertionError("unknown event " + event);
        }
    }

    private void arrive(Segment segment, boolean listening, boolean predict) {
        if (!predict || !Acking.predicted(this, segment)) {
            Arrival.arrive(this, segment, listening);
        }
    }

    /**
     * The application read {@code bytes}: when that reopens no window, they are taken in place
     * with no effect and no step (most reads); otherwise nothing changes and the caller steps an
     * {@link Event.Consume}, which reopens the window and ACKs.
     *
     * @param bytes how many delivered bytes the application read
     * @return true when taken; false when the full step is needed
     * @throws IllegalArgumentException when {@code bytes} is negative
     * @throws TcpApiException          when fewer bytes are unread; nothing has changed then in either case
     */
    public boolean consumeQuietly(int bytes) {
        return Calls.consumeQuietly(this, bytes);
    }

    // ------------------------------------------------------------------ copy-on-write accessors

    Ident id() {
        return (owned & ID) != 0 ? id : (id = own(ID, id));
    }

    Lifecycle life() {
        return (owned & LIFE) != 0 ? life : (life = own(LIFE, life));
    }

    SendSeq snd() {
        return (owned & SND) != 0 ? snd : (snd = own(SND, snd));
    }

    RecvSeq rcv() {
        return (owned & RCV) != 0 ? rcv : (rcv = own(RCV, rcv));
    }

    RttState rtt() {
        return (owned & RTT) != 0 ? rtt : (rtt = own(RTT, rtt));
    }

    CongestionState cc() {
        return (owned & CC) != 0 ? cc : (cc = own(CC, cc));
    }

    Negotiated opt() {
        return (owned & OPT) != 0 ? opt : (opt = own(OPT, opt));
    }

    Timers tm() {
        return (owned & TM) != 0 ? tm : (tm = own(TM, tm));
    }

    /** A copy of a shared part, owned (written in place) from now on. */
    @SuppressWarnings("unchecked")
    private <P extends Part> P own(int bit, P shared) {
        owned |= bit;
        return (P) shared.copy();
    }

    // ------------------------------------------------------------------ the one choke point

    /**
     * Every state change goes through here: it checks the move against RFC 9293's diagram
     * ({@link TcpState#canMoveTo}, the one table of transitions), enters the new state (its
     * timers, buffers and close reason), and only then reports the change, so whoever hears it
     * (a driver's observer) sees the state it is told about; effects that follow from entering
     * the state come after the report.
     */
    void setState(TcpState to, CloseReason reason) {
        TcpState from = life.state;
        if (from == to) {
            return;
        }
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("engine defect: RFC 9293's diagram has no edge " + from + " -> " + to);
        }
        life().state = to;
        switch (to) {
            case ESTABLISHED:
                TimerRules.armKeepAlive(this);
                rcv().quickAcksLeft = id.config.quickAcks;
                out.stateChanged(from, to);
                if (life.finQueued) {
                    // shutdownOutput() came while the handshake was in progress (RFC 9293 §3.10.4)
                    setState(TcpState.FIN_WAIT_1, null);
                }
                return;
            case FIN_WAIT_2:
                TimerRules.armOrphanFinWait2(this);
                if (!tm.armed(TimerKind.KEEPALIVE)) {
                    TimerRules.armKeepAlive(this);
                }
                break;
            case CLOSE_WAIT:
                if (!tm.armed(TimerKind.KEEPALIVE)) {
                    TimerRules.armKeepAlive(this);
                }
                break;
            case TIME_WAIT:
                // RFC 9293 §3.6.1: 2×MSL, so a lost last ACK can be repeated and old duplicates die out.
                cancelAllTimers();
                tm().set(TimerKind.TIME_WAIT, now + id.config.timeWaitNanos());
                dropBuffers();
                out.stateChanged(from, to);
                out.closeCompleted(); // both FINs are acknowledged: the close handshake is done, the wait begins
                return;
            case CLOSED:
                cancelAllTimers();
                dropBuffers();
                life().closeReason = reason;
                out.stateChanged(from, to);
                if (from == TcpState.LAST_ACK && reason == CloseReason.NORMAL) {
                    out.closeCompleted(); // the passive closer's FIN is acknowledged
                }
                out.closed(reason);
                return;
            default:
                break;
        }
        out.stateChanged(from, to);
    }

    private void cancelAllTimers() {
        tm().cancelAll();
        if (rtt.timing) {
            rtt().timing = false;
        }
    }

    private void dropBuffers() {
        if (snd.queued() != 0) {
            snd().clear();
        }
        if (!rcv.held.isEmpty()) {
            rcv().held = HeldQueue.EMPTY;
        }
    }

    void transmit(Segment s, Effect.Why why) {
        if (s.has(io.tcpclose.wire.TcpFlags.ACK)) {
            RecvSeq r = rcv();
            r.lastAckSent = s.ack(); // RFC 7323 §4.3's Last.ACK.sent
            r.unackedSegments = 0; // any segment with an ACK pays what was delayed
            if (tm.armed(TimerKind.DELAYED_ACK)) {
                tm().cancel(TimerKind.DELAYED_ACK);
            }
        }
        out.transmit(s, why);
    }

    void reject(RejectReason reason, Segment seg) {
        out.rejected(reason, seg);
    }

    // ------------------------------------------------------------------ what drivers read

    /** {@return the current state} */
    public TcpState state() {
        return life.state;
    }

    /** {@return why the connection closed, or null while it is not CLOSED} */
    public CloseReason closeReason() {
        return life.closeReason;
    }

    /** {@return the configuration the connection runs with} */
    public TcpConfig config() {
        return id.config;
    }

    /** {@return the earliest armed deadline, or {@link Tcb#NO_DEADLINE} when {@link #hasDeadline()} is false} */
    public long nextDeadline() {
        return tm.next();
    }

    /** {@return whether any timer is armed} */
    public boolean hasDeadline() {
        return tm.any();
    }

    /** {@return the bytes queued to send and not yet acknowledged, sent or not} */
    public int sendQueueLength() {
        return snd.queued();
    }

    /** {@return how many more bytes an {@link Event.Send} would take now} */
    public int sendRoom() {
        return Math.max(0, id.config.sendBuffer - snd.queued());
    }

    /** {@return the congestion window in bytes} */
    public int cwnd() {
        return cc.cwnd;
    }

    /** {@return the slow-start threshold in bytes} */
    public int ssthresh() {
        return cc.ssthresh;
    }

    /** {@return SND.UNA} */
    public int sndUna() {
        return snd.una;
    }

    /** {@return SND.NXT} */
    public int sndNxt() {
        return snd.nxt;
    }

    @Override
    public String toString() {
        return "Mutable" + new Tcb(this);
    }
}
