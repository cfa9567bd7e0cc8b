package io.tcpclose.sim.explore;

import io.tcpclose.sim.FaultPlan;
import io.tcpclose.sim.FaultRule;
import io.tcpclose.sim.explore.Move.Kind;
import io.tcpclose.sim.explore.State.Flight;
import io.tcpclose.wire.Segment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the network did to each segment along one explored path, as the simulator's fault rules:
 * the n-th segment each way lost, delivered late, or copied. Fed while a path is replayed (each
 * send, then each flight's fate); {@link #plan} writes the rules. Not thread-safe.
 */
final class PathFaults {
    /** One transmitted segment and its fate. */
    private static final class Sent {
        final int from;
        final int ordinal;
        final long at;
        final Segment segment;
        boolean lost;
        boolean duplicated;
        long arrived = -1;
        long copyArrived = -1;
        /** How many deliveries the path made at the same instant before the copy's. */
        int copyRank;
        int arrivedRank;

        Sent(int from, int ordinal, long at, Segment segment) {
            this.from = from;
            this.ordinal = ordinal;
            this.at = at;
            this.segment = segment;
        }
    }

    private final long latency;
    private final List<Sent> sent = new ArrayList<>();
    private final int[] count = new int[2];
    private long instant = -1;
    private int atInstant;

    /**
     * A late arrival that the path ordered after others at the same instant comes this much later
     * per place in the replay: the simulator serves one instant first come, first served, and a
     * late segment was scheduled before the on-time ones. A microsecond moves no timer that matters.
     */
    private static final long NUDGE = 1_000;

    PathFaults(long latencyNanos) {
        this.latency = latencyNanos;
    }

    void sent(long nanos, int side, Segment s) {
        sent.add(new Sent(side, ++count[side], nanos, s));
    }

    void fate(long nanos, Kind kind, Flight f) {
        Sent s = find(f, kind);
        if (s == null) {
            return; // a flight from before the path's first drawn send cannot be: every flight was sent on the path
        }
        switch (kind) {
            case LOSE:
                s.lost = true;
                break;
            case DUPLICATE:
                s.duplicated = true;
                break;
            case DELIVER:
                atInstant = nanos == instant ? atInstant + 1 : 0;
                instant = nanos;
                if (s.arrived < 0 && !s.lost) {
                    s.arrived = nanos;
                    s.arrivedRank = atInstant;
                } else {
                    s.copyArrived = nanos;
                    s.copyRank = atInstant;
                }
                break;
            default: // DELAY: its arrival says how long
                break;
        }
    }

    /** The send a flight came from: same way, same segment, sent one latency before its earliest arrival. */
    private Sent find(Flight f, Kind kind) {
        int from = 1 - f.to();
        long at = f.earliest() - latency;
        for (Sent s : sent) {
            if (s.from == from && s.at == at && s.segment.equals(f.segment())
                    && (kind != Kind.DELIVER || s.arrived < 0 && !s.lost || s.duplicated && s.copyArrived < 0)) {
                return s;
            }
        }
        return null;
    }

    /** The rules that make the simulator's network do the same: names are the replay's hosts. */
    FaultPlan plan() {
        List<FaultRule> rules = new ArrayList<>();
        for (Sent s : sent) {
            String from = Model.name(s.from);
            String to = Model.name(1 - s.from);
            if (s.lost) {
                rules.add(FaultRule.drop(from, to, FaultRule.Match.ANY, s.ordinal));
            } else if (s.arrived > s.at + latency) {
                rules.add(FaultRule.delay(from, to, FaultRule.Match.ANY, s.ordinal,
                        Duration.ofNanos(s.arrived - s.at - latency + NUDGE * s.arrivedRank)));
            }
            if (s.duplicated && s.copyArrived >= 0 && !s.lost && s.copyArrived >= s.arrived && s.arrived >= 0) {
                rules.add(FaultRule.delayedCopy(from, to, FaultRule.Match.ANY, s.ordinal,
                        Duration.ofNanos(s.copyArrived - s.arrived + NUDGE * s.copyRank)));
            }
        }
        return new FaultPlan(rules, List.of());
    }
}
