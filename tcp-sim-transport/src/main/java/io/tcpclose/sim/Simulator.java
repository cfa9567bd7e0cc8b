package io.tcpclose.sim;

import com.google.common.hash.Hashing;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.stack.StackObserver;
import io.tcpclose.stack.TcpStack;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.MalformedSegmentException;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A deterministic discrete-event network simulator on a virtual clock.
 *
 * <p>One event queue, no threads, no sleeps: time jumps to the next event (a delivery, a host's
 * timer, an application action, a partition edge). Any number of {@link Host}s, each running a
 * core {@link TcpStack} whose Clock is {@link #clock()} and whose Transport is this network.
 * Links are per direction ({@link Link}), each with its own {@link LinkConfig}, random stream
 * and counters. {@link FaultRule}s target single segments. The network enforces a maximum
 * segment lifetime: no copy of a segment, duplicate or held, is delivered later than its birth
 * plus {@link #networkMsl}.
 *
 * <p>Determinism: one root seed is split into independent streams per link (and per host's
 * ISN secret) by hashing the seed with the stream's name, so adding or removing one link or
 * rule leaves the others' draws unchanged. The same seed, plan and code give the same
 * {@link Trace}, byte for byte. Runaway runs stop with a {@link SimulationLimitException}
 * naming the limit.
 *
 * <p>Not thread-safe: a simulation runs on the thread that calls {@link #run}.
 */
public final class Simulator {
    private static final int DELIVER = 0;
    private static final int WAKE = 1;
    private static final int ACTION = 2;

    private long seed;
    private final VirtualClock clock = new VirtualClock();
    private final EventQueue queue = new EventQueue();
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    /** The hosts in the order added, for the per-event wake check without an iterator. */
    private final List<Host> hostList = new ArrayList<>();
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final List<FaultRule> rules = new ArrayList<>();
    private Trace trace = new Trace();
    private long events;
    private long maxEvents = 50_000_000L;
    private long maxVirtualNanos = Duration.ofHours(2).toNanos();
    private long networkMslNanos = Duration.ofSeconds(30).toNanos();
    private boolean traceEnabled = true;
    private boolean compactTimeWait;

    /**
     * An empty network at virtual time 0, with the default limits (50,000,000 events, 2 h of
     * virtual time) and a network MSL of 30 s.
     *
     * @param seed the root seed every random stream of the run is derived from
     */
    public Simulator(long seed) {
        this.seed = seed;
    }

    /** {@return the root seed} */
    public long seed() {
        return seed;
    }

    /** {@return the virtual clock every host reads} */
    public VirtualClock clock() {
        return clock;
    }

    /** {@return virtual time now, in nanoseconds from the start} */
    public long now() {
        return clock.nanoTime();
    }

    /** {@return the trace recorded so far; it keeps growing while the simulation runs} */
    public Trace trace() {
        return trace;
    }

    /**
     * Turns trace recording on (the default) or off (for throughput benchmarks); while it is off
     * nothing is recorded, so the trace hash covers nothing from then on.
     *
     * @param on whether to record events
     * @return this simulator
     */
    public Simulator traceEnabled(boolean on) {
        traceEnabled = on;
        return this;
    }

    /**
     * Builds the stacks of hosts added from now on with
     * {@link TcpStack.Builder#compactTimeWait(boolean)}: orphaned TIME-WAITs in the packed table.
     *
     * @param on whether the stacks of hosts added from now on compact TIME-WAIT; off by default
     * @return this simulator
     */
    public Simulator compactTimeWait(boolean on) {
        compactTimeWait = on;
        return this;
    }

    /**
     * Runaway limits: events processed and virtual time. A run that passes either stops with a
     * {@link SimulationLimitException}.
     *
     * @param events      the most events a simulation may process, at least 1 (default 50,000,000)
     * @param virtualTime the latest virtual time an event may have, from the start, positive
     *                    (default 2 h)
     * @return this simulator
     * @throws IllegalArgumentException if {@code events} or {@code virtualTime} is not positive
     */
    public Simulator limits(long events, Duration virtualTime) {
        if (events <= 0 || virtualTime.isNegative() || virtualTime.isZero()) {
            throw new IllegalArgumentException("limits must be positive: " + events + " events, " + virtualTime);
        }
        maxEvents = events;
        maxVirtualNanos = virtualTime.toNanos();
        return this;
    }

    /**
     * The network's maximum segment lifetime (default 30 s): a packet, copy or held one, that would
     * arrive more than this long after it was sent expires instead.
     *
     * @param msl the lifetime, zero or more
     * @return this simulator
     * @throws IllegalArgumentException if {@code msl} is negative
     */
    public Simulator networkMsl(Duration msl) {
        if (msl.isNegative()) {
            throw new IllegalArgumentException("network MSL must not be negative, was " + msl);
        }
        networkMslNanos = msl.toNanos();
        return this;
    }

    /** {@return the network's maximum segment lifetime, in nanoseconds} */
    public long networkMslNanos() {
        return networkMslNanos;
    }

    /**
     * Starts over with a new seed, keeping the network: the simulator as if built again with
     * {@code seed} and the same hosts, links (their first configuration), limits, network MSL,
     * trace setting, observers and delivery listeners, but without building them again. Every
     * connection, listener, TIME-WAIT, timer, fault rule, partition, scheduled action and
     * packet in flight is gone; virtual time is 0, the counts are 0, {@link #trace()} is a new,
     * empty trace, and every random stream, ISN secret and SYN-cookie secret is derived from
     * {@code seed} as a new simulator derives them. So a run after {@code reset(s)} is event for
     * event the run of a {@code new Simulator(s)} built the same way, and a property test's
     * thousands of runs reuse one network. (A host added with its own {@link IsnGenerator}
     * keeps that generator, in whatever state it is.) Connections from before are gone as
     * {@link TcpStack#reset} says: CLOSED with reason ABORTED, their listeners told nothing,
     * calls that would act on them refused with {@link IllegalStateException}.
     *
     * @param seed the new root seed
     * @return this simulator
     * @throws IllegalStateException when called from inside the run (an action or a callback)
     */
    public Simulator reset(long seed) {
        if (running) {
            throw new IllegalStateException("reset() while the simulation runs: call it between runs");
        }
        this.seed = seed;
        clock.reset();
        queue.clear();
        events = 0;
        trace = new Trace();
        rules.clear();
        for (Host h : hostList) {
            h.wakeAt = Tcb.NO_DEADLINE;
            h.pendingWhy = null;
            h.stack().reset(h.ownIsn == null ? derivedIsn(h.name()) : h.ownIsn,
                    stream(h.name() + "/syn-cookies").nextLong(), stream(h.name() + "/syn-cookies/2").nextLong());
        }
        for (Link l : links.values()) {
            l.reset(stream("link:" + l.name()));
        }
        return this;
    }

    // ------------------------------------------------------------------ building

    /**
     * Adds a host whose ISNs come from RFC 6528 with a secret derived from the seed and the
     * host's name.
     *
     * @param name   the host's name, unique in this simulator
     * @param ipv4   the host's address as a literal ("10.0.0.1"), unique in this simulator
     * @param config the configuration of the host's stack
     * @return the host, not yet linked to any other
     * @throws IllegalArgumentException if the name or address is taken, or {@code ipv4} does not
     *                                  resolve to an address
     */
    public Host addHost(String name, String ipv4, TcpConfig config) {
        Host h = addHost(name, ipv4, config, derivedIsn(name));
        h.ownIsn = null;
        return h;
    }

    private IsnGenerator derivedIsn(String hostName) {
        SplittableRandom r = stream("isn:" + hostName);
        return IsnGenerator.rfc6528(r.nextLong(), r.nextLong());
    }

    /**
     * Adds a host with a given ISN generator.
     *
     * @param name   the host's name, unique in this simulator
     * @param ipv4   the host's address as a literal ("10.0.0.1"), unique in this simulator
     * @param config the configuration of the host's stack
     * @param isn    where the host's initial sequence numbers come from
     * @return the host, not yet linked to any other
     * @throws IllegalArgumentException if the name or address is taken, or {@code ipv4} does not
     *                                  resolve to an address
     */
    public Host addHost(String name, String ipv4, TcpConfig config, IsnGenerator isn) {
        Objects.requireNonNull(name, "name");
        if (hosts.containsKey(name)) {
            throw new IllegalArgumentException("a host named " + name + " already exists");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(ipv4);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + ipv4, e);
        }
        for (Host h : hosts.values()) {
            if (h.address().equals(address)) {
                throw new IllegalArgumentException("address " + ipv4 + " already belongs to " + h.name());
            }
        }
        Host[] self = new Host[1];
        TcpStack stack = TcpStack.builder((src, dst, bytes) -> send(self[0], dst, bytes), clock)
                .compactTimeWait(compactTimeWait)
                .config(config).isn(isn).observer(observer(name))
                .synCookieSecret(stream(name + "/syn-cookies").nextLong(), stream(name + "/syn-cookies/2").nextLong())
                .build();
        Host h = new Host(name, address, stack, config);
        h.ownIsn = isn;
        self[0] = h;
        hosts.put(name, h);
        hostList.add(h);
        return h;
    }

    /**
     * Joins two hosts with the same configuration both ways.
     *
     * @param a    one host
     * @param b    the other host
     * @param both the configuration of both directions
     * @throws IllegalArgumentException if a link between them already exists
     */
    public void connect(Host a, Host b, LinkConfig both) {
        connect(a, b, both, both);
    }

    /**
     * Joins two hosts, each direction with its own configuration.
     *
     * @param a    one host
     * @param b    the other host
     * @param aToB the configuration of the link from {@code a} to {@code b}
     * @param bToA the configuration of the link from {@code b} to {@code a}
     * @throws IllegalArgumentException if a link between them already exists
     */
    public void connect(Host a, Host b, LinkConfig aToB, LinkConfig bToA) {
        addLink(a, b, aToB);
        addLink(b, a, bToA);
    }

    private void addLink(Host from, Host to, LinkConfig c) {
        String name = from.name() + ">" + to.name();
        if (links.containsKey(name)) {
            throw new IllegalArgumentException("link " + name + " already exists");
        }
        Link link = new Link(this, from, to, c, stream("link:" + name));
        links.put(name, link);
        from.routes.put(to.address(), link);
    }

    /**
     * The link from one host to another, by host names.
     *
     * @param from the sending host's name
     * @param to   the receiving host's name
     * @return the link {@code from>to}
     * @throws IllegalArgumentException if there is no such link
     */
    public Link link(String from, String to) {
        Link l = links.get(from + ">" + to);
        if (l == null) {
            throw new IllegalArgumentException("no link " + from + ">" + to + "; links are " + links.keySet());
        }
        return l;
    }

    /** {@return every link, one per direction, in the order added (a live view)} */
    public Collection<Link> links() {
        return links.values();
    }

    /**
     * A host by name.
     *
     * @param name the host's name
     * @return the host
     * @throws IllegalArgumentException if there is no host of that name
     */
    public Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host " + name + "; hosts are " + hosts.keySet());
        }
        return h;
    }

    /** {@return every host, in the order added (a live view)} */
    public Collection<Host> hosts() {
        return hosts.values();
    }

    /**
     * Adds a targeted fault; rules compose (drop wins, delays add up, duplicates add up). The rule
     * itself is installed, so its counters count this run.
     *
     * @param rule the rule
     * @throws IllegalArgumentException if the rule names a link this simulator does not have
     */
    public void addFault(FaultRule rule) {
        link(rule.from(), rule.to()); // fail early on a wrong name
        rules.add(rule);
    }

    /** {@return the targeted faults added so far, in the order added, as a copy} */
    public List<FaultRule> faults() {
        return List.copyOf(rules);
    }

    /**
     * Partitions {@code from>to} from {@code start} until {@code heal} (null: never heals): every
     * packet put on the link in that time is dropped.
     *
     * @param from  the sending host's name
     * @param to    the receiving host's name
     * @param start when the partition begins, virtual time from the start
     * @param heal  when it ends (exclusive), virtual time from the start; null for never
     * @throws IllegalArgumentException if there is no such link, or {@code heal} is not after
     *                                  {@code start}
     */
    public void partition(String from, String to, Duration start, Duration heal) {
        long end = heal == null ? Long.MAX_VALUE : heal.toNanos();
        if (end <= start.toNanos()) {
            throw new IllegalArgumentException("a partition must heal after it starts: " + start + " .. " + heal);
        }
        link(from, to).scheduledPartitions.add(new long[] {start.toNanos(), end});
    }

    /**
     * Runs {@code action} at virtual time {@code t} from the start, noting {@code label} in the trace.
     * Actions due at the same time run in the order scheduled.
     *
     * @param t      when, virtual time from the start; not before now
     * @param label  what the trace notes when the action runs
     * @param action what to do
     * @throws IllegalArgumentException if {@code t} is already past
     */
    public void at(Duration t, String label, Runnable action) {
        if (t.toNanos() < now()) {
            throw new IllegalArgumentException("cannot schedule \"" + label + "\" at " + t
                    + ": virtual time is already " + Duration.ofNanos(now()));
        }
        schedule(t.toNanos(), ACTION, new Object[] {label, action});
    }

    /**
     * At {@code t}, the network injects a RST on {@code from>to} whose sequence number is the
     * receiving connection's RCV.NXT plus {@code offset}: 0 is exactly the next expected
     * number (a valid reset, RFC 5961 §3.2), a small positive offset lands in the window but
     * not exactly (a challenge ACK), a large one falls outside the window. The RST goes to the
     * receiving host's first connection with {@code from}; with none, the trace notes so.
     *
     * @param t      when, virtual time from the start; the RST then takes the link's delay
     * @param from   the sending host's name, the RST's apparent source
     * @param to     the receiving host's name
     * @param offset added to the receiving connection's RCV.NXT, modulo 2<sup>32</sup>
     * @throws IllegalArgumentException if there is no such link, or {@code t} is already past
     */
    public void injectRstRelative(Duration t, String from, String to, int offset) {
        Link link = link(from, to);
        at(t, "inject RST at rcv.nxt" + (offset >= 0 ? "+" : "") + offset + " on " + link.name(), () -> {
            for (io.tcpclose.stack.Connection c : link.to.stack().connections()) {
                if (c.id().remoteAddress().equals(link.from.address())) {
                    injectRstNow(link, c, c.tcb().rcvNxt() + offset);
                    return;
                }
            }
            note(link.name(), "no connection to inject a RST into");
        });
    }

    /**
     * At {@code t}, the network injects a RST with sequence number {@code seq} on
     * {@code from>to}, addressed to the receiving host's first connection with {@code from}; with
     * none, the trace notes so.
     *
     * @param t    when, virtual time from the start; the RST then takes the link's delay
     * @param from the sending host's name, the RST's apparent source
     * @param to   the receiving host's name
     * @param seq  the RST's sequence number; only its low 32 bits are used
     * @throws IllegalArgumentException if there is no such link, or {@code t} is already past
     */
    public void injectRst(Duration t, String from, String to, long seq) {
        Link link = link(from, to);
        at(t, "inject RST seq=" + seq + " on " + link.name(), () -> {
            io.tcpclose.stack.Connection target = null;
            for (io.tcpclose.stack.Connection c : link.to.stack().connections()) {
                if (c.id().remoteAddress().equals(link.from.address())) {
                    target = c;
                    break;
                }
            }
            if (target == null) {
                note(link.name(), "no connection to inject a RST into");
                return;
            }
            injectRstNow(link, target, (int) seq);
        });
    }

    private void injectRstNow(Link link, io.tcpclose.stack.Connection target, int seq) {
        Segment rst = new Segment(target.id().remotePort(), target.id().localPort(), seq, 0,
                TcpFlags.RST, 0, TcpOptions.NONE, Bytes.EMPTY);
        byte[] bytes = SegmentCodec.encode(rst, PseudoHeader.of(link.from.address(), link.to.address()));
        long n = ++link.packets;
        record(TraceEvent.Kind.INJECT, link.name(), n, rst, "");
        long arrival = now() + DelayModel.draw(link.config.delay, link.random);
        schedule(arrival, DELIVER, new Link.Packet(link, n, bytes, now(), rst, false));
    }

    /**
     * At {@code t}, the network delivers {@code count} SYNs to {@code to}'s port {@code port}
     * over the link {@code from>to}, {@code spacing} apart, each from its own spoofed address
     * (198.18.0.0/15, the benchmark range, where no host of the simulation lives) and port: a
     * SYN flood. What the victim answers goes nowhere ("no route"). The trace notes the flood
     * once, with no SEND or INJECT per SYN; each SYN's delivery, and the victim's answers, are
     * traced as usual.
     *
     * @param t       when the first SYN enters the network, virtual time from the start; each
     *                then takes the link's delay
     * @param from    the link's sending end (the flood enters the network there)
     * @param to      the victim host
     * @param port    the victim's listening port
     * @param count   how many SYNs, at least 1
     * @param spacing the time between two SYNs, zero or more
     * @throws IllegalArgumentException if {@code count} or {@code spacing} is out of range, there
     *                                  is no such link, or {@code t} is already past
     */
    public void injectSynFlood(Duration t, String from, String to, int port, int count, Duration spacing) {
        if (count < 1 || spacing.isNegative()) {
            throw new IllegalArgumentException("a flood needs count >= 1 and spacing >= 0, was " + count + ", " + spacing);
        }
        Link link = link(from, to);
        at(t, "a flood of " + count + " spoofed SYNs to " + to + ":" + port + " begins", () -> {
            for (int i = 0; i < count; i++) {
                byte[] src = {(byte) 198, (byte) (18 + ((i >> 16) & 1)), (byte) (i >> 8), (byte) i};
                java.net.InetAddress source;
                try {
                    source = java.net.InetAddress.getByAddress(src);
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
                Segment syn = new Segment(1024 + (i % 60_000), port, i * 2_654_435_761L > 0 ? (int) (i * 2_654_435_761L) : i,
                        0, TcpFlags.SYN, 65535, TcpOptions.mss(1460), Bytes.EMPTY);
                byte[] bytes = SegmentCodec.encode(syn, PseudoHeader.of(source, link.to.address()));
                long n = ++link.packets;
                long arrival = now() + i * spacing.toNanos() + DelayModel.draw(link.config.delay, link.random);
                schedule(arrival, DELIVER, new Link.Packet(link, n, bytes, now() + i * spacing.toNanos(), syn, false, source));
            }
        });
    }

    /** Called after each segment is handed to its receiving host (for invariant checks). */
    @FunctionalInterface
    public interface DeliveryListener {
        /**
         * One segment was delivered.
         *
         * @param to      the host that received it
         * @param segment the segment as sent, or null when the network corrupted it
         * @param nanos   virtual time of the delivery, in nanoseconds from the start
         */
        void delivered(Host to, Segment segment, long nanos);
    }

    private final List<DeliveryListener> deliveryListeners = new ArrayList<>();
    private final Map<String, List<StackObserver>> extraObservers = new java.util.HashMap<>();

    /**
     * Adds a listener told of every delivery, after the receiving host processed it.
     *
     * @param l the listener
     */
    public void onDelivered(DeliveryListener l) {
        deliveryListeners.add(Objects.requireNonNull(l, "listener"));
    }

    /**
     * Adds a tracing observer to a host's stack, beside the simulator's own. It hears segments in
     * and out, state changes and rejections, but not malformed segments.
     *
     * @param hostName the host's name
     * @param o        the observer
     * @throws IllegalArgumentException if there is no host of that name
     */
    public void observe(String hostName, StackObserver o) {
        host(hostName);
        extraObservers.computeIfAbsent(hostName, k -> new ArrayList<>()).add(Objects.requireNonNull(o, "observer"));
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs until nothing is left to happen: no packet in flight, no timer, no action.
     *
     * @throws SimulationLimitException if the run passes its event or virtual-time limit
     */
    public void run() {
        runUntil(Long.MAX_VALUE);
    }

    /**
     * Runs for {@code d} of virtual time from now; virtual time is then now plus {@code d}, even
     * when nothing happened.
     *
     * @param d how long
     * @throws SimulationLimitException if the run passes its event or virtual-time limit
     */
    public void runFor(Duration d) {
        runUntil(now() + d.toNanos());
    }

    /**
     * Runs every event up to and including virtual time {@code endNanos}; virtual time is then
     * {@code endNanos}, even when nothing happened, unless it was later already.
     *
     * @param endNanos virtual time from the start, in nanoseconds; {@link Long#MAX_VALUE} for no end
     * @throws SimulationLimitException if the run passes its event or virtual-time limit
     */
    public void runUntil(long endNanos) {
        if (running) {
            throw new IllegalStateException("run() from inside the run: an action or a callback may not run the simulator");
        }
        running = true;
        try {
            runLoop(endNanos);
        } finally {
            running = false;
        }
    }

    private boolean running;

    private void runLoop(long endNanos) {
        refreshWakes();
        while (!queue.isEmpty()) {
            if (queue.peekTime() > endNanos) {
                break;
            }
            long time = queue.poll();
            if (++events > maxEvents) {
                throw new SimulationLimitException("event limit of " + maxEvents + " events reached at t="
                        + Duration.ofNanos(now()) + " (seed " + seed + ")");
            }
            if (time > maxVirtualNanos) {
                throw new SimulationLimitException("virtual time limit of " + Duration.ofNanos(maxVirtualNanos)
                        + " reached after " + events + " events (seed " + seed + ")");
            }
            clock.advanceTo(time);
            dispatch(time, queue.polledType, queue.polledPayload);
            refreshWakes();
        }
        if (endNanos != Long.MAX_VALUE && endNanos > now()) {
            clock.advanceTo(endNanos);
        }
    }

    /** {@return the number of events processed so far, over every run since it was built or {@link #reset}} */
    public long eventsProcessed() {
        return events;
    }

    private void dispatch(long time, int type, Object payload) {
        switch (type) {
            case DELIVER:
                deliver((Link.Packet) payload);
                break;
            case WAKE: {
                Host h = (Host) payload;
                if (h.wakeAt == time) {
                    h.wakeAt = Tcb.NO_DEADLINE;
                    h.stack().poll();
                }
                break;
            }
            default: {
                Object[] a = (Object[]) payload;
                record(TraceEvent.Kind.APP, "app", 0, null, (String) a[0]);
                ((Runnable) a[1]).run();
            }
        }
    }

    /**
     * Makes sure each host wakes by its next deadline. A pending wake that comes earlier is
     * kept: when a deadline only moves later (the retransmission timer on every ACK), the early
     * wake polls, finds nothing due and books the next one, instead of one queued wake per ACK.
     */
    private void refreshWakes() {
        for (int i = 0; i < hostList.size(); i++) {
            Host h = hostList.get(i);
            if (!h.stack().hasDeadline()) {
                continue;
            }
            long d = h.stack().nextDeadlineNanos();
            long at = Math.max(d, now());
            if (h.wakeAt == Tcb.NO_DEADLINE || at < h.wakeAt) {
                h.wakeAt = at;
                schedule(at, WAKE, h);
            }
        }
    }

    private void schedule(long time, int type, Object payload) {
        queue.add(time, type, payload);
    }

    // ------------------------------------------------------------------ the network

    private void send(Host from, InetAddress dst, ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        Link link = from.routes.get(dst);
        // The decoded form is only for the trace, fault rules and delivery listeners; without
        // them the receiving stack's own decode is the only one.
        Segment seg = traceEnabled || !rules.isEmpty() || !deliveryListeners.isEmpty()
                ? decodeQuietly(copy, from.address(), dst) : null;
        if (link == null) {
            record(TraceEvent.Kind.DROP, from.name() + ">" + dst.getHostAddress(), 0, seg, "no route");
            return;
        }
        Host to = link.to;
        long now = now();
        long n = ++link.packets;
        link.sent++;
        io.tcpclose.engine.Effect.Why why = from.pendingWhy;
        from.pendingWhy = null;
        record(TraceEvent.Kind.SEND, link.name(), n, seg,
                why == null || why == io.tcpclose.engine.Effect.Why.SEND ? "" : why.name());
        if (link.partitionedAt(now)) {
            drop(link, n, seg, "partition");
            return;
        }
        boolean ruleDrop = false;
        boolean ruleHold = false;
        boolean ruleCorrupt = false;
        long extraDelay = 0;
        int extraCopies = 0;
        long delayedCopy = -1;
        for (FaultRule r : rules) {
            if (r.applies(from.name(), to.name(), seg)) {
                FaultRule.Action a = r.action();
                if (a instanceof FaultRule.Action.Drop) {
                    ruleDrop = true;
                    drop(link, n, seg, "rule: ", r);
                } else if (a instanceof FaultRule.Action.Delay) {
                    extraDelay += ((FaultRule.Action.Delay) a).nanos();
                } else if (a instanceof FaultRule.Action.Duplicate) {
                    extraCopies += ((FaultRule.Action.Duplicate) a).extraCopies();
                } else if (a instanceof FaultRule.Action.Hold) {
                    ruleHold = true;
                } else if (a instanceof FaultRule.Action.DelayedCopy) {
                    delayedCopy = ((FaultRule.Action.DelayedCopy) a).nanos();
                } else {
                    ruleCorrupt = true;
                }
            }
        }
        if (ruleDrop) {
            return;
        }
        LinkConfig c = link.config;
        if (c.mtu > 0 && copy.length + 20 > c.mtu) {
            drop(link, n, seg, "exceeds MTU ", c.mtu);
            return;
        }
        if (LossModel.lose(c.loss, link.random, link.gilbertBad)) {
            drop(link, n, seg, "loss ", c.loss);
            return;
        }
        boolean corrupt = ruleCorrupt || (c.corrupt > 0 && link.random.nextDouble() < c.corrupt);
        if (corrupt) {
            int bit = link.random.nextInt(copy.length * 8);
            copy[bit >>> 3] ^= (byte) (1 << (bit & 7));
            link.corrupted++;
            record(TraceEvent.Kind.CORRUPT, link.name(), n, seg, "bit " + bit + " flipped");
        }
        // Serialization: one packet at a time at the link's rate, behind a bounded queue.
        long depart = now;
        if (c.bandwidthBitsPerSecond > 0) {
            // Packets still waiting to leave are those whose departure lies ahead.
            while (!link.departures.isEmpty() && link.departures.peekFirst() <= now) {
                link.departures.pollFirst();
            }
            if (c.queueLimit > 0 && link.departures.size() >= c.queueLimit) {
                drop(link, n, seg, "queue full: ", c.queueLimit);
                return;
            }
            long start = Math.max(now, link.busyUntil);
            link.busyUntil = start + (copy.length + 20) * 8L * 1_000_000_000L / c.bandwidthBitsPerSecond;
            depart = link.busyUntil;
            link.departures.addLast(depart);
        }
        long delay = DelayModel.draw(c.delay, link.random);
        if (c.jitterNanos > 0) {
            delay = Math.max(0, delay + (long) ((link.random.nextDouble() * 2 - 1) * c.jitterNanos));
        }
        long arrival = depart + delay + extraDelay;
        boolean reordered = c.reorder > 0 && n % c.reorderGap == 0 && link.random.nextDouble() < c.reorder;
        if (reordered) {
            arrival = depart + extraDelay; // skips the delay and overtakes (netem's reorder)
        } else if (extraDelay == 0) {
            arrival = Math.max(arrival, link.lastArrival); // in order unless asked otherwise
            link.lastArrival = arrival;
        }
        int copies = 1 + extraCopies + (c.duplicate > 0 && link.random.nextDouble() < c.duplicate ? 1 : 0);
        Link.Packet p = new Link.Packet(link, n, copy, now, seg, corrupt);
        for (int i = 0; i < copies; i++) {
            if (i > 0) {
                link.duplicated++;
                record(TraceEvent.Kind.DUPLICATE, link.name(), n, seg, "copy " + (i + 1));
            }
            if (ruleHold) {
                link.held.add(p);
                record(TraceEvent.Kind.HOLD, link.name(), n, seg, "held by rule");
            } else {
                schedule(arrival, DELIVER, p);
            }
        }
        if (delayedCopy >= 0) {
            link.duplicated++;
            record(TraceEvent.Kind.DUPLICATE, link.name(), n, seg, "a copy follows " + Duration.ofNanos(delayedCopy).toMillis() + " ms later");
            schedule(arrival + delayedCopy, DELIVER, p);
        }
    }

    private void drop(Link link, long n, Segment seg, String why) {
        drop(link, n, seg, why, "");
    }

    /** A drop whose reason is only spelled out when the trace is on (a loss is 1 in 20 segments). */
    private void drop(Link link, long n, Segment seg, String why, Object detail) {
        link.dropped++;
        if (traceEnabled) {
            record(TraceEvent.Kind.DROP, link.name(), n, seg, why + detail);
        }
    }

    private void deliver(Link.Packet p) {
        Link link = p.link();
        if (now() - p.birthNanos() > networkMslNanos) {
            link.expired++;
            record(TraceEvent.Kind.EXPIRE, link.name(), p.number(), p.segment(), "older than MSL " + DelayModel.human(networkMslNanos));
            return;
        }
        if (link.holding) {
            link.held.add(p);
            record(TraceEvent.Kind.HOLD, link.name(), p.number(), p.segment(), "");
            return;
        }
        link.delivered++;
        record(TraceEvent.Kind.DELIVER, link.name(), p.number(), p.segment(), p.corrupted() ? "corrupted" : "");
        // Each packet's array is the link's own copy, never written after it is scheduled.
        link.to.stack().receiveOwned(p.source(), link.to.address(), p.bytes());
        for (DeliveryListener l : deliveryListeners) {
            l.delivered(link.to, p.corrupted() ? null : p.segment(), now());
        }
    }

    void release(Link link) {
        record(TraceEvent.Kind.RELEASE, link.name(), 0, null, link.held.size() + " held");
        for (Link.Packet p : link.held) {
            schedule(now(), DELIVER, p);
        }
        link.held.clear();
    }

    void note(String where, String text) {
        record(TraceEvent.Kind.APP, where, 0, null, text);
    }

    private void record(TraceEvent.Kind kind, String where, long n, Segment seg, String detail) {
        if (traceEnabled) {
            trace.add(new TraceEvent(now(), kind, where, n, seg, detail));
        }
    }

    private StackObserver observer(String hostName) {
        return new StackObserver() {
            private List<StackObserver> extras() {
                return extraObservers.getOrDefault(hostName, List.of());
            }

            @Override
            public void segmentIn(long nanos, FourTuple id, Segment segment) {
                for (StackObserver o : extras()) {
                    o.segmentIn(nanos, id, segment);
                }
            }

            @Override
            public void segmentOut(long nanos, FourTuple id, Segment segment, io.tcpclose.engine.Effect.Why why) {
                // The transport's send follows at once: it labels the SEND with this reason.
                host(hostName).pendingWhy = why;
                for (StackObserver o : extras()) {
                    o.segmentOut(nanos, id, segment, why);
                }
            }

            @Override
            public void stateChanged(long nanos, FourTuple id, TcpState from, TcpState to) {
                String why = "";
                if (to == TcpState.CLOSED) {
                    // The step has already set the snapshot; a give-up or a reset shows its reason.
                    io.tcpclose.stack.Connection c = host(hostName).stack().connection(id);
                    io.tcpclose.engine.CloseReason r = c == null ? null : c.tcb().closeReason();
                    why = r == null || r == io.tcpclose.engine.CloseReason.NORMAL ? "" : " (" + r + ")";
                }
                record(TraceEvent.Kind.STATE, hostName, 0, null,
                        id.localPort() + ">" + peerName(id.remoteAddress()) + ":" + id.remotePort() + " " + from + " -> " + to + why);
                for (StackObserver o : extras()) {
                    o.stateChanged(nanos, id, from, to);
                }
            }

            @Override
            public void congestion(long nanos, FourTuple id, int cwnd, int ssthresh, int inFlight) {
                for (StackObserver o : extras()) {
                    o.congestion(nanos, id, cwnd, ssthresh, inFlight);
                }
            }

            @Override
            public void malformed(long nanos, MalformedSegmentException error) {
                record(TraceEvent.Kind.MALFORMED, hostName, 0, null, error.getMessage());
                for (StackObserver o : extras()) {
                    o.malformed(nanos, error);
                }
            }

            @Override
            public void rejected(long nanos, FourTuple id, RejectReason reason, Segment segment) {
                // Counted in the host's stats; the trace keeps the ones a ladder explains.
                if (reason == RejectReason.FIN_REPEATED || reason == RejectReason.RST_NOT_EXACT
                        || reason == RejectReason.RST_IN_TIME_WAIT || reason == RejectReason.SYN_IN_SYNCHRONIZED_STATE
                        || reason == RejectReason.PAWS) {
                    record(TraceEvent.Kind.REJECT, hostName, 0, segment, reason.name());
                }
                for (StackObserver o : extras()) {
                    o.rejected(nanos, id, reason, segment);
                }
            }
        };
    }

    /** The simulation's name for an address, or the address itself when no host has it (a spoofed one). */
    private String peerName(InetAddress a) {
        for (int i = 0; i < hostList.size(); i++) {
            if (hostList.get(i).address().equals(a)) {
                return hostList.get(i).name();
            }
        }
        return a.getHostAddress();
    }

    private static Segment decodeQuietly(byte[] bytes, InetAddress src, InetAddress dst) {
        try {
            return SegmentCodec.decode(bytes, 0, bytes.length, PseudoHeader.of(src, dst));
        } catch (MalformedSegmentException e) {
            throw new IllegalStateException("a host sent bytes that do not decode: " + e.getMessage(), e);
        }
    }

    SplittableRandom stream(String name) {
        long s = Hashing.murmur3_128().newHasher().putLong(seed).putString(name, StandardCharsets.UTF_8).hash().asLong();
        return new SplittableRandom(s);
    }
}
