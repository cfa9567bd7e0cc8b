package io.tcpclose.stack;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.MalformedSegmentException;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Spoofed segments straight into one stack, from addresses no host of the {@link Net} has (the
 * benchmark range 198.18.0.0/15, in memory only): what the stack sends back to them is dropped
 * at once, the last such segment kept for inspection.
 */
final class Flood {
    private final TcpStack server;
    private final InetAddress serverAddress = Net.ip("10.0.0.2");
    private final InetAddress attacker = Net.ip("198.19.255.1");
    private int next;
    private Net.Packet lastDropped;

    Flood(TcpStack server, Net net) {
        this.server = server;
        net.drop = p -> {
            if (net.hosts.containsKey(p.dst())) {
                return false;
            }
            lastDropped = p;
            return true;
        };
    }

    /** {@code n} SYNs, each from its own spoofed address and port. */
    void syns(int n) {
        for (int i = 0; i < n; i++, next++) {
            int host = next / 50_000;
            InetAddress src = address(198, 18, (host >> 8) & 0xFF, host & 0xFF);
            int port = 10_000 + next % 50_000;
            send(src, new Segment(port, 80, next * 7919, 0, TcpFlags.SYN, 65535, TcpOptions.mss(1460), Bytes.EMPTY));
        }
    }

    /** One SYN from the attacker's port; returns the ISN of the SYN,ACK that answered it. */
    int synAndCapture(int port, int isn) {
        send(attacker, new Segment(port, 80, isn, 0, TcpFlags.SYN, 65535, TcpOptions.mss(1460), Bytes.EMPTY));
        try {
            byte[] b = lastDropped.bytes();
            return SegmentCodec.decode(b, 0, b.length, PseudoHeader.of(serverAddress, attacker)).seq();
        } catch (MalformedSegmentException e) {
            throw new AssertionError(e);
        }
    }

    /** A bare ACK from the attacker's port, as if completing a handshake. */
    void ack(int port, int ack) {
        ack(port, ack, 1);
    }

    void ack(int port, int ack, int seq) {
        send(attacker, new Segment(port, 80, seq, ack, TcpFlags.ACK, 65535, TcpOptions.NONE, Bytes.EMPTY));
    }

    private void send(InetAddress src, Segment s) {
        server.receive(src, serverAddress, ByteBuffer.wrap(SegmentCodec.encode(s, PseudoHeader.of(src, serverAddress))));
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
