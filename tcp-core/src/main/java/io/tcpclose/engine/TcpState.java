package io.tcpclose.engine;

/**
 * The eleven connection states of RFC 9293 §3.3.2, with predicates that describe behaviour so
 * that no caller has to test lists of states.
 *
 * <p>{@link #toString()} gives the RFC's spelling ("FIN-WAIT-1"). Immutable and thread-safe.
 */
public enum TcpState {
    /** CLOSED: no connection at all; a connection starts here and ends here. */
    CLOSED("CLOSED"),
    /** LISTEN: waiting for a SYN from any peer (passive OPEN). */
    LISTEN("LISTEN"),
    /** SYN-SENT: our SYN is sent (active OPEN), waiting for the peer's SYN. */
    SYN_SENT("SYN-SENT"),
    /** SYN-RECEIVED: both SYNs are sent and received, waiting for the ACK of ours. */
    SYN_RECEIVED("SYN-RECEIVED"),
    /** ESTABLISHED: the connection is open and data flows both ways. */
    ESTABLISHED("ESTABLISHED"),
    /** FIN-WAIT-1: we closed our sending side; our FIN is queued or sent, not yet acknowledged. */
    FIN_WAIT_1("FIN-WAIT-1"),
    /** FIN-WAIT-2: our FIN is acknowledged; waiting for the peer's FIN, and still receiving. */
    FIN_WAIT_2("FIN-WAIT-2"),
    /** CLOSE-WAIT: the peer's FIN is received; we may still send, until the application closes. */
    CLOSE_WAIT("CLOSE-WAIT"),
    /** CLOSING: both FINs crossed (simultaneous close); ours is not yet acknowledged. */
    CLOSING("CLOSING"),
    /** LAST-ACK: we closed after the peer's FIN; our FIN is queued or sent, not yet acknowledged. */
    LAST_ACK("LAST-ACK"),
    /**
     * TIME-WAIT: both FINs are acknowledged; the side that closed first waits 2×MSL (RFC 9293 §3.6.1)
     * so that its last ACK can be repeated and old duplicates die out before the 4-tuple is reused.
     */
    TIME_WAIT("TIME-WAIT");

    private final String rfcName;

    TcpState(String rfcName) {
        this.rfcName = rfcName;
    }

    /** {@return the state as RFC 9293 spells it, e.g. "FIN-WAIT-1"} */
    public String rfcName() {
        return rfcName;
    }

    /**
     * Both sides' initial sequence numbers are known (RFC 9293 §3.10.7.4: every state from ESTABLISHED on).
     *
     * @return true for ESTABLISHED and every later state
     */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** {@return whether the application may still queue data to send (RFC 9293 §3.10.2)} */
    public boolean maySend() {
        return this == ESTABLISHED || this == CLOSE_WAIT || this == SYN_SENT || this == SYN_RECEIVED;
    }

    /** {@return whether data from the peer may still arrive: its FIN has not been received} */
    public boolean mayReceive() {
        return this == SYN_SENT || this == SYN_RECEIVED || this == ESTABLISHED
                || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }

    /**
     * {@return whether the application has asked for our FIN (RFC CLOSE): it is queued, sent, or
     * acknowledged}
     */
    public boolean closeRequested() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING
                || this == LAST_ACK || this == TIME_WAIT;
    }

    /** {@return whether the peer's FIN has been received and acknowledged} */
    public boolean peerFinReceived() {
        return this == CLOSE_WAIT || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    /** {@return whether our FIN has been acknowledged by the peer} */
    public boolean finAcknowledged() {
        return this == FIN_WAIT_2 || this == TIME_WAIT;
    }

    /** {@return whether the connection is going away: a FIN has been asked for or received} */
    public boolean isClosing() {
        return closeRequested() || this == CLOSE_WAIT;
    }

    /**
     * True when RFC 9293's state diagram (§3.3.2, Figure 5), with its RST, ABORT and timeout
     * exits to CLOSED, has an edge from this state to {@code next}.
     *
     * @param next the state to move to
     * @return whether the diagram allows the move
     */
    public boolean canMoveTo(TcpState next) {
        switch (this) {
            case CLOSED:
                return next == LISTEN || next == SYN_SENT;
            case LISTEN:
                return next == SYN_RECEIVED || next == SYN_SENT || next == CLOSED;
            case SYN_SENT:
                return next == SYN_RECEIVED || next == ESTABLISHED || next == CLOSED;
            case SYN_RECEIVED:
                return next == ESTABLISHED || next == FIN_WAIT_1 || next == CLOSE_WAIT
                        || next == LISTEN || next == CLOSED;
            case ESTABLISHED:
                return next == FIN_WAIT_1 || next == CLOSE_WAIT || next == CLOSED;
            case FIN_WAIT_1:
                return next == FIN_WAIT_2 || next == CLOSING || next == TIME_WAIT || next == CLOSED;
            case FIN_WAIT_2:
                return next == TIME_WAIT || next == CLOSED;
            case CLOSE_WAIT:
                return next == LAST_ACK || next == CLOSED;
            case CLOSING:
                return next == TIME_WAIT || next == CLOSED;
            case LAST_ACK:
            case TIME_WAIT:
                return next == CLOSED;
            default:
                throw new AssertionError(this);
        }
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
