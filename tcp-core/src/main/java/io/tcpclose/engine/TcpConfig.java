package io.tcpclose.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Every knob on which real TCP stacks disagree about closing, with a documented default.
 * Built with {@link #builder()} or taken from a preset ({@link #DEFAULTS}, {@link #RFC_STRICT},
 * {@link #LINUX}); {@link Builder#build()} validates and names the offending knob.
 *
 * <p>Times are stored in nanoseconds. "None" for an optional timeout is {@link #NONE}.
 * Immutable and thread-safe.
 */
public final class TcpConfig {
    /** The value of an optional timeout that is switched off. */
    public static final long NONE = -1;

    /** The default send buffer: 256 KiB, enough to keep a 64 KiB window full four times over. */
    public static final int DEFAULT_SEND_BUFFER = 256 * 1024;

    /**
     * The longest duration any knob takes: 36,500 days (about a century). Any longer would leave
     * too little of the 2<sup>63</sup> ns range for deadlines compared by subtraction (2×MSL
     * included).
     */
    public static final Duration MAX_DURATION = Duration.ofDays(36_500);

    /** What an RST does to a connection in TIME-WAIT. */
    public enum TimeWaitRst {
        /** Ignore it: TIME-WAIT assassination protection (RFC 1337 §3, "TIME-WAIT hazards"). */
        IGNORE,
        /** Close the connection, as RFC 9293 §3.10.7.4 and Linux do. */
        CLOSE
    }

    /** How an arriving RST's sequence number is validated. */
    public enum RstValidation {
        /** RCV.NXT exactly resets; elsewhere in the window earns a challenge ACK (RFC 5961 §3.2). */
        RFC_5961,
        /** Any RST inside the receive window resets (the RFC 793 rule, blind-reset prone). */
        ANY_IN_WINDOW
    }

    /** tcpclose's defaults: see the table in README.md. */
    public static final TcpConfig DEFAULTS = builder().build();

    /** RFC 9293 to the letter: MSL 120 s, RST closes TIME-WAIT, no FIN-WAIT-2 limit. */
    public static final TcpConfig RFC_STRICT = builder()
            .msl(Duration.ofSeconds(120))
            .timeWaitRst(TimeWaitRst.CLOSE)
            .orphanFinWait2Timeout(null)
            .finOnLastData(false)
            .build();

    /**
     * Linux's choices: TIME-WAIT 60 s, RST closes TIME-WAIT, RTO minimum 200 ms, window scaling
     * and timestamps offered, a 128 KiB receive buffer with room to reassemble all of it, ACKs
     * delayed up to 40 ms.
     */
    public static final TcpConfig LINUX = builder()
            .msl(Duration.ofSeconds(30))
            .timeWaitRst(TimeWaitRst.CLOSE)
            .rtoMin(Duration.ofMillis(200))
            .windowScaling(true)
            .timestamps(true)
            .receiveBuffer(131_072) // tcp_rmem's default
            .reassemblySegments(256) // Linux bounds its out-of-order queue by the buffer, not a count
            .delayedAck(Duration.ofMillis(40)) // TCP_DELACK_MIN
            .quickAcks(16) // TCP_MAX_QUICKACKS
            .silentAfterFin(true) // tcp_rcv_state_process drops them
            .timeWaitRestartOnAck(true) // tcp_timewait_state_process reschedules on any ACK
            .maxSynAckRetransmissions(5) // tcp_synack_retries
            .rtoMinOnVariance(true) // tcp_set_rto
            .build();

    final long mslNanos;
    final TimeWaitRst timeWaitRst;
    final RstValidation rstValidation;
    final long challengeAckIntervalNanos;
    final long orphanFinWait2TimeoutNanos;
    final int maxRetransmissions;
    final int maxOrphanRetransmissions;
    final int maxSynRetransmissions;
    final int maxSynAckRetransmissions;
    final boolean rtoMinOnVariance;
    final long rtoInitialNanos;
    final long rtoMinNanos;
    final long rtoMaxNanos;
    final long userTimeoutNanos;
    final boolean keepAlive;
    final long keepAliveIdleNanos;
    final long keepAliveIntervalNanos;
    final int keepAliveProbes;
    final boolean rstOnCloseWithUnreadData;
    final boolean timeWaitReuse;
    final boolean finOnLastData;
    final int mss;
    final int receiveBuffer;
    final int reassemblySegments;
    final int sendBuffer;
    final CongestionControl congestionControl;
    final int initialWindowSegments;
    final boolean windowScaling;
    final boolean timestamps;
    final long delayedAckNanos;
    final int quickAcks;
    final boolean silentAfterFin;
    final boolean timeWaitRestartOnAck;

    private TcpConfig(Builder b) {
        mslNanos = b.mslNanos;
        timeWaitRst = b.timeWaitRst;
        rstValidation = b.rstValidation;
        challengeAckIntervalNanos = b.challengeAckIntervalNanos;
        orphanFinWait2TimeoutNanos = b.orphanFinWait2TimeoutNanos;
        maxRetransmissions = b.maxRetransmissions;
        maxOrphanRetransmissions = b.maxOrphanRetransmissions;
        maxSynRetransmissions = b.maxSynRetransmissions;
        maxSynAckRetransmissions = b.maxSynAckRetransmissions;
        rtoMinOnVariance = b.rtoMinOnVariance;
        rtoInitialNanos = b.rtoInitialNanos;
        rtoMinNanos = b.rtoMinNanos;
        rtoMaxNanos = b.rtoMaxNanos;
        userTimeoutNanos = b.userTimeoutNanos;
        keepAlive = b.keepAlive;
        keepAliveIdleNanos = b.keepAliveIdleNanos;
        keepAliveIntervalNanos = b.keepAliveIntervalNanos;
        keepAliveProbes = b.keepAliveProbes;
        rstOnCloseWithUnreadData = b.rstOnCloseWithUnreadData;
        timeWaitReuse = b.timeWaitReuse;
        finOnLastData = b.finOnLastData;
        mss = b.mss;
        receiveBuffer = b.receiveBuffer;
        reassemblySegments = b.reassemblySegments;
        sendBuffer = b.sendBuffer;
        congestionControl = b.congestionControl;
        initialWindowSegments = b.initialWindowSegments;
        windowScaling = b.windowScaling;
        timestamps = b.timestamps;
        delayedAckNanos = b.delayedAckNanos;
        quickAcks = b.quickAcks;
        silentAfterFin = b.silentAfterFin;
        timeWaitRestartOnAck = b.timeWaitRestartOnAck;
    }

    /** {@return a builder holding the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding this configuration's values} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mslNanos = mslNanos;
        b.timeWaitRst = timeWaitRst;
        b.rstValidation = rstValidation;
        b.challengeAckIntervalNanos = challengeAckIntervalNanos;
        b.orphanFinWait2TimeoutNanos = orphanFinWait2TimeoutNanos;
        b.maxRetransmissions = maxRetransmissions;
        b.maxOrphanRetransmissions = maxOrphanRetransmissions;
        b.maxSynRetransmissions = maxSynRetransmissions;
        b.maxSynAckRetransmissions = maxSynAckRetransmissions;
        b.rtoMinOnVariance = rtoMinOnVariance;
        b.rtoInitialNanos = rtoInitialNanos;
        b.rtoMinNanos = rtoMinNanos;
        b.rtoMaxNanos = rtoMaxNanos;
        b.userTimeoutNanos = userTimeoutNanos;
        b.keepAlive = keepAlive;
        b.keepAliveIdleNanos = keepAliveIdleNanos;
        b.keepAliveIntervalNanos = keepAliveIntervalNanos;
        b.keepAliveProbes = keepAliveProbes;
        b.rstOnCloseWithUnreadData = rstOnCloseWithUnreadData;
        b.timeWaitReuse = timeWaitReuse;
        b.finOnLastData = finOnLastData;
        b.mss = mss;
        b.receiveBuffer = receiveBuffer;
        b.reassemblySegments = reassemblySegments;
        b.sendBuffer = sendBuffer;
        b.congestionControl = congestionControl;
        b.initialWindowSegments = initialWindowSegments;
        b.windowScaling = windowScaling;
        b.timestamps = timestamps;
        b.delayedAckNanos = delayedAckNanos;
        b.quickAcks = quickAcks;
        b.silentAfterFin = silentAfterFin;
        b.timeWaitRestartOnAck = timeWaitRestartOnAck;
        return b;
    }

    /** {@return the maximum segment lifetime (MSL) in nanoseconds; zero disables TIME-WAIT} */
    public long mslNanos() {
        return mslNanos;
    }

    /** {@return TIME-WAIT's length in nanoseconds: 2×MSL (RFC 9293 §3.6.1)} */
    public long timeWaitNanos() {
        return 2 * mslNanos;
    }

    /** {@return what an RST does to a connection in TIME-WAIT} */
    public TimeWaitRst timeWaitRst() {
        return timeWaitRst;
    }

    /** {@return how an arriving RST's sequence number is validated} */
    public RstValidation rstValidation() {
        return rstValidation;
    }

    /**
     * {@return the minimum time between two challenge ACKs on one connection (RFC 5961 §7), in
     * nanoseconds; the same interval throttles ACKs sent in answer to unacceptable bare ACKs}
     */
    public long challengeAckIntervalNanos() {
        return challengeAckIntervalNanos;
    }

    /**
     * {@return how long an orphan (the application closed) waits in FIN-WAIT-2 for the peer's FIN,
     * in nanoseconds, or {@link #NONE} for no limit}
     */
    public long orphanFinWait2TimeoutNanos() {
        return orphanFinWait2TimeoutNanos;
    }

    /**
     * {@return how many times one segment is retransmitted before the connection gives up, while
     * the application has not closed; unanswered zero-window probes count too}
     */
    public int maxRetransmissions() {
        return maxRetransmissions;
    }

    /**
     * {@return how many times one segment is retransmitted before an orphan (the application
     * closed) gives up; also the number of zero-window probes an orphan gets in all, answered or not}
     */
    public int maxOrphanRetransmissions() {
        return maxOrphanRetransmissions;
    }

    /** {@return how many times our SYN or SYN,ACK is retransmitted before the handshake gives up} */
    public int maxSynRetransmissions() {
        return maxSynRetransmissions;
    }

    /** {@return how many times a SYN,ACK is retransmitted before a half-open connection gives up} */
    public int maxSynAckRetransmissions() {
        return maxSynAckRetransmissions;
    }

    /**
     * Whether the RTO minimum bounds the variance term, as Linux's {@code tcp_set_rto} (RTO = SRTT
     * + max(4·RTTVAR, RTO.min)), rather than the whole RTO as RFC 6298 §2.4 (RTO = max(RTO.min,
     * SRTT + 4·RTTVAR)). On in {@link #LINUX}.
     *
     * @return true for Linux's formula
     */
    public boolean rtoMinOnVariance() {
        return rtoMinOnVariance;
    }

    /** {@return the retransmission timeout before the first RTT sample (RFC 6298), in nanoseconds} */
    public long rtoInitialNanos() {
        return rtoInitialNanos;
    }

    /** {@return the floor of the computed retransmission timeout (RFC 6298 §2.4), in nanoseconds} */
    public long rtoMinNanos() {
        return rtoMinNanos;
    }

    /** {@return the ceiling of the retransmission timeout, backoff included, in nanoseconds} */
    public long rtoMaxNanos() {
        return rtoMaxNanos;
    }

    /**
     * {@return the user timeout (RFC 5482) in nanoseconds, or {@link #NONE} when it is off: how
     * long queued data may wait unacknowledged before the connection gives up}
     */
    public long userTimeoutNanos() {
        return userTimeoutNanos;
    }

    /** {@return whether keep-alive probing is on (RFC 1122 §4.2.3.6)} */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** {@return how long the connection stays idle before the first keep-alive probe, in nanoseconds} */
    public long keepAliveIdleNanos() {
        return keepAliveIdleNanos;
    }

    /** {@return the time between two keep-alive probes, in nanoseconds} */
    public long keepAliveIntervalNanos() {
        return keepAliveIntervalNanos;
    }

    /** {@return how many keep-alive probes go unanswered before the connection gives up} */
    public int keepAliveProbes() {
        return keepAliveProbes;
    }

    /**
     * {@return whether {@code close()} with unread received data, or data arriving after it, resets
     * the connection (RFC 2525 §2.17)}
     */
    public boolean rstOnCloseWithUnreadData() {
        return rstOnCloseWithUnreadData;
    }

    /**
     * {@return whether, with a listener waiting, a new SYN with a higher sequence number may reuse
     * a 4-tuple in TIME-WAIT (RFC 6191)}
     */
    public boolean timeWaitReuse() {
        return timeWaitReuse;
    }

    /** {@return whether our FIN rides on the last data segment rather than going separately} */
    public boolean finOnLastData() {
        return finOnLastData;
    }

    /** {@return our MSS in bytes, announced in the SYN; no segment we send carries more} */
    public int mss() {
        return mss;
    }

    /** {@return the receive buffer in bytes: the window we advertise when nothing is unread} */
    public int receiveBuffer() {
        return receiveBuffer;
    }

    /** {@return the most out-of-order segments held for reassembly; zero holds none} */
    public int reassemblySegments() {
        return reassemblySegments;
    }

    /**
     * The send buffer: the most bytes queued and not yet acknowledged. A send takes what fits
     * and no more; nothing it took is ever dropped.
     *
     * @return the buffer in bytes
     */
    public int sendBuffer() {
        return sendBuffer;
    }

    /**
     * The name of the first knob that differs between this configuration and {@code next} and
     * that an open connection cannot change ({@link Event.Configure}), or null when only
     * per-connection options differ: keep-alive, the user timeout and the send buffer.
     */
    String fixedKnobChanged(TcpConfig next) {
        String[] names = {"msl", "timeWaitRst", "rstValidation", "challengeAckInterval",
            "orphanFinWait2Timeout", "maxRetransmissions", "maxOrphanRetransmissions",
            "maxSynRetransmissions", "rtoInitial", "rtoMin", "rtoMax", "rstOnCloseWithUnreadData",
            "timeWaitReuse", "finOnLastData", "mss", "receiveBuffer", "reassemblySegments",
            "congestionControl", "initialWindow", "windowScaling", "timestamps", "delayedAck",
            "maxSynAckRetransmissions", "rtoMinOnVariance", "quickAcks", "silentAfterFin", "timeWaitRestartOnAck"};
        Object[] mine = fixedKnobs();
        Object[] theirs = next.fixedKnobs();
        for (int i = 0; i < names.length; i++) {
            if (!mine[i].equals(theirs[i])) {
                return names[i];
            }
        }
        return null;
    }

    private Object[] fixedKnobs() {
        return new Object[] {mslNanos, timeWaitRst, rstValidation, challengeAckIntervalNanos,
            orphanFinWait2TimeoutNanos, maxRetransmissions, maxOrphanRetransmissions,
            maxSynRetransmissions, rtoInitialNanos, rtoMinNanos, rtoMaxNanos, rstOnCloseWithUnreadData,
            timeWaitReuse, finOnLastData, mss, receiveBuffer, reassemblySegments, congestionControl,
            initialWindowSegments, windowScaling, timestamps, delayedAckNanos, maxSynAckRetransmissions,
            rtoMinOnVariance, quickAcks, silentAfterFin, timeWaitRestartOnAck};
    }

    /** {@return how the congestion window grows and shrinks ({@link CongestionControl#RENO} by default)} */
    public CongestionControl congestionControl() {
        return congestionControl;
    }

    /**
     * The initial congestion window in segments (RFC 6928): the window is this many times the
     * sender's MSS, as on Linux (RFC 6928 also caps it at 14,600 bytes; Linux does not, nor do we),
     * and one segment after a lost SYN or SYN,ACK (RFC 5681 §3.1).
     *
     * @return the segments, 1..100
     */
    public int initialWindowSegments() {
        return initialWindowSegments;
    }

    /** {@return whether the SYN offers window scaling (RFC 7323 §2); used only when the peer's SYN offers it too} */
    public boolean windowScaling() {
        return windowScaling;
    }

    /** {@return whether the SYN offers timestamps (RFC 7323 §3): RTT samples, PAWS, RFC 6191 TIME-WAIT reuse} */
    public boolean timestamps() {
        return timestamps;
    }

    /**
     * How long an ACK of in-order data may wait for a second segment (RFC 1122 4.2.3.2), or
     * {@link #NONE} for immediate ACKs (the default, so ladders show one ACK per segment).
     *
     * @return the bound in nanoseconds, or {@link #NONE}
     */
    public long delayedAckNanos() {
        return delayedAckNanos;
    }

    /**
     * With delayed ACKs, how many in-order segments after the handshake are still ACKed at once
     * (Linux's quick-ACK mode, up to 16, so that the sender's window opens fast).
     *
     * @return the count; 0 delays from the first segment
     */
    public int quickAcks() {
        return quickAcks;
    }

    /**
     * Once the peer's FIN is in (CLOSE-WAIT, CLOSING, LAST-ACK), whether a segment at or beyond
     * RCV.NXT inside the window, which is never acceptable then, is dropped without an answer as
     * Linux does ({@link #LINUX}), rather than answered with the first check's ACK (the default).
     * TIME-WAIT answers in both (as Linux's does too).
     *
     * @return true for Linux's silence
     */
    public boolean silentAfterFin() {
        return silentAfterFin;
    }

    /**
     * Whether any segment with an ACK (not a RST) restarts TIME-WAIT's 2×MSL, as Linux's {@code
     * tcp_timewait_state_process} does ({@link #LINUX}), rather than only a repeated FIN (RFC 9293
     * §3.6.1, the default).
     *
     * @return true for Linux's restart
     */
    public boolean timeWaitRestartOnAck() {
        return timeWaitRestartOnAck;
    }

    /**
     * The settings that shape a close ladder, in one line for a reader: MSL and TIME-WAIT, the
     * RTO's bounds, keep-alive and the user timeout when on, congestion control, and the options
     * and delayed ACKs when on. For example {@code "MSL 30 s (TIME-WAIT 60 s), RTO 1 s initial,
     * 1 s..120 s, congestion control reno"}.
     *
     * @return the summary
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("MSL ").append(human(mslNanos)).append(" (TIME-WAIT ").append(human(timeWaitNanos())).append(")");
        sb.append(", RTO ").append(human(rtoInitialNanos())).append(" initial, ").append(human(rtoMinNanos()))
                .append("..").append(human(rtoMaxNanos()));
        if (keepAlive()) {
            sb.append(", keep-alive idle ").append(human(keepAliveIdleNanos())).append(" interval ")
                    .append(human(keepAliveIntervalNanos())).append(" probes ").append(keepAliveProbes());
        }
        if (userTimeoutNanos() != NONE) {
            sb.append(", user timeout ").append(human(userTimeoutNanos()));
        }
        sb.append(", congestion control ").append(congestionControl().name());
        if (windowScaling()) {
            sb.append(", window scaling");
        }
        if (timestamps()) {
            sb.append(", timestamps");
        }
        if (delayedAckNanos() != NONE) {
            sb.append(", delayed ACKs ").append(human(delayedAckNanos()));
        }
        return sb.toString();
    }

    /** Whole seconds as "30 s", anything finer as "200 ms". */
    private static String human(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        if (d.toMillisPart() == 0 && d.toNanosPart() == 0) {
            return d.getSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "TcpConfig{msl=" + Duration.ofNanos(mslNanos)
                + ", timeWaitRst=" + timeWaitRst
                + ", rstValidation=" + rstValidation
                + ", challengeAckInterval=" + Duration.ofNanos(challengeAckIntervalNanos)
                + ", orphanFinWait2Timeout=" + (orphanFinWait2TimeoutNanos == NONE ? "none" : Duration.ofNanos(orphanFinWait2TimeoutNanos))
                + ", retransmissions=" + maxRetransmissions + "/" + maxOrphanRetransmissions + " orphan"
                + ", synRetransmissions=" + maxSynRetransmissions + "/" + maxSynAckRetransmissions + " SYN,ACK"
                + (rtoMinOnVariance ? ", rto=srtt+max(4rttvar,min)" : "")
                + ", rto=" + Duration.ofNanos(rtoInitialNanos) + "/" + Duration.ofNanos(rtoMinNanos) + "/" + Duration.ofNanos(rtoMaxNanos)
                + ", userTimeout=" + (userTimeoutNanos == NONE ? "off" : Duration.ofNanos(userTimeoutNanos))
                + ", keepAlive=" + (keepAlive ? Duration.ofNanos(keepAliveIdleNanos) + "/" + Duration.ofNanos(keepAliveIntervalNanos) + "/" + keepAliveProbes : "off")
                + ", rstOnCloseWithUnreadData=" + rstOnCloseWithUnreadData
                + ", timeWaitReuse=" + timeWaitReuse
                + ", finOnLastData=" + finOnLastData
                + ", mss=" + mss + ", receiveBuffer=" + receiveBuffer + ", sendBuffer=" + sendBuffer
                + ", congestionControl=" + congestionControl.name() + ", initialWindow=" + initialWindowSegments
                + ", windowScaling=" + windowScaling + ", timestamps=" + timestamps
                + ", delayedAck=" + (delayedAckNanos == NONE ? "off" : Duration.ofNanos(delayedAckNanos) + " after " + quickAcks + " quick ACKs") + "}";
    }

    /**
     * Collects knob values; {@link #build()} validates them. Not thread-safe (a builder is a
     * local scratchpad).
     */
    public static final class Builder {
        private long mslNanos = Duration.ofSeconds(30).toNanos();
        private TimeWaitRst timeWaitRst = TimeWaitRst.IGNORE;
        private RstValidation rstValidation = RstValidation.RFC_5961;
        private long challengeAckIntervalNanos = Duration.ofMillis(500).toNanos();
        private long orphanFinWait2TimeoutNanos = Duration.ofSeconds(60).toNanos();
        private int maxRetransmissions = 15;
        private int maxOrphanRetransmissions = 8;
        private int maxSynRetransmissions = 6;
        private int maxSynAckRetransmissions = 6;
        private boolean rtoMinOnVariance = false;
        private long rtoInitialNanos = Duration.ofSeconds(1).toNanos();
        private long rtoMinNanos = Duration.ofSeconds(1).toNanos();
        private long rtoMaxNanos = Duration.ofSeconds(120).toNanos();
        private long userTimeoutNanos = NONE;
        private boolean keepAlive = false;
        private long keepAliveIdleNanos = Duration.ofSeconds(7200).toNanos();
        private long keepAliveIntervalNanos = Duration.ofSeconds(75).toNanos();
        private int keepAliveProbes = 9;
        private boolean rstOnCloseWithUnreadData = true;
        private boolean timeWaitReuse = true;
        private boolean finOnLastData = true;
        private int mss = 1460;
        private int receiveBuffer = 65535;
        private int reassemblySegments = 64;
        private int sendBuffer = DEFAULT_SEND_BUFFER;
        private CongestionControl congestionControl = CongestionControl.RENO;
        private int initialWindowSegments = 10;
        private boolean windowScaling = false;
        private boolean timestamps = false;
        private long delayedAckNanos = NONE;
        private int quickAcks = 0;
        private boolean silentAfterFin = false;
        private boolean timeWaitRestartOnAck = false;

        private Builder() {}

        /**
         * Maximum segment lifetime; TIME-WAIT lasts twice this. Zero disables TIME-WAIT (unsafe: for
         * demonstrations).
         *
         * @param msl the MSL, zero or more
         * @return this builder
         */
        public Builder msl(Duration msl) {
            mslNanos = nonNegative("msl", msl);
            return this;
        }

        /**
         * What an RST does to a connection in TIME-WAIT.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder timeWaitRst(TimeWaitRst policy) {
            timeWaitRst = Objects.requireNonNull(policy, "timeWaitRst");
            return this;
        }

        /**
         * How an arriving RST's sequence number is validated.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder rstValidation(RstValidation policy) {
            rstValidation = Objects.requireNonNull(policy, "rstValidation");
            return this;
        }

        /**
         * Minimum time between two challenge ACKs on one connection (RFC 5961 §7); the same
         * interval throttles ACKs sent in answer to unacceptable bare ACKs.
         *
         * @param interval the interval, zero or more
         * @return this builder
         */
        public Builder challengeAckInterval(Duration interval) {
            challengeAckIntervalNanos = nonNegative("challengeAckInterval", interval);
            return this;
        }

        /**
         * How long a fully closed connection waits in FIN-WAIT-2; null for no limit.
         *
         * @param timeout the timeout, positive, or null
         * @return this builder
         */
        public Builder orphanFinWait2Timeout(Duration timeout) {
            orphanFinWait2TimeoutNanos = timeout == null ? NONE : positive("orphanFinWait2Timeout", timeout);
            return this;
        }

        /**
         * Retransmissions of one segment before giving up; the second count applies once the
         * application has closed.
         *
         * @param normal the count while the application has not closed, zero or more
         * @param orphan the count once it has, zero or more
         * @return this builder
         */
        public Builder maxRetransmissions(int normal, int orphan) {
            maxRetransmissions = atLeast("maxRetransmissions", normal, 0);
            maxOrphanRetransmissions = atLeast("maxOrphanRetransmissions", orphan, 0);
            return this;
        }

        /**
         * Retransmissions of our SYN or SYN,ACK before the handshake gives up.
         *
         * @param n the count, zero or more
         * @return this builder
         */
        public Builder maxSynRetransmissions(int n) {
            maxSynRetransmissions = atLeast("maxSynRetransmissions", n, 0);
            maxSynAckRetransmissions = maxSynRetransmissions;
            return this;
        }

        /**
         * Retransmissions of our SYN,ACK alone (Linux's {@code tcp_synack_retries}, 5); set after
         * {@link #maxSynRetransmissions(int)}, which sets both.
         *
         * @param n the count, zero or more
         * @return this builder
         */
        public Builder maxSynAckRetransmissions(int n) {
            maxSynAckRetransmissions = atLeast("maxSynAckRetransmissions", n, 0);
            return this;
        }

        /**
         * Linux's RTO formula, the minimum bounding the variance term (see {@link
         * TcpConfig#rtoMinOnVariance()}), or RFC 6298's (the default).
         *
         * @param on true for Linux's
         * @return this builder
         */
        public Builder rtoMinOnVariance(boolean on) {
            rtoMinOnVariance = on;
            return this;
        }

        /**
         * The retransmission timeout before the first RTT sample (RFC 6298); it must lie between
         * {@link #rtoMin} and {@link #rtoMax}, which {@link #build()} checks.
         *
         * @param d the timeout, positive
         * @return this builder
         */
        public Builder rtoInitial(Duration d) {
            rtoInitialNanos = positive("rtoInitial", d);
            return this;
        }

        /**
         * The floor of the computed retransmission timeout (RFC 6298 §2.4).
         *
         * @param d the floor, positive
         * @return this builder
         */
        public Builder rtoMin(Duration d) {
            rtoMinNanos = positive("rtoMin", d);
            return this;
        }

        /**
         * The ceiling of the retransmission timeout, backoff included.
         *
         * @param d the ceiling, positive
         * @return this builder
         */
        public Builder rtoMax(Duration d) {
            rtoMaxNanos = positive("rtoMax", d);
            return this;
        }

        /**
         * RFC 5482 user timeout; null switches it off.
         *
         * @param d the timeout, positive, or null
         * @return this builder
         */
        public Builder userTimeout(Duration d) {
            userTimeoutNanos = d == null ? NONE : positive("userTimeout", d);
            return this;
        }

        /**
         * Switches keep-alive on with these parameters (RFC 1122 §4.2.3.6).
         *
         * @param idle     how long the connection stays idle before the first probe, positive
         * @param interval the time between two probes, positive
         * @param probes   how many probes go unanswered before the connection gives up, at least 1
         * @return this builder
         */
        public Builder keepAlive(Duration idle, Duration interval, int probes) {
            keepAlive = true;
            keepAliveIdleNanos = positive("keepAlive idle", idle);
            keepAliveIntervalNanos = positive("keepAlive interval", interval);
            keepAliveProbes = atLeast("keepAlive probes", probes, 1);
            return this;
        }

        /**
         * Switches keep-alive off (the default).
         *
         * @return this builder
         */
        public Builder keepAliveOff() {
            keepAlive = false;
            return this;
        }

        /**
         * Whether {@code close()} with unread received data resets the connection (RFC 2525 §2.17).
         *
         * @param on true to reset
         * @return this builder
         */
        public Builder rstOnCloseWithUnreadData(boolean on) {
            rstOnCloseWithUnreadData = on;
            return this;
        }

        /**
         * Whether a new SYN with a higher sequence number may reuse a 4-tuple in TIME-WAIT (RFC 6191).
         *
         * @param on true to allow the reuse
         * @return this builder
         */
        public Builder timeWaitReuse(boolean on) {
            timeWaitReuse = on;
            return this;
        }

        /**
         * Whether the FIN rides on the last data segment or goes separately.
         *
         * @param on true for the FIN on the last data segment
         * @return this builder
         */
        public Builder finOnLastData(boolean on) {
            finOnLastData = on;
            return this;
        }

        /**
         * Our MSS, announced in the SYN.
         *
         * @param bytes the MSS in bytes, 64..65495
         * @return this builder
         */
        public Builder mss(int bytes) {
            mss = between("mss", bytes, 64, 65495);
            return this;
        }

        /**
         * Receive buffer: the window we advertise when nothing is unread. Above 65535 it needs
         * window scaling on both sides ({@link #windowScaling(boolean)}); without it the advertised
         * window stops at 65535.
         *
         * @param bytes the buffer in bytes, 1..2<sup>30</sup> (RFC 7323 §2.3's largest window)
         * @return this builder
         */
        public Builder receiveBuffer(int bytes) {
            receiveBuffer = between("receiveBuffer", bytes, 1, 1 << 30);
            return this;
        }

        /**
         * Most out-of-order segments held for reassembly; beyond them an out-of-order segment is
         * rejected.
         *
         * @param n the count, zero or more
         * @return this builder
         */
        public Builder reassemblySegments(int n) {
            reassemblySegments = atLeast("reassemblySegments", n, 0);
            return this;
        }

        /**
         * The send buffer: the most bytes queued and not yet acknowledged (default
         * {@value TcpConfig#DEFAULT_SEND_BUFFER}); a send takes what fits.
         *
         * @param bytes the buffer in bytes, 1..2<sup>30</sup>
         * @return this builder
         */
        public Builder sendBuffer(int bytes) {
            sendBuffer = between("sendBuffer", bytes, 1, 1 << 30);
            return this;
        }

        /**
         * How the congestion window grows and shrinks (RFC 5681).
         *
         * @param cc the controller, {@link CongestionControl#RENO} by default
         * @return this builder
         */
        public Builder congestionControl(CongestionControl cc) {
            congestionControl = Objects.requireNonNull(cc, "congestionControl");
            return this;
        }

        /**
         * The initial congestion window in segments (RFC 6928; RFC 5681 §3.1 allows 2 to 4).
         *
         * @param segments 1..100, 10 by default (Linux's)
         * @return this builder
         */
        public Builder initialWindow(int segments) {
            initialWindowSegments = between("initialWindow", segments, 1, 100);
            return this;
        }

        /**
         * Whether the SYN offers window scaling (RFC 7323 §2), so that a receive buffer above
         * 64 KiB can be advertised. Off by default so that ladders stay plain; on in {@link #LINUX}.
         *
         * @param on true to offer it
         * @return this builder
         */
        public Builder windowScaling(boolean on) {
            windowScaling = on;
            return this;
        }

        /**
         * Whether the SYN offers timestamps (RFC 7323 §3–5). Off by default; on in {@link #LINUX}.
         *
         * @param on true to offer them
         * @return this builder
         */
        public Builder timestamps(boolean on) {
            timestamps = on;
            return this;
        }

        /**
         * Delayed ACKs (RFC 1122 4.2.3.2, RFC 5681 §4.2): in-order data is acknowledged after every
         * second segment or after {@code bound}, whichever comes first; out-of-order data, data
         * that fills a gap, a FIN and window updates are acknowledged at once, and any segment we
         * send carries the owed ACK.
         *
         * @param bound the longest delay, 1 ms to 500 ms (RFC 1122's limit), or null for immediate ACKs
         * @return this builder
         */
        public Builder delayedAck(Duration bound) {
            if (bound == null) {
                delayedAckNanos = NONE;
                return this;
            }
            if (bound.compareTo(Duration.ofMillis(1)) < 0 || bound.compareTo(Duration.ofMillis(500)) > 0) {
                throw new IllegalArgumentException("delayedAck must lie between 1 ms and 500 ms (RFC 1122 4.2.3.2), was " + bound);
            }
            delayedAckNanos = bound.toNanos();
            return this;
        }

        /**
         * With delayed ACKs on, the in-order segments after the handshake that are still ACKed at
         * once (Linux's quick-ACK start; {@link #LINUX} uses 16).
         *
         * @param segments 0..1000
         * @return this builder
         */
        public Builder quickAcks(int segments) {
            quickAcks = between("quickAcks", segments, 0, 1000);
            return this;
        }

        /**
         * Linux's silence toward in-window segments after the peer's FIN (see {@link
         * TcpConfig#silentAfterFin()}).
         *
         * @param on true to drop them unanswered
         * @return this builder
         */
        public Builder silentAfterFin(boolean on) {
            silentAfterFin = on;
            return this;
        }

        /**
         * Linux's TIME-WAIT restart on any ACK (see {@link TcpConfig#timeWaitRestartOnAck()}).
         *
         * @param on true to restart on any segment with an ACK
         * @return this builder
         */
        public Builder timeWaitRestartOnAck(boolean on) {
            timeWaitRestartOnAck = on;
            return this;
        }

        /**
         * Checks the knobs against each other (rtoMin ≤ rtoInitial ≤ rtoMax) and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the knob whose value contradicts another
         */
        public TcpConfig build() {
            if (rtoMinNanos > rtoMaxNanos) {
                throw new IllegalArgumentException("rtoMin " + Duration.ofNanos(rtoMinNanos)
                        + " is above rtoMax " + Duration.ofNanos(rtoMaxNanos));
            }
            if (rtoInitialNanos < rtoMinNanos || rtoInitialNanos > rtoMaxNanos) {
                throw new IllegalArgumentException("rtoInitial " + Duration.ofNanos(rtoInitialNanos)
                        + " lies outside [rtoMin " + Duration.ofNanos(rtoMinNanos) + ", rtoMax "
                        + Duration.ofNanos(rtoMaxNanos) + "]");
            }
            return new TcpConfig(this);
        }

        private static long nonNegative(String knob, Duration d) {
            Objects.requireNonNull(d, knob);
            if (d.isNegative()) {
                throw new IllegalArgumentException(knob + " must not be negative, was " + d);
            }
            return representable(knob, d);
        }

        private static long positive(String knob, Duration d) {
            Objects.requireNonNull(d, knob);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(knob + " must be positive, was " + d);
            }
            return representable(knob, d);
        }

        /** Nanoseconds of {@code d}, refusing what a deadline could not hold (overflow included). */
        private static long representable(String knob, Duration d) {
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(knob + " must be at most " + MAX_DURATION.toDays()
                        + " days, was " + d);
            }
            return d.toNanos();
        }

        private static int atLeast(String knob, int v, int min) {
            if (v < min) {
                throw new IllegalArgumentException(knob + " must be at least " + min + ", was " + v);
            }
            return v;
        }

        private static int between(String knob, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(knob + " must lie in [" + min + ", " + max + "], was " + v);
            }
            return v;
        }
    }
}
