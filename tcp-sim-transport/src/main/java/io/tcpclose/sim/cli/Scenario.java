package io.tcpclose.sim.cli;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.sim.FaultRule;
import io.tcpclose.sim.Host;
import io.tcpclose.sim.LinkConfig;
import io.tcpclose.sim.Simulator;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI's scenarios: each builds a client/server simulation from the options, runs it, and
 * keeps the endpoints whose outcomes are printed. Not thread-safe.
 */
enum Scenario {
    NORMAL_CLOSE("normal-close", "client sends, then closes first: FIN, ACK, FIN, ACK; client holds TIME-WAIT"),
    PASSIVE_CLOSE("passive-close", "the server closes first; the client answers from CLOSE-WAIT and LAST-ACK"),
    SIMULTANEOUS_CLOSE("simultaneous-close", "both close at the same instant: FINs cross, both pass CLOSING to TIME-WAIT"),
    LOST_FIN("lost-fin", "the client's first FIN is lost and retransmitted after the RTO"),
    LOST_LAST_ACK("lost-last-ack", "the client's last ACK is lost: the server repeats its FIN, TIME-WAIT re-ACKs and restarts 2xMSL"),
    RST_ABORT("rst-abort", "the client aborts: one RST at SND.NXT, both sides CLOSED at once, no TIME-WAIT"),
    UNREAD_DATA("unread-data", "the server closes with unread data: RST instead of FIN (RFC 2525 2.17)"),
    KEEPALIVE_DEAD("keepalive-dead", "the network partitions; the client's keep-alive probes go unanswered and it gives up with RST"),
    FIN_WAIT_2_TIMEOUT("fin-wait-2-timeout", "the server never closes; the orphaned client leaves FIN-WAIT-2 after 60 s"),
    USER_TIMEOUT("user-timeout", "data sent into a partition stays unacknowledged; the 5 s user timeout aborts"),
    OLD_DUPLICATE("old-duplicate", "an old segment arrives after its connection closed; TIME-WAIT keeps the new incarnation safe"),
    OLD_DUPLICATE_NO_TIME_WAIT("old-duplicate-no-time-wait", "the same with TIME-WAIT at zero (MSL 0): the old segment corrupts the new connection"),
    RANDOM_LOSSY("random-lossy", "20 kB each way over a lossy (default 20%), jittery link; the client closes once it has all; --seed replays it");

    final String cliName;
    final String description;

    Scenario(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
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
        final List<Endpoint> endpoints = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Run(Simulator sim) {
            this.sim = sim;
        }
    }

    Run run(Options o) {
        TcpConfig config = o.config();
        LinkConfig.Builder link = LinkConfig.builder().delay(o.delay).jitter(o.jitter).loss(o.loss);
        switch (this) {
            case KEEPALIVE_DEAD:
                config = config.toBuilder().keepAlive(Duration.ofSeconds(10), Duration.ofSeconds(2), 3).build();
                break;
            case USER_TIMEOUT:
                config = config.toBuilder().userTimeout(Duration.ofSeconds(5)).build();
                break;
            case OLD_DUPLICATE_NO_TIME_WAIT:
                config = config.toBuilder().msl(Duration.ZERO).build();
                break;
            case RANDOM_LOSSY:
                if (o.loss == 0) {
                    link.loss(0.2);
                }
                if (o.jitter.isZero()) {
                    link.jitter(Duration.ofMillis(5));
                }
                break;
            default:
                break;
        }
        Simulator sim = new Simulator(o.seed);
        // Readable numbers (ISS 1000 and 5000, as in textbook ladders) unless asked for RFC 6528's.
        // The old-duplicate scenarios need them: both incarnations start at the same ISN.
        boolean fixedIsn = !o.rfc6528Isn || this == OLD_DUPLICATE || this == OLD_DUPLICATE_NO_TIME_WAIT;
        Host client = fixedIsn
                ? sim.addHost("client", "10.0.0.1", config, IsnGenerator.fixed(1000))
                : sim.addHost("client", "10.0.0.1", config);
        Host server = fixedIsn
                ? sim.addHost("server", "10.0.0.2", config, IsnGenerator.fixed(5000))
                : sim.addHost("server", "10.0.0.2", config);
        sim.connect(client, server, link.build());
        Run run = new Run(sim);
        List<Endpoint> serverSide = new ArrayList<>();
        server.listen(80, c -> {
            Endpoint e = new Endpoint("server #" + (serverSide.size() + 1));
            e.connection = c;
            e.closeOnEof = this != FIN_WAIT_2_TIMEOUT;
            e.read = this != UNREAD_DATA;
            if (this == RANDOM_LOSSY) {
                e.sendOnEstablished = pattern(20_000);
            }
            serverSide.add(e);
            run.endpoints.add(e);
            return e;
        });
        Endpoint first = new Endpoint("client");
        first.sendOnEstablished = this == RANDOM_LOSSY ? pattern(20_000)
                : this == UNREAD_DATA ? Bytes.utf8("unread bytes")
                : this == OLD_DUPLICATE || this == OLD_DUPLICATE_NO_TIME_WAIT ? Bytes.utf8("OLD-DATA!!")
                : this == USER_TIMEOUT ? null : Bytes.utf8("hello");
        if (this == RANDOM_LOSSY) {
            first.closeAfterBytes = 20_000; // the client closes once it has everything
        }
        run.endpoints.add(0, first);
        Duration closeAt = this == RANDOM_LOSSY ? Duration.ofSeconds(2) : Duration.ofSeconds(1);
        sim.at(Duration.ZERO, "client connects", () -> first.connection = client.connect(40000, server, 80, first));
        switch (this) {
            case PASSIVE_CLOSE:
                sim.at(closeAt, "server closes", () -> serverSide.get(0).connection.close());
                break;
            case SIMULTANEOUS_CLOSE:
                sim.at(closeAt, "both close", () -> {
                    first.connection.close();
                    serverSide.get(0).connection.close();
                });
                break;
            case LOST_FIN:
                sim.addFault(FaultRule.drop("client", "server", FaultRule.Match.FIN, 1));
                sim.at(closeAt, "client closes", () -> first.connection.close());
                break;
            case LOST_LAST_ACK:
                sim.addFault(FaultRule.drop("client", "server", FaultRule.Match.PURE_ACK, 2));
                sim.at(closeAt, "client closes", () -> first.connection.close());
                break;
            case RST_ABORT:
                sim.at(closeAt, "client aborts", () -> first.connection.abort());
                break;
            case UNREAD_DATA:
                sim.at(closeAt, "server closes without reading", () -> serverSide.get(0).connection.close());
                break;
            case KEEPALIVE_DEAD:
                sim.partition("client", "server", closeAt, null);
                sim.partition("server", "client", closeAt, null);
                sim.at(closeAt, "the network partitions for good", () -> { });
                break;
            case USER_TIMEOUT:
                sim.partition("client", "server", closeAt, null);
                sim.at(closeAt.plusSeconds(1), "client sends into the partition", () -> first.connection.send(Bytes.utf8("lost")));
                break;
            case OLD_DUPLICATE:
            case OLD_DUPLICATE_NO_TIME_WAIT:
                oldDuplicate(sim, run, client, server, first);
                break;
            case RANDOM_LOSSY:
                break;
            default:
                sim.at(closeAt, "client closes", () -> first.connection.close());
        }
        sim.run();
        return run;
    }

    /**
     * Incarnation 1 sends "OLD-DATA!!"; the network keeps a copy and delivers it 3 s later. The
     * client closes at 1 s and reconnects from the same port at 1.5 s (or, if TIME-WAIT holds
     * the 4-tuple, when it ends), then sends "NEW-DATA!!" at 5 s.
     */
    private void oldDuplicate(Simulator sim, Run run, Host client, Host server, Endpoint first) {
        sim.addFault(FaultRule.delayedCopy("client", "server", FaultRule.Match.DATA, 1, Duration.ofSeconds(3)));
        sim.at(Duration.ofSeconds(1), "client closes incarnation 1", () -> first.connection.close());
        Endpoint second = new Endpoint("client (incarnation 2)");
        run.endpoints.add(1, second);
        Runnable reconnect = new Runnable() {
            @Override
            public void run() {
                try {
                    second.connection = client.connect(40000, server, 80, second);
                    sim.at(Duration.ofNanos(Math.max(sim.now(), Duration.ofSeconds(5).toNanos())),
                            "incarnation 2 sends", () -> second.connection.send(Bytes.utf8("NEW-DATA!!")));
                    sim.at(Duration.ofNanos(Math.max(sim.now(), Duration.ofSeconds(5).toNanos())).plusSeconds(1),
                            "incarnation 2 closes", () -> second.connection.close());
                } catch (IllegalStateException busy) {
                    Connection old = first.connection;
                    long until = old.tcb().deadline(io.tcpclose.engine.TimerKind.TIME_WAIT);
                    boolean inTimeWait = until != io.tcpclose.engine.Tcb.NO_DEADLINE;
                    run.notes.add("reconnect at " + sim.now() / 1e9 + " s refused: " + busy.getMessage()
                            + (inTimeWait ? "; retrying when TIME-WAIT ends" : "; retrying in 1 s"));
                    sim.at(Duration.ofNanos(inTimeWait ? until + 1 : sim.now() + 1_000_000_000L),
                            inTimeWait ? "client reconnects after TIME-WAIT" : "client retries the reconnect", this);
                }
            }
        };
        sim.at(Duration.ofMillis(1500), "client reconnects from port 40000", reconnect);
    }

    static Bytes pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return Bytes.copyOf(b);
    }
}
