package io.tcpclose.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The packet I/O one event loop drives: where a stack's segments arrive and leave. Two kinds
 * exist: UDP datagrams, one segment each ({@link NioTcpStack#open(InetSocketAddress,
 * io.tcpclose.engine.TcpConfig)}), and raw IP packets through a TUN device
 * ({@code tcp-tun-transport}). The loop — its thread, its turn (clock read once, tasks, reads,
 * timers, flush, sleep until the next deadline), the connection API — is the same for both;
 * only this differs.
 *
 * <p>Thread-safety: every method but {@link #wakeup()} is called on the loop thread only;
 * {@code wakeup} may be called from any thread.
 */
public interface PacketLink {
    /** Receives the segments {@link #read} finds, on the loop thread. */
    interface Sink {
        /**
         * One TCP segment.
         *
         * @param source          the packet's source address
         * @param sourcePort      its tunnel (UDP) source port, or 0 on a raw IP link
         * @param destination     its destination address
         * @param destinationPort its tunnel destination port, or 0
         * @param segment         the encoded segment, position to limit; valid only during the call
         */
        void segment(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer segment);

        /**
         * An ICMP error about a segment we sent ({@code TcpStack#icmpError}).
         *
         * @param source          the quoted segment's source address, ours
         * @param sourcePort      its tunnel source port, or 0 on a raw IP link
         * @param destination     its destination address, the peer's
         * @param destinationPort its tunnel destination port, or 0
         * @param type            the ICMP type (ICMPv6 when the addresses are IPv6)
         * @param code            the ICMP code
         * @param quoted          the start of the quoted segment, position to limit; valid only during the call
         */
        void icmpError(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
                       int type, int code, ByteBuffer quoted);
    }

    /**
     * Hands at most {@code max} waiting segments to {@code sink} without blocking; packets that
     * carry no usable segment are dropped and counted by the link.
     *
     * @param sink where the segments go
     * @param max  the most to read this turn
     * @return how many packets were read (0: none was waiting)
     * @throws IOException when the link is closed under the loop (the loop then ends)
     */
    int read(Sink sink, int max) throws IOException;

    /**
     * Sends one segment, or queues it (bounded) when the link has no room now; beyond the bound
     * it is dropped and counted, as a lost packet that retransmission recovers.
     *
     * @param source          our address
     * @param sourcePort      our tunnel port, or 0 on a raw IP link
     * @param destination     the peer's address
     * @param destinationPort the peer's tunnel port, or 0
     * @param segment         the encoded segment, checksummed; read from position to limit
     */
    void send(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer segment);

    /**
     * Retries what {@link #send} had to queue.
     *
     * @throws IOException when the link is closed under the loop
     */
    void flush() throws IOException;

    /**
     * Sleeps until a packet arrives, queued output can go, {@link #wakeup()} is called, or the
     * time passes.
     *
     * @param timeoutNanos how long at most; 0 only checks, negative waits without a limit
     * @throws IOException when the link is closed under the loop
     */
    void await(long timeoutNanos) throws IOException;

    /** Ends an {@link #await} early; from any thread. */
    void wakeup();

    /** {@return whether segments ride with tunnel ports (UDP), which are then part of a connection's identity} */
    boolean tunnelled();

    /** {@return our address and tunnel port (0 on a raw IP link)} */
    InetSocketAddress localAddress();

    /** {@return the link's counters, as text for {@code toString} and diagnostics} */
    String counters();

    /** Releases the socket or device; the loop calls it once it has stopped. */
    void close();
}
