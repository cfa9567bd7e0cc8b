package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.MalformedSegmentException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of what a {@code TcpStack} has counted, in the spirit of {@code netstat -s}.
 *
 * <p>Immutable and thread-safe.
 */
public final class StackStats {
    private final long segmentsIn;
    private final long segmentsOut;
    private final long resetsSent;
    private final long resetsReceived;
    private final long challengeAcksSent;
    private final long retransmissions;
    private final long fastRetransmissions;
    private final long keepAliveProbesSent;
    private final long windowProbesSent;
    private final long connectionsOpened;
    private final long timeWaitReused;
    private final long timeWaitRestored;
    private final long sendBufferFull;
    private final long synCookiesRejected;
    private final long synCookiesValidated;
    private final long synCookiesSent;
    private final long listenDrops;
    private final long listenOverflows;
    private final long connectionLimitHits;
    private final long icmpErrors;
    private final long icmpUnmatched;
    private final Map<CloseReason, Long> closed;
    private final Map<RejectReason, Long> rejected;
    private final Map<MalformedSegmentException.Reason, Long> malformed;
    private final Map<TcpState, Integer> connectionsByState;

    StackStats(Counters c, Map<TcpState, Integer> byState) {
        segmentsIn = c.segmentsIn;
        segmentsOut = c.segmentsOut;
        resetsSent = c.resetsSent;
        resetsReceived = c.resetsReceived;
        challengeAcksSent = c.challengeAcksSent;
        retransmissions = c.retransmissions;
        fastRetransmissions = c.fastRetransmissions;
        keepAliveProbesSent = c.keepAliveProbesSent;
        windowProbesSent = c.windowProbesSent;
        connectionsOpened = c.connectionsOpened;
        timeWaitReused = c.timeWaitReused;
        timeWaitRestored = c.timeWaitRestored;
        sendBufferFull = c.sendBufferFull;
        synCookiesRejected = c.synCookiesRejected;
        synCookiesValidated = c.synCookiesValidated;
        synCookiesSent = c.synCookiesSent;
        listenDrops = c.listenDrops;
        listenOverflows = c.listenOverflows;
        connectionLimitHits = c.connectionLimitHits;
        icmpErrors = c.icmpErrors;
        icmpUnmatched = c.icmpUnmatched;
        closed = toMap(CloseReason.class, CloseReason.values(), c.closed);
        rejected = toMap(RejectReason.class, RejectReason.values(), c.rejected);
        malformed = toMap(MalformedSegmentException.Reason.class, MalformedSegmentException.Reason.values(), c.malformed);
        connectionsByState = Collections.unmodifiableMap(new EnumMap<>(byState));
    }

    private static <E extends Enum<E>> Map<E, Long> toMap(Class<E> type, E[] values, long[] counts) {
        EnumMap<E, Long> m = new EnumMap<>(type);
        for (E e : values) {
            m.put(e, counts[e.ordinal()]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** {@return the number of segments received, malformed ones included} */
    public long segmentsIn() {
        return segmentsIn;
    }

    /** {@return the number of segments handed to the transport, retransmissions and resets included} */
    public long segmentsOut() {
        return segmentsOut;
    }

    /** {@return the number of RSTs sent, by connections and for segments that reached none} */
    public long resetsSent() {
        return resetsSent;
    }

    /** {@return the number of well-formed segments received with RST set, acceptable or not} */
    public long resetsReceived() {
        return resetsReceived;
    }

    /** {@return the number of RFC 5961 challenge ACKs sent} */
    public long challengeAcksSent() {
        return challengeAcksSent;
    }

    /**
     * {@return the number of segments retransmitted: SYN, data or FIN, after a retransmission
     * timeout (and the go-back-N resending that follows it) or by fast retransmit and recovery}
     */
    public long retransmissions() {
        return retransmissions;
    }

    /** {@return how many of {@link #retransmissions()} were fast retransmits or NewReno's partial-ACK resends (RFC 5681 §3.2, RFC 6582)} */
    public long fastRetransmissions() {
        return fastRetransmissions;
    }

    /** {@return the number of keep-alive probes sent} */
    public long keepAliveProbesSent() {
        return keepAliveProbesSent;
    }

    /** {@return the number of zero-window probes sent} */
    public long windowProbesSent() {
        return windowProbesSent;
    }

    /**
     * {@return the number of connections opened: active opens, SYNs taken by a listener, and new
     * incarnations of a TIME-WAIT 4-tuple}
     */
    public long connectionsOpened() {
        return connectionsOpened;
    }

    /**
     * TIME-WAIT 4-tuples a newer SYN was admitted to (RFC 9293 §3.6.1, RFC 6191).
     *
     * @return the count since the stack was built
     */
    public long timeWaitReused() {
        return timeWaitReused;
    }

    /**
     * Admitted SYNs that proved old duplicates: the new connection closed before it was
     * synchronized, and the TIME-WAIT it would have replaced went on (RFC 9293 §3.6.1).
     *
     * @return the count since the stack was built
     */
    public long timeWaitRestored() {
        return timeWaitRestored;
    }

    /**
     * Connections refused because the stack held its {@link TcpStack.Builder#maxConnections} already (a connect() that threw, or a valid cookie dropped).
     *
     * @return the count since the stack was built
     */
    public long connectionLimitHits() {
        return connectionLimitHits;
    }

    /**
     * SYNs that found their listener's backlog full (or the connection limit reached).
     *
     * @return the count since the stack was built
     */
    public long listenOverflows() {
        return listenOverflows;
    }

    /**
     * Overflowing SYNs dropped because SYN cookies are off.
     *
     * @return the count since the stack was built
     */
    public long listenDrops() {
        return listenDrops;
    }

    /**
     * ICMP errors handed to the stack that quoted a segment of one of its connections
     * ({@link TcpStack#icmpError}); whether each changed anything is the engine's call
     * ({@link io.tcpclose.engine.Event.IcmpError}).
     *
     * @return the count since the stack was built
     */
    public long icmpErrors() {
        return icmpErrors;
    }

    /**
     * ICMP errors handed to the stack that quoted no connection of its own, or too few bytes to
     * tell (fewer than the TCP header's first eight); dropped.
     *
     * @return the count since the stack was built
     */
    public long icmpUnmatched() {
        return icmpUnmatched;
    }

    /**
     * SYN,ACKs sent with a SYN cookie (RFC 4987 §3.6).
     *
     * @return the count since the stack was built
     */
    public long synCookiesSent() {
        return synCookiesSent;
    }

    /**
     * ACKs that returned a valid SYN cookie and became connections.
     *
     * @return the count since the stack was built
     */
    public long synCookiesValidated() {
        return synCookiesValidated;
    }

    /**
     * ACKs checked as SYN cookies that were none of ours, or too old (answered with a reset).
     *
     * @return the count since the stack was built
     */
    public long synCookiesRejected() {
        return synCookiesRejected;
    }

    /**
     * Sends that did not fit the send buffer whole (the rest was refused, nothing dropped).
     *
     * @return the count since the stack was built
     */
    public long sendBufferFull() {
        return sendBufferFull;
    }

    /**
     * Connections closed, by reason; the timeouts say which timer.
     *
     * @param reason the close reason
     * @return the number of connections that reached CLOSED for {@code reason}
     */
    public long closed(CloseReason reason) {
        return closed.get(reason);
    }

    /**
     * Timeouts of one kind: retransmission, user timeout, keep-alive or FIN-WAIT-2.
     *
     * @param kind the timer
     * @return the number of connections closed because {@code kind} expired; 0 for a timer that
     *         never closes a connection
     */
    public long timeouts(io.tcpclose.engine.TimerKind kind) {
        long n = 0;
        for (CloseReason r : CloseReason.values()) {
            if (r.timer() == kind) {
                n += closed.get(r);
            }
        }
        return n;
    }

    /**
     * Segments not taken, by reason, malformed ones and those that reached no connection included.
     *
     * @param reason the reject reason
     * @return the number of segments rejected for {@code reason}
     */
    public long rejected(RejectReason reason) {
        return rejected.get(reason);
    }

    /**
     * Segments that did not decode, by reason.
     *
     * @param reason why the decoder rejected them
     * @return the number of malformed segments for {@code reason}
     */
    public long malformed(MalformedSegmentException.Reason reason) {
        return malformed.get(reason);
    }

    /**
     * Connections in {@code state} when the snapshot was taken.
     *
     * @param state the state
     * @return how many connections were in it, compacted TIME-WAITs included; 0 for CLOSED
     */
    public int connections(TcpState state) {
        return connectionsByState.getOrDefault(state, 0);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tcp:\n");
        line(sb, segmentsIn, "segments received");
        line(sb, segmentsOut, "segments sent out");
        line(sb, retransmissions, "segments retransmitted");
        line(sb, fastRetransmissions, "fast retransmits");
        line(sb, resetsSent, "resets sent");
        line(sb, resetsReceived, "resets received");
        line(sb, challengeAcksSent, "challenge ACKs sent");
        line(sb, keepAliveProbesSent, "keep-alive probes sent");
        line(sb, windowProbesSent, "zero-window probes sent");
        line(sb, connectionsOpened, "connection openings");
        line(sb, timeWaitReused, "TIME-WAIT connections reused by a newer SYN");
        line(sb, timeWaitRestored, "TIME-WAIT connections restored after an old duplicate SYN");
        line(sb, sendBufferFull, "sends that found the send buffer full");
        line(sb, synCookiesRejected, "SYN cookies rejected");
        line(sb, synCookiesValidated, "SYN cookies validated");
        line(sb, synCookiesSent, "SYN cookies sent");
        line(sb, listenDrops, "overflowing SYNs dropped (no cookies)");
        line(sb, listenOverflows, "SYNs beyond a full listen backlog");
        line(sb, connectionLimitHits, "connections refused at the connection limit");
        line(sb, icmpErrors, "ICMP errors about our connections");
        line(sb, icmpUnmatched, "ICMP errors about no connection of ours");
        closed.forEach((r, n) -> {
            if (n > 0) {
                line(sb, n, "connections closed: " + r);
            }
        });
        rejected.forEach((r, n) -> {
            if (n > 0) {
                line(sb, n, "segments rejected: " + r);
            }
        });
        malformed.forEach((r, n) -> {
            if (n > 0) {
                line(sb, n, "malformed segments: " + r);
            }
        });
        connectionsByState.forEach((s, n) -> {
            if (n > 0) {
                line(sb, n, "connections in " + s);
            }
        });
        return sb.toString();
    }

    private static void line(StringBuilder sb, long n, String what) {
        sb.append("    ").append(n).append(' ').append(what).append('\n');
    }
}
