package io.tcpclose.stack;

import io.tcpclose.engine.Effect;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.MutableTcb;
import io.tcpclose.engine.RejectReason;
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
import io.tcpclose.wire.TcpFlags;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
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

    final Transport transport;
    final Clock clock;
    final TcpConfig config;
    IsnGenerator isn;
    final StackObserver observer;
    final TimerWheel wheel;
    final ConnectionTable table = new ConnectionTable();
    Listeners listeners;
    final int maxConnections;
    Counters counters = new Counters();
    // Scratch buffers start at a full Ethernet frame and grow on demand up to MAX_SEGMENT, so a
    // stack (a simulator builds many) does not zero 128 KiB it may never use.
    private byte[] scratchOut = new byte[1600];
    private ByteBuffer scratchOutView = ByteBuffer.wrap(scratchOut);
    /** Carries out the effects of each in-place step. */
    final StackSink sink = new StackSink(this);
    private byte[] scratchIn = new byte[1600];
    private InetAddress lastSource;
    private InetAddress lastDestination;
    private PseudoHeader lastPseudo;
    private int nextEphemeral = EPHEMERAL_LOW;
    private final TimerWheel.Handler onTimer = this::onTimer;
    TimeWaitKeeper timeWaits;
    private final boolean synCookies;
    private final boolean compactTimeWait;

    private TcpStack(Builder b) {
        this.transport = b.transport;
        this.clock = b.clock;
        this.config = b.config;
        this.isn = b.isn;
        this.observer = b.observer;
        this.maxConnections = b.maxConnections;
        this.synCookies = b.synCookies;
        this.compactTimeWait = b.compactTimeWait;
        this.listeners = new Listeners(this, synCookies ? new SynCookies(b.cookieK0, b.cookieK1) : null);
        this.timeWaits = new TimeWaitKeeper(this, compactTimeWait);
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
        Connection existing = table.find(id);
        if (existing != null) {
            throw new IllegalStateException("connection " + id + " already exists in " + existing.state());
        }
        if (timeWaits.table.find(id) >= 0) {
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
        if (!listeners.add(port, backlog, acceptor)) {
            throw new IllegalStateException("port " + port + " already has a listener");
        }
    }

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
        apply(c, new Event.Send(data));
        int taken = sink.lastQueued; // the engine says how much it took (Effect.Queued)
        if (taken < data.length()) {
            c.sendBlocked = true;
            counters.sendBufferFull++;
        }
        return taken;
    }

    void apply(Connection c, Event event) {
        if (c.discarded) {
            if (event instanceof Event.Close || event instanceof Event.Abort) {
                return; // letting go of a connection the reset already dropped is harmless
            }
            throw gone(c);
        }
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
        // The connection first, by the ports in the raw header (decoding checks them again):
        // its pseudo-header serves inbound too (the address sum is symmetric), and its
        // FourTuple is the segment's.
        Connection c = len >= 4 ? table.find(destination, (array[offset + 2] & 0xFF) << 8 | (array[offset + 3] & 0xFF),
                source, (array[offset] & 0xFF) << 8 | (array[offset + 1] & 0xFF), destinationPort, sourcePort) : null;
        Segment seg;
        try {
            PseudoHeader pseudo = c != null ? c.outbound : inboundPseudo(source, destination);
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
        FourTuple id = c != null ? c.id : new FourTuple(destination, seg.dstPort(), source, seg.srcPort(), destinationPort, sourcePort);
        observer.segmentIn(now, id, seg);
        // The engine decides whether a SYN may reopen a TIME-WAIT 4-tuple; it needs to know
        // whether anyone listens.
        boolean listening = listeners.has(seg.dstPort());
        if (c != null) {
            Effect.NewIncarnation n = sink.arrive(c, seg, listening, now);
            if (n != null) {
                unregister(c);
                timeWaits.reincarnate(id, n, c, null, now);
            }
            return;
        }
        if (timeWaits.arrive(id, seg, listening, now) || listeners.arrive(id, seg, now)) {
            return;
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
     * Hands the stack an ICMP error (destination unreachable and the like) about a segment it
     * sent: found by the quoted segment's addresses and ports, stepped as an {@link
     * Event.IcmpError}, which decides what it does (in SYN-SENT a port unreachable fails the
     * connect as refused). Never throws for bad bytes: an error that quotes no connection of this
     * stack, or fewer than eight bytes, is counted ({@link StackStats#icmpUnmatched()}) and
     * dropped.
     *
     * @param source          the quoted segment's source address, ours
     * @param sourcePort      its tunnel (UDP) source port, or 0 on a raw IP link
     * @param destination     the quoted segment's destination address, the peer's
     * @param destinationPort its tunnel destination port, or 0
     * @param type            the ICMP (or ICMPv6, when {@code destination} is an IPv6 address) type
     * @param code            its code
     * @param quoted          the start of the quoted TCP segment, from position to limit (RFC 792
     *                        quotes at least eight bytes: the ports and the sequence number); not
     *                        moved
     */
    public void icmpError(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
                          int type, int code, ByteBuffer quoted) {
        int p = quoted.position();
        Connection c = quoted.remaining() >= 8
                ? table.find(source, u16(quoted, p), destination, u16(quoted, p + 2), sourcePort, destinationPort)
                : null;
        if (c == null) {
            counters.icmpUnmatched++;
            return;
        }
        counters.icmpErrors++;
        int seq = u16(quoted, p + 4) << 16 | u16(quoted, p + 6);
        step(c, Event.IcmpError.of(destination instanceof java.net.Inet6Address, type, code, seq), clock.nanoTime());
    }

    /** A big-endian 16-bit field, whatever the buffer's byte order. */
    private static int u16(ByteBuffer b, int at) {
        return (b.get(at) & 0xFF) << 8 | (b.get(at + 1) & 0xFF);
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
        total += timeWaits.expire(now);
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
        if (timeWaits.table.size() > 0) {
            long t = timeWaits.table.earliestDeadline();
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
        return wheel.pendingCount() > 0 || timeWaits.table.size() > 0;
    }

    private void onTimer(long timerId, long attachment, long now) {
        Connection c = table.atSlot((int) attachment);
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
        for (Connection c : table.all()) {
            byState.merge(c.live.state(), 1, Integer::sum);
        }
        if (timeWaits.table.size() > 0) {
            byState.merge(TcpState.TIME_WAIT, timeWaits.table.size(), Integer::sum);
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
        return table.find(Objects.requireNonNull(id, "id"));
    }

    /**
     * The compacted TIME-WAIT holding this 4-tuple, or null.
     *
     * @param id the 4-tuple, local side first
     * @return the compacted TIME-WAIT, or null
     */
    public TimeWait timeWait(FourTuple id) {
        Objects.requireNonNull(id, "id");
        int e = timeWaits.table.find(id);
        return e < 0 ? null : timeWaits.table.get(e);
    }

    /** {@return how many connections exist (any state but CLOSED), compacted TIME-WAITs included} */
    public int connectionCount() {
        return table.size() + timeWaits.table.size();
    }

    /**
     * {@return a new list of the connections that have a {@link Connection} now (compacted
     * TIME-WAITs have none)}
     */
    public List<Connection> connections() {
        return table.all();
    }

    /** {@return the configuration every connection of this stack runs with} */
    public TcpConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ effects

    /** A Transmit effect: counted by why, encoded and sent. */
    void send(FourTuple id, PseudoHeader outbound, Segment segment, Effect.Why why, long now) {
        counters.transmitted(why);
        transmit(id, outbound, segment, why, now);
    }

    /** A Rejected effect: counted by reason and shown to the observer. */
    void rejected(FourTuple id, RejectReason reason, Segment segment, long now) {
        counters.rejected[reason.ordinal()]++;
        observer.rejected(now, id, reason, segment);
    }

    /** One engine step for a connection, in place ({@link StackSink#step}). */
    Effect.NewIncarnation step(Connection c, Event event, long now) {
        return sink.step(c, event, now);
    }

    void transmit(FourTuple id, PseudoHeader pseudo, Segment seg, Effect.Why why, long now) {
        int length = SegmentCodec.encodedLength(seg);
        if (scratchOut.length < length) {
            scratchOut = new byte[Math.max(length, Math.min(MAX_SEGMENT, 2 * scratchOut.length))];
        }
        int n = SegmentCodec.encode(seg, pseudo, scratchOut, 0);
        counters.segmentsOut++;
        observer.segmentOut(now, id, seg, why);
        if (scratchOutView.array() != scratchOut) {
            scratchOutView = ByteBuffer.wrap(scratchOut);
        }
        scratchOutView.clear().limit(n); // the transport may use it during the call only (Transport's contract)
        transport.send(id.localAddress(), id.localTunnelPort(), id.remoteAddress(), id.remoteTunnelPort(), scratchOutView);
    }

    /**
     * Forgets every connection, TIME-WAIT, listener and timer without sending anything, zeroes
     * the counters and takes a new ISN generator and SYN-cookie secret: the stack as if built
     * again with them, its grown tables kept. For a driver that reuses one stack between
     * independent runs (the simulator's reset); the clock must be where the next run starts.
     * A {@link Connection} from before is gone without a word: it reports CLOSED with reason
     * ABORTED and no bytes, its listener hears nothing more (the run it belonged to is over),
     * a call that would act on it (send, read, shutdownOutput, configure) throws {@link
     * IllegalStateException}, and a close or abort is a harmless no-op; its {@code tcb()} is
     * the state it had when the stack was reset.
     *
     * @param isn          the new runs' ISN generator
     * @param synCookieK0  first half of the new SYN-cookie secret (unused when cookies are off)
     * @param synCookieK1  second half
     * @throws IllegalStateException when called from inside a callback of this stack
     */
    public void reset(IsnGenerator isn, long synCookieK0, long synCookieK1) {
        java.util.Objects.requireNonNull(isn, "isn");
        if (sink.stepping()) {
            throw new IllegalStateException("reset() from inside a callback: return from it first");
        }
        table.clear();
        nextEphemeral = EPHEMERAL_LOW;
        lastSource = null;
        lastDestination = null;
        lastPseudo = null;
        this.isn = isn;
        listeners = new Listeners(this, synCookies ? new SynCookies(synCookieK0, synCookieK1) : null);
        timeWaits = new TimeWaitKeeper(this, compactTimeWait);
        counters = new Counters();
        wheel.clear(clock.nanoTime());
    }

    /** The refusal of a call on a connection a {@link #reset} dropped. */
    static IllegalStateException gone(Connection c) {
        return new IllegalStateException("connection " + c.id + " is gone: its stack was reset");
    }

    // ------------------------------------------------------------------ bookkeeping

    void register(Connection c) {
        table.add(c);
    }

    void unregister(Connection c) {
        if (c.slot < 0) {
            return;
        }
        wheel.cancel(c.timerId);
        c.timerId = TimerWheel.NULL_TIMER;
        c.scheduledDeadline = Tcb.NO_DEADLINE;
        table.remove(c);
    }

    private int pickEphemeral(FourTuple towards) {
        for (int i = 0; i < 65536 - EPHEMERAL_LOW; i++) {
            int port = nextEphemeral;
            nextEphemeral = nextEphemeral == 65535 ? EPHEMERAL_LOW : nextEphemeral + 1;
            FourTuple candidate = towards.withLocalPort(port);
            if (table.find(candidate) == null && timeWaits.table.find(candidate) < 0) {
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
        final Transport transport;
        final Clock clock;
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
