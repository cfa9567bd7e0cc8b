package io.tcpclose.spi;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Where encoded TCP segments leave a {@code TcpStack}. Inbound segments go the other way: the
 * transport's owner hands each one to {@code TcpStack.receive(source, destination, bytes)}.
 *
 * <p>Segments travel as wire bytes (RFC 9293 §3.1 header with a checksum over the IPv4 or IPv6
 * pseudo-header of {@code source} and {@code destination}), so whatever a transport does to them
 * (corrupt, duplicate, reorder, capture to pcap) is seen exactly as a real network would see
 * it.
 *
 * <p>How the two transports use it: the simulator queues a copy of the bytes on a link with
 * its delay and loss model and later calls {@code receive} on the peer stack; the NIO transport
 * writes the bytes, tunnelled in a UDP datagram, to the peer's socket from its selector loop.
 *
 * <p>Called only from the driver's thread. The buffer is valid only during the call: copy what
 * must outlive it.
 */
@FunctionalInterface
public interface Transport {
    /**
     * Sends one segment.
     *
     * @param source      our address (the segment's IP source)
     * @param destination the peer's address
     * @param segment     the encoded segment, from position to limit
     */
    void send(InetAddress source, InetAddress destination, ByteBuffer segment);

    /**
     * Sends one segment with its connection's tunnel ports: what the stack calls. A transport
     * that tunnels segments in datagrams (one per UDP datagram) overrides it to address the
     * peer's port; by default the ports are ignored and {@link #send(InetAddress, InetAddress,
     * ByteBuffer)} is called, as for a raw-IP transport, whose ports are always 0.
     *
     * @param source          our address
     * @param sourcePort      our tunnel (UDP) port, or 0 without a tunnel
     * @param destination     the peer's address
     * @param destinationPort the peer's tunnel (UDP) port, or 0 without a tunnel
     * @param segment         the encoded segment, from position to limit
     */
    default void send(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer segment) {
        send(source, destination, segment);
    }
}
