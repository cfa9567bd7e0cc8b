package io.tcpclose.sim.cli;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.sim.FaultRule;
import io.tcpclose.sim.Host;
import io.tcpclose.sim.LinkConfig;
import io.tcpclose.sim.SimulationLimitException;
import io.tcpclose.sim.Simulator;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI's scenarios. Each builds a client/server simulation from the options and runs it;
 * the applications act on events (established, data acknowledged, request read, end of stream),
 * not on the clock, so under any loss a scenario either reaches the end it describes or its
 * run says plainly why not. Not thread-safe.
 */
enum Scenario {
    NORMAL_CLOSE("normal-close", "client sends, then closes first: FIN, ACK, FIN, ACK; client holds TIME-WAIT",
            CloseReason.NORMAL, CloseReason.NORMAL),
    PASSIVE_CLOSE("passive-close", "the server closes first once it has read the request; the client answers from CLOSE-WAIT and LAST-ACK",
            CloseReason.NORMAL, CloseReason.NORMAL),
    SIMULTANEOUS_CLOSE("simultaneous-close", "both close at the same instant: FINs cross, both pass CLOSING to TIME-WAIT",
            CloseReason.NORMAL, CloseReason.NORMAL),
    HALF_CLOSE("half-close", "the client shuts down its output after its request; 20 kB keep flowing to it, then the server closes",
            CloseReason.NORMAL, CloseReason.NORMAL),
    LOST_FIN("lost-fin", "the client's first FIN is lost and retransmitted after the RTO",
            CloseReason.NORMAL, CloseReason.NORMAL),
    LOST_LAST_ACK("lost-last-ack", "the client's last ACK is lost: the server repeats its FIN, TIME-WAIT re-ACKs and restarts 2xMSL",
            CloseReason.NORMAL, CloseReason.NORMAL),
    RST_ABORT("rst-abort", "the client aborts: one RST at SND.NXT, both sides CLOSED at once, no TIME-WAIT",
            CloseReason.ABORTED, CloseReason.RESET_BY_PEER),
    RST_INJECTION("rst-injection", "the network injects a blind in-window RST (a challenge ACK answers it), then an exact one (it resets)",
            CloseReason.RESET_BY_PEER, null),
    SYN_FLOOD("syn-flood", "1000 spoofed SYNs fill the server's backlog of 16; SYN cookies still let the real client connect and close",
            CloseReason.NORMAL, CloseReason.NORMAL),
    UNREAD_DATA("unread-data", "the server closes with unread data: RST instead of FIN (RFC 2525 2.17)",
            CloseReason.RESET_BY_PEER, CloseReason.ABORTED_UNREAD_DATA),
    KEEPALIVE_LIVE("keepalive-live", "an idle connection with keep-alive on: probes at SND.NXT-1, each answered, then a normal close",
            CloseReason.NORMAL, CloseReason.NORMAL),
    KEEPALIVE_DEAD("keepalive-dead", "the network partitions; the client's keep-alive probes go unanswered and it gives up with RST",
            CloseReason.TIMED_OUT_KEEPALIVE, null),
    FIN_WAIT_2_TIMEOUT("fin-wait-2-timeout", "the server never closes; the orphaned client leaves FIN-WAIT-2 after 60 s",
            CloseReason.TIMED_OUT_FIN_WAIT_2, null),
    USER_TIMEOUT("user-timeout", "data sent into a partition stays unacknowledged; the 5 s user timeout aborts",
            CloseReason.TIMED_OUT_USER, null),
    OLD_DUPLICATE("old-duplicate", "an old segment arrives after its connection closed; TIME-WAIT keeps the new incarnation safe",
            CloseReason.NORMAL, CloseReason.NORMAL),
    OLD_DUPLICATE_NO_TIME_WAIT("old-duplicate-no-time-wait", "old-duplicate with TIME-WAIT at zero (MSL 0): the old segment corrupts the new connection",
            CloseReason.NORMAL, CloseReason.NORMAL),
    OLD_DUPLICATE_PAWS("old-duplicate-paws", "old-duplicate with a short MSL (0.5 s) and timestamps: the old segment reaches the new incarnation and PAWS drops it by its old TSval (RFC 7323 5)",
            CloseReason.NORMAL, CloseReason.NORMAL),
    RANDOM_LOSSY("random-lossy", "20 kB each way over a lossy (default 20%), jittery link; the client closes once it has all; --seed replays it",
            CloseReason.NORMAL, CloseReason.NORMAL),
    BULK_TRANSFER("bulk-transfer", "10 MiB client to server, 100 Mbit/s, 1% loss (unless --bandwidth/--loss), window scaling, timestamps, 4 MiB buffers;"
            + " prints goodput and retransmissions; --plot FILE draws cwnd", CloseReason.NORMAL, CloseReason.NORMAL);

    /** What bulk-transfer moves. */
    static final int BULK_BYTES = 10 << 20;

    final String cliName;
    final String description;
    /** How the client's and the first server connection's runs end when the scenario reaches its end (null: open). */
    private final CloseReason clientEnd;
    private final CloseReason serverEnd;

    Scenario(String cliName, String description, CloseReason clientEnd, CloseReason serverEnd) {
        this.cliName = cliName;
        this.description = description;
        this.clientEnd = clientEnd;
        this.serverEnd = serverEnd;
    }

    /** The scenario names in order, for picocli's completion and the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (Scenario s : values()) {
                names.add(s.cliName);
            }
            return names.iterator();
        }
    }

    /** {@return whether the scenario sets its own MSL, so that --msl cannot apply} */
    boolean fixesMsl() {
        return this == OLD_DUPLICATE_NO_TIME_WAIT || this == OLD_DUPLICATE_PAWS;
    }

    /** {@return the MSL a scenario that {@link #fixesMsl() fixes it} uses, for messages} */
    String fixedMsl() {
        return this == OLD_DUPLICATE_PAWS ? "0.5 s" : "0: no TIME-WAIT";
    }

    static Scenario byName(String name) {
        for (Scenario s : values()) {
            if (s.cliName.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** What a run produced. */
    static final class Run {
        final Simulator sim;
        final TcpConfig clientConfig;
        final List<Endpoint> endpoints = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        /** The client's first connection's cwnd, ssthresh and flight after each change, for --plot. */
        final List<Plot.Sample> congestion = new ArrayList<>();
        /** bulk-transfer: when the client's connection was established and when all its data was acknowledged. */
        long establishedNanos = -1;
        long ackedNanos = -1;

        Run(Simulator sim, TcpConfig clientConfig) {
            this.sim = sim;
            this.clientConfig = clientConfig;
        }
    }

    /** Longest a run may take in virtual time: far beyond any give-up, so only a bug reaches it. */
    private static final Duration VIRTUAL_LIMIT = Duration.ofHours(6);

    Run run(Options o) {
        TcpConfig serverConfig = o.config();
        TcpConfig config = serverConfig; // the client's: a scenario's timers are the client's
        LinkConfig.Builder link = LinkConfig.builder().delay(o.delay).jitter(o.jitter).loss(o.loss);
        switch (this) {
            case KEEPALIVE_DEAD:
                config = config.toBuilder().keepAlive(Duration.ofSeconds(10), Duration.ofSeconds(2), 3).build();
                break;
            case KEEPALIVE_LIVE:
                config = config.toBuilder().keepAlive(Duration.ofSeconds(5), Duration.ofSeconds(1), 3).build();
                break;
            case OLD_DUPLICATE_NO_TIME_WAIT:
                config = config.toBuilder().msl(Duration.ZERO).build();
                serverConfig = config;
                break;
            case OLD_DUPLICATE_PAWS:
                config = config.toBuilder().msl(Duration.ofMillis(500)).timestamps(true).build();
                serverConfig = serverConfig.toBuilder().msl(Duration.ofMillis(500)).timestamps(true).build();
                break;
            case RANDOM_LOSSY:
                if (!o.lossGiven) {
                    link.loss(0.2);
                }
                if (!o.jitterGiven) {
                    link.jitter(Duration.ofMillis(5));
                }
                break;
            case BULK_TRANSFER:
                if (!o.lossGiven) {
                    link.loss(0.01);
                }
                if (o.bandwidthBits == 0) {
                    link.bandwidth(100_000_000L);
                }
                // About twice the path's bandwidth-delay product: losses come from the link, not the queue.
                link.queueLimit(400);
                // A window this large needs a reassembly queue that can hold it (the default 64
                // segments would throw away most of a window behind one hole, and go-back-N would
                // resend it all) and timestamps, so that RTT samples continue through recovery
                // (Karn's rule gives none from resent segments: the backed-off RTO would stay).
                config = bulk(config);
                serverConfig = bulk(serverConfig);
                break;
            default:
                break;
        }
        if (o.bandwidthBits > 0) {
            link.bandwidth(o.bandwidthBits);
        }
        Simulator sim = new Simulator(o.seed).limits(50_000_000, VIRTUAL_LIMIT);
        // Readable numbers (ISS 1000 and 5000, as in textbook ladders) unless asked for RFC 6528's.
        // The old-duplicate scenarios need them: both incarnations start at the same ISN.
        boolean fixedIsn = !o.rfc6528Isn || this == OLD_DUPLICATE || this == OLD_DUPLICATE_NO_TIME_WAIT
                || this == OLD_DUPLICATE_PAWS;
        Host client = fixedIsn
                ? sim.addHost("client", "10.0.0.1", config, IsnGenerator.fixed(1000))
                : sim.addHost("client", "10.0.0.1", config);
        Host server = fixedIsn
                ? sim.addHost("server", "10.0.0.2", serverConfig, IsnGenerator.fixed(5000))
                : sim.addHost("server", "10.0.0.2", serverConfig);
        sim.connect(client, server, link.build());
        Run run = new Run(sim, config);
        TcpConfig acceptedConfig = serverConfig;
        List<Endpoint> serverSide = new ArrayList<>();
        server.listen(80, this == SYN_FLOOD ? FLOOD_BACKLOG : io.tcpclose.stack.TcpStack.DEFAULT_BACKLOG, c -> {
            Endpoint e = new Endpoint("server #" + (serverSide.size() + 1), acceptedConfig);
            e.connection = c;
            serveAs(e, sim, serverSide.isEmpty());
            serverSide.add(e);
            run.endpoints.add(e);
            return e;
        });
        Endpoint first = new Endpoint("client", config);
        run.endpoints.add(0, first);
        sim.observe("client", new io.tcpclose.stack.StackObserver() {
            @Override
            public void congestion(long nanos, io.tcpclose.stack.FourTuple id, int cwnd, int ssthresh, int inFlight) {
                if (first.connection == null || id.equals(first.connection.id())) {
                    run.congestion.add(new Plot.Sample(nanos, cwnd, ssthresh, inFlight));
                }
            }

            @Override
            public void stateChanged(long nanos, io.tcpclose.stack.FourTuple id, TcpState from, TcpState to) {
                if (to == TcpState.ESTABLISHED && run.establishedNanos < 0) {
                    run.establishedNanos = nanos;
                }
            }
        });
        clientAs(first, sim, run, client, server, serverSide);
        if (this == SYN_FLOOD) {
            sim.injectSynFlood(Duration.ZERO, "client", "server", 80, 1000, Duration.ofNanos(20_000));
        }
        sim.at(this == SYN_FLOOD ? Duration.ofMillis(50) : Duration.ZERO, "client connects",
                () -> first.connection = client.connect(40000, server, 80, first));
        try {
            sim.run();
        } catch (SimulationLimitException e) {
            run.notes.add("the run was stopped: " + e.getMessage());
        }
        explain(run, first, serverSide);
        if (this == BULK_TRANSFER && run.ackedNanos > 0 && run.establishedNanos >= 0) {
            double seconds = (run.ackedNanos - run.establishedNanos) / 1e9;
            io.tcpclose.stack.StackStats st = client.stack().stats();
            long queueDrops = 0;
            long lossDrops = 0;
            for (io.tcpclose.sim.TraceEvent e : sim.trace().events()) {
                if (e.kind() == io.tcpclose.sim.TraceEvent.Kind.DROP) {
                    if (e.detail().startsWith("queue full")) {
                        queueDrops++;
                    } else {
                        lossDrops++;
                    }
                }
            }
            run.notes.add(String.format(java.util.Locale.ROOT,
                    "goodput %.2f Mbit/s (%d bytes in %.3f s, established to all acknowledged); %d segments sent,"
                            + " %d retransmitted (%d by fast retransmit or recovery, %d after an RTO); the network"
                            + " dropped %d at random and %d at its full queue (slow start overshooting it: without"
                            + " SACK each hole costs a round trip)",
                    BULK_BYTES * 8 / seconds / 1e6, BULK_BYTES, seconds, st.segmentsOut(), st.retransmissions(),
                    st.fastRetransmissions(), st.retransmissions() - st.fastRetransmissions(), lossDrops, queueDrops));
        }
        if (this == SYN_FLOOD) {
            io.tcpclose.stack.StackStats st = server.stack().stats();
            run.notes.add("server: backlog " + FLOOD_BACKLOG + " full: " + st.listenOverflows() + " SYNs overflowed it, "
                    + st.synCookiesSent() + " SYN cookies sent, " + st.synCookiesValidated() + " validated, "
                    + st.synCookiesRejected() + " rejected; " + st.closed(CloseReason.TIMED_OUT_RETRANSMISSION)
                    + " half-open flood connections gave up");
        }
        return run;
    }

    /** bulk-transfer's TCP: window scaling, timestamps, 4 MiB buffers and a reassembly queue to match. */
    private static TcpConfig bulk(TcpConfig c) {
        return c.toBuilder().windowScaling(true).timestamps(true).receiveBuffer(4 << 20).sendBuffer(4 << 20)
                .reassemblySegments(4096).build();
    }

    /** The syn-flood scenario's listen backlog. */
    private static final int FLOOD_BACKLOG = 16;

    /** The client's part: what it sends and what it does once that is acknowledged. */
    private void clientAs(Endpoint me, Simulator sim, Run run, Host client, Host server, List<Endpoint> serverSide) {
        me.sendOnEstablished = Bytes.utf8("hello");
        switch (this) {
            case NORMAL_CLOSE:
            case SYN_FLOOD:
            case LOST_FIN:
            case LOST_LAST_ACK:
            case FIN_WAIT_2_TIMEOUT:
                if (this == LOST_FIN) {
                    sim.addFault(FaultRule.drop("client", "server", FaultRule.Match.FIN, 1));
                }
                if (this == LOST_LAST_ACK) {
                    sim.addFault(FaultRule.drop("client", "server", FaultRule.Match.PURE_ACK, 2));
                }
                me.whenAcked = c -> act(sim, "client closes: its data is acknowledged", c::close);
                break;
            case PASSIVE_CLOSE:
            case SIMULTANEOUS_CLOSE:
                break; // the server acts
            case HALF_CLOSE:
                me.sendOnEstablished = Bytes.utf8("GET /20k");
                me.whenAcked = c -> act(sim, "client shuts down its output: request acknowledged", c::shutdownOutput);
                break;
            case RST_ABORT:
                me.whenAcked = c -> act(sim, "client aborts", c::abort);
                break;
            case RST_INJECTION:
                me.whenAcked = c -> {
                    Duration now = Duration.ofNanos(sim.now());
                    sim.injectRstRelative(now.plusMillis(100), "server", "client", 1000);
                    sim.injectRstRelative(now.plusMillis(1100), "server", "client", 0);
                };
                break;
            case UNREAD_DATA:
                me.sendOnEstablished = Bytes.utf8("unread bytes");
                break;
            case KEEPALIVE_LIVE:
                // Idle through three keep-alive rounds (5 s idle, 1 s apart), each answered; then close.
                me.whenAcked = c -> sim.at(Duration.ofNanos(sim.now()).plusSeconds(17),
                        "the idle spell ends: the client closes (unless it is closed already)", () -> c.close());
                break;
            case KEEPALIVE_DEAD:
                me.whenAcked = c -> {
                    Duration now = Duration.ofNanos(sim.now());
                    sim.partition("client", "server", now, null);
                    sim.partition("server", "client", now, null);
                    sim.at(now, "the network partitions for good", () -> { });
                };
                break;
            case USER_TIMEOUT:
                me.sendOnEstablished = null;
                me.whenAcked = c -> {
                    // Set once established, as an application would: from the start it would also
                    // bound a lossy handshake, which is not what this scenario shows.
                    act(sim, "client sets a 5 s user timeout (TCP_USER_TIMEOUT)",
                            () -> c.configure(c.tcb().config().toBuilder().userTimeout(Duration.ofSeconds(5)).build()));
                    Duration now = Duration.ofNanos(sim.now());
                    sim.partition("client", "server", now, null);
                    sim.at(now.plusSeconds(1), "client sends into the partition", () -> c.send(Bytes.utf8("lost")));
                };
                break;
            case OLD_DUPLICATE:
            case OLD_DUPLICATE_NO_TIME_WAIT:
            case OLD_DUPLICATE_PAWS:
                me.sendOnEstablished = Bytes.utf8("OLD-DATA!!");
                oldDuplicate(sim, run, client, server, me);
                break;
            case RANDOM_LOSSY:
                me.sendOnEstablished = pattern(20_000);
                me.requestBytes = 20_000; // the client closes once it has everything
                me.whenRequestRead = c -> act(sim, "client closes: it has all 20000 bytes", c::close);
                break;
            case BULK_TRANSFER:
                me.sendOnEstablished = pattern(BULK_BYTES);
                me.whenAcked = c -> {
                    run.ackedNanos = sim.now();
                    act(sim, "client closes: all " + BULK_BYTES + " bytes are acknowledged", c::close);
                };
                break;
            default:
                throw new AssertionError(this);
        }
    }

    /** A server connection's part; {@code first} is the first connection accepted. */
    private void serveAs(Endpoint me, Simulator sim, boolean first) {
        switch (this) {
            case PASSIVE_CLOSE:
                me.requestBytes = 5;
                me.whenRequestRead = c -> act(sim, "server closes: it has read the request", c::close);
                break;
            case SIMULTANEOUS_CLOSE:
                me.requestBytes = 5;
                me.whenEof = null;
                me.whenRequestRead = c -> sim.at(Duration.ofNanos(sim.now()).plusMillis(100), "both close at once", () -> {
                    c.close();
                    for (Connection cc : sim.host("client").stack().connections()) {
                        cc.close();
                    }
                });
                break;
            case HALF_CLOSE:
                me.whenEof = c -> act(sim, "server answers the half-closed client with 20 kB, then closes", () -> {
                    c.send(pattern(20_000));
                    c.close();
                });
                break;
            case UNREAD_DATA:
                me.read = false;
                me.requestBytes = 1;
                me.whenRequestRead = c -> act(sim, "server closes without reading", c::close);
                break;
            case FIN_WAIT_2_TIMEOUT:
                me.whenEof = null; // never closes
                break;
            case RANDOM_LOSSY:
                me.sendOnEstablished = pattern(20_000);
                break;
            default:
                break;
        }
    }

    /** Does {@code action} now, noting it in the trace as the application's own step. */
    private static void act(Simulator sim, String label, Runnable action) {
        sim.at(Duration.ofNanos(sim.now()), label, action);
    }

    /** Notes, in plain words, why an endpoint did not end the way the scenario describes. */
    private void explain(Run run, Endpoint client, List<Endpoint> serverSide) {
        CloseReason expectedClient = clientEnd;
        if (this == FIN_WAIT_2_TIMEOUT && run.clientConfig.orphanFinWait2TimeoutNanos() == TcpConfig.NONE) {
            run.notes.add("this configuration sets no FIN-WAIT-2 limit (as RFC 9293): the orphan waits for the peer's FIN"
                    + " as long as it takes");
            expectedClient = null;
        }
        check(run, client, expectedClient);
        if (this == SIMULTANEOUS_CLOSE) {
            for (String host : new String[] {"client", "server"}) {
                if (!passed(run, host, TcpState.CLOSING)) {
                    run.notes.add("the FINs did not cross: the " + host + " never passed CLOSING (a lost or late FIN"
                            + " made this run an ordinary close), so it is not the simultaneous close described");
                }
            }
        }
        if (!serverSide.isEmpty()) {
            check(run, serverSide.get(0), serverEnd);
        } else if (client.connection != null && !client.established) {
            run.notes.add("the server never accepted the connection: its handshake never completed");
        }
        for (Endpoint e : run.endpoints) {
            String report = e.drainReport();
            if (!report.isEmpty()) {
                run.notes.add(e.name + report.replace("; ", " "));
            }
        }
    }

    /** Whether the trace shows {@code host} entering {@code state}. */
    private static boolean passed(Run run, String host, TcpState state) {
        String entered = "-> " + state;
        for (io.tcpclose.sim.TraceEvent t : run.sim.trace().events()) {
            if (t.kind() == io.tcpclose.sim.TraceEvent.Kind.STATE && t.where().equals(host) && t.detail().contains(entered)) {
                return true;
            }
        }
        return false;
    }

    private void check(Run run, Endpoint e, CloseReason expected) {
        CloseReason actual = e.reason != null ? e.reason : e.connection == null ? null : e.connection.closeReason();
        boolean open = e.connection != null && e.connection.state() != TcpState.CLOSED;
        if (expected == null ? !open : actual != expected) {
            String why = e.explanation();
            run.notes.add("the scenario could not run to its end: " + (why != null ? why
                    : e.name + " ended " + (actual == null ? "still open" : actual.toString())));
        }
    }

    /**
     * Incarnation 1 sends "OLD-DATA!!"; the network keeps a copy of it and delivers it 3 s
     * later. The client closes once its data is acknowledged and reconnects from the same port
     * 0.5 s later (or, if TIME-WAIT holds the 4-tuple, when that ends), then sends "NEW-DATA!!"
     * once established, at the earliest 5 s into the run, and closes once that is acknowledged.
     */
    private void oldDuplicate(Simulator sim, Run run, Host client, Host server, Endpoint first) {
        sim.addFault(FaultRule.delayedCopy("client", "server", FaultRule.Match.DATA, 1, Duration.ofSeconds(3)));
        Endpoint second = new Endpoint("client (incarnation 2)", client.config());
        run.endpoints.add(1, second);
        second.sendOnEstablished = null;
        second.whenAcked = c -> sim.at(Duration.ofNanos(Math.max(sim.now(), Duration.ofSeconds(5).toNanos())),
                "incarnation 2 sends", () -> {
                    second.whenAcked = cc -> act(sim, "incarnation 2 closes: its data is acknowledged", cc::close);
                    c.send(Bytes.utf8("NEW-DATA!!"));
                });
        Runnable reconnect = new Runnable() {
            @Override
            public void run() {
                try {
                    second.connection = client.connect(40000, server, 80, second);
                } catch (IllegalStateException busy) {
                    Connection old = first.connection;
                    boolean inTimeWait = old.tcb().armed(io.tcpclose.engine.TimerKind.TIME_WAIT);
                    long until = old.tcb().deadline(io.tcpclose.engine.TimerKind.TIME_WAIT);
                    run.notes.add(String.format("reconnect at %.3f s refused: ", sim.now() / 1e9) + busy.getMessage()
                            + (inTimeWait ? "; retrying when TIME-WAIT ends" : "; retrying in 1 s"));
                    sim.at(Duration.ofNanos(inTimeWait ? until + 1 : sim.now() + 1_000_000_000L),
                            inTimeWait ? "client reconnects after TIME-WAIT" : "client retries the reconnect", this);
                }
            }
        };
        first.whenAcked = c -> {
            act(sim, "client closes incarnation 1: its data is acknowledged", c::close);
            sim.at(Duration.ofNanos(sim.now()).plusMillis(500), "client reconnects from port 40000", reconnect);
        };
    }

    /** Printable filler, so the outcome line can show what arrived. */
    static Bytes pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return Bytes.copyOf(b);
    }
}
