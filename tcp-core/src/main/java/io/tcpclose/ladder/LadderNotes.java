package io.tcpclose.ladder;

import io.tcpclose.engine.Effect;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpFlags;

/**
 * The remarks a close ladder writes beside its arrows, in one place so that every ladder (the
 * simulator's and a live one against a real peer) explains the same segment the same way: why a
 * segment was sent, what a rejection means, and which ACK acknowledges a FIN. The static methods
 * are stateless and thread-safe; a {@link FinAcks} is not thread-safe.
 */
public final class LadderNotes {
    private LadderNotes() {}

    /**
     * What the engine sent a segment for, when that is more than plain sending.
     *
     * @param why the engine's reason, or null
     * @return the remark, or null for {@link Effect.Why#SEND}, {@link Effect.Why#RESET} and null
     */
    public static String why(Effect.Why why) {
        if (why == null) {
            return null;
        }
        switch (why) {
            case RETRANSMISSION:
                return "retransmission";
            case FAST_RETRANSMIT:
                return "fast retransmission (RFC 5681 3.2; in recovery, of the hole a partial ACK shows, RFC 6582 3.2)";
            case CHALLENGE_ACK:
                return "challenge ACK (RFC 5961)";
            case DUPLICATE_ACK:
                return "ACK again: what it answers was old or out of window";
            case KEEPALIVE_PROBE:
                return "keep-alive probe: seq = SND.NXT - 1";
            case WINDOW_PROBE:
                return "zero-window probe";
            default:
                return null;
        }
    }

    /**
     * What a rejection means for a reader of a close ladder.
     *
     * @param reason why the engine rejected a segment
     * @return the remark, or null for reasons a close ladder leaves unsaid
     */
    public static String rejected(RejectReason reason) {
        switch (reason) {
            case FIN_REPEATED:
                return "the peer repeated its FIN (our ACK was lost): ACK it again; TIME-WAIT restarts 2xMSL";
            case RST_NOT_EXACT:
                return "RST in the window but not at RCV.NXT: ignored, answered with a challenge ACK (RFC 5961)";
            case RST_IN_TIME_WAIT:
                return "RST in TIME-WAIT ignored (RFC 1337)";
            case SYN_IN_SYNCHRONIZED_STATE:
                return "SYN on a synchronized connection: answered with a challenge ACK (RFC 5961)";
            case PAWS:
                return "PAWS: its timestamp is older than TS.Recent, an old duplicate; dropped and ACKed (RFC 7323 5)";
            default:
                return null;
        }
    }

    /**
     * Marks the first segment from each side that acknowledges the other side's FIN: the FIN takes
     * one sequence number, so its ACK is the FIN's number plus one. A SYN starts a new incarnation,
     * whose FIN is marked afresh. Feed it every segment of one connection in order. Not
     * thread-safe.
     */
    public static final class FinAcks {
        private final long[] fin = {-1, -1};
        private final long[] acked = {-1, -1};
        /** Whether each side's last FIN repeated one already acknowledged, so the next ACK of it is a re-ACK. */
        private final boolean[] repeated = {false, false};

        /** A tracker that has seen no segment. */
        public FinAcks() {}

        /**
         * Notes a segment and says whether it is the first acknowledgment of the other side's FIN,
         * or the acknowledgment of a FIN the other side repeated after the first was acknowledged.
         *
         * @param seg      the segment, as sent
         * @param fromLeft which side sent it
         * @return "acks FIN 1006: ack = 1007", "acks the repeated FIN 1006 again: ack = 1007", or null
         */
        public String next(Segment seg, boolean fromLeft) {
            int me = fromLeft ? 0 : 1;
            int peer = 1 - me;
            if (seg.has(TcpFlags.SYN)) {
                fin[me] = -1;
                acked[me] = -1;
                repeated[me] = false;
            }
            String note = null;
            if (fin[peer] >= 0 && seg.has(TcpFlags.ACK) && !seg.has(TcpFlags.RST)
                    && Seq.toUnsigned(seg.ack()) == ((fin[peer] + 1) & 0xFFFF_FFFFL)) {
                if (fin[peer] != acked[peer]) {
                    acked[peer] = fin[peer];
                    note = "acks FIN " + fin[peer] + ": ack = " + ((fin[peer] + 1) & 0xFFFF_FFFFL);
                } else if (repeated[peer]) {
                    note = "acks the repeated FIN " + fin[peer] + " again: ack = " + ((fin[peer] + 1) & 0xFFFF_FFFFL);
                }
                repeated[peer] = false;
            }
            if (seg.has(TcpFlags.FIN)) {
                long n = Seq.toUnsigned(seg.seq() + seg.payload().length());
                repeated[me] = n == fin[me] && n == acked[me];
                fin[me] = n;
            }
            return note;
        }
    }

    /**
     * The remark beside an arrow: what the engine sent it for and what it acknowledges, joined;
     * an acknowledgment of a repeated FIN stands alone, being the whole reason for that ACK.
     *
     * @param why    the engine's reason for sending, or null (a segment from a peer we only watch)
     * @param finAck what {@link FinAcks#next} said of the segment, or null
     * @return the remark, or null for none
     */
    public static String remark(Effect.Why why, String finAck) {
        if (finAck != null && finAck.contains(" again") && why == Effect.Why.DUPLICATE_ACK) {
            return finAck;
        }
        String a = why(why);
        return a == null ? finAck : finAck == null ? a : a + "; " + finAck;
    }
}
