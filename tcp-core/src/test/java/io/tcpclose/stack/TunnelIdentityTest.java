package io.tcpclose.stack;

import static io.tcpclose.stack.Net.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.spi.ManualClock;
import io.tcpclose.spi.Transport;
import io.tcpclose.wire.Bytes;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Segments tunnelled one per datagram: the datagram's ports are part of a connection's identity,
 * so two peers on one host that pick the same TCP port are two connections, and every answer
 * goes back to the tunnel port it belongs to. An in-memory datagram network stands in for UDP.
 */
class TunnelIdentityTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    /** Datagrams between (address, port) endpoints, each endpoint a stack. */
    private static final class Datagrams {
        record Datagram(InetAddress src, int srcPort, InetAddress dst, int dstPort, byte[] bytes) {}

        final ManualClock clock = new ManualClock(SECOND);
        final Map<String, TcpStack> endpoints = new HashMap<>();
        final Deque<Datagram> inFlight = new ArrayDeque<>();

        TcpStack endpoint(String address, int udpPort) {
            Transport t = new Transport() {
                @Override
                public void send(InetAddress source, InetAddress destination, ByteBuffer segment) {
                    throw new AssertionError("a tunnelled stack sends with its connection's identity");
                }

                @Override
                public void send(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
                                 ByteBuffer segment) {
                    byte[] b = new byte[segment.remaining()];
                    segment.get(b);
                    inFlight.add(new Datagram(source, sourcePort, destination, destinationPort, b));
                }
            };
            TcpStack s = TcpStack.builder(t, clock).isn(IsnGenerator.fixed(1000)).build();
            endpoints.put(address + ":" + udpPort, s);
            return s;
        }

        void run() {
            for (int i = 0; i < 100_000; i++) {
                Datagram d = inFlight.poll();
                if (d == null) {
                    long next = Long.MAX_VALUE;
                    for (TcpStack s : endpoints.values()) {
                        if (s.hasDeadline()) {
                            next = Math.min(next, s.nextDeadlineNanos());
                        }
                    }
                    if (next == Long.MAX_VALUE) {
                        return;
                    }
                    clock.set(Math.max(clock.nanoTime(), next));
                    endpoints.values().forEach(TcpStack::poll);
                    continue;
                }
                clock.advance(Duration.ofMillis(1));
                TcpStack to = endpoints.get(d.dst().getHostAddress() + ":" + d.dstPort());
                if (to != null) {
                    to.receive(d.src(), d.srcPort(), d.dst(), d.dstPort(), ByteBuffer.wrap(d.bytes()));
                }
            }
            throw new AssertionError("did not settle");
        }
    }

    @Test
    void two_peers_on_one_host_with_the_same_tcp_port_are_two_connections_told_apart_by_their_tunnel_ports() {
        Datagrams net = new Datagrams();
        TcpStack server = net.endpoint("127.0.0.1", 7000);
        TcpStack first = net.endpoint("127.0.0.1", 7001);
        TcpStack second = net.endpoint("127.0.0.1", 7002);
        List<String> got = new ArrayList<>();
        server.listen(80, c -> new ConnectionListener() {
            @Override
            public void onPeerFinished(Connection conn) {
                got.add(conn.id().remoteTunnelPort() + ":" + conn.readAll().utf8());
                conn.send(Bytes.utf8("bye " + conn.id().remoteTunnelPort()));
                conn.close();
            }
        });
        StringBuilder firstGot = new StringBuilder();
        StringBuilder secondGot = new StringBuilder();
        CloseReason[] ends = new CloseReason[2];
        Connection a = first.connect(new FourTuple(ip("127.0.0.1"), 40000, ip("127.0.0.1"), 80, 7001, 7000),
                peer("from 7001", firstGot, ends, 0));
        Connection b = second.connect(new FourTuple(ip("127.0.0.1"), 40000, ip("127.0.0.1"), 80, 7002, 7000),
                peer("from 7002", secondGot, ends, 1));
        assertEquals(a.id().localPort(), b.id().localPort(), "the same TCP port on the same host");
        net.run();
        got.sort(null);
        assertEquals(List.of("7001:from 7001", "7002:from 7002"), got);
        assertEquals("bye 7001", firstGot.toString());
        assertEquals("bye 7002", secondGot.toString());
        assertEquals(CloseReason.NORMAL, ends[0]);
        assertEquals(CloseReason.NORMAL, ends[1]);
        assertEquals(0, server.connectionCount());
        assertEquals(2, server.stats().connectionsOpened());
    }

    @Test
    void a_segment_for_no_connection_is_reset_back_through_the_tunnel_it_came_from_rfc9293_3_10_7_1() {
        Datagrams net = new Datagrams();
        TcpStack server = net.endpoint("127.0.0.1", 7000);
        TcpStack client = net.endpoint("127.0.0.1", 7005);
        CloseReason[] ends = new CloseReason[1];
        client.connect(new FourTuple(ip("127.0.0.1"), 0, ip("127.0.0.1"), 81, 7005, 7000),
                peer("nobody listens", new StringBuilder(), ends, 0));
        net.run();
        assertEquals(CloseReason.REFUSED, ends[0], "the RST found its way back to port 7005");
        assertTrue(server.stats().resetsSent() >= 1);
    }

    @Test
    void a_tunnelled_time_wait_is_kept_whole_not_compacted() {
        FourTuple tunnelled = new FourTuple(ip("10.0.0.1"), 1, ip("10.0.0.2"), 2, 7000, 7001);
        assertTrue(tunnelled.tunnelled());
        assertTrue(!TimeWaitTable.fits(tunnelled), "the packed table keeps no tunnel ports");
        assertTrue(tunnelled.toString().endsWith("(tunnel 7000 <-> 7001)"), tunnelled.toString());
    }

    private static ConnectionListener peer(String request, StringBuilder got, CloseReason[] ends, int slot) {
        return new ConnectionListener() {
            @Override
            public void onEstablished(Connection c) {
                c.send(Bytes.utf8(request));
                c.shutdownOutput();
            }

            @Override
            public void onReadable(Connection c) {
                got.append(c.readAll().utf8());
            }

            @Override
            public void onClosed(Connection c, CloseReason reason) {
                ends[slot] = reason;
            }
        };
    }
}
