package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Effect;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.MutableTcb;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.engine.TcpState;
import io.tcpclose.engine.TimeWait;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;

/**
 * A stack's TIME-WAIT bookkeeping: orphans' TIME-WAITs compacted into a packed table and
 * stepped from rebuilt snapshots, and new incarnations of a TIME-WAIT 4-tuple (RFC 9293
 * §3.6.1, RFC 6191) with the old TIME-WAIT set aside until the new connection is synchronized,
 * or brought back if it was an old duplicate after all. Part of {@link TcpStack}; confined to
 * its thread.
 */
final class TimeWaitKeeper {
    private final TcpStack stack;
    /** The compacted TIME-WAITs. */
    final TimeWaitTable table = new TimeWaitTable();
    private final boolean compactOn;

    TimeWaitKeeper(TcpStack stack, boolean compactOn) {
        this.stack = stack;
        this.compactOn = compactOn;
    }

    /** Ends the compacted TIME-WAITs whose 2×MSL ran out; returns how many. */
    int expire(long now) {
        int n = 0;
        for (int e = table.nextExpired(now); e >= 0; e = table.nextExpired(now)) {
            step(e, table.tuple(e), Event.TICK, now);
            n++;
        }
        return n;
    }

    /**
     * A segment for a 4-tuple with no {@link Connection}: when a compacted TIME-WAIT holds it,
     * steps that (and opens the new incarnation a SYN may start) and returns true.
     */
    boolean arrive(FourTuple id, Segment seg, boolean listening, long now) {
        if (table.size() == 0 || !TimeWaitTable.fits(id)) {
            return false;
        }
        int e = table.find(TimeWaitTable.addresses(id.localAddress(), id.remoteAddress()), id.localPort(), id.remotePort());
        if (e < 0) {
            return false;
        }
        TimeWait old = table.get(e);
        Effect.NewIncarnation n = step(e, id, new Event.Arrive(seg, listening), now);
        if (n != null) {
            table.remove(e);
            reincarnate(id, n, null, old, now);
        }
        return true;
    }

    /**
     * The engine admitted a SYN for a TIME-WAIT 4-tuple as a new incarnation (RFC 9293 §3.6.1,
     * RFC 6191): the new connection takes the 4-tuple with an ISS above the old sequence space,
     * and the old TIME-WAIT waits beside it until the new one is synchronized.
     */
    void reincarnate(FourTuple id, Effect.NewIncarnation n, Connection old, TimeWait oldCompact, long now) {
        stack.counters.timeWaitReused++;
        Segment syn = n.syn();
        Connection fresh = new Connection(stack, id, MutableTcb.create(stack.config, syn.dstPort(), syn.srcPort()), null);
        fresh.predecessor = old;
        fresh.compactPredecessor = oldCompact;
        stack.register(fresh);
        stack.counters.connectionsOpened++;
        Listeners.Listener listener = stack.listeners.get(syn.dstPort());
        if (listener != null) {
            Listeners.halfOpen(fresh, listener);
        }
        stack.step(fresh, new Event.Listen(n.iss(stack.isn.isn(id, now)), stack.isn.timestampOffset(id)), now);
        stack.step(fresh, new Event.Arrive(syn), now);
    }

    /** The new incarnation is synchronized: the TIME-WAIT it replaced ends now, normally. */
    void retirePredecessor(Connection c, long now) {
        Connection old = c.predecessor;
        boolean had = old != null || c.compactPredecessor != null;
        c.predecessor = null;
        c.compactPredecessor = null;
        if (!had) {
            return;
        }
        endsEarly(c.id, now);
        if (old != null) {
            old.superseded = true;
        }
        if (old != null && (old.established || old.listener != null)) {
            stack.sink.notice(old, StackSink.Notice.CLOSED, CloseReason.NORMAL);
        }
    }

    /**
     * The new incarnation closed before it was synchronized, so its SYN was an old duplicate:
     * the TIME-WAIT it would have replaced goes on with its own deadline (RFC 9293 §3.6.1).
     */
    void restorePredecessor(Connection c, long now) {
        Connection old = c.predecessor;
        TimeWait compactOld = c.compactPredecessor;
        c.predecessor = null;
        c.compactPredecessor = null;
        if (old == null && compactOld == null) {
            return;
        }
        stack.counters.timeWaitRestored++;
        if (old == null) {
            // A compacted one comes back as a Connection: the table's expiry FIFO is in
            // deadline order and takes no older deadline. Its application was told already.
            old = new Connection(stack, c.id, MutableTcb.of(compactOld.toTcb(stack.config)), null);
            old.restored = true;
        }
        stack.register(old);
        stack.step(old, Event.TICK, now); // ends it now if its 2×MSL ran out meanwhile; arms its timer otherwise
    }

    /** One engine step for a compacted TIME-WAIT: the snapshot is rebuilt, stepped, compacted again. */
    Effect.NewIncarnation step(int e, FourTuple id, Event event, long now) {
        Step s = TcpEngine.step(table.get(e).toTcb(stack.config), event, now);
        PseudoHeader outbound = null;
        for (Effect effect : s.effects()) {
            if (effect instanceof Effect.NewIncarnation) {
                return (Effect.NewIncarnation) effect; // the snapshot is unchanged; the caller sets it aside
            }
            if (effect instanceof Effect.Transmit) {
                if (outbound == null) {
                    outbound = PseudoHeader.of(id.localAddress(), id.remoteAddress());
                }
                Effect.Transmit t = (Effect.Transmit) effect;
                stack.send(id, outbound, t.segment(), t.why(), now);
            } else if (effect instanceof Effect.Rejected) {
                Effect.Rejected r = (Effect.Rejected) effect;
                stack.rejected(id, r.reason(), r.segment(), now);
            } else if (effect instanceof Effect.StateChanged) {
                Effect.StateChanged sc = (Effect.StateChanged) effect;
                stack.observer.stateChanged(now, id, sc.from(), sc.to());
            } else if (effect instanceof Effect.Closed) {
                stack.counters.closed[((Effect.Closed) effect).reason().ordinal()]++;
            }
        }
        if (s.tcb().state() == TcpState.TIME_WAIT) {
            table.update(e, TimeWait.of(s.tcb()));
        } else {
            table.remove(e);
        }
        return null;
    }

    /** Whether a compacted TIME-WAIT holds this 4-tuple (or holds it again, restored as a Connection). */
    boolean holds(FourTuple id) {
        if (table.find(id) >= 0) {
            return true;
        }
        Connection c = stack.connection(id);
        return c != null && c.restored && c.live.state() == TcpState.TIME_WAIT;
    }

    /** Hands an orphan that has just entered TIME-WAIT to the packed table and lets the Connection go. */
    boolean compact(Connection c) {
        if (!compactOn || c.slot < 0 || c.restored || c.receivedBytes != 0 || !TimeWaitTable.fits(c.id)
                || c.live.state() != TcpState.TIME_WAIT || c.live.config() != stack.config || !TimeWait.compactable(c.live.snapshot())) {
            return false;
        }
        stack.unregister(c);
        table.add(TimeWaitTable.addresses(c.id.localAddress(), c.id.remoteAddress()), TimeWait.of(c.live.snapshot()));
        c.compacted = true;
        c.received = null;
        return true;
    }

    /** A TIME-WAIT cut short by a newer incarnation (RFC 6191) counts as a normal close. */
    private void endsEarly(FourTuple id, long now) {
        stack.observer.stateChanged(now, id, TcpState.TIME_WAIT, TcpState.CLOSED);
        stack.counters.closed[CloseReason.NORMAL.ordinal()]++;
    }
}
