package io.tcpclose.sim.explore;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Tcb;

/**
 * A read-only view of one explored state, for a user's own invariants ({@link
 * Explorer.Builder#invariant}): each side's snapshot, what each application has sent and read, and
 * how its connection ended. Immutable; thread-safe (an invariant may be called from several
 * threads at once).
 */
public final class ExploredState {
    private final State s;

    ExploredState(State s) {
        this.s = s;
    }

    /** {@return the client's connection, or null once its host has crashed} */
    public Tcb client() {
        return s.tcb[State.CLIENT];
    }

    /** {@return the server's connection, or null once its host has crashed} */
    public Tcb server() {
        return s.tcb[State.SERVER];
    }

    /** {@return the bytes the client's application has handed to send} */
    public int clientSent() {
        return s.sent[State.CLIENT];
    }

    /** {@return the bytes the server's application has handed to send} */
    public int serverSent() {
        return s.sent[State.SERVER];
    }

    /** {@return the bytes delivered to the client's application} */
    public int clientRead() {
        return s.delivered[State.CLIENT];
    }

    /** {@return the bytes delivered to the server's application} */
    public int serverRead() {
        return s.delivered[State.SERVER];
    }

    /** {@return why the client's connection closed, or null while it has not} */
    public CloseReason clientClosed() {
        return s.reason[State.CLIENT];
    }

    /** {@return why the server's connection closed, or null while it has not} */
    public CloseReason serverClosed() {
        return s.reason[State.SERVER];
    }

    /** {@return how many segments are in flight} */
    public int inFlight() {
        return s.flights.length;
    }

    /** {@return the model's clock, in nanoseconds since the client's SYN} */
    public long nanos() {
        return s.now;
    }

    /** {@return which incarnation of the 4-tuple this is, from 1} */
    public int incarnation() {
        return s.incarnation + 1;
    }
}
