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
public final class TcpConfig implements Cloneable {
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

    /**
     * Whether a small segment waits while data is unacknowledged: Nagle's algorithm (RFC 896,
     * RFC 1122 4.2.3.4), which real stacks apply differently.
     */
    public enum Nagle {
        /** Every write goes out as the windows allow ({@code TCP_NODELAY}). */
        OFF,
        /** RFC 896 as RFC 1122 4.2.3.4 words it, as FreeBSD does: a segment shorter than the MSS waits while any data is unacknowledged. */
        RFC_896,
        /** Linux's (Minshall's refinement): a segment shorter than the MSS waits only while an earlier short one is unacknowledged. */
        MINSHALL
    }

    /** tcpclose's defaults: see the table in README.md. */
    public static final TcpConfig DEFAULTS = builder().build();

    /** RFC 9293 to the letter: MSL 120 s, RST closes TIME-WAIT, no FIN-WAIT-2 limit ({@code Presets}). */
    public static final TcpConfig RFC_STRICT = Presets.rfcStrict();

    /**
     * Linux's choices: TIME-WAIT 60 s, RST closes TIME-WAIT, RTO minimum 200 ms, window scaling
     * and timestamps offered, a 128 KiB receive buffer with room to reassemble all of it, ACKs
     * delayed up to 40 ms, and the rest its {@code Presets} entry lists with the kernel knob each
     * follows.
     */
    public static final TcpConfig LINUX = Presets.linux();

    // Each knob is declared once, here, with its default, grouped by the part of the connection
    // it governs. A TcpConfig is never changed once built: the Builder edits a draft and build()
    // hands out a copy (published with a release fence, as final fields would be).

    // The close: TIME-WAIT, orphans, and what a close with unread data or a FIN looks like (RFC 9293 §3.6, RFC 1337, RFC 2525).
    long mslNanos = Duration.ofSeconds(30).toNanos();
    TimeWaitRst timeWaitRst = TimeWaitRst.IGNORE;
    boolean timeWaitReuse = true;
    boolean timeWaitRestartOnAck = false;
    long orphanFinWait2TimeoutNanos = Duration.ofSeconds(60).toNanos();
    boolean rstOnCloseWithUnreadData = true;
    boolean finOnLastData = true;
    boolean silentAfterFin = false;

    // Validation of arriving RSTs and SYNs (RFC 5961).
    RstValidation rstValidation = RstValidation.RFC_5961;
    long challengeAckIntervalNanos = Duration.ofMillis(500).toNanos();

    // Retransmission and its timer (RFC 6298, RFC 1122 §4.2.3.5).
    int maxRetransmissions = 15;
    int maxOrphanRetransmissions = 8;
    int maxSynRetransmissions = 6;
    int maxSynAckRetransmissions = 6;
    boolean rtoMinOnVariance = false;
    long rtoInitialNanos = Duration.ofSeconds(1).toNanos();
    long rtoMinNanos = Duration.ofSeconds(1).toNanos();
    long rtoMaxNanos = Duration.ofSeconds(120).toNanos();

    // The user timeout (RFC 5482) and keep-alive (RFC 1122 §4.2.3.6).
    long userTimeoutNanos = NONE;
    boolean keepAlive = false;
    long keepAliveIdleNanos = Duration.ofSeconds(7200).toNanos();
    long keepAliveIntervalNanos = Duration.ofSeconds(75).toNanos();
    int keepAliveProbes = 9;

    // Segments and buffers.
    int mss = 1460;
    int receiveBuffer = 65535;
    int reassemblySegments = 64;
    int sendBuffer = DEFAULT_SEND_BUFFER;

    // Congestion control (RFC 5681, RFC 6928).
    CongestionControl congestionControl = CongestionControl.RENO;
    int initialWindowSegments = 10;

    // Options the SYN offers (RFC 7323).
    boolean windowScaling = false;
    boolean timestamps = false;

    // When small segments go (RFC 1122 4.2.3.4): off by default, so a ladder shows every write.
    Nagle nagle = Nagle.OFF;

    // When ACKs go (RFC 1122 4.2.3.2, RFC 5681 §4.2).
    long delayedAckNanos = NONE;
    int quickAcks = 0;

    private TcpConfig() {}

    /** A field-by-field copy (every knob, whatever knobs are added later). */
    private TcpConfig copy() {
        try {
            return (TcpConfig) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /** {@return a builder holding the defaults} */
    public static Builder builder() {
        return new Builder(new TcpConfig());
    }

    /** {@return a builder holding this configuration's values} */
    public Builder toBuilder() {
        return new Builder(copy());
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

    /** {@return the challenge-ACK interval in nanoseconds ({@link Builder#challengeAckInterval})} */
    public long challengeAckIntervalNanos() {
        return challengeAckIntervalNanos;
    }

    /** {@return the orphan FIN-WAIT-2 timeout in nanoseconds, or {@link #NONE} ({@link Builder#orphanFinWait2Timeout})} */
    public long orphanFinWait2TimeoutNanos() {
        return orphanFinWait2TimeoutNanos;
    }

    /** {@return the retransmissions of one segment before giving up while the application has not closed; unanswered zero-window probes count too ({@link Builder#maxRetransmissions})} */
    public int maxRetransmissions() {
        return maxRetransmissions;
    }

    /** {@return the same once the application has closed; also an orphan's zero-window probes in all ({@link Builder#maxRetransmissions})} */
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

    /** {@return the RFC 5482 user timeout in nanoseconds, or {@link #NONE} when off ({@link Builder#userTimeout})} */
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

    /** {@return whether a close with unread data resets the connection ({@link Builder#rstOnCloseWithUnreadData})} */
    public boolean rstOnCloseWithUnreadData() {
        return rstOnCloseWithUnreadData;
    }

    /** {@return whether a SYN may reuse a 4-tuple in TIME-WAIT ({@link Builder#timeWaitReuse})} */
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

    /** {@return the send buffer in bytes ({@link Builder#sendBuffer})} */
    public int sendBuffer() {
        return sendBuffer;
    }

    /**
     * The name of the first knob that differs between this configuration and {@code next} and
     * that an open connection cannot change ({@link Event.Configure}), or null when only
     * per-connection options differ: keep-alive, the user timeout and the send buffer.
     */
    String fixedKnobChanged(TcpConfig next) {
        return ConfigText.firstFixedDifference(this, next);
    }

    /** {@return how the congestion window grows and shrinks ({@link CongestionControl#RENO} by default)} */
    public CongestionControl congestionControl() {
        return congestionControl;
    }

    /** {@return the initial congestion window in segments ({@link Builder#initialWindow})} */
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

    /** {@return how small segments wait while data is unacknowledged ({@link Builder#nagle})} */
    public Nagle nagle() {
        return nagle;
    }

    /** {@return the delayed-ACK bound in nanoseconds, or {@link #NONE} for immediate ACKs ({@link Builder#delayedAck})} */
    public long delayedAckNanos() {
        return delayedAckNanos;
    }

    /** {@return the quick ACKs after the handshake ({@link Builder#quickAcks})} */
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
        return ConfigText.summary(this);
    }

    /** Every knob as {@code name=value}, durations as durations, in declaration order. */
    @Override
    public String toString() {
        return ConfigText.all(this);
    }

    /**
     * Collects knob values; {@link #build()} validates them. Not thread-safe (a builder is a
     * local scratchpad).
     */
    public static final class Builder {
        /** The configuration being built; never handed out (build() copies it). */
        private final TcpConfig c;

        private Builder(TcpConfig draft) {
            this.c = draft;
        }


        /**
         * Maximum segment lifetime; TIME-WAIT lasts twice this. Zero disables TIME-WAIT (unsafe: for
         * demonstrations).
         *
         * @param msl the MSL, zero or more
         * @return this builder
         */
        public Builder msl(Duration msl) {
            c.mslNanos = ConfigText.nonNegative("msl", msl);
            return this;
        }

        /**
         * What an RST does to a connection in TIME-WAIT.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder timeWaitRst(TimeWaitRst policy) {
            c.timeWaitRst = Objects.requireNonNull(policy, "timeWaitRst");
            return this;
        }

        /**
         * How an arriving RST's sequence number is validated.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder rstValidation(RstValidation policy) {
            c.rstValidation = Objects.requireNonNull(policy, "rstValidation");
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
            c.challengeAckIntervalNanos = ConfigText.nonNegative("challengeAckInterval", interval);
            return this;
        }

        /**
         * How long a fully closed connection waits in FIN-WAIT-2; null for no limit.
         *
         * @param timeout the timeout, positive, or null
         * @return this builder
         */
        public Builder orphanFinWait2Timeout(Duration timeout) {
            c.orphanFinWait2TimeoutNanos = timeout == null ? NONE : ConfigText.positive("orphanFinWait2Timeout", timeout);
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
            c.maxRetransmissions = ConfigText.atLeast("maxRetransmissions", normal, 0);
            c.maxOrphanRetransmissions = ConfigText.atLeast("maxOrphanRetransmissions", orphan, 0);
            return this;
        }

        /**
         * Retransmissions of our SYN or SYN,ACK before the handshake gives up.
         *
         * @param n the count, zero or more
         * @return this builder
         */
        public Builder maxSynRetransmissions(int n) {
            c.maxSynRetransmissions = ConfigText.atLeast("maxSynRetransmissions", n, 0);
            c.maxSynAckRetransmissions = c.maxSynRetransmissions;
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
            c.maxSynAckRetransmissions = ConfigText.atLeast("maxSynAckRetransmissions", n, 0);
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
            c.rtoMinOnVariance = on;
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
            c.rtoInitialNanos = ConfigText.positive("rtoInitial", d);
            return this;
        }

        /**
         * The floor of the computed retransmission timeout (RFC 6298 §2.4).
         *
         * @param d the floor, positive
         * @return this builder
         */
        public Builder rtoMin(Duration d) {
            c.rtoMinNanos = ConfigText.positive("rtoMin", d);
            return this;
        }

        /**
         * The ceiling of the retransmission timeout, backoff included.
         *
         * @param d the ceiling, positive
         * @return this builder
         */
        public Builder rtoMax(Duration d) {
            c.rtoMaxNanos = ConfigText.positive("rtoMax", d);
            return this;
        }

        /**
         * RFC 5482 user timeout: how long queued data may wait unacknowledged before the
         * connection gives up; null switches it off.
         *
         * @param d the timeout, positive, or null
         * @return this builder
         */
        public Builder userTimeout(Duration d) {
            c.userTimeoutNanos = d == null ? NONE : ConfigText.positive("userTimeout", d);
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
            c.keepAlive = true;
            c.keepAliveIdleNanos = ConfigText.positive("keepAlive idle", idle);
            c.keepAliveIntervalNanos = ConfigText.positive("keepAlive interval", interval);
            c.keepAliveProbes = ConfigText.atLeast("keepAlive probes", probes, 1);
            return this;
        }

        /**
         * Switches keep-alive off (the default).
         *
         * @return this builder
         */
        public Builder keepAliveOff() {
            c.keepAlive = false;
            return this;
        }

        /**
         * Whether {@code close()} with unread received data, or data arriving after it, resets the
         * connection (RFC 2525 §2.17).
         *
         * @param on true to reset
         * @return this builder
         */
        public Builder rstOnCloseWithUnreadData(boolean on) {
            c.rstOnCloseWithUnreadData = on;
            return this;
        }

        /**
         * Whether, with a listener waiting, a new SYN with a higher sequence number may reuse a
         * 4-tuple in TIME-WAIT (RFC 6191).
         *
         * @param on true to allow the reuse
         * @return this builder
         */
        public Builder timeWaitReuse(boolean on) {
            c.timeWaitReuse = on;
            return this;
        }

        /**
         * Whether the FIN rides on the last data segment or goes separately.
         *
         * @param on true for the FIN on the last data segment
         * @return this builder
         */
        public Builder finOnLastData(boolean on) {
            c.finOnLastData = on;
            return this;
        }

        /**
         * Our MSS, announced in the SYN.
         *
         * @param bytes the MSS in bytes, 64..65495
         * @return this builder
         */
        public Builder mss(int bytes) {
            c.mss = ConfigText.between("mss", bytes, 64, 65495);
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
            c.receiveBuffer = ConfigText.between("receiveBuffer", bytes, 1, 1 << 30);
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
            c.reassemblySegments = ConfigText.atLeast("reassemblySegments", n, 0);
            return this;
        }

        /**
         * The send buffer: the most bytes queued and not yet acknowledged (default
         * {@value TcpConfig#DEFAULT_SEND_BUFFER}); a send takes what fits, and nothing it took is
         * ever dropped.
         *
         * @param bytes the buffer in bytes, 1..2<sup>30</sup>
         * @return this builder
         */
        public Builder sendBuffer(int bytes) {
            c.sendBuffer = ConfigText.between("sendBuffer", bytes, 1, 1 << 30);
            return this;
        }

        /**
         * How the congestion window grows and shrinks (RFC 5681).
         *
         * @param cc the controller, {@link CongestionControl#RENO} by default
         * @return this builder
         */
        public Builder congestionControl(CongestionControl cc) {
            c.congestionControl = Objects.requireNonNull(cc, "congestionControl");
            return this;
        }

        /**
         * The initial congestion window in segments (RFC 6928; RFC 5681 §3.1 allows 2 to 4): this
         * many times the sender's MSS, as on Linux (RFC 6928 also caps it at 14,600 bytes; Linux
         * does not, nor do we), and one segment after a lost SYN or SYN,ACK (RFC 5681 §3.1).
         *
         * @param segments 1..100, 10 by default (Linux's)
         * @return this builder
         */
        public Builder initialWindow(int segments) {
            c.initialWindowSegments = ConfigText.between("initialWindow", segments, 1, 100);
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
            c.windowScaling = on;
            return this;
        }

        /**
         * Whether the SYN offers timestamps (RFC 7323 §3–5). Off by default; on in {@link #LINUX}.
         *
         * @param on true to offer them
         * @return this builder
         */
        public Builder timestamps(boolean on) {
            c.timestamps = on;
            return this;
        }

        /**
         * Nagle's algorithm (RFC 896, RFC 1122 4.2.3.4): a write shorter than the MSS waits while
         * data is unacknowledged, unless it carries or precedes our FIN. Off by default (each
         * write shows on a ladder); {@link Nagle#MINSHALL} in {@link #LINUX}, {@link
         * Nagle#RFC_896} in {@link #RFC_STRICT}. An open connection may change it ({@code
         * TCP_NODELAY}); switching it off sends what waited at once.
         *
         * @param mode the variant, or {@link Nagle#OFF}
         * @return this builder
         */
        public Builder nagle(Nagle mode) {
            c.nagle = Objects.requireNonNull(mode, "nagle");
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
                c.delayedAckNanos = NONE;
                return this;
            }
            if (bound.compareTo(Duration.ofMillis(1)) < 0 || bound.compareTo(Duration.ofMillis(500)) > 0) {
                throw new IllegalArgumentException("delayedAck must lie between 1 ms and 500 ms (RFC 1122 4.2.3.2), was " + bound);
            }
            c.delayedAckNanos = bound.toNanos();
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
            c.quickAcks = ConfigText.between("quickAcks", segments, 0, 1000);
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
            c.silentAfterFin = on;
            return this;
        }

        /**
         * Linux's TIME-WAIT restart on any ACK (see {@link TcpConfig#timeWaitRestartOnAck()}).
         *
         * @param on true to restart on any segment with an ACK
         * @return this builder
         */
        public Builder timeWaitRestartOnAck(boolean on) {
            c.timeWaitRestartOnAck = on;
            return this;
        }

        /**
         * Checks the knobs against each other (rtoMin ≤ rtoInitial ≤ rtoMax) and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the knob whose value contradicts another
         */
        public TcpConfig build() {
            ConfigText.checkRtoBounds(c.rtoMinNanos, c.rtoInitialNanos, c.rtoMaxNanos);
            TcpConfig built = c.copy();
            java.lang.invoke.VarHandle.releaseFence(); // what final fields would give: no reader sees a half-built config
            return built;
        }
    }
}
