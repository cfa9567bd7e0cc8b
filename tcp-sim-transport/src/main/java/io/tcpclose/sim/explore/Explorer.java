package io.tcpclose.sim.explore;

import io.tcpclose.engine.Effect;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.ladder.LadderRenderer;
import io.tcpclose.wire.Segment;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Explores every interleaving of two endpoints, their applications and a faulty network within a
 * bound, breadth first, and checks each transition and each state: the engine's own pure step is
 * the model of each endpoint, so what is proved is proved of this code, not of a description of
 * it.
 *
 * <p>The model: the client connects to the server and both applications follow the scenario's
 * script ({@link ExploreScenario}), each call taken at any moment its guard allows. Each segment
 * arrives {@code latency} after it was sent, or up to {@code reorder} later in any order; within
 * the budgets the network loses one, duplicates one (the copy may arrive any time within MSL) or
 * holds one back (up to MSL); an off-path attacker injects RSTs below, at, just inside, at the
 * right edge of and beyond the receiver's window, a SYN inside it, or a byte of data at its left
 * edge whose ACK field is a blind guess far below SND.UNA (RFC 5961 §5). Time moves from one moment
 * at which something can happen to the next: a timer's deadline, a segment's earliest or latest
 * arrival. What this abstraction misses: an arrival between two such moments (the engine would
 * see another clock reading, so another RTT sample or deadline); segments are never corrupted
 * (the checksum's business), the applications read at once, and a host that crashed never
 * reboots.
 *
 * <p>The checks, on every transition: each state change an edge of RFC 9293's diagram; the bytes
 * delivered to each application a prefix of what the other sent, in order, none twice, none after
 * the peer's FIN; a RST answered only by a challenge ACK; {@code onClosed} at most once; a blind
 * RST (not exactly at RCV.NXT) never resets. On every state: from here, timers alone bring each
 * side to CLOSED unless it rests where RFC 9293 lets a connection live (LISTEN, ESTABLISHED,
 * CLOSE-WAIT, FIN-WAIT-2 before the application closed or under a configuration without a
 * FIN-WAIT-2 timeout, as RFC 9293 itself has none; each with no timer armed); a close both
 * applications asked for, with no attacker, ends NORMAL on both sides with every byte read; and
 * the user's invariants. The first violation found is on a shortest path, and {@link Violation}
 * draws it as a ladder.
 *
 * <p>Not thread-safe: one {@link #run()} at a time; the run itself uses {@code threads} workers.
 */
public final class Explorer {
    /**
     * A user's own rule over every explored state.
     *
     * @param name  a name for reports
     * @param check true where the rule holds; may be called from several threads at once
     */
    public record Invariant(String name, Predicate<ExploredState> check) {
        /**
         * Checks the arguments.
         *
         * @param name  a name for reports
         * @param check the rule
         */
        public Invariant {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(check, "check");
        }

        boolean test(ExploredState s) {
            return check.test(s);
        }
    }

    /**
     * What the run found.
     *
     * @param states      the distinct states explored
     * @param transitions the transitions taken, to new states or not
     * @param depth       the longest path, in moves, when the run ended
     * @param nanos       how long it took
     * @param complete    whether every state within the bounds was explored (false: stopped at maxStates)
     * @param violation   the first rule broken, on a shortest path, if any
     * @param lossy       whether states were remembered as bits ({@link Builder#bitstate}), so a
     *                    few may have been taken for seen ones and left unexplored
     */
    public record Result(long states, long transitions, int depth, long nanos, boolean complete,
                         Optional<Violation> violation, boolean lossy) {
        /** {@return distinct states per second, over the run} */
        public double statesPerSecond() {
            return nanos == 0 ? 0 : states * 1e9 / nanos;
        }
    }

    /** The settings a run uses; the builder's product. */
    static final class Settings {
        ExploreScenario scenario = ExploreScenario.NORMAL_CLOSE;
        TcpConfig client = TcpConfig.DEFAULTS;
        TcpConfig server = TcpConfig.DEFAULTS;
        int losses;
        int duplicates;
        int delays;
        int attacks;
        int incarnations = 1;
        boolean lazyApps;
        long latencyNanos = Duration.ofMillis(10).toNanos();
        long reorderNanos;
        long networkMslNanos = -1;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        long maxStates = 20_000_000;
        int bitstate;
        PrintStream progress;
        final List<Invariant> invariants = new ArrayList<>();
    }

    private final Settings settings;
    /** The transition system of the current run; a fresh one each run, so no run profits from another's caches. */
    private Model model;

    private Explorer(Settings settings) {
        this.settings = settings;
        this.model = new Model(settings);
    }

    /**
     * A builder for a scenario.
     *
     * @param scenario what the applications do
     * @return the builder, with no faults, one incarnation and the default configuration
     */
    public static Builder builder(ExploreScenario scenario) {
        return new Builder(Objects.requireNonNull(scenario, "scenario"));
    }

    /** Sets up a run. Not thread-safe. */
    public static final class Builder {
        private final Settings s = new Settings();
        private boolean reorder;

        private Builder(ExploreScenario scenario) {
            s.scenario = scenario;
        }

        /**
         * Both sides' configuration.
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(TcpConfig config) {
            s.client = Objects.requireNonNull(config, "config");
            s.server = config;
            return this;
        }

        /**
         * The server's configuration alone (after {@link #config}, which sets both).
         *
         * @param config the server's configuration
         * @return this builder
         */
        public Builder serverConfig(TcpConfig config) {
            s.server = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * How many segments the network may lose in all.
         *
         * @param n 0 or more
         * @return this builder
         */
        public Builder losses(int n) {
            s.losses = budget("losses", n);
            return this;
        }

        /**
         * How many segments the network may duplicate in all.
         *
         * @param n 0 or more
         * @return this builder
         */
        public Builder duplicates(int n) {
            s.duplicates = budget("duplicates", n);
            return this;
        }

        /**
         * How many segments the network may hold back, up to MSL each.
         *
         * @param n 0 or more
         * @return this builder
         */
        public Builder delays(int n) {
            s.delays = budget("delays", n);
            return this;
        }

        /**
         * Whether segments sent close together may arrive in any order: each may arrive up to one
         * latency late.
         *
         * @param on true to reorder
         * @return this builder
         */
        public Builder reorder(boolean on) {
            reorder = on;
            return this;
        }

        /**
         * How many segments an off-path attacker may inject in all.
         *
         * @param n 0 or more
         * @return this builder
         */
        public Builder attacks(int n) {
            s.attacks = budget("attacks", n);
            return this;
        }

        /**
         * How many connections on the same 4-tuple, one after the other: 2 lets the first's old
         * duplicates meet the second.
         *
         * @param n 1 or 2 (or more)
         * @return this builder
         */
        public Builder incarnations(int n) {
            if (n < 1 || n > 8) {
                throw new IllegalArgumentException("incarnations must lie in 1..8: " + n);
            }
            s.incarnations = n;
            return this;
        }

        /**
         * Whether an application may put off a call it could make for as long as it likes, past
         * timers firing. By default applications are prompt: each call happens at the moment its
         * guard comes true, in any order with whatever else happens at that moment. A lazy
         * application can leave its peer orphaned in FIN-WAIT-2 past the FIN-WAIT-2 timeout, so
         * that its own FIN, when it comes, is answered with a RST — a finding the explorer then
         * reports, and which is the timeout's purpose (Linux's {@code tcp_fin_timeout}; RFC 9293
         * has no such timer).
         *
         * @param on true for lazy applications
         * @return this builder
         */
        public Builder lazyApplications(boolean on) {
            s.lazyApps = on;
            return this;
        }

        /**
         * The one-way delay of every segment.
         *
         * @param d more than zero
         * @return this builder
         */
        public Builder latency(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("latency must be more than zero: " + d);
            }
            s.latencyNanos = d.toNanos();
            return this;
        }

        /**
         * How long a segment can live in the network (held back or duplicated); by default the
         * client's configured MSL, so that the configuration's TIME-WAIT (2×MSL) is what guards
         * against it. Set it apart from the configuration to model a network whose MSL the
         * endpoints underestimate.
         *
         * @param msl more than zero
         * @return this builder
         */
        public Builder networkMsl(Duration msl) {
            if (msl.isNegative() || msl.isZero()) {
                throw new IllegalArgumentException("the network's MSL must be more than zero: " + msl);
            }
            s.networkMslNanos = msl.toNanos();
            return this;
        }

        /**
         * Adds a rule every state must keep.
         *
         * @param name  a name for reports
         * @param check true where the rule holds; may be called from several threads at once
         * @return this builder
         */
        public Builder invariant(String name, Predicate<ExploredState> check) {
            s.invariants.add(new Invariant(name, check));
            return this;
        }

        /**
         * How many worker threads expand states.
         *
         * @param n 1 or more
         * @return this builder
         */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be 1 or more: " + n);
            }
            s.threads = n;
            return this;
        }

        /**
         * Stops the run, incomplete, once this many distinct states are kept.
         *
         * @param n 1 or more
         * @return this builder
         */
        public Builder maxStates(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxStates must be 1 or more: " + n);
            }
            s.maxStates = n;
            return this;
        }

        /**
         * Bounded memory: remember states as three bits each in a table of {@code 2^log2Bits} bits
         * instead of keeping them (Spin's bitstate hashing). A state whose bits are all set already
         * is taken as seen, so a rare new state may go unexplored: a clean result then proves
         * less than in the exact mode, and says so ({@link Result#complete()} stays true, and
         * {@link Result#lossy()} is true).
         *
         * @param log2Bits 20..36, for 128 KiB to 8 GiB of bits; 0 for the exact mode (the default)
         * @return this builder
         */
        public Builder bitstate(int log2Bits) {
            if (log2Bits != 0 && (log2Bits < 20 || log2Bits > 36)) {
                throw new IllegalArgumentException("bitstate takes 0 or 20..36 (log2 of the bits), not " + log2Bits);
            }
            s.bitstate = log2Bits;
            return this;
        }

        /**
         * Where to print progress (states, depth, queue, states/s) about once a second; none by default.
         *
         * @param out the stream, or null for none
         * @return this builder
         */
        public Builder progress(PrintStream out) {
            s.progress = out;
            return this;
        }

        /** {@return the explorer} */
        public Explorer build() {
            if (s.networkMslNanos < 0) {
                s.networkMslNanos = Math.max(s.client.mslNanos(), s.latencyNanos);
            }
            s.reorderNanos = reorder ? s.latencyNanos : 0;
            Settings copy = new Settings();
            copy.scenario = s.scenario;
            copy.client = s.client;
            copy.server = s.server;
            copy.losses = s.losses;
            copy.duplicates = s.duplicates;
            copy.delays = s.delays;
            copy.attacks = s.attacks;
            copy.incarnations = s.incarnations;
            copy.lazyApps = s.lazyApps;
            copy.latencyNanos = s.latencyNanos;
            copy.reorderNanos = s.reorderNanos;
            copy.networkMslNanos = s.networkMslNanos;
            copy.threads = s.threads;
            copy.maxStates = s.maxStates;
            copy.bitstate = s.bitstate;
            copy.progress = s.progress;
            copy.invariants.addAll(s.invariants);
            return new Explorer(copy);
        }

        private static int budget(String what, int n) {
            if (n < 0 || n > 16) {
                throw new IllegalArgumentException(what + " must lie in 0..16: " + n);
            }
            return n;
        }
    }

    /** A state kept on the frontier, with the way back to the start. */
    private record Node(State state, Node parent, Move move) {}

    /** A successor of a node: its state, or the rule the move broke. */
    private record Child(Move move, State state, String broken) {}

    /**
     * Explores until every state within the bounds is seen, a rule is broken, or {@code maxStates}
     * is reached.
     *
     * @return what was found
     */
    public Result run() {
        long start = System.nanoTime();
        model = new Model(settings);
        ForkJoinPool pool = new ForkJoinPool(settings.threads);
        try {
            return explore(pool, start);
        } finally {
            pool.shutdown();
        }
    }

    private Result explore(ForkJoinPool pool, long start) {
        Visited seen = settings.bitstate == 0 ? Visited.exact() : Visited.bits(settings.bitstate);
        State init = model.initial();
        seen.add(init);
        Node root = new Node(init, null, null);
        String bad = model.check(init);
        if (bad != null) {
            return done(start, seen.size(), 0, 0, true, violation(root, null, bad));
        }
        List<Node> frontier = List.of(root);
        long transitions = 0;
        int depth = 0;
        long lastReport = start;
        while (!frontier.isEmpty()) {
            List<Node> level = frontier;
            List<List<Child>> children = inPool(pool, () -> IntStream.range(0, level.size()).parallel()
                    .mapToObj(i -> expand(level.get(i).state())).toList());
            List<Node> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i++) {
                for (Child c : children.get(i)) {
                    transitions++;
                    if (c.broken() != null) {
                        return done(start, seen.size(), transitions, depth + 1, true, violation(level.get(i), c.move(), c.broken()));
                    }
                    if (seen.add(c.state())) {
                        next.add(new Node(c.state(), level.get(i), c.move()));
                    }
                }
            }
            depth++;
            List<Node> fresh = next;
            List<String> verdicts = inPool(pool, () -> fresh.parallelStream().map(n -> model.check(n.state())).toList());
            for (int i = 0; i < fresh.size(); i++) {
                if (verdicts.get(i) != null) {
                    return done(start, seen.size(), transitions, depth, true, violation(fresh.get(i), null, verdicts.get(i)));
                }
            }
            if (seen.size() >= settings.maxStates) {
                return done(start, seen.size(), transitions, depth, false, Optional.empty());
            }
            long now = System.nanoTime();
            if (settings.progress != null && now - lastReport >= 1_000_000_000L) {
                lastReport = now;
                settings.progress.printf("  %,d states, depth %d, queue %,d, %,.0f states/s%n", seen.size(), depth,
                        fresh.size(), seen.size() * 1e9 / (now - start));
            }
            frontier = fresh;
        }
        return done(start, seen.size(), transitions, depth, true, Optional.empty());
    }

    private static <T> T inPool(ForkJoinPool pool, java.util.concurrent.Callable<T> work) {
        try {
            return pool.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IllegalStateException(c);
        }
    }

    private List<Child> expand(State s) {
        List<Move> moves = model.moves(s);
        List<Child> out = new ArrayList<>(moves.size());
        for (Move m : moves) {
            try {
                out.add(new Child(m, model.apply(s, m, Model.SILENT), null));
            } catch (Model.Broken b) {
                out.add(new Child(m, null, b.getMessage()));
            }
        }
        return out;
    }


    private Result done(long start, long states, long transitions, int depth, boolean complete,
                               Optional<Violation> v) {
        return new Result(states, transitions, depth, System.nanoTime() - start, complete, v, settings.bitstate != 0);
    }

    /** The path to {@code last} (and the breaking move after it, if any), drawn. */
    private Optional<Violation> violation(Node last, Move breaking, String message) {
        List<Node> path = new ArrayList<>();
        for (Node n = last; n != null; n = n.parent()) {
            path.add(0, n);
        }
        // Drawn in two passes: the replay lists what happened; a lost segment's arrow is then
        // crossed out where it was sent.
        record Drawn(long nanos, int side, Segment seg, Effect.Why why, TcpState state, String text, String[] fate) {}
        List<Drawn> drawn = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        PathFaults faults = new PathFaults(settings.latencyNanos);
        Model.Recorder r = new Model.Recorder() {
            @Override
            public void sent(long nanos, int side, Segment s, Effect.Why why) {
                drawn.add(new Drawn(nanos, side, s, why, null, null, new String[1]));
                faults.sent(nanos, side, s);
            }

            @Override
            public void fate(long nanos, Move.Kind kind, State.Flight f) {
                faults.fate(nanos, kind, f);
            }

            @Override
            public void state(long nanos, int side, TcpState to) {
                drawn.add(new Drawn(nanos, side, null, null, to, null, null));
            }

            @Override
            public void note(long nanos, String text) {
                drawn.add(new Drawn(nanos, -1, null, null, null, text, null));
                steps.add(String.format("%8.3f s  %s", nanos / 1e9, text));
            }

            @Override
            public void lost(long nanos, int to, Segment s) {
                for (int i = drawn.size() - 1; i >= 0; i--) {
                    Drawn d = drawn.get(i);
                    if (d.seg() != null && d.side() == 1 - to && d.seg().equals(s) && d.fate()[0] == null) {
                        d.fate()[0] = "lost";
                        break;
                    }
                }
                steps.add(String.format("%8.3f s  the network loses %s to the %s", nanos / 1e9, LadderRenderer.label(s),
                        Model.name(to)));
            }
        };
        // Replays the path with a recorder: the same moves give the same states.
        State s = model.initialDrawn(r);
        for (int i = 1; i < path.size(); i++) {
            s = model.apply(s, path.get(i).move(), r);
        }
        if (breaking != null) {
            try {
                model.apply(s, breaking, r);
            } catch (Model.Broken expected) {
                // the violation itself: drawn up to the point it broke
            }
        }
        LadderRenderer ladder = new LadderRenderer("client", "server");
        for (Drawn d : drawn) {
            if (d.seg() != null) {
                ladder.segment(d.nanos(), d.side() == State.CLIENT, d.seg(), d.fate()[0],
                        d.why() == Effect.Why.SEND ? null : d.why().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            } else if (d.state() != null) {
                ladder.state(d.nanos(), d.side() == State.CLIENT, d.state());
            } else {
                ladder.note(d.nanos(), d.text());
            }
        }
        ladder.note(s.now, "VIOLATION: " + message);
        int depth = path.size() - 1 + (breaking != null ? 1 : 0);
        return Optional.of(new Violation(message, depth, ladder.render(), steps, ladder, faults.plan(), model));
    }
}
