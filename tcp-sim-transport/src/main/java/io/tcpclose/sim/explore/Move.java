package io.tcpclose.sim.explore;

/**
 * One transition of the explored system, small enough to keep one per state for the path back:
 * what happened, on which side or to which flight (an index into the parent state's sorted
 * flights), and an argument (an attack's offset from RCV.NXT). Immutable; thread-safe.
 *
 * @param kind  what happened
 * @param side  the side it happened at ({@link State#CLIENT} or {@link State#SERVER}), or -1
 * @param index the flight it happened to, or -1
 * @param arg   the attack's kind and offset, or 0
 */
record Move(Kind kind, int side, int index, int arg) {
    /** What a transition does. */
    enum Kind {
        /** A segment in flight arrives. */
        DELIVER,
        /** The network loses a segment (within the loss budget). */
        LOSE,
        /** The network duplicates a segment; the copy may arrive any time within MSL. */
        DUPLICATE,
        /** The network holds a segment back; it may arrive any time within MSL. */
        DELAY,
        /** The side's application makes its next call. */
        CALL,
        /** The side's due timers fire. */
        TIMERS,
        /** The clock moves to the next moment anything can happen. */
        TIME,
        /** An off-path attacker injects a segment at the side. */
        ATTACK,
        /** Both sides closed; the client connects again on the same 4-tuple. */
        RECONNECT
    }
}
