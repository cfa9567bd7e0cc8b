package io.tcpclose.sim.explore;

import static io.tcpclose.sim.explore.State.CLIENT;
import static io.tcpclose.sim.explore.State.SERVER;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Effect;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpApiException;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.engine.TcpState;
import io.tcpclose.sim.explore.Move.Kind;
import io.tcpclose.sim.explore.Script.Call;
import io.tcpclose.sim.explore.State.Flight;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transition system: which moves a state allows, the state each leads to, and the checks on
 * the way. Every step is the engine's own pure {@link TcpEngine#step}; the model adds only the
 * network, the applications and the clock. Thread-safe: stateless but for a cache of liveness
 * verdicts, which is concurrent.
 */
final class Model {
    static final int CLIENT_PORT = 40000;
    static final int SERVER_PORT = 80;
    static final int CLIENT_ISS = 1000;
    static final int SERVER_ISS = 5000;
    /** The attacker's sequence numbers, as offsets from the receiver's RCV.NXT; {@link #WINDOW} marks RCV.WND. */
    private static final int WINDOW = 1 << 30;
    static final int[] RST_OFFSETS = {-1, 0, 1, WINDOW - 1, WINDOW};
    private static final int ATTACK_SYN = 1 << 8;
    /** Data at RCV.NXT whose ACK field is a blind guess far below SND.UNA (RFC 5961 §5). */
    private static final int ATTACK_DATA = 1 << 9;

    /** A violation found on the way to a state. */
    static final class Broken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Broken(String message) {
            super(message, null, false, false);
        }
    }

    /** Hears what a transition does, to draw the path afterwards. */
    interface Recorder {
        void sent(long nanos, int side, Segment s, Effect.Why why);

        void state(long nanos, int side, TcpState to);

        void note(long nanos, String text);

        /** The network lost {@code s} on its way to {@code to}. */
        void lost(long nanos, int to, Segment s);

        /** What became of a flight: delivered, lost, duplicated or held back ({@code kind}), at {@code nanos}. */
        default void fate(long nanos, Kind kind, Flight f) {}
    }

    static final Recorder SILENT = new Recorder() {
        @Override
        public void sent(long nanos, int side, Segment s, Effect.Why why) {}

        @Override
        public void state(long nanos, int side, TcpState to) {}

        @Override
        public void note(long nanos, String text) {}

        @Override
        public void lost(long nanos, int to, Segment s) {}
    };

    final Explorer.Settings settings;
    final Script script;
    private final Map<Tcb, String> liveness = new ConcurrentHashMap<>();

    Model(Explorer.Settings settings) {
        this.settings = settings;
        this.script = settings.scenario.script;
        configs[CLIENT] = settings.scenario.adjust(settings.client);
        configs[SERVER] = settings.scenario.adjust(settings.server);
    }

    /** Each side's configuration, one object each: snapshots compare their configuration by identity. */
    private final TcpConfig[] configs = new TcpConfig[2];

    TcpConfig config(int side) {
        return configs[side];
    }

    /** The byte at {@code offset} of what {@code side}'s application sends in {@code incarnation}. */
    static byte content(int incarnation, int side, int offset) {
        return (byte) (offset * 7 + side * 101 + incarnation * 53 + 1);
    }

    // ------------------------------------------------------------------ the start

    State initial() {
        return initialDrawn(SILENT);
    }

    /** The start, its moves heard by {@code r}. */
    State initialDrawn(Recorder r) {
        State s = new State();
        s.losses = settings.losses;
        s.duplicates = settings.duplicates;
        s.delays = settings.delays;
        s.attacks = settings.attacks;
        open(s, r);
        return s.seal();
    }

    /** A new incarnation: the server listens, the client connects. */
    private void open(State s, Recorder r) {
        s.tcb[SERVER] = Tcb.create(config(SERVER), SERVER_PORT, 0);
        step(s, SERVER, new Event.Listen(SERVER_ISS), r, null);
        s.tcb[CLIENT] = Tcb.create(config(CLIENT), CLIENT_PORT, SERVER_PORT);
        step(s, CLIENT, new Event.Open(CLIENT_ISS), r, null);
    }

    // ------------------------------------------------------------------ moves

    List<Move> moves(State s) {
        List<Move> out = new ArrayList<>();
        Flight[] f = s.flights;
        long mustBy = Long.MAX_VALUE;
        for (int i = 0; i < f.length; i++) {
            mustBy = Math.min(mustBy, f[i].latest());
            if (i > 0 && f[i].equals(f[i - 1])) {
                continue; // identical copies: one move covers both
            }
            if (f[i].earliest() <= s.now && (!f[i].ordered() || settings.reorderNanos > 0 || first(f, i))) {
                out.add(new Move(Kind.DELIVER, f[i].to(), i, 0));
            }
            if (f[i].ordered()) {
                if (s.losses > 0) {
                    out.add(new Move(Kind.LOSE, f[i].to(), i, 0));
                }
                if (s.duplicates > 0) {
                    out.add(new Move(Kind.DUPLICATE, f[i].to(), i, 0));
                }
                if (s.delays > 0) {
                    out.add(new Move(Kind.DELAY, f[i].to(), i, 0));
                }
            }
        }
        boolean timersDue = false;
        long next = mustBy;
        for (int side = 0; side < 2; side++) {
            Tcb t = s.tcb[side];
            if (t == null) {
                continue;
            }
            if (t.hasDeadline()) {
                if (t.nextDeadline() <= s.now) {
                    timersDue = true;
                    out.add(new Move(Kind.TIMERS, side, -1, 0));
                } else {
                    next = Math.min(next, t.nextDeadline());
                }
            }
            if (enabled(s, side) != null) {
                out.add(new Move(Kind.CALL, side, -1, 0));
            }
            if (s.attacks > 0 && s.open(side) && t.state().isSynchronized()) {
                for (int k = 0; k < RST_OFFSETS.length; k++) {
                    out.add(new Move(Kind.ATTACK, side, -1, k));
                }
                out.add(new Move(Kind.ATTACK, side, -1, ATTACK_SYN));
                out.add(new Move(Kind.ATTACK, side, -1, ATTACK_DATA));
            }
        }
        for (Flight x : f) {
            if (x.earliest() > s.now) {
                next = Math.min(next, x.earliest());
            }
        }
        boolean appsWaiting = !settings.lazyApps && out.stream().anyMatch(m -> m.kind() == Kind.CALL);
        if (!timersDue && !appsWaiting && next > s.now && next != Long.MAX_VALUE) {
            out.add(new Move(Kind.TIME, -1, -1, 0));
        }
        if (s.incarnation + 1 < settings.incarnations && s.tcb[CLIENT] != null && s.tcb[SERVER] != null
                && !s.open(CLIENT) && !s.open(SERVER)) {
            out.add(new Move(Kind.RECONNECT, -1, -1, 0));
        }
        return out;
    }

    /** Whether no ordered flight to the same side was sent before {@code f[i]} (the sort puts those first). */
    private static boolean first(Flight[] f, int i) {
        for (int j = 0; j < i; j++) {
            if (f[j].to() == f[i].to() && f[j].ordered()) {
                return false;
            }
        }
        return true;
    }

    /** The latest a held-back segment may arrive: it lives at most MSL. */
    private long held(Flight f) {
        return f.earliest() - settings.latencyNanos + settings.networkMslNanos;
    }

    /** The side's next call if its guard holds now, else null. */
    Call enabled(State s, int side) {
        List<Call> calls = side == CLIENT ? script.client() : script.server();
        Tcb t = s.tcb[side];
        if (t == null || s.pc[side] >= calls.size()) {
            return null;
        }
        Call c = calls.get(s.pc[side]);
        boolean ok = c.guard().holds(t.state().isSynchronized(), s.peerFinished[side], s.delivered[side],
                Script.bytes(side == CLIENT ? script.server() : script.client()));
        return ok ? c : null;
    }

    /**
     * The state {@code m} leads to from {@code s}, sealed.
     *
     * @throws Broken when the transition breaks a rule (the message says which)
     */
    State apply(State s, Move m, Recorder r) {
        State n = s.copy();
        if (m.index() >= 0) {
            r.fate(s.now, m.kind(), s.flights[m.index()]);
        }
        switch (m.kind()) {
            case DELIVER: {
                Flight f = s.flights[m.index()];
                n.removeFlight(m.index());
                deliver(n, f, r);
                break;
            }
            case LOSE: {
                Flight f = s.flights[m.index()];
                n.removeFlight(m.index());
                n.losses--;
                r.lost(s.now, f.to(), f.segment());
                break;
            }
            case DUPLICATE: {
                Flight f = s.flights[m.index()];
                n.duplicates--;
                n.addFlight(new Flight(f.to(), f.segment(), f.earliest(), held(f), 0, false, f.incarnation()));
                r.note(s.now, "network duplicates " + io.tcpclose.ladder.LadderRenderer.label(f.segment())
                        + " to " + name(f.to()) + "; the copy may arrive within MSL");
                break;
            }
            case DELAY: {
                Flight f = s.flights[m.index()];
                n.removeFlight(m.index());
                n.delays--;
                n.addFlight(new Flight(f.to(), f.segment(), f.earliest(), held(f), 0, false, f.incarnation()));
                r.note(s.now, "network holds back " + io.tcpclose.ladder.LadderRenderer.label(f.segment())
                        + " to " + name(f.to()) + " (up to MSL)");
                break;
            }
            case CALL:
                call(n, m.side(), r);
                break;
            case TIMERS:
                step(n, m.side(), Event.TICK, r, null);
                break;
            case TIME:
                n.now = nextMoment(s);
                break;
            case ATTACK:
                attack(n, m.side(), m.arg(), r);
                break;
            case RECONNECT:
                n.incarnation++;
                for (int side = 0; side < 2; side++) {
                    n.pc[side] = 0;
                    n.sent[side] = 0;
                    n.delivered[side] = 0;
                    n.peerFinished[side] = false;
                    n.closes[side] = 0;
                    n.reason[side] = null;
                }
                n.attacked = false;
                r.note(s.now, "the client connects again on the same 4-tuple, with the same ISS (incarnation "
                        + (n.incarnation + 1) + ")");
                open(n, r);
                break;
            default:
                throw new AssertionError(m);
        }
        return n.seal();
    }

    private long nextMoment(State s) {
        long next = Long.MAX_VALUE;
        for (Flight f : s.flights) {
            next = Math.min(next, f.latest());
            if (f.earliest() > s.now) {
                next = Math.min(next, f.earliest());
            }
        }
        for (Tcb t : s.tcb) {
            if (t != null && t.hasDeadline()) {
                next = Math.min(next, t.nextDeadline());
            }
        }
        return next;
    }

    private void deliver(State n, Flight f, Recorder r) {
        int to = f.to();
        Tcb t = n.tcb[to];
        if (t == null) {
            r.note(n.now, LadderLabel.of(f) + " reaches the crashed " + name(to) + ": nothing answers");
            return;
        }
        if (f.incarnation() != n.incarnation) {
            r.note(n.now, "an old duplicate from incarnation " + (f.incarnation() + 1) + " arrives: "
                    + LadderLabel.of(f));
        }
        step(n, to, new Event.Arrive(f.segment(), false), r, f.segment());
    }

    private void call(State n, int side, Recorder r) {
        Call c = enabled(n, side);
        n.pc[side]++;
        Event e;
        switch (c.kind()) {
            case SEND: {
                byte[] b = new byte[c.bytes()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = content(n.incarnation, side, n.sent[side] + i);
                }
                e = new Event.Send(Bytes.copyOf(b));
                break;
            }
            case SHUTDOWN_OUTPUT:
                e = Event.SHUTDOWN_OUTPUT;
                break;
            case CLOSE:
                e = Event.CLOSE;
                break;
            case ABORT:
                e = Event.ABORT;
                break;
            default: // CRASH
                r.note(n.now, name(side) + "'s host crashes");
                n.tcb[side] = null;
                return;
        }
        r.note(n.now, name(side) + " app: " + c);
        try {
            step(n, side, e, r, null);
        } catch (TcpApiException refused) {
            // The connection is gone (a reset, a timeout): the call fails and the application stops.
            r.note(n.now, name(side) + " app: " + c + " fails (" + refused.getMessage() + "); it stops");
            n.pc[side] = Integer.MAX_VALUE / 2;
            return;
        }
        if (c.kind() == Script.Kind.SEND) {
            n.sent[side] += c.bytes();
        }
    }

    private void attack(State n, int side, int arg, Recorder r) {
        Tcb t = n.tcb[side];
        n.attacks--;
        n.attacked = true;
        Segment forged;
        if (arg == ATTACK_SYN) {
            forged = new Segment(t.remotePort(), t.localPort(), t.rcvNxt() + 1, 0, TcpFlags.SYN, 65535, TcpOptions.NONE,
                    Bytes.EMPTY);
        } else if (arg == ATTACK_DATA) {
            // The delivered-bytes check catches it if taken: the byte is nobody's.
            forged = new Segment(t.remotePort(), t.localPort(), t.rcvNxt(), t.sndUna() - (1 << 30),
                    TcpFlags.ACK | TcpFlags.PSH, 65535, TcpOptions.NONE, Bytes.copyOf(new byte[] {(byte) 0xEE}));
        } else {
            int off = RST_OFFSETS[arg] >= WINDOW - 1 ? t.rcvWnd() + RST_OFFSETS[arg] - WINDOW : RST_OFFSETS[arg];
            forged = new Segment(t.remotePort(), t.localPort(), t.rcvNxt() + off, 0, TcpFlags.RST, 0, TcpOptions.NONE,
                    Bytes.EMPTY);
        }
        r.note(n.now, "an off-path attacker injects " + io.tcpclose.ladder.LadderRenderer.label(forged) + " at " + name(side)
                + " (RCV.NXT " + Integer.toUnsignedString(t.rcvNxt()) + ", RCV.WND " + t.rcvWnd() + ")");
        Step st = stepOrBreak(n, side, new Event.Arrive(forged, false));
        boolean blind = forged.has(TcpFlags.RST) && forged.seq() != t.rcvNxt();
        absorb(n, side, st, r, forged);
        if (blind && n.reason[side] == CloseReason.RESET_BY_PEER && n.closes[side] == 1 && !n.open(side)) {
            throw new Broken("a blind RST at RCV.NXT" + signed(forged.seq() - t.rcvNxt()) + " reset " + name(side)
                    + "'s connection: only RCV.NXT exactly may (RFC 5961 §3.2)");
        }
    }

    private static String signed(int d) {
        return d >= 0 ? "+" + d : String.valueOf(d);
    }

    static String name(int side) {
        return side == CLIENT ? "client" : "server";
    }

    // ------------------------------------------------------------------ one engine step and its effects

    private void step(State n, int side, Event e, Recorder r, Segment arriving) {
        absorb(n, side, stepOrBreak(n, side, e), r, arriving);
    }

    private static Step stepOrBreak(State n, int side, Event e) {
        try {
            return TcpEngine.step(n.tcb[side], e, n.now);
        } catch (TcpApiException refused) {
            throw refused; // an application call the state does not allow: the caller decides
        } catch (IllegalStateException | IllegalArgumentException bad) {
            throw new Broken(name(side) + "'s engine refused " + e + ": " + bad.getMessage());
        }
    }

    private void absorb(State n, int side, Step st, Recorder r, Segment arriving) {
        n.tcb[side] = st.tcb();
        boolean rstIn = arriving != null && arriving.has(TcpFlags.RST);
        int read = 0;
        for (Effect e : st.effects()) {
            if (e instanceof Effect.Transmit) {
                Effect.Transmit t = (Effect.Transmit) e;
                if (rstIn && t.why() != Effect.Why.CHALLENGE_ACK) {
                    throw new Broken(name(side) + " answered a RST with " + io.tcpclose.ladder.LadderRenderer.label(t.segment())
                            + " (" + t.why() + "): a RST is never answered but by a challenge ACK (RFC 9293 §3.10.7, RFC 5961 §3.2)");
                }
                long at = n.now + settings.latencyNanos;
                int rank = 0;
                for (Flight f : n.flights) {
                    if (f.to() == 1 - side && f.ordered() && f.earliest() == at) {
                        rank++;
                    }
                }
                n.addFlight(new Flight(1 - side, t.segment(), at, at + settings.reorderNanos, rank, true, n.incarnation));
                r.sent(n.now, side, t.segment(), t.why());
            } else if (e instanceof Effect.Deliver) {
                Bytes d = ((Effect.Deliver) e).data();
                if (n.peerFinished[side]) {
                    throw new Broken(name(side) + " was handed " + d.length() + " bytes after the peer's FIN");
                }
                int peer = 1 - side;
                for (int i = 0; i < d.length(); i++) {
                    int offset = n.delivered[side] + i;
                    if (offset >= n.sent[peer] || d.get(i) != content(n.incarnation, peer, offset)) {
                        throw new Broken(name(side) + " was handed a byte at offset " + offset + " that " + name(peer)
                                + " never sent there" + (offset >= n.sent[peer] ? " (it sent " + n.sent[peer] + ")" : "")
                                + ": bytes delivered must be a prefix of the bytes sent, in order, none twice");
                    }
                }
                n.delivered[side] += d.length();
                read += d.length();
            } else if (e instanceof Effect.PeerFinished) {
                n.peerFinished[side] = true;
            } else if (e instanceof Effect.StateChanged) {
                Effect.StateChanged c = (Effect.StateChanged) e;
                if (!c.from().canMoveTo(c.to())) {
                    throw new Broken(name(side) + " moved " + c.from() + " -> " + c.to()
                            + ": not an edge of RFC 9293's state diagram (§3.3.2)");
                }
                r.state(n.now, side, c.to());
            } else if (e instanceof Effect.Closed) {
                n.closes[side]++;
                n.reason[side] = ((Effect.Closed) e).reason();
                if (n.closes[side] > 1) {
                    throw new Broken(name(side) + " heard onClosed twice (" + n.reason[side] + ")");
                }
            }
        }
        if (read > 0 && n.tcb[side].state() != TcpState.CLOSED) {
            // The application reads everything at once; the read may reopen the window.
            absorb(n, side, stepOrBreak(n, side, new Event.Consume(read)), r, null);
        }
    }

    // ------------------------------------------------------------------ checks on a state

    /** The first rule {@code s} breaks, or null. */
    String check(State s) {
        for (int side = 0; side < 2; side++) {
            Tcb t = s.tcb[side];
            if (t == null) {
                continue;
            }
            String stuck = liveness.computeIfAbsent(t, Model::timersAlone);
            if (!stuck.isEmpty()) {
                return name(side) + " " + stuck;
            }
        }
        if (s.tcb[CLIENT] != null && s.tcb[SERVER] != null && !s.open(CLIENT) && !s.open(SERVER) && !s.attacked
                && Script.graceful(script.client()) && Script.graceful(script.server())
                && s.pc[CLIENT] == script.client().size() && s.pc[SERVER] == script.server().size()) {
            int toServer = Script.bytes(script.client());
            int toClient = Script.bytes(script.server());
            if (s.reason[CLIENT] != CloseReason.NORMAL || s.reason[SERVER] != CloseReason.NORMAL
                    || s.delivered[SERVER] != toServer || s.delivered[CLIENT] != toClient) {
                return "a close both applications asked for, undisturbed but for the network's faults, ended "
                        + s.reason[CLIENT] + " at the client (" + s.delivered[CLIENT] + " of " + toClient + " bytes read) and "
                        + s.reason[SERVER] + " at the server (" + s.delivered[SERVER] + " of " + toServer
                        + " bytes read): TCP must mask loss, duplication and reordering (RFC 9293 §3.5, §3.6)";
            }
        }
        for (Explorer.Invariant inv : settings.invariants) {
            if (!inv.test(new ExploredState(s))) {
                return "the invariant \"" + inv.name() + "\" does not hold";
            }
        }
        return null;
    }

    /**
     * Liveness, one side at a time: with no segment arriving and no call made, do its timers alone
     * bring it to CLOSED? Empty when they do, or when it rests where RFC 9293 lets a connection
     * live for ever; otherwise where it got stuck.
     */
    private static String timersAlone(Tcb start) {
        Tcb t = start;
        for (int i = 0; i < 10_000; i++) {
            if (t.state() == TcpState.CLOSED) {
                return "";
            }
            if (!t.hasDeadline()) {
                TcpState st = t.state();
                // RFC 9293 lets these live: an open connection with keep-alive off, one half-closed
                // by its application, and an orphan in FIN-WAIT-2 where the configuration keeps
                // no FIN-WAIT-2 timeout (RFC 9293 has none; Linux's tcp_fin_timeout adds one).
                boolean mayLive = st == TcpState.LISTEN || st == TcpState.ESTABLISHED || st == TcpState.CLOSE_WAIT
                        || st == TcpState.FIN_WAIT_2 && (!t.appClosed() || t.config().orphanFinWait2TimeoutNanos() == TcpConfig.NONE);
                return mayLive ? "" : "is stuck in " + st + " with no timer armed: with no further segment it never closes";
            }
            t = TcpEngine.step(t, Event.TICK, t.nextDeadline()).tcb();
        }
        return "never stops arming timers in " + t.state();
    }

    /** A ladder label for a flight. */
    static final class LadderLabel {
        private LadderLabel() {}

        static String of(Flight f) {
            return io.tcpclose.ladder.LadderRenderer.label(f.segment()) + " to " + name(f.to());
        }
    }
}
