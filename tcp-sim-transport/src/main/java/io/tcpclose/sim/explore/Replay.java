package io.tcpclose.sim.explore;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.sim.FaultPlan;
import io.tcpclose.sim.Host;
import io.tcpclose.sim.LinkConfig;
import io.tcpclose.sim.SimLadder;
import io.tcpclose.sim.Simulator;
import io.tcpclose.sim.explore.Script.Call;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import java.util.List;

/**
 * A counterexample run again on the simulator: the same two hosts, ports, ISSs and link latency,
 * the path's network faults as fault rules, and applications that follow the same script as
 * promptly (each call in the callback that makes its guard true). Not thread-safe; one use.
 */
final class Replay {
    /**
     * What the replay came to.
     *
     * @param client       why the client's last connection closed (null: it did not)
     * @param server       why the server's last connection closed (null: it did not)
     * @param clientRead   bytes the client's application read in the last incarnation
     * @param serverRead   bytes the server's application read in the last incarnation
     * @param foreignBytes whether an application read a byte its peer never sent there
     * @param ladder       the simulator's ladder of the run
     */
    record Outcome(CloseReason client, CloseReason server, int clientRead, int serverRead, boolean foreignBytes,
                   String ladder) {}

    private final Model model;
    private final Simulator sim = new Simulator(1);
    private final Host client;
    private final Host server;
    private final App[] apps = new App[2];
    private int incarnation;
    private boolean foreign;

    Replay(Model model, FaultPlan plan) {
        this.model = model;
        Explorer.Settings s = model.settings;
        sim.networkMsl(Duration.ofNanos(s.networkMslNanos));
        client = sim.addHost("client", "10.0.0.1", model.config(State.CLIENT), IsnGenerator.fixed(Model.CLIENT_ISS));
        server = sim.addHost("server", "10.0.0.2", model.config(State.SERVER), IsnGenerator.fixed(Model.SERVER_ISS));
        sim.connect(client, server, LinkConfig.builder().delay(Duration.ofNanos(s.latencyNanos)).build());
        plan.applyTo(sim);
    }

    Outcome run() {
        server.listen(Model.SERVER_PORT, c -> {
            apps[State.SERVER] = new App(State.SERVER, c);
            apps[State.SERVER].advance();
            return apps[State.SERVER];
        });
        connect();
        sim.run();
        App c = apps[State.CLIENT];
        App s = apps[State.SERVER];
        return new Outcome(c.conn.closeReason(), s == null ? null : s.conn.closeReason(), c.read,
                s == null ? 0 : s.read, foreign, SimLadder.render(sim.trace(), "client", "server"));
    }

    private void connect() {
        apps[State.SERVER] = null;
        App app = new App(State.CLIENT, null);
        apps[State.CLIENT] = app;
        app.conn = client.connect(Model.CLIENT_PORT, server, Model.SERVER_PORT, app);
        app.advance();
    }

    /** One side's application: the script's calls, each made as soon as its guard holds. */
    private final class App implements ConnectionListener {
        final int side;
        Connection conn;
        int pc;
        int sent;
        int read;
        boolean finished;
        boolean closed;

        App(int side, Connection conn) {
            this.side = side;
            this.conn = conn;
        }

        List<Call> calls() {
            return side == State.CLIENT ? model.script.client() : model.script.server();
        }

        void advance() {
            while (pc < calls().size() && !closed) {
                Call c = calls().get(pc);
                boolean ok = c.guard().holds(conn.state().isSynchronized(), finished, read,
                        Script.bytes(side == State.CLIENT ? model.script.server() : model.script.client()));
                if (!ok) {
                    return;
                }
                pc++;
                switch (c.kind()) {
                    case SEND: {
                        byte[] b = new byte[c.bytes()];
                        for (int i = 0; i < b.length; i++) {
                            b[i] = Model.content(incarnation, side, sent + i);
                        }
                        sent += conn.send(Bytes.copyOf(b));
                        break;
                    }
                    case SHUTDOWN_OUTPUT:
                        conn.shutdownOutput();
                        break;
                    case CLOSE:
                        conn.close();
                        break;
                    case ABORT:
                        conn.abort();
                        break;
                    default: // CRASH: nothing it sends or is sent arrives any more
                        String me = Model.name(side);
                        String peer = Model.name(1 - side);
                        sim.partition(me, peer, Duration.ofNanos(sim.now()), Duration.ofDays(365));
                        sim.partition(peer, me, Duration.ofNanos(sim.now()), Duration.ofDays(365));
                        closed = true;
                        return;
                }
            }
        }

        @Override
        public void onEstablished(Connection c) {
            conn = c;
            advance();
        }

        @Override
        public void onReadable(Connection c) {
            Bytes b = c.readAll();
            for (int i = 0; i < b.length(); i++) {
                foreign |= b.get(i) != Model.content(incarnation, 1 - side, read + i);
            }
            read += b.length();
            advance();
        }

        @Override
        public void onPeerFinished(Connection c) {
            finished = true;
            advance();
        }

        @Override
        public void onClosed(Connection c, CloseReason reason) {
            closed = true;
            App other = apps[1 - side];
            if (incarnation + 1 < model.settings.incarnations && other != null && other.closed) {
                incarnation++;
                sim.at(Duration.ofNanos(sim.now()), "reconnect", Replay.this::connect);
            }
        }
    }
}
