package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Two engines wired back to back on one virtual clock, in the style of quinn-proto's test
 * pair: segments wait in per-direction queues; delivering them, losing them and advancing time
 * to the earliest deadline are explicit. Every step is checked for the engine's universal
 * promises (diagram edges, no reply to RST, CLOSED reported once, TIME-WAIT never short).
 */
final class Pair {
    static final int CLIENT_PORT = 40000;
    static final int SERVER_PORT = 80;
    static final long ONE_WAY_DELAY = 10_000_000L;

    /** One side's view: its snapshot and what it saw. */
    static final class Side {
        final String name;
        Tcb tcb;
        final List<TcpState> states = new ArrayList<>();
        final StringBuilder received = new StringBuilder();
        int closedReports;
        boolean eof;
        long timeWaitEnteredAt = Long.MIN_VALUE;

        Side(String name, Tcb tcb) {
            this.name = name;
            this.tcb = tcb;
            states.add(tcb.state());
        }
    }

    final Side client;
    final Side server;
    private final Deque<Segment> toServer = new ArrayDeque<>();
    private final Deque<Segment> toClient = new ArrayDeque<>();
    private long now;
    private int sequence;
    /** Decides, per segment in order of transmission, whether the network loses it. */
    private BiPredicate<Integer, Segment> loss = (n, s) -> false;
    final List<String> log = new ArrayList<>();

    private Pair(TcpConfig config) {
        client = new Side("client", Tcb.create(config, CLIENT_PORT, SERVER_PORT));
        server = new Side("server", Tcb.create(config, SERVER_PORT, CLIENT_PORT));
    }

    /** A pair after a clean three-way handshake. */
    static Pair connected(TcpConfig config) {
        Pair p = new Pair(config);
        p.server(new Event.Listen(7000));
        p.client(new Event.Open(1000));
        p.deliverAll();
        if (p.client.tcb.state() != TcpState.ESTABLISHED || p.server.tcb.state() != TcpState.ESTABLISHED) {
            throw new AssertionError("handshake failed:\n" + String.join("\n", p.log));
        }
        return p;
    }

    Pair withLoss(BiPredicate<Integer, Segment> lossModel) {
        this.loss = lossModel;
        return this;
    }

    Tcb clientTcb() {
        return client.tcb;
    }

    Tcb serverTcb() {
        return server.tcb;
    }

    long now() {
        return now;
    }

    void client(Event e) {
        apply(client, e);
    }

    void server(Event e) {
        apply(server, e);
    }

    List<TcpState> clientStatesSince(TcpState s) {
        int i = client.states.indexOf(s);
        return client.states.subList(i + 1, client.states.size());
    }

    /** Delivers every queued segment (and what they provoke), oldest first, without advancing time. */
    void deliverAll() {
        int guard = 0;
        while (!toServer.isEmpty() || !toClient.isEmpty()) {
            if (++guard > 100_000) {
                throw new AssertionError("segments never stop flowing:\n" + tail());
            }
            now += ONE_WAY_DELAY;
            Deque<Segment> batchToServer = new ArrayDeque<>(toServer);
            Deque<Segment> batchToClient = new ArrayDeque<>(toClient);
            toServer.clear();
            toClient.clear();
            for (Segment s : batchToServer) {
                apply(server, new Event.Arrive(s));
            }
            for (Segment s : batchToClient) {
                apply(client, new Event.Arrive(s));
            }
        }
    }

    /** Lets {@code nanos} of virtual time pass, delivering and firing timers due on the way. */
    void advance(long nanos) {
        long end = now + nanos;
        for (int i = 0; i < 100_000; i++) {
            deliverAll();
            long dc = client.tcb.nextDeadline();
            long ds = server.tcb.nextDeadline();
            long d = dc == Tcb.NO_DEADLINE ? ds : ds == Tcb.NO_DEADLINE ? dc : Math.min(dc, ds);
            if (d == Tcb.NO_DEADLINE || d > end) {
                now = Math.max(now, end);
                return;
            }
            now = Math.max(now, d);
            apply(client, Event.TICK);
            apply(server, Event.TICK);
        }
        throw new AssertionError("time never advanced:\n" + tail());
    }

    /** When set, each application closes its side as soon as it has seen the peer's EOF. */
    boolean closeOnEof;

    /** Delivers and fires timers until nothing is in flight and no deadline is pending. */
    void runUntilQuiet() {
        for (int i = 0; i < 10_000; i++) {
            deliverAll();
            if (closeOnEof) {
                for (Side side : List.of(client, server)) {
                    if (side.eof && side.tcb.state() == TcpState.CLOSE_WAIT) {
                        apply(side, Event.CLOSE);
                    }
                }
                if (!toServer.isEmpty() || !toClient.isEmpty()) {
                    continue;
                }
            }
            long dc = client.tcb.nextDeadline();
            long ds = server.tcb.nextDeadline();
            long d = dc == Tcb.NO_DEADLINE ? ds : ds == Tcb.NO_DEADLINE ? dc : Math.min(dc, ds);
            if (d == Tcb.NO_DEADLINE) {
                return;
            }
            now = Math.max(now, d);
            apply(client, Event.TICK);
            apply(server, Event.TICK);
        }
        throw new AssertionError("never quiet:\n" + tail());
    }

    private void apply(Side side, Event e) {
        Step step = TcpEngine.step(side.tcb, e, now);
        boolean inputWasRst = e instanceof Event.Arrive && ((Event.Arrive) e).segment().has(TcpFlags.RST);
        for (Effect fx : step.effects()) {
            if (fx instanceof Effect.Transmit) {
                Segment s = ((Effect.Transmit) fx).segment();
                if (inputWasRst && ((Effect.Transmit) fx).why() != Effect.Why.CHALLENGE_ACK) {
                    throw new AssertionError(side.name + " answered a RST with " + s + "\n" + tail());
                }
                int n = sequence++;
                boolean lost = loss.test(n, s);
                log.add(String.format("%8.3f %s -> %s%s", now / 1e9, side.name, s, lost ? "  LOST" : ""));
                if (!lost) {
                    (side == client ? toServer : toClient).add(s);
                }
            } else if (fx instanceof Effect.StateChanged) {
                Effect.StateChanged c = (Effect.StateChanged) fx;
                log.add(String.format("%8.3f %s %s", now / 1e9, side.name, c));
                if (!c.from().canMoveTo(c.to())) {
                    throw new AssertionError(side.name + " made a transition not in RFC 9293's diagram: " + c + "\n" + tail());
                }
                if (c.to() == TcpState.TIME_WAIT) {
                    side.timeWaitEnteredAt = now;
                }
                if (c.from() == TcpState.TIME_WAIT && c.to() == TcpState.CLOSED
                        && step.tcb().closeReason() == CloseReason.NORMAL
                        && now - side.timeWaitEnteredAt < side.tcb.config().timeWaitNanos()) {
                    throw new AssertionError(side.name + " left TIME-WAIT early\n" + tail());
                }
                side.states.add(c.to());
            } else if (fx instanceof Effect.Closed) {
                if (++side.closedReports > 1) {
                    throw new AssertionError(side.name + " reported CLOSED twice\n" + tail());
                }
            } else if (fx instanceof Effect.Deliver) {
                Bytes b = ((Effect.Deliver) fx).data();
                side.received.append(b.utf8());
            } else if (fx instanceof Effect.PeerFinished) {
                side.eof = true;
            }
        }
        side.tcb = step.tcb();
        // The application reads everything at once, so windows stay open.
        if (side.tcb.unread() > 0) {
            Step read = TcpEngine.step(side.tcb, new Event.Consume(side.tcb.unread()), now);
            for (Effect fx : read.effects()) {
                if (fx instanceof Effect.Transmit) {
                    Segment s = ((Effect.Transmit) fx).segment();
                    int n = sequence++;
                    if (!loss.test(n, s)) {
                        (side == client ? toServer : toClient).add(s);
                    }
                }
            }
            side.tcb = read.tcb();
        }
    }

    String tail() {
        return String.join("\n", log.subList(Math.max(0, log.size() - 60), log.size()));
    }
}
