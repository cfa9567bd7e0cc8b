package io.tcpclose.engine;

/**
 * How a connection's congestion window grows and shrinks: the part of congestion control that
 * differs between algorithms (Linux's {@code tcp_congestion_ops}). Loss detection and recovery
 * (RFC 5681 §3.2 fast retransmit, RFC 6582 NewReno fast recovery, RFC 3042 limited transmit,
 * the RTO's collapse of the window) are the engine's and the same for every controller.
 *
 * <p>Implementations are stateless functions of their arguments, so they can be shared by every
 * connection and every thread; all values are in bytes.
 */
public interface CongestionControl {
    /**
     * The window after an ACK of new data outside loss recovery.
     *
     * @param cwnd     the congestion window now
     * @param ssthresh the slow-start threshold
     * @param acked    how many new bytes the ACK acknowledged, positive
     * @param mss      the sender's maximum segment size
     * @return the new window, at least {@code mss}
     */
    int onAck(int cwnd, int ssthresh, int acked, int mss);

    /**
     * The slow-start threshold after a loss (three duplicate ACKs, or the first RTO of a run).
     *
     * @param cwnd       the congestion window when the loss was found
     * @param flightSize the bytes in flight (RFC 5681's FlightSize)
     * @param mss        the sender's maximum segment size
     * @return the new threshold
     */
    int ssthreshAfterLoss(int cwnd, int flightSize, int mss);

    /**
     * The window after a retransmission timeout (RFC 5681 §3.1's loss window).
     *
     * @param mss the sender's maximum segment size
     * @return the window
     */
    int windowAfterTimeout(int mss);

    /**
     * The window a connection starts with (RFC 6928, RFC 5681 §3.1).
     *
     * @param segments the configured initial window in segments
     * @param mss      the sender's maximum segment size
     * @return the window in bytes
     */
    default int initialWindow(int segments, int mss) {
        return (int) Math.min(Integer.MAX_VALUE, (long) segments * mss);
    }

    /** {@return a short name for configuration dumps and command lines} */
    String name();

    /**
     * RFC 5681: slow start (cwnd += min(acked, SMSS) per ACK below ssthresh, §3.1 with RFC 3465's
     * L = 1 SMSS), congestion avoidance (cwnd += SMSS·SMSS/cwnd per ACK, eq. 3, at least one
     * byte), ssthresh = max(FlightSize/2, 2·SMSS) after a loss (eq. 4), a one-segment loss
     * window after an RTO. With the engine's recovery this is NewReno.
     */
    CongestionControl RENO = new CongestionControl() {
        @Override
        public int onAck(int cwnd, int ssthresh, int acked, int mss) {
            long next = cwnd < ssthresh ? (long) cwnd + Math.min(acked, mss)
                    : (long) cwnd + Math.max(1, (int) ((long) mss * mss / cwnd));
            return (int) Math.min(next, Integer.MAX_VALUE);
        }

        @Override
        public int ssthreshAfterLoss(int cwnd, int flightSize, int mss) {
            return Math.max(flightSize / 2, 2 * mss);
        }

        @Override
        public int windowAfterTimeout(int mss) {
            return mss;
        }

        @Override
        public String name() {
            return "reno";
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /**
     * No congestion control: the window never limits the sender, only the peer's receive window
     * does (loss recovery still retransmits). For ladders, loopback and teaching; never for a
     * shared network.
     */
    CongestionControl NONE = new CongestionControl() {
        @Override
        public int onAck(int cwnd, int ssthresh, int acked, int mss) {
            return Integer.MAX_VALUE;
        }

        @Override
        public int ssthreshAfterLoss(int cwnd, int flightSize, int mss) {
            return Integer.MAX_VALUE;
        }

        @Override
        public int windowAfterTimeout(int mss) {
            return Integer.MAX_VALUE;
        }

        @Override
        public int initialWindow(int segments, int mss) {
            return Integer.MAX_VALUE;
        }

        @Override
        public String name() {
            return "none";
        }

        @Override
        public String toString() {
            return name();
        }
    };
}
