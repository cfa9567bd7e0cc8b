package io.tcpclose.sim.explore;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Tcb;
import io.tcpclose.wire.Segment;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * One state of the explored system: both endpoints' snapshots, the segments in flight, each
 * application's place in its script, what each has sent and read, the clock and the fault budget
 * left. Built by copying a parent and changing it ({@link #copy}), then {@link #seal sealed}: from
 * then on immutable, compared and hashed by value (the flights as a multiset), so two paths that
 * reach the same situation meet. Thread-safe once sealed.
 */
final class State {
    static final int CLIENT = 0;
    static final int SERVER = 1;

    /**
     * One segment in the network: to which side, the window in which it may arrive, and its rank
     * among the segments sent to that side at the same moment. An ordered flight keeps its place
     * behind those sent before it (a link is first in, first out); one held back or duplicated
     * ({@code ordered} false) may overtake and be overtaken.
     */
    record Flight(int to, Segment segment, long earliest, long latest, int rank, boolean ordered, int incarnation) {}

    private static final Flight[] NONE = new Flight[0];
    private static final Comparator<Flight> ORDER = Comparator.comparingInt(Flight::to)
            .thenComparingLong(Flight::earliest).thenComparingInt(Flight::rank).thenComparingLong(Flight::latest)
            .thenComparingInt(f -> f.segment().seq()).thenComparingInt(f -> f.segment().ack())
            .thenComparingInt(f -> f.segment().flags()).thenComparingInt(f -> f.segment().payload().length())
            .thenComparingInt(f -> f.segment().window()).thenComparingInt(Flight::incarnation)
            .thenComparing(Flight::ordered).thenComparingInt(f -> f.segment().hashCode());

    /** Each side's snapshot; null once its host has crashed. */
    final Tcb[] tcb = new Tcb[2];
    /** Each side's next call in its script. */
    final int[] pc = new int[2];
    /** Bytes each application has handed to send, and bytes delivered to it. */
    final int[] sent = new int[2];
    final int[] delivered = new int[2];
    /** Whether each side has read end of stream, and how often it heard {@code onClosed}. */
    final boolean[] peerFinished = new boolean[2];
    final int[] closes = new int[2];
    final CloseReason[] reason = new CloseReason[2];
    Flight[] flights = NONE;
    long now;
    int losses;
    int duplicates;
    int delays;
    int attacks;
    int incarnation;
    /** Whether an off-path segment has been injected this incarnation: a disturbed close need not be clean. */
    boolean attacked;
    private int hash;
    private boolean sealed;

    State copy() {
        State s = new State();
        System.arraycopy(tcb, 0, s.tcb, 0, 2);
        System.arraycopy(pc, 0, s.pc, 0, 2);
        System.arraycopy(sent, 0, s.sent, 0, 2);
        System.arraycopy(delivered, 0, s.delivered, 0, 2);
        System.arraycopy(peerFinished, 0, s.peerFinished, 0, 2);
        System.arraycopy(closes, 0, s.closes, 0, 2);
        System.arraycopy(reason, 0, s.reason, 0, 2);
        s.flights = flights;
        s.now = now;
        s.losses = losses;
        s.duplicates = duplicates;
        s.delays = delays;
        s.attacks = attacks;
        s.incarnation = incarnation;
        s.attacked = attacked;
        return s;
    }

    void addFlight(Flight f) {
        Flight[] n = Arrays.copyOf(flights, flights.length + 1);
        n[flights.length] = f;
        flights = n;
    }

    void removeFlight(int i) {
        Flight[] n = new Flight[flights.length - 1];
        System.arraycopy(flights, 0, n, 0, i);
        System.arraycopy(flights, i + 1, n, i, flights.length - i - 1);
        flights = n;
    }

    /** Freezes the state: flights in canonical order, hash computed. */
    State seal() {
        if (flights.length > 1) {
            Arrays.sort(flights, ORDER);
        }
        int h = Arrays.hashCode(tcb);
        h = 31 * h + Arrays.hashCode(pc);
        h = 31 * h + Arrays.hashCode(sent);
        h = 31 * h + Arrays.hashCode(delivered);
        h = 31 * h + Arrays.hashCode(peerFinished);
        h = 31 * h + Arrays.hashCode(closes);
        h = 31 * h + Arrays.hashCode(reason);
        h = 31 * h + Arrays.hashCode(flights);
        h = 31 * h + Long.hashCode(now);
        h = 31 * h + Objects.hash(losses, duplicates, delays, attacks, incarnation, attacked);
        hash = h;
        sealed = true;
        return this;
    }

    /**
     * A 64-bit hash for bitstate hashing: the 32-bit value hash spread by a second, differently
     * seeded pass over the same components (so two states collide only if both passes do, as far
     * as the components' own hashes tell them apart).
     */
    long hash64() {
        long h = 0x243F6A8885A308D3L;
        for (Tcb t : tcb) {
            h = mix(h, t == null ? 0 : t.hashCode());
        }
        for (int i = 0; i < 2; i++) {
            h = mix(h, pc[i]);
            h = mix(h, sent[i]);
            h = mix(h, delivered[i]);
            h = mix(h, (peerFinished[i] ? 1 : 0) | closes[i] << 1 | (reason[i] == null ? 0 : reason[i].ordinal() + 1) << 4);
        }
        for (Flight f : flights) {
            h = mix(h, f.hashCode());
        }
        h = mix(h, Long.hashCode(now) ^ (int) (now >>> 17));
        h = mix(h, losses | duplicates << 5 | delays << 10 | attacks << 15 | incarnation << 20 | (attacked ? 1 << 25 : 0));
        return h ^ ((long) hash << 32 | hash & 0xFFFFFFFFL);
    }

    private static long mix(long h, int v) {
        h ^= v & 0xFFFFFFFFL;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }

    /** Whether the side's host is up and its connection not yet CLOSED. */
    boolean open(int side) {
        return tcb[side] != null && tcb[side].state() != io.tcpclose.engine.TcpState.CLOSED;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof State)) {
            return false;
        }
        State s = (State) o;
        return sealed && s.sealed && hash == s.hash && now == s.now && losses == s.losses && duplicates == s.duplicates
                && delays == s.delays && attacks == s.attacks && incarnation == s.incarnation && attacked == s.attacked
                && Arrays.equals(pc, s.pc) && Arrays.equals(sent, s.sent) && Arrays.equals(delivered, s.delivered)
                && Arrays.equals(peerFinished, s.peerFinished) && Arrays.equals(closes, s.closes)
                && Arrays.equals(reason, s.reason) && Arrays.equals(flights, s.flights) && Arrays.equals(tcb, s.tcb);
    }
}
