package io.tcpclose.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.spi.ManualClock;
import io.tcpclose.spi.Transport;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.TcpStack;
import io.tcpclose.wire.Bytes;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/**
 * Quick start: a {@link TcpStack} on your own {@code Transport} and a {@link ManualClock}. Two
 * stacks share a queue as their wire; you decide when segments arrive and when time passes.
 */
class OwnTransportExample {
    /** A segment on its way: who sent it, to whom, its bytes (copied: the stack reuses its buffer). */
    record Packet(InetAddress from, InetAddress to, byte[] bytes) {}

    @Test
    void a_client_sends_and_closes_and_both_ends_close_normally_after_time_wait() throws Exception {
        InetAddress clientIp = InetAddress.getByName("10.0.0.1");
        InetAddress serverIp = InetAddress.getByName("10.0.0.2");
        ManualClock clock = new ManualClock();
        Queue<Packet> wire = new ArrayDeque<>();
        Transport toWire = (src, dst, segment) -> {
            byte[] copy = new byte[segment.remaining()];
            segment.get(copy);
            wire.add(new Packet(src, dst, copy));
        };
        TcpStack client = TcpStack.builder(toWire, clock).build();
        TcpStack server = TcpStack.builder(toWire, clock).build();

        StringBuilder received = new StringBuilder();
        CloseReason[] serverEnd = new CloseReason[1];
        server.listen(80, accepted -> new ConnectionListener() {
            @Override
            public void onReadable(Connection c) {
                received.append(c.readAll().utf8());
            }

            @Override
            public void onPeerFinished(Connection c) {
                c.close(); // the client closed: close too (CLOSE-WAIT -> LAST-ACK)
            }

            @Override
            public void onClosed(Connection c, CloseReason reason) {
                serverEnd[0] = reason;
            }
        });
        Connection c = client.connect(clientIp, 0, serverIp, 80, new ConnectionListener() {
            @Override
            public void onEstablished(Connection conn) {
                conn.send(Bytes.utf8("hello"));
                conn.close(); // the FIN follows the data
            }
        });

        // The wire: deliver every segment to the stack it is addressed to, until nothing moves.
        while (!wire.isEmpty()) {
            Packet p = wire.poll();
            TcpStack to = p.to().equals(serverIp) ? server : client;
            to.receive(p.from(), p.to(), ByteBuffer.wrap(p.bytes()));
        }
        assertEquals("hello", received.toString());
        assertEquals(CloseReason.NORMAL, serverEnd[0]);

        // The client waits in TIME-WAIT for 2xMSL; time passes only when you say so.
        clock.advance(Duration.ofNanos(client.config().timeWaitNanos()));
        client.poll();
        assertEquals(CloseReason.NORMAL, c.closeReason());
        assertEquals(0, client.connectionCount());
    }
}
