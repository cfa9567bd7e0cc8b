package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import java.util.Objects;

/**
 * One input to {@link TcpEngine#step}: an application call, an arriving segment, or the
 * passing of time. A closed set of immutable records; thread-safe.
 */
public sealed interface Event {

    /**
     * Active OPEN (RFC 9293 §3.10.1): send a SYN with initial sequence number {@code iss}.
     *
     * @param iss      the initial send sequence number
     * @param tsOffset added to the millisecond clock to make our timestamps (RFC 7323 §5.4: a
     *                 per-4-tuple offset keyed like the ISN, so TSvals grow across incarnations);
     *                 used only when timestamps are negotiated
     */
    record Open(int iss, int tsOffset) implements Event {
        /**
         * An open with timestamp offset 0.
         *
         * @param iss the initial send sequence number
         */
        public Open(int iss) {
            this(iss, 0);
        }
    }

    /**
     * Passive OPEN: wait in LISTEN; {@code iss} is used for the SYN-ACK.
     *
     * @param iss      the initial send sequence number
     * @param tsOffset as in {@link Open}
     */
    record Listen(int iss, int tsOffset) implements Event {
        /**
         * A listen with timestamp offset 0.
         *
         * @param iss the initial send sequence number
         */
        public Listen(int iss) {
            this(iss, 0);
        }
    }

    /**
     * SEND (RFC 9293 §3.10.2): queue bytes for transmission. The connection takes as many as fit
     * in its send buffer ({@link Tcb#sendRoom()}, {@link TcpConfig#sendBuffer()}) and no more,
     * and says how many in an {@link Effect.Queued}, its first effect.
     */
    record Send(Bytes data) implements Event {
        /**
         * Checks the data.
         *
         * @param data the bytes to queue, possibly empty
         */
        public Send {
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * RFC 9293 CLOSE of the sending side only, the JDK's {@code Socket.shutdownOutput()}: our FIN
     * follows the queued data; receiving goes on (half-close).
     */
    record ShutdownOutput() implements Event {}

    /**
     * Full close: CLOSE plus "the application will read no more". Unread data, or data arriving
     * later, is answered with RST (RFC 9293 §3.6.1, RFC 2525 §2.17, RFC 1122 §4.2.2.13).
     */
    record Close() implements Event {}

    /** ABORT (RFC 9293 §3.10.5): RST at SND.NXT where the peer is synchronized, then CLOSED at once. */
    record Abort() implements Event {}

    /**
     * The application took {@code bytes} delivered bytes out of the receive buffer, reopening the window.
     *
     * @param bytes how many, zero or more
     */
    record Consume(int bytes) implements Event {
        /**
         * @param bytes how many, zero or more
         * @throws IllegalArgumentException when {@code bytes} is negative
         */
        public Consume {
            if (bytes < 0) {
                throw new IllegalArgumentException("consume needs a byte count of zero or more, was " + bytes);
            }
        }
    }

    /**
     * A segment arrived from the peer (already decoded and checksum-verified).
     *
     * @param segment   the segment
     * @param listening whether the driver has a listener on the segment's destination port, one
     *                  that would take a new connection: in TIME-WAIT, a SYN may then start a new
     *                  incarnation of the 4-tuple ({@link Effect.NewIncarnation}, RFC 9293 §3.6.1,
     *                  RFC 6191); elsewhere it changes nothing
     */
    record Arrive(Segment segment, boolean listening) implements Event {
        /**
         * Checks the segment.
         *
         * @param segment   the segment
         * @param listening whether the driver has a listener on the segment's destination port
         */
        public Arrive {
            Objects.requireNonNull(segment, "segment");
        }

        /**
         * A segment for a port with no listener (the common case).
         *
         * @param segment the segment
         */
        public Arrive(Segment segment) {
            this(segment, false);
        }
    }

    /**
     * The application changed a per-connection option (the JDK's {@code setOption}:
     * {@code SO_KEEPALIVE}, {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL}, {@code TCP_KEEPCOUNT},
     * a user timeout, {@code SO_SNDBUF}). {@code config} may differ from the connection's in
     * keep-alive, the user timeout and the send buffer only; any other difference is refused with
     * a {@link TcpApiException} naming the knob.
     *
     * <p>As on Linux ({@code tcp_sock_set_keepidle}), a new idle time counts from the connection's
     * last activity, not from the call, and switching keep-alive on starts the idle clock now. A
     * new user timeout counts from when the oldest unacknowledged data was queued. A smaller send
     * buffer keeps what is queued and takes no more until the queue is below it.
     *
     * @param config the connection's configuration from now on
     */
    record Configure(TcpConfig config) implements Event {
        /**
         * Checks the configuration.
         *
         * @param config the new configuration
         */
        public Configure {
            Objects.requireNonNull(config, "config");
        }
    }

    /** Time passed: fire whatever timers are due at {@code now}. Harmless when none is. */
    record Tick() implements Event {}

    /**
     * An ICMP error arrived that quotes a segment this connection sent (RFC 1122 §4.2.3.9). The
     * driver finds the connection by the quoted segment's addresses and ports; the engine decides
     * what the error does. Only a hard error quoting the SYN in flight acts: in SYN-SENT it fails
     * the connection as {@link CloseReason#REFUSED} ({@code ECONNREFUSED}), as Linux
     * ({@code tcp_v4_err}) and FreeBSD ({@code tcp_drop_syn_sent}) do. In every other state an
     * error is soft (RFC 5461 §4: aborting a synchronized connection on an ICMP error lets anyone
     * on the path kill it); and one quoting a sequence number outside SND.UNA..SND.NXT is about
     * no segment in flight, stale or forged, and ignored (RFC 5927 §4.1).
     *
     * @param hard      whether the error is a hard one ({@link #of})
     * @param quotedSeq the sequence number of the segment the error quotes
     */
    record IcmpError(boolean hard, int quotedSeq) implements Event {
        /**
         * Classifies an ICMP message. Hard, as RFC 1122 §4.2.3.9 names them and both Linux and
         * FreeBSD act on them: destination unreachable for protocol (ICMPv4 type 3 code 2; ICMPv6
         * parameter problem, unrecognized next header: type 4 code 1) or port (ICMPv4 type 3 code
         * 3, ICMPv6 type 1 code 4). Everything else — network or host unreachable, fragmentation
         * needed (path MTU discovery's business), time exceeded, source quench — is soft.
         *
         * @param ipv6      whether the message is ICMPv6
         * @param type      its type
         * @param code      its code
         * @param quotedSeq the sequence number of the TCP segment it quotes
         * @return the event
         */
        public static IcmpError of(boolean ipv6, int type, int code, int quotedSeq) {
            boolean hard = ipv6 ? (type == 1 && code == 4) || (type == 4 && code == 1)
                    : type == 3 && (code == 2 || code == 3);
            return new IcmpError(hard, quotedSeq);
        }
    }

    /** The shared {@link ShutdownOutput} instance. */
    ShutdownOutput SHUTDOWN_OUTPUT = new ShutdownOutput();
    /** The shared {@link Close} instance. */
    Close CLOSE = new Close();
    /** The shared {@link Abort} instance. */
    Abort ABORT = new Abort();
    /** The shared {@link Tick} instance. */
    Tick TICK = new Tick();
}
