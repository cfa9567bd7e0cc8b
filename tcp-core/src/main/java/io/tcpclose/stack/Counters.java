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
    final long[] closed = new long[CloseReason.values().length];
    final long[] rejected = new long[RejectReason.values().length];
    final long[] malformed = new long[MalformedSegmentException.Reason.values().length];
}
