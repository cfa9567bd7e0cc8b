package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;

/**
 * One output of {@link TcpEngine#step}, for the driver to carry out in list order. A closed set
 * of immutable records; thread-safe.
 */
public sealed interface Effect {

    /** Why a segment is being transmitted; drivers count these. */
    enum Why {
        /** First transmission: SYN, data, FIN, or an ACK. */
        SEND,
        /** Retransmission after the RTO expired (RFC 6298), and the go-back-N resending that follows it. */
        RETRANSMISSION,
        /** Fast retransmission after three duplicate ACKs, or of a hole a partial ACK revealed (RFC 5681 §3.2, RFC 6582). */
        FAST_RETRANSMIT,
        /** Challenge ACK (RFC 5961 §3.2, §4). */
        CHALLENGE_ACK,
        /** Acknowledgment of an unacceptable segment (RFC 9293 §3.10.7.4 first check). */
        DUPLICATE_ACK,
        /** A reset we send: abort, unread data, keep-alive death, or an unacceptable segment. */
        RESET,
        /** Keep-alive probe at SND.NXT-1 (RFC 1122 §4.2.3.6). */
        KEEPALIVE_PROBE,
        /** Zero-window probe (RFC 9293 §3.8.6.1). */
        WINDOW_PROBE
    }

    /** Put {@code segment} on the wire. */
    record Transmit(Segment segment, Why why) implements Effect {
        @Override
        public String toString() {
            return "Transmit[" + segment + (why == Why.SEND ? "" : " (" + why + ")") + "]";
        }
    }

    /**
     * How many of a {@link Event.Send}'s bytes went into the send queue: all of them, or as many
     * as the send buffer had room for (none when it was full). Reported once per {@code Send},
     * before anything it transmits; the rest is the caller's to offer again.
     *
     * @param bytes how many bytes were taken, 0..the {@code Send}'s length
     */
    record Queued(int bytes) implements Effect {}

    /** In-order bytes for the application's receive buffer. */
    record Deliver(Bytes data) implements Effect {}

    /** The peer's FIN was processed: end of stream after everything delivered so far. */
    record PeerFinished() implements Effect {}

    /** The connection moved from one state to another (every change, in order). */
    record StateChanged(TcpState from, TcpState to) implements Effect {
        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    /** The connection reached CLOSED; emitted exactly once per connection. */
    record Closed(CloseReason reason) implements Effect {}

    /** An arriving segment was not accepted, and why. */
    record Rejected(RejectReason reason, Segment segment) implements Effect {}

    /**
     * The earliest deadline changed: when {@code pending}, call {@code step} with a {@link
     * Event.Tick} at or after {@code atNanos} (any {@code long}); when not, nothing is pending
     * and {@code atNanos} is {@link Tcb#NO_DEADLINE}.
     *
     * @param atNanos when to tick, meaningful only when {@code pending}
     * @param pending whether any timer is armed
     */
    record NextDeadline(long atNanos, boolean pending) implements Effect {
        /**
         * A pending deadline at {@code atNanos}.
         *
         * @param atNanos when to tick
         */
        public NextDeadline(long atNanos) {
            this(atNanos, true);
        }
    }

    /** The {@link NextDeadline} that says no timer is armed any more. */
    NextDeadline NO_DEADLINE = new NextDeadline(Tcb.NO_DEADLINE, false);

    /**
     * In TIME-WAIT, a SYN that may start a new incarnation of the same 4-tuple (RFC 9293 §3.6.1,
     * RFC 6191 §2): reuse is on, a listener waits ({@link Event.Arrive#listening()}), and the
     * SYN's sequence number lies above everything the old incarnation received. The snapshot is
     * left in TIME-WAIT and sends nothing: the driver sets it aside, hands {@code syn} to a new
     * connection in LISTEN whose ISS comes from {@link #iss(int)}, and goes back to the
     * TIME-WAIT snapshot (its deadline unchanged) if the new connection closes before it is
     * synchronized — the SYN was an old duplicate after all (§3.6.1's second condition).
     *
     * @param syn       the SYN, to be handed to the new connection
     * @param oldSndNxt the old incarnation's SND.NXT: every number it used lies below
     */
    record NewIncarnation(Segment syn, int oldSndNxt) implements Effect {
        /**
         * The new incarnation's ISS: the generator's value when it lies above the old
         * incarnation's sequence space by at least one unscaled window, otherwise exactly that
         * far above it (as Linux does, {@code tw_snd_nxt + 65535 + 2}), so no segment of the old
         * incarnation can be taken for one of the new whatever the generator returns.
         *
         * @param generated what the ISN generator returned
         * @return the ISS to open the new connection with
         */
        public int iss(int generated) {
            int ahead = io.tcpclose.wire.Seq.diff(generated, oldSndNxt); // negative when behind, or 2^31 or more ahead
            return ahead >= 65537 ? generated : oldSndNxt + 65537;
        }
    }

    /**
     * The close handshake has completed: our FIN is acknowledged and the peer's FIN received.
     * The active closer hears it on entering TIME-WAIT, 2×MSL before {@link Closed}; the
     * passive closer when the ACK of its FIN arrives, just before {@link Closed}.
     */
    record CloseCompleted() implements Effect {}

    /** The shared {@link CloseCompleted} instance. */
    CloseCompleted CLOSE_COMPLETED = new CloseCompleted();

    /** The shared {@link PeerFinished} instance. */
    PeerFinished PEER_FINISHED = new PeerFinished();
}
