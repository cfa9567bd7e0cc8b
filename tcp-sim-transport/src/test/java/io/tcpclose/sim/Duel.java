package io.tcpclose.sim;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpApiException;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.StackObserver;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Two endpoints over a generated network: both send, one (or both) closes, the other closes
 * on EOF. Records what the invariants need and the termination paths reached. Test-only.
 */
final class Duel {
    enum Order { CLIENT_FIRST, SERVER_FIRST, SIMULTANEOUS }

    /** One application. */
    final class App implements ConnectionListener {
        final String name;
        final Bytes toSend;
        final StringBuilder received = new StringBuilder();
        Connection connection;
        boolean started;
        boolean shutdownRequested;
        int closedReports;
        CloseReason reason;
        String peerSent = "";

        App(String name, Bytes toSend) {
            this.name = name;
            this.toSend = toSend;
        }

        /** Queues our data (allowed from SYN-SENT on) and any close asked for before the connection existed. */
        void start(Connection c) {
            connection = c;
            if (started) {
                return;
            }
            started = true;
            if (toSend.length() > 0) {
                c.send(toSend);
            }
            if (shutdownRequested) {
                shut(this);
            }
        }

        @Override
        public void onEstablished(Connection c) {
            start(c);
        }

        @Override
        public void onReadable(Connection c) {
            received.append(c.readAll().utf8());
        }

        @Override
        public void onPeerFinished(Connection c) {
            // The FIN comes after the last byte: EOF means everything the peer sent is here.
            if (!received.toString().equals(peerSent)) {
                violations.add(name + " saw EOF after " + received.length() + " of " + peerSent.length() + " bytes");
            }
            if (c.state() == TcpState.CLOSE_WAIT || c.state() == TcpState.FIN_WAIT_2
                    || c.state() == TcpState.TIME_WAIT || c.state() == TcpState.CLOSING || c.state() == TcpState.FIN_WAIT_1) {
                c.close();
            }
        }

        @Override
        public void onClosed(Connection c, CloseReason r) {
            closedReports++;
            reason = r;
        }
    }

    final Simulator sim;
    final App client;
    final App server;
    final List<String> violations = new ArrayList<>();
    final Set<String> paths = new TreeSet<>();
    private final Map<FourTuple, Long> timeWaitEntered = new HashMap<>();
    private Segment inbound;
    private String inboundHost;
    private FourTuple validRstTarget;
    private String validRstHost;

    /** A network outage, both ways, from {@code start} for {@code length} (zero: none). */
    record Outage(Duration start, Duration length) {
        Duration end() {
            return start.plus(length);
        }
    }

    Duel(long seed, TcpConfig config, LinkConditions conditions, FaultPlan plan, Order order,
         int clientBytes, int serverBytes, Duration healAt) {
        this(seed, config, conditions, plan, order, clientBytes, serverBytes, healAt, new Outage(Duration.ZERO, Duration.ZERO), Duration.ofMillis(700), false);
    }

    /** @param compactTimeWait both stacks keep orphaned TIME-WAITs in their packed tables */
    Duel(long seed, TcpConfig config, LinkConditions conditions, FaultPlan plan, Order order,
         int clientBytes, int serverBytes, Duration healAt, Outage outage, Duration closeAt, boolean compactTimeWait) {
        sim = new Simulator(seed).limits(5_000_000, Duration.ofHours(3)).compactTimeWait(compactTimeWait);
        Host c = sim.addHost("client", "10.0.0.1", config);
        Host s = sim.addHost("server", "10.0.0.2", config);
        sim.connect(c, s, conditions.toConfig());
        plan.applyTo(sim);
        client = new App("client", Scenarios.pattern(clientBytes));
        server = new App("server", Scenarios.pattern(serverBytes).concat(Bytes.utf8("")));
        client.peerSent = server.toSend.utf8();
        server.peerSent = client.toSend.utf8();
        s.listen(80, conn -> {
            server.connection = conn;
            return server;
        });
        watch("client");
        watch("server");
        sim.onDelivered((to, seg, nanos) -> {
            if (validRstTarget != null && to.name().equals(validRstHost)) {
                Connection conn = to.stack().connection(validRstTarget);
                if (conn != null && conn.state() != TcpState.CLOSED) {
                    violations.add(to.name() + " still " + conn.state() + " after a valid RST");
                }
                paths.add("RST");
            }
            validRstTarget = null;
            inbound = null;
        });
        sim.at(Duration.ZERO, "client connects", () -> client.start(c.connect(40000, s, 80, client)));
        if (!outage.length().isZero()) {
            sim.partition("client", "server", outage.start(), outage.end());
            sim.partition("server", "client", outage.start(), outage.end());
        }
        sim.at(closeAt, "close (" + order + ")", () -> {
            if (order != Order.SERVER_FIRST) {
                shut(client);
            }
            if (order != Order.CLIENT_FIRST) {
                shut(server);
            }
        });
        sim.at(healAt, "the network heals", () -> {
            for (Link l : sim.links()) {
                l.configure(LinkConfig.builder().delay(Duration.ofMillis(conditions.delayMs())).build());
            }
        });
        sim.run();
        for (TraceEvent e : sim.trace().events()) {
            if (e.kind() == TraceEvent.Kind.DROP && e.segment() != null && e.segment().has(TcpFlags.FIN)) {
                paths.add("lost FIN");
            }
            if (e.kind() == TraceEvent.Kind.STATE && e.detail().endsWith("-> CLOSING")) {
                paths.add("simultaneous close");
            }
        }
        for (App a : List.of(client, server)) {
            if (a.reason != null && a.reason.isTimeout()) {
                paths.add("timeout " + a.reason.timer());
            }
        }
    }

    private static void shut(App a) {
        a.shutdownRequested = true;
        if (a.connection == null || !a.started) {
            return; // done once the connection starts
        }
        try {
            a.connection.shutdownOutput();
        } catch (TcpApiException gone) {
            // already reset or timed out: nothing to close
        }
    }

    private void watch(String host) {
        sim.observe(host, new StackObserver() {
            @Override
            public void segmentIn(long nanos, FourTuple id, Segment segment) {
                inbound = segment;
                inboundHost = host;
                Connection conn = sim.host(host).stack().connection(id);
                boolean inTimeWait = conn != null ? conn.state() == TcpState.TIME_WAIT
                        : sim.host(host).stack().timeWait(id) != null; // compacted: no Connection
                if (segment.has(TcpFlags.FIN) && inTimeWait) {
                    paths.add("lost last ACK (FIN repeated into TIME-WAIT)");
                }
                if (segment.has(TcpFlags.RST) && conn != null && conn.state().isSynchronized()
                        && conn.state() != TcpState.TIME_WAIT && segment.seq() == conn.tcb().rcvNxt()) {
                    validRstTarget = id;
                    validRstHost = host;
                }
            }

            @Override
            public void segmentOut(long nanos, FourTuple id, Segment out) {
                if (inbound != null && host.equals(inboundHost) && inbound.has(TcpFlags.RST)
                        && !(out.flags() == TcpFlags.ACK && out.payload().isEmpty())) {
                    violations.add(host + " answered a RST with " + out);
                }
            }

            @Override
            public void stateChanged(long nanos, FourTuple id, TcpState from, TcpState to) {
                if (to == TcpState.TIME_WAIT) {
                    timeWaitEntered.put(id, nanos);
                }
                if (from == TcpState.TIME_WAIT) {
                    long stayed = nanos - timeWaitEntered.get(id);
                    if (stayed < sim.host(host).config().timeWaitNanos()) {
                        violations.add(host + " left TIME-WAIT after " + Duration.ofNanos(stayed));
                    }
                }
            }
        });
    }

    /** Everything the apps and connections ended with, for failure messages. */
    String describe() {
        return "client: " + (client.connection == null ? "none" : client.connection.state() + " " + client.reason)
                + ", received " + client.received.length() + "/" + client.peerSent.length()
                + "; server: " + (server.connection == null ? "none" : server.connection.state() + " " + server.reason)
                + ", received " + server.received.length() + "/" + server.peerSent.length()
                + "; seed " + sim.seed() + "\nladder:\n" + tail(SimLadder.render(sim.trace(), "client", "server"));
    }

    private static String tail(String s) {
        String[] lines = s.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 80), lines.length));
    }
}
