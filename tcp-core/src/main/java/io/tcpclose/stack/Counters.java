package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.wire.MalformedSegmentException;

/** The stack's live counters; {@link StackStats} is their snapshot. Driver-thread only. */
final class Counters {
    long segmentsIn;
    long segmentsOut;
    long resetsSent;
    long resetsReceived;
    long challengeAcksSent;
    long retransmissions;
    long fastRetransmissions;
    long keepAliveProbesSent;
    long windowProbesSent;
    long connectionsOpened;
    long timeWaitReused;
    long timeWaitRestored;
    long connectionLimitHits;
    long listenOverflows;
    long listenDrops;
    long synCookiesSent;
    long synCookiesValidated;
    long synCookiesRejected;
    long sendBufferFull;
    long icmpErrors;
    long icmpUnmatched;
    final long[] closed = new long[CloseReason.values().length];
    final long[] rejected = new long[RejectReason.values().length];
    final long[] malformed = new long[MalformedSegmentException.Reason.values().length];

    /** Counts a transmitted segment by why it was sent. */
    void transmitted(io.tcpclose.engine.Effect.Why why) {
        switch (why) {
            case RETRANSMISSION:
                retransmissions++;
                break;
            case FAST_RETRANSMIT:
                retransmissions++;
                fastRetransmissions++;
                break;
            case CHALLENGE_ACK:
                challengeAcksSent++;
                break;
            case RESET:
                resetsSent++;
                break;
            case KEEPALIVE_PROBE:
                keepAliveProbesSent++;
                break;
            case WINDOW_PROBE:
                windowProbesSent++;
                break;
            default:
                break;
        }
    }
}
