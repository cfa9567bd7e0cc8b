package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Effect;
import io.tcpclose.engine.EffectSink;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.MutableTcb;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpApiException;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.engine.TcpState;
import io.tcpclose.engine.TimeWait;
import io.tcpclose.spi.Clock;
import io.tcpclose.spi.Transport;
import io.tcpclose.timer.TimerWheel;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.MalformedSegmentException;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The single-threaded driver: owns many connections keyed by 4-tuple, feeds them segments and
 * time, and carries out what the engine asks.
 *
 * <p>Inbound: the transport's owner calls {@link #receive} with each segment's bytes; the stack
 * decodes them (a malformed segment is counted and dropped, never thrown), finds the connection
 * by 4-tuple, a listener for a SYN, or answers with the RFC 9293 §3.10.7.1 reset. Time: the
 * owner calls {@link #poll} whenever it wakes; due timers fire through a {@link TimerWheel}.
 * Each call reads the {@link Clock} once. Outbound segments are encoded with their checksum and
 * handed to the {@link Transport}.
 *
 * <p>A connection in TIME-WAIT keeps only its engine snapshot (its queues are already empty);
 * a SYN with a higher sequence number for that 4-tuple may replace it when a listener waits on
 * the port (RFC 9293 §3.6.1, RFC 6191), unless configured off. With
 * {@link Builder#compactTimeWait(boolean)} an orphan's TIME-WAIT (the application called
 * {@link Connection#close()}) is kept instead as a {@link TimeWait} in a packed table of well
 * under 128 bytes a connection (IPv4), as a kernel keeps timewait sockets: the rules it follows
 * are the engine's, run on a snapshot rebuilt for each segment.
 *
 * <p>Not thread-safe: one thread drives a stack, its connections and their listeners.
 */
public final class TcpStack {
    private static final int MAX_SEGMENT = 65535 + 60;
    private static final int EPHEMERAL_LOW = 49152;

    private final Transport transport;
    private final Clock clock;
    private final TcpConfig config;
    private final IsnGenerator isn;
    private final StackObserver observer;
    private final TimerWheel wheel;
    private final Map<FourTuple, Connection> connections = new HashMap<>();
    private final Map<Integer, Listener> listeners = new HashMap<>();
    private final int maxConnections;
    private final SynCookies cookies;
    private final Counters counters = new Counters();
    // Scratch buffers start at a full Ethernet frame and grow on demand up to MAX_SEGMENT, so a
    // stack (a simulator builds many) does not zero 128 KiB it may never use.
    private byte[] scratchOut = new byte[1600];
    /** Carries out the effects of each in-place step. */
    private final StepSink sink = new StepSink();
    private byte[] scratchIn = new byte[1600];
    private InetAddress lastSource;
    private InetAddress lastDestination;
    private PseudoHeader lastPseudo;
    private Connection[] slots = new Connection[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int slotsUsed;
    private int nextEphemeral = EPHEMERAL_LOW;
    private final TimerWheel.Handler onTimer = this::onTimer;
    private final boolean compactTimeWait;
    private final TimeWaitTable timeWaits = new TimeWaitTable();

    private TcpStack(Builder b) {
        this.transport = b.transport;
        this.clock = b.clock;
        this.config = b.config;
        this.isn = b.isn;
        this.observer = b.observer;
        this.compactTimeWait = b.compactTimeWait;
        this.maxConnections = b.maxConnections;
        this.cookies = b.synCookies ? new SynCookies(b.cookieK0, b.cookieK1) : null;
        this.wheel = new TimerWheel(clock.nanoTime());
    }

    /**
     * A builder for a stack sending through {@code transport} on {@code clock}.
     *
     * @param transport where outbound segments go
     * @param clock     the stack's only source of time
     * @return the builder, holding the defaults for everything else
     */
    public static Builder builder(Transport transport, Clock clock) {
        return new Builder(transport, clock);
    }

    // ------------------------------------------------------------------ application side

    /**
     * Opens a connection (active OPEN).
     *
     * @param localAddress  our address
     * @param localPort     our port; 0 picks a free ephemeral port
     * @param remoteAddress the peer's address
     * @param remotePort    the peer's port
     * @param listener      what hears the connection's events, from now on
     * @return the connection, its SYN already sent
     * @throws IllegalStateException if a connection with this 4-tuple exists, TIME-WAIT included,
     *                               or the stack holds {@link Builder#maxConnections} already
     *                               (counted in {@link StackStats#connectionLimitHits()})
     */
    public Connection connect(InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort,
                              ConnectionListener listener) {
        return connect(new FourTuple(localAddress, localPort, remoteAddress, remotePort), listener);
    }

    /**
     * Opens a connection (active OPEN) with this identity, the way a tunnelling transport does:
     * {@code id}'s tunnel ports say which datagram socket pair carries it.
     *
     * @param id       the connection's identity, local side first; local TCP port 0 picks a free
     *                 ephemeral port
     * @param listener what hears the connection's events, from now on
     * @return the connection, its SYN already sent
     * @throws IllegalArgumentException if the remote TCP port is 0
     * @throws IllegalStateException    as {@link #connect(InetAddress, int, InetAddress, int, ConnectionListener)}
     */
    public Connection connect(FourTuple id, ConnectionListener listener) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(listener, "listener");
        int remotePort = id.remotePort();
        if (remotePort == 0) {
            throw new IllegalArgumentException("remote port must lie in 1..65535, was " + remotePort);
        }
        int port = id.localPort() == 0 ? pickEphemeral(id) : id.localPort();
        id = id.withLocalPort(port);
        Connection existing = connections.get(id);
        if (existing != null) {
            throw new IllegalStateException("connection " + id + " already exists in " + existing.state());
        }
        if (timeWaits.find(id) >= 0) {
            throw new IllegalStateException("connection " + id + " already exists in " + TcpState.TIME_WAIT);
        }
        if (connectionCount() >= maxConnections) {
            counters.connectionLimitHits++;
            throw new IllegalStateException("connection limit reached: the stack holds " + connectionCount()
                    + " connections (maxConnections " + maxConnections + ")");
        }
        long now = clock.nanoTime();
        Connection c = new Connection(this, id, MutableTcb.create(config, port, remotePort), listener);
        register(c);
        counters.connectionsOpened++;
        step(c, new Event.Open(isn.isn(id, now), isn.timestampOffset(id)), now);
        return c;
    }

    /** The connection limit a stack has unless {@link Builder#maxConnections} says otherwise: 2<sup>20</sup>. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1 << 20;

    /** The listen backlog {@link #listen(int, Acceptor)} uses. */
    public static final int DEFAULT_BACKLOG = 1024;

    /**
     * Accepts connections to {@code port} on any local address, with a backlog of {@value
     * #DEFAULT_BACKLOG} half-open connections.
     *
     * @param port     the port, 1..65535
     * @param acceptor called for each connection that reaches ESTABLISHED on it
     * @throws IllegalStateException if the port already has a listener
     */
    public void listen(int port, Acceptor acceptor) {
        listen(port, DEFAULT_BACKLOG, acceptor);
    }

    /**
     * Accepts connections to {@code port} on any local address. At most {@code backlog}
     * connections may be half-open (SYN-RECEIVED) at once; a SYN beyond that is counted as a
     * listen overflow and answered with a SYN cookie (RFC 4987 §3.6: no state is kept until the
     * peer's ACK returns it), or dropped when {@link Builder#synCookies} is off.
     *
     * @param port     the port, 1..65535
     * @param backlog  the most half-open connections, at least 1
     * @param acceptor called for each connection that reaches ESTABLISHED on it
     * @throws IllegalArgumentException if the port or backlog is out of range
     * @throws IllegalStateException    if the port already has a listener
     */
    public void listen(int port, int backlog, Acceptor acceptor) {
        Objects.requireNonNull(acceptor, "acceptor");
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("listening port must lie in 1..65535, was " + port);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
        }
        if (listeners.putIfAbsent(port, new Listener(acceptor, backlog)) != null) {
            throw new IllegalStateException("port " + port + " already has a listener");
        }
    }

    /** A listening port: its acceptor, its backlog of half-open connections, its overflow clock. */
    private static final class Listener {
        final Acceptor acceptor;
        final int backlog;
        int halfOpen;
        /** When the backlog last overflowed; cookies are taken only within their lifetime of it. */
        long lastOverflowNanos;
        boolean overflowed;

        Listener(Acceptor acceptor, int backlog) {
            this.acceptor = acceptor;
            this.backlog = backlog;
        }
    }

    /** How long after an overflow returning cookies are checked: a cookie lives at most 128 s. */
    private static final long COOKIE_WINDOW_NANOS = 128_000_000_000L;

    /**
     * Stops accepting on {@code port}; established connections are unaffected.
     *
     * @param port the port; one without a listener is ignored
     */
    public void unlisten(int port) {
        listeners.remove(port);
    }

    /** A send: what fits is taken, and a send that did not fit whole is counted and remembered. */
    int send(Connection c, Bytes data) {
        int before = c.live.sendQueueLength();
        apply(c, new Event.Send(data));
        int taken = Math.max(0, c.live.sendQueueLength() - before);
        if (taken < data.length()) {
            c.sendBlocked = true;
            counters.sendBufferFull++;
        }
        return taken;
    }

    void apply(Connection c, Event event) {
        if (c.slot < 0 && event instanceof Event.Close) {
            return; // closing a connection that is already gone is harmless
        }
        if (c.compacted) {
            if (event instanceof Event.Abort) {
                return; // the application let go at close(); its TIME-WAIT belongs to the stack
            }
            throw new TcpApiException(event.getClass().getSimpleName(), c.state(),
                    "the application closed this connection; its TIME-WAIT is the stack's");
        }
        step(c, event, clock.nanoTime());
    }

    // ------------------------------------------------------------------ network side

    /**
     * Hands the stack one inbound segment. Never throws for bad bytes: a malformed segment is
     * counted by reason and dropped.
     *
     * @param source      the segment's IP source, the peer's address
     * @param destination the segment's IP destination, our address
     * @param bytes       the encoded segment, from position to limit; the position is not moved,
     *                    and the bytes are copied, so the caller may reuse the buffer
     */
    public void receive(InetAddress source, InetAddress destination, ByteBuffer bytes) {
        receive(source, 0, destination, 0, bytes);
    }

    /**
     * As {@link #receive(InetAddress, InetAddress, ByteBuffer)} for a segment that came through a
     * tunnel (one TCP segment per UDP datagram): the datagram's source and destination ports are
     * part of the connection's identity ({@link FourTuple#remoteTunnelPort()}), so two peers on
     * one host that pick the same TCP port stay apart, and the answers go back to the tunnel port
     * the segment came from.
     *
     * @param source          the datagram's source address
     * @param sourcePort      its source (UDP) port, 1..65535
     * @param destination     the datagram's destination address
     * @param destinationPort its destination (UDP) port, 1..65535
     * @param bytes           the encoded segment, from position to limit
     */
    public void receive(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer bytes) {
        int len = bytes.remaining();
        byte[] array;
        int offset;
        if (bytes.hasArray()) {
            array = bytes.array();
            offset = bytes.arrayOffset() + bytes.position();
        } else {
            if (scratchIn.length < len) {
                scratchIn = new byte[len];
            }
            bytes.duplicate().get(scratchIn, 0, len);
            array = scratchIn;
            offset = 0;
        }
        receive(source, sourcePort, destination, destinationPort, array, offset, len, false);
    }

    /**
     * As {@link #receive(InetAddress, InetAddress, ByteBuffer)} for a transport that hands the
     * array over: the stack may keep the payload as a view of {@code packet} instead of copying
     * it, so the caller must never write to the array again.
     *
     * @param source      the segment's IP source, the peer's address
     * @param destination the segment's IP destination, our address
     * @param packet      the encoded segment, the whole array, never written again
     */
    public void receiveOwned(InetAddress source, InetAddress destination, byte[] packet) {
        receive(source, 0, destination, 0, packet, 0, packet.length, true);
    }

    private void receive(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
                         byte[] array, int offset, int len, boolean owned) {
        long now = clock.nanoTime();
        counters.segmentsIn++;
        Segment seg;
        try {
            PseudoHeader pseudo = inboundPseudo(source, destination);
            seg = owned ? SegmentCodec.decodeSharing(array, offset, len, pseudo)
                    : SegmentCodec.decode(array, offset, len, pseudo);
        } catch (MalformedSegmentException e) {
            counters.malformed[e.reason().ordinal()]++;
            counters.rejected[io.tcpclose.engine.RejectReason.MALFORMED.ordinal()]++;
            observer.malformed(now, e);
            return;
        }
        if (seg.has(TcpFlags.RST)) {
            counters.resetsReceived++;
        }
        FourTuple id = new FourTuple(destination, seg.dstPort(), source, seg.srcPort(), destinationPort, sourcePort);
        observer.segmentIn(now, id, seg);
        Connection c = connections.get(id);
        // The engine decides whether a SYN may reopen a TIME-WAIT 4-tuple; it needs to know
        // whether anyone listens.
        Event.Arrive arrive = new Event.Arrive(seg, listeners.containsKey(seg.dstPort()));
        if (c == null && timeWaits.size() > 0 && TimeWaitTable.fits(id)) {
            int e = timeWaits.find(TimeWaitTable.addresses(destination, source), seg.dstPort(), seg.srcPort());
            if (e >= 0) {
                TimeWait old = timeWaits.get(e);
                Effect.NewIncarnation n = stepTimeWait(e, id, arrive, now);
                if (n != null) {
                    timeWaits.remove(e);
                    reincarnate(id, n, null, old, now);
                }
                return;
            }
        }
        if (c != null) {
            Effect.NewIncarnation n = step(c, arrive, now);
            if (n != null) {
                unregister(c);
                reincarnate(id, n, c, null, now);
            }
            return;
        }
        Listener listener = listeners.get(seg.dstPort());
        if (listener != null && seg.has(TcpFlags.SYN) && !seg.has(TcpFlags.ACK) && !seg.has(TcpFlags.RST)) {
            if (listener.halfOpen >= listener.backlog || connectionCount() >= maxConnections) {
                overflow(listener, id, seg, now);
                return;
            }
            Connection fresh = new Connection(this, id, MutableTcb.create(config, seg.dstPort(), seg.srcPort()), null);
            register(fresh);
            counters.connectionsOpened++;
            halfOpen(fresh, listener);
            step(fresh, new Event.Listen(isn.isn(id, now), isn.timestampOffset(id)), now);
            step(fresh, new Event.Arrive(seg), now);
            return;
        }
        if (listener != null && listener.overflowed && cookies != null && seg.flags() == (seg.flags() & (TcpFlags.ACK | TcpFlags.PSH))
                && seg.has(TcpFlags.ACK) && now - listener.lastOverflowNanos <= COOKIE_WINDOW_NANOS) {
            if (cookieReturns(listener, id, seg, now)) {
                return;
            }
        }
        // RFC 9293 §3.10.7.1: no such connection.
        counters.rejected[io.tcpclose.engine.RejectReason.NO_CONNECTION.ordinal()]++;
        observer.rejected(now, id, io.tcpclose.engine.RejectReason.NO_CONNECTION, seg);
        Segment rst = TcpEngine.resetFor(seg);
        if (rst != null) {
            counters.resetsSent++;
            transmit(id, PseudoHeader.of(destination, source), rst, Effect.Why.RESET, now);
        }
    }

    /**
     * A SYN beyond the backlog (or the connection limit): counted, and answered with a SYN
     * cookie, or dropped when cookies are off. The SYN,ACK is the engine's own, built from a
     * snapshot that is thrown away at once: nothing about this SYN is kept.
     */
    private void overflow(Listener listener, FourTuple id, Segment syn, long now) {
        counters.listenOverflows++;
        listener.overflowed = true;
        listener.lastOverflowNanos = now;
        if (cookies == null) {
            counters.listenDrops++;
            return;
        }
        int cookie = cookies.make(id, syn.seq(), syn.options().mss() > 0 ? syn.options().mss() : 536, now);
        Step listening = TcpEngine.step(Tcb.create(config, syn.dstPort(), syn.srcPort()), new Event.Listen(cookie), now);
        // Only the MSS survives in a cookie: the SYN,ACK must not agree to window scaling or
        // timestamps that the connection rebuilt from the ACK would not know of (RFC 4987 §3.6).
        Segment mssOnly = syn.options().windowScale() >= 0 || syn.options().hasTimestamps()
                ? new Segment(syn.srcPort(), syn.dstPort(), syn.seq(), syn.ack(), syn.flags(), syn.window(),
                        syn.options().mss() >= 0 ? TcpOptions.mss(syn.options().mss()) : TcpOptions.NONE, syn.payload())
                : syn;
        Step answered = TcpEngine.step(listening.tcb(), new Event.Arrive(mssOnly), now);
        PseudoHeader outbound = PseudoHeader.of(id.localAddress(), id.remoteAddress());
        for (Effect e : answered.effects()) {
            if (e instanceof Effect.Transmit) {
                counters.synCookiesSent++;
                transmit(id, outbound, ((Effect.Transmit) e).segment(), Effect.Why.SEND, now);
            }
        }
    }

    /**
     * An ACK for no connection on a port whose backlog overflowed lately: if it returns one of
     * our cookies, the connection is built as if its SYN had been kept (the engine's own
     * SYN-RECEIVED, its SYN,ACK not sent again) and the ACK completes it. False when it is no
     * cookie of ours: the caller answers it as any stray segment.
     */
    private boolean cookieReturns(Listener listener, FourTuple id, Segment ack, long now) {
        int peerIsn = ack.seq() - 1;
        int cookie = ack.ack() - 1;
        int mss = cookies.check(id, peerIsn, cookie, now);
        if (mss < 0) {
            counters.synCookiesRejected++;
            return false;
        }
        if (connectionCount() >= maxConnections) {
            counters.connectionLimitHits++;
            return true; // a valid cookie, but no room: dropped, as a full accept queue drops it
        }
        counters.synCookiesValidated++;
        Segment syn = new Segment(ack.srcPort(), ack.dstPort(), peerIsn, 0, TcpFlags.SYN, ack.window(),
                TcpOptions.mss(mss), Bytes.EMPTY);
        Tcb rebuilt = TcpEngine.step(TcpEngine.step(Tcb.create(config, ack.dstPort(), ack.srcPort()),
                new Event.Listen(cookie), now).tcb(), new Event.Arrive(syn), now).tcb();
        Connection fresh = new Connection(this, id, MutableTcb.of(rebuilt), null);
        register(fresh);
        counters.connectionsOpened++;
        observer.stateChanged(now, id, TcpState.LISTEN, TcpState.SYN_RECEIVED);
        step(fresh, new Event.Arrive(ack), now);
        return true;
    }

    /** Counts a passive connection against its listener's backlog until it leaves SYN-RECEIVED. */
    private static void halfOpen(Connection c, Listener listener) {
        c.backlogOf = listener;
        listener.halfOpen++;
    }

    /** Releases a connection's place in its listener's backlog, once. */
    private static void leftBacklog(Connection c) {
        Object l = c.backlogOf;
        if (l != null) {
            ((Listener) l).halfOpen--;
            c.backlogOf = null;
        }
    }

    /** The pseudo-header for an address pair; the last one is kept, as a peer sends in runs. */
    private PseudoHeader inboundPseudo(InetAddress source, InetAddress destination) {
        if (source != lastSource || destination != lastDestination) {
            lastPseudo = PseudoHeader.of(source, destination);
            lastSource = source;
            lastDestination = destination;
        }
        return lastPseudo;
    }

    /**
     * The engine admitted a SYN for a TIME-WAIT 4-tuple as a new incarnation (RFC 9293 §3.6.1,
     * RFC 6191): the new connection takes the 4-tuple with an ISS above the old sequence space,
     * and the old TIME-WAIT waits beside it until the new one is synchronized.
     */
    private void reincarnate(FourTuple id, Effect.NewIncarnation n, Connection old, TimeWait oldCompact, long now) {
        counters.timeWaitReused++;
        Segment syn = n.syn();
        Connection fresh = new Connection(this, id, MutableTcb.create(config, syn.dstPort(), syn.srcPort()), null);
        fresh.predecessor = old;
        fresh.compactPredecessor = oldCompact;
        register(fresh);
        counters.connectionsOpened++;
        Listener listener = listeners.get(syn.dstPort());
        if (listener != null) {
            halfOpen(fresh, listener);
        }
        step(fresh, new Event.Listen(n.iss(isn.isn(id, now)), isn.timestampOffset(id)), now);
        step(fresh, new Event.Arrive(syn), now);
    }

    /** The new incarnation is synchronized: the TIME-WAIT it replaced ends now, normally. */
    private List<Runnable> retirePredecessor(Connection c, List<Runnable> notices, long now) {
        Connection old = c.predecessor;
        boolean had = old != null || c.compactPredecessor != null;
        c.predecessor = null;
        c.compactPredecessor = null;
        if (!had) {
            return notices;
        }
        timeWaitEndsEarly(c.id, now);
        if (old != null) {
            old.superseded = true;
        }
        if (old != null && (old.established || old.listener != null)) {
            return notice(notices, old, Notice.CLOSED, CloseReason.NORMAL);
        }
        return notices;
    }

    /**
     * The new incarnation closed before it was synchronized, so its SYN was an old duplicate:
     * the TIME-WAIT it would have replaced goes on with its own deadline (RFC 9293 §3.6.1).
     */
    private void restorePredecessor(Connection c, long now) {
        Connection old = c.predecessor;
        TimeWait compactOld = c.compactPredecessor;
        c.predecessor = null;
        c.compactPredecessor = null;
        if (old == null && compactOld == null) {
            return;
        }
        counters.timeWaitRestored++;
        if (old == null) {
            // A compacted one comes back as a Connection: the table's expiry FIFO is in
            // deadline order and takes no older deadline. Its application was told already.
            old = new Connection(this, c.id, MutableTcb.of(compactOld.toTcb(config)), null);
            old.restored = true;
        }
        register(old);
        step(old, Event.TICK, now); // ends it now if its 2×MSL ran out meanwhile; arms its timer otherwise
    }

    /** One engine step for a compacted TIME-WAIT: the snapshot is rebuilt, stepped, compacted again. */
    private Effect.NewIncarnation stepTimeWait(int e, FourTuple id, Event event, long now) {
        Step s = TcpEngine.step(timeWaits.get(e).toTcb(config), event, now);
        PseudoHeader outbound = null;
        for (Effect effect : s.effects()) {
            if (effect instanceof Effect.NewIncarnation) {
                return (Effect.NewIncarnation) effect; // the snapshot is unchanged; the caller sets it aside
            }
            if (effect instanceof Effect.Transmit) {
                if (outbound == null) {
                    outbound = PseudoHeader.of(id.localAddress(), id.remoteAddress());
                }
                Effect.Transmit t = (Effect.Transmit) effect;
                send(id, outbound, t.segment(), t.why(), now);
            } else if (effect instanceof Effect.Rejected) {
                Effect.Rejected r = (Effect.Rejected) effect;
                rejected(id, r.reason(), r.segment(), now);
            } else if (effect instanceof Effect.StateChanged) {
                Effect.StateChanged sc = (Effect.StateChanged) effect;
                observer.stateChanged(now, id, sc.from(), sc.to());
            } else if (effect instanceof Effect.Closed) {
                counters.closed[((Effect.Closed) effect).reason().ordinal()]++;
            }
        }
        if (s.tcb().state() == TcpState.TIME_WAIT) {
            timeWaits.update(e, TimeWait.of(s.tcb()));
        } else {
            timeWaits.remove(e);
        }
        return null;
    }

    /** Whether a compacted TIME-WAIT holds this 4-tuple (or holds it again, restored as a Connection). */
    boolean holdsTimeWait(FourTuple id) {
        if (timeWaits.find(id) >= 0) {
            return true;
        }
        Connection c = connections.get(id);
        return c != null && c.restored && c.live.state() == TcpState.TIME_WAIT;
    }

    /** Hands an orphan that has just entered TIME-WAIT to the packed table and lets the Connection go. */
    private boolean compact(Connection c) {
        if (!compactTimeWait || c.slot < 0 || c.restored || c.receivedBytes != 0 || !TimeWaitTable.fits(c.id)
                || c.live.state() != TcpState.TIME_WAIT || c.live.config() != config || !TimeWait.compactable(c.live.snapshot())) {
            return false;
        }
        unregister(c);
        timeWaits.add(TimeWaitTable.addresses(c.id.localAddress(), c.id.remoteAddress()), TimeWait.of(c.live.snapshot()));
        c.compacted = true;
        c.received = null;
        return true;
    }

    /**
     * Fires every timer due at the clock's current time.
     *
     * @return how many fired
     */
    public int poll() {
        long now = clock.nanoTime();
        int total = 0;
        int fired;
        do {
            fired = wheel.poll(now, onTimer, 4096);
            total += fired;
        } while (fired == 4096);
        for (int e = timeWaits.nextExpired(now); e >= 0; e = timeWaits.nextExpired(now)) {
            stepTimeWait(e, timeWaits.tuple(e), Event.TICK, now);
            total++;
        }
        return total;
    }

    /**
     * The earliest pending deadline of any connection, or {@link Tcb#NO_DEADLINE} when
     * {@link #hasDeadline()} is false: when a simulator should next call {@link #poll}.
     * O(timers); not for a hot loop.
     *
     * @return the earliest deadline on the {@link Clock}'s nanosecond scale, or {@link Tcb#NO_DEADLINE}
     */
    public long nextDeadlineNanos() {
        boolean timers = wheel.pendingCount() > 0;
        long d = timers ? wheel.earliestDeadline() : Tcb.NO_DEADLINE;
        if (timeWaits.size() > 0) {
            long t = timeWaits.earliestDeadline();
            if (!timers || t - d < 0) {
                d = t;
            }
        }
        return d;
    }

    /**
     * {@return whether any connection has a timer pending, so that {@link #nextDeadlineNanos()}
     * means a time}
     */
    public boolean hasDeadline() {
        return wheel.pendingCount() > 0 || timeWaits.size() > 0;
    }

    private void onTimer(long timerId, long attachment, long now) {
        Connection c = slots[(int) attachment];
        if (c == null || c.timerId != timerId) {
            return;
        }
        c.timerId = TimerWheel.NULL_TIMER;
        c.scheduledDeadline = Tcb.NO_DEADLINE;
        step(c, Event.TICK, now);
    }

    // ------------------------------------------------------------------ views

    /** {@return a snapshot of the counters and of connections per state} */
    public StackStats stats() {
        Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
        for (Connection c : connections.values()) {
            byState.merge(c.live.state(), 1, Integer::sum);
        }
        if (timeWaits.size() > 0) {
            byState.merge(TcpState.TIME_WAIT, timeWaits.size(), Integer::sum);
        }
        return new StackStats(counters, byState);
    }

    /**
     * The connection with this identity, or null; also null for a compacted TIME-WAIT, which
     * has no Connection (see {@link #timeWait}).
     *
     * @param id the 4-tuple, local side first
     * @return the connection, or null
     */
    public Connection connection(FourTuple id) {
        return connections.get(id);
    }

    /**
     * The compacted TIME-WAIT holding this 4-tuple, or null.
     *
     * @param id the 4-tuple, local side first
     * @return the compacted TIME-WAIT, or null
     */
    public TimeWait timeWait(FourTuple id) {
        int e = timeWaits.find(id);
        return e < 0 ? null : timeWaits.get(e);
    }

    /** {@return how many connections exist (any state but CLOSED), compacted TIME-WAITs included} */
    public int connectionCount() {
        return connections.size() + timeWaits.size();
    }

    /**
     * {@return a new list of the connections that have a {@link Connection} now (compacted
     * TIME-WAITs have none), in no particular order}
     */
    public List<Connection> connections() {
        return new ArrayList<>(connections.values());
    }

    /** {@return the configuration every connection of this stack runs with} */
    public TcpConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ effects

    /** A Transmit effect: counted by why, encoded and sent. */
    private void send(FourTuple id, PseudoHeader outbound, Segment segment, Effect.Why why, long now) {
        count(why);
        transmit(id, outbound, segment, why, now);
    }

    /** A Rejected effect: counted by reason and shown to the observer. */
    private void rejected(FourTuple id, RejectReason reason, Segment segment, long now) {
        counters.rejected[reason.ordinal()]++;
        observer.rejected(now, id, reason, segment);
    }

    /** A TIME-WAIT cut short by a newer incarnation (RFC 6191) counts as a normal close. */
    private void timeWaitEndsEarly(FourTuple id, long now) {
        observer.stateChanged(now, id, TcpState.TIME_WAIT, TcpState.CLOSED);
        counters.closed[CloseReason.NORMAL.ordinal()]++;
    }

    /**
     * One engine step for a connection, in place; returns the engine's admission of a new
     * incarnation, if any. The effects are carried out as the engine reports them ({@link
     * StepSink}); the application's callbacks run after the step, so a callback that steps a
     * connection again never interleaves with this one.
     */
    private Effect.NewIncarnation step(Connection c, Event event, long now) {
        MutableTcb t = c.live;
        int queuedBefore = t.sendQueueLength();
        int cwndBefore = t.cwnd();
        int ssthreshBefore = t.ssthresh();
        int nxtBefore = t.sndNxt();
        int unaBefore = t.sndUna();
        StepSink sink = this.sink;
        // Saved and restored: a transport may hand a segment straight back into this stack.
        Connection outerC = sink.c;
        long outerNow = sink.now;
        List<Runnable> outerNotices = sink.notices;
        Effect.NewIncarnation outerIncarnation = sink.incarnation;
        sink.c = c;
        sink.now = now;
        sink.notices = null;
        sink.incarnation = null;
        List<Runnable> notices;
        Effect.NewIncarnation incarnation;
        try {
            t.step(event, now, sink);
        } finally {
            notices = sink.notices;
            incarnation = sink.incarnation;
            sink.c = outerC;
            sink.now = outerNow;
            sink.notices = outerNotices;
            sink.incarnation = outerIncarnation;
        }
        if (t.cwnd() != cwndBefore || t.ssthresh() != ssthreshBefore || t.sndNxt() != nxtBefore || t.sndUna() != unaBefore) {
            observer.congestion(now, c.id, t.cwnd(), t.ssthresh(), t.sndNxt() - t.sndUna());
        }
        syncTimer(c);
        // Writable again: room freed after a send that did not fit, or everything sent is acknowledged.
        int queued = t.sendQueueLength();
        if ((c.sendBlocked && t.sendRoom() > 0 && t.state().maySend())
                || (queuedBefore > 0 && queued == 0 && t.state().isSynchronized())) {
            c.sendBlocked = false;
            notices = notice(notices, c, Notice.WRITABLE, null);
        }
        if (t.state() == TcpState.TIME_WAIT && compact(c) && (c.established || c.listener != null)) {
            // The application closed and lets go now; its TIME-WAIT goes on in the stack.
            notices = notice(notices, c, Notice.CLOSED, CloseReason.NORMAL);
        }
        if (notices != null) {
            for (Runnable r : notices) {
                r.run();
            }
        }
        return incarnation;
    }

    /**
     * Carries out one connection's effects as its in-place step reports them: segments out,
     * bytes into the receive queue, bookkeeping, and the application's notices collected for
     * after the step. One per stack, re-pointed at each step's connection; loop thread only.
     */
    private final class StepSink implements EffectSink {
        Connection c;
        long now;
        List<Runnable> notices;
        Effect.NewIncarnation incarnation;

        @Override
        public void transmit(Segment segment, Effect.Why why) {
            send(c.id, c.outbound, segment, why, now);
        }

        @Override
        public void deliver(Bytes data) {
            if (c.received == null) {
                c.received = new java.util.ArrayDeque<>();
            }
            c.received.add(data);
            c.receivedBytes += data.length();
            notices = notice(notices, c, Notice.READABLE, null);
        }

        @Override
        public void peerFinished() {
            c.peerFinished = true;
            notices = notice(notices, c, Notice.PEER_FINISHED, null);
        }

        @Override
        public void stateChanged(TcpState from, TcpState to) {
            observer.stateChanged(now, c.id, from, to);
            if (to == TcpState.ESTABLISHED && !c.established) {
                c.established = true;
                notices = notice(notices, c, Notice.ESTABLISHED, null);
            }
            if (from == TcpState.SYN_RECEIVED) {
                leftBacklog(c);
                if (to.isSynchronized()) {
                    notices = retirePredecessor(c, notices, now);
                }
            }
            if (to == TcpState.TIME_WAIT && c.receivedBytes == 0) {
                c.received = null; // TIME-WAIT keeps only the engine state
            }
        }

        @Override
        public void closeCompleted() {
            c.closeCompleted = true;
            notices = notice(notices, c, Notice.CLOSE_COMPLETED, null);
        }

        @Override
        public void closed(CloseReason reason) {
            counters.closed[reason.ordinal()]++;
            unregister(c);
            leftBacklog(c);
            if (!c.established) {
                restorePredecessor(c, now);
            }
            // Every connection the application knows of hears it once: an active open from
            // the start, a passive one from its acceptance.
            if (c.established || c.listener != null) {
                notices = notice(notices, c, Notice.CLOSED, reason);
            }
        }

        @Override
        public void rejected(RejectReason reason, Segment segment) {
            TcpStack.this.rejected(c.id, reason, segment, now);
        }

        @Override
        public void nextDeadline(long atNanos, boolean pending) {
            // The wheel follows MutableTcb.nextDeadline() after the step: derived, not told.
        }

        @Override
        public void newIncarnation(Segment syn, int oldSndNxt) {
            incarnation = new Effect.NewIncarnation(syn, oldSndNxt);
        }
    }

    private enum Notice { ESTABLISHED, READABLE, WRITABLE, PEER_FINISHED, CLOSE_COMPLETED, CLOSED }

    private List<Runnable> notice(List<Runnable> notices, Connection c, Notice kind, CloseReason reason) {
        List<Runnable> list = notices == null ? new ArrayList<>(2) : notices;
        list.add(() -> {
            if (kind == Notice.ESTABLISHED && c.listener == null) {
                Listener on = listeners.get(c.id.localPort());
                if (on == null) {
                    return;
                }
                try {
                    c.listener = on.acceptor.accept(c);
                } catch (RuntimeException | Error e) {
                    // Nobody will ever serve this connection: reset it rather than leave it open.
                    if (c.slot >= 0) {
                        step(c, Event.ABORT, clock.nanoTime());
                    }
                    throw e;
                }
            }
            ConnectionListener l = c.listener;
            if (l == null) {
                return;
            }
            switch (kind) {
                case ESTABLISHED:
                    l.onEstablished(c);
                    break;
                case READABLE:
                    l.onReadable(c);
                    break;
                case WRITABLE:
                    l.onWritable(c);
                    break;
                case PEER_FINISHED:
                    l.onPeerFinished(c);
                    break;
                case CLOSE_COMPLETED:
                    l.onCloseCompleted(c);
                    break;
                default:
                    l.onClosed(c, reason);
            }
        });
        return list;
    }

    private void count(Effect.Why why) {
        switch (why) {
            case RETRANSMISSION:
                counters.retransmissions++;
                break;
            case FAST_RETRANSMIT:
                counters.retransmissions++;
                counters.fastRetransmissions++;
                break;
            case CHALLENGE_ACK:
                counters.challengeAcksSent++;
                break;
            case RESET:
                counters.resetsSent++;
                break;
            case KEEPALIVE_PROBE:
                counters.keepAliveProbesSent++;
                break;
            case WINDOW_PROBE:
                counters.windowProbesSent++;
                break;
            default:
                break;
        }
    }

    private void transmit(FourTuple id, PseudoHeader pseudo, Segment seg, Effect.Why why, long now) {
        int length = SegmentCodec.encodedLength(seg);
        if (scratchOut.length < length) {
            scratchOut = new byte[Math.max(length, Math.min(MAX_SEGMENT, 2 * scratchOut.length))];
        }
        int n = SegmentCodec.encode(seg, pseudo, scratchOut, 0);
        counters.segmentsOut++;
        observer.segmentOut(now, id, seg, why);
        transport.send(id.localAddress(), id.localTunnelPort(), id.remoteAddress(), id.remoteTunnelPort(),
                ByteBuffer.wrap(scratchOut, 0, n));
    }

    private void syncTimer(Connection c) {
        if (c.slot < 0) {
            return;
        }
        long want = c.live.nextDeadline();
        boolean pending = c.live.hasDeadline();
        if (pending == (c.timerId != TimerWheel.NULL_TIMER) && (!pending || want == c.scheduledDeadline)) {
            return;
        }
        if (!pending) {
            wheel.cancel(c.timerId);
            c.timerId = TimerWheel.NULL_TIMER;
        } else if (!wheel.reschedule(c.timerId, want)) {
            c.timerId = wheel.schedule(want, c.slot);
        }
        c.scheduledDeadline = want;
    }

    // ------------------------------------------------------------------ bookkeeping

    private void register(Connection c) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (slotsUsed == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
                freeSlots = Arrays.copyOf(freeSlots, slots.length);
            }
            slot = slotsUsed++;
        }
        slots[slot] = c;
        c.slot = slot;
        connections.put(c.id, c);
    }

    private void unregister(Connection c) {
        if (c.slot < 0) {
            return;
        }
        wheel.cancel(c.timerId);
        c.timerId = TimerWheel.NULL_TIMER;
        c.scheduledDeadline = Tcb.NO_DEADLINE;
        connections.remove(c.id);
        slots[c.slot] = null;
        freeSlots[freeCount++] = c.slot;
        c.slot = -1;
    }

    private int pickEphemeral(FourTuple towards) {
        for (int i = 0; i < 65536 - EPHEMERAL_LOW; i++) {
            int port = nextEphemeral;
            nextEphemeral = nextEphemeral == 65535 ? EPHEMERAL_LOW : nextEphemeral + 1;
            FourTuple candidate = towards.withLocalPort(port);
            if (!connections.containsKey(candidate) && timeWaits.find(candidate) < 0) {
                return port;
            }
        }
        throw new IllegalStateException("no free ephemeral port towards " + towards.remoteAddress().getHostAddress()
                + ":" + towards.remotePort());
    }

    /**
     * Configures a {@link TcpStack}. Not thread-safe.
     */
    public static final class Builder {
        private final Transport transport;
        private final Clock clock;
        private TcpConfig config = TcpConfig.DEFAULTS;
        private IsnGenerator isn;
        private StackObserver observer = StackObserver.NONE;
        private boolean compactTimeWait;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private boolean synCookies = true;
        private boolean cookieSecretGiven;
        private long cookieK0;
        private long cookieK1;

        private Builder(Transport transport, Clock clock) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /**
         * The configuration every connection of the stack runs with; by default
         * {@link TcpConfig#DEFAULTS}.
         *
         * @param c the configuration
         * @return this builder
         */
        public Builder config(TcpConfig c) {
            config = Objects.requireNonNull(c, "config");
            return this;
        }

        /**
         * Initial sequence numbers; by default RFC 6528 with a secret from SecureRandom.
         *
         * @param g the generator
         * @return this builder
         */
        public Builder isn(IsnGenerator g) {
            isn = Objects.requireNonNull(g, "isn");
            return this;
        }

        /**
         * The tracing hook; by default {@link StackObserver#NONE}.
         *
         * @param o the observer
         * @return this builder
         */
        public Builder observer(StackObserver o) {
            observer = Objects.requireNonNull(o, "observer");
            return this;
        }

        /**
         * Keeps an orphan's TIME-WAIT (the application called {@link Connection#close()}, read
         * everything, IPv4) in a packed table instead of as a Connection: under 128 heap bytes
         * each instead of about 400. The connection behaves the same on the wire (the engine's
         * rules, run on a rebuilt snapshot, a property checks); what changes is the application's
         * view: its listener hears {@code onClosed(NORMAL)} when TIME-WAIT begins rather than
         * when it ends, the Connection reports TIME_WAIT then CLOSED but accepts no further
         * calls, and {@link TcpStack#connection} returns null for it ({@link TcpStack#timeWait}
         * shows it). The {@link StackObserver} still sees TIME_WAIT → CLOSED after 2×MSL. Off by
         * default.
         *
         * @param on true to compact
         * @return this builder
         */
        public Builder compactTimeWait(boolean on) {
            compactTimeWait = on;
            return this;
        }

        /**
         * Builds the stack; without an {@link #isn} generator, draws a fresh RFC 6528 secret.
         *
         * @return the stack
         */
        public TcpStack build() {
            if (isn == null) {
                isn = IsnGenerator.rfc6528();
            }
            if (!cookieSecretGiven) {
                java.security.SecureRandom random = new java.security.SecureRandom();
                cookieK0 = random.nextLong();
                cookieK1 = random.nextLong();
            }
            return new TcpStack(this);
        }

        /**
         * The most connections the stack holds at once, compacted TIME-WAITs included (default
         * {@value TcpStack#DEFAULT_MAX_CONNECTIONS}). At the limit {@code connect()} throws and an
         * arriving SYN is answered as a listen overflow; each is counted in {@link
         * StackStats#connectionLimitHits()} or {@link StackStats#listenOverflows()}.
         *
         * @param n the limit, at least 1
         * @return this builder
         */
        public Builder maxConnections(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, was " + n);
            }
            maxConnections = n;
            return this;
        }

        /**
         * Whether a SYN beyond a listener's backlog is answered with a SYN cookie (RFC 4987 §3.6,
         * the default, as Linux's {@code tcp_syncookies=1}) or dropped.
         *
         * @param on true for cookies
         * @return this builder
         */
        public Builder synCookies(boolean on) {
            synCookies = on;
            return this;
        }

        /**
         * The SYN cookies' SipHash key; by default drawn from {@link java.security.SecureRandom}.
         * A fixed key makes runs reproducible (the simulator derives it from its seed); it must
         * stay secret from peers, or they can forge cookies.
         *
         * @param k0 the first half of the key
         * @param k1 the second half
         * @return this builder
         */
        public Builder synCookieSecret(long k0, long k1) {
            cookieK0 = k0;
            cookieK1 = k1;
            cookieSecretGiven = true;
            return this;
        }
    }
}
