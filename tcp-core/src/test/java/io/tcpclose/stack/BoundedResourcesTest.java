package io.tcpclose.stack;

import static io.tcpclose.stack.Net.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Everything that grows with input has a bound, a counter, and loses nothing it accepted. */
class BoundedResourcesTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void a_peer_that_never_acks_cannot_make_send_grow_past_the_send_buffer() {
        Net net = new Net();
        TcpConfig small = TcpConfig.builder().sendBuffer(64 * 1024).build();
        TcpStack client = net.host("10.0.0.1", small);
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        server.listen(80, c -> new ConnectionListener() { });
        Connection c = client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, new ConnectionListener() { });
        net.run(SECOND);
        net.drop = p -> p.src().equals(ip("10.0.0.2")); // from now on the server's ACKs never arrive
        long taken = 0;
        Bytes chunk = Bytes.pattern(16 * 1024);
        for (int i = 0; i < 640; i++) { // 10 MiB offered
            taken += c.send(chunk);
            net.run(10_000_000L);
        }
        assertEquals(64 * 1024, taken, "exactly the buffer was taken");
        assertTrue(c.unacknowledged() <= 64 * 1024);
        assertEquals(0, c.sendRoom());
        assertTrue(client.stats().sendBufferFull() > 0);
    }

    @Test
    void room_freed_by_acks_is_announced_and_nothing_taken_is_lost() {
        Net net = new Net();
        TcpConfig small = TcpConfig.builder().sendBuffer(20_000).build();
        TcpStack client = net.host("10.0.0.1", small);
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        StringBuilder got = new StringBuilder();
        server.listen(80, c -> new ConnectionListener() {
            @Override
            public void onReadable(Connection conn) {
                got.append(conn.readAll().utf8());
            }
        });
        byte[] all = new byte[100_000];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) ('a' + i % 26);
        }
        int[] offset = {0};
        int[] writable = {0};
        ConnectionListener pump = new ConnectionListener() {
            @Override
            public void onEstablished(Connection conn) {
                push(conn);
            }

            @Override
            public void onWritable(Connection conn) {
                writable[0]++;
                push(conn);
            }

            private void push(Connection conn) {
                while (offset[0] < all.length) {
                    int n = conn.send(Bytes.copyOf(all, offset[0], all.length - offset[0]));
                    offset[0] += n;
                    if (n == 0) {
                        return;
                    }
                }
                conn.close();
            }
        };
        client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, pump);
        net.run(30 * SECOND);
        assertEquals(new String(all, java.nio.charset.StandardCharsets.US_ASCII), got.toString());
        assertTrue(writable[0] >= 4, "writable notices: " + writable[0]);
    }

    @Test
    void the_connection_limit_refuses_a_connect_and_counts_it() {
        Net net = new Net();
        TcpStack client = TcpStack.builder((s, d, b) -> { }, net.clock).maxConnections(2).build();
        client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, new ConnectionListener() { });
        client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, new ConnectionListener() { });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, new ConnectionListener() { }));
        assertTrue(e.getMessage().contains("maxConnections 2"), e.getMessage());
        assertEquals(1, client.stats().connectionLimitHits());
        assertEquals(2, client.connectionCount());
    }

    @Test
    void the_backlog_caps_half_open_connections_rfc4987_3_6() {
        Net net = new Net();
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        server.listen(80, 3, c -> new ConnectionListener() { });
        Flood flood = new Flood(server, net);
        flood.syns(10);
        assertEquals(3, server.stats().connections(TcpState.SYN_RECEIVED));
        assertEquals(7, server.stats().listenOverflows());
        assertEquals(7, server.stats().synCookiesSent());
        assertEquals(3, server.connectionCount(), "the overflow left no state behind");
    }

    @Test
    void with_cookies_off_an_overflowing_syn_is_dropped_and_counted() {
        Net net = new Net();
        TcpStack server = TcpStack.builder((s, d, b) -> { }, net.clock).synCookies(false).build();
        server.listen(80, 2, c -> new ConnectionListener() { });
        new Flood(server, net).syns(5);
        assertEquals(3, server.stats().listenDrops());
        assertEquals(0, server.stats().synCookiesSent());
    }

    @Test
    void a_million_spoofed_syns_leave_the_heap_flat_and_a_real_client_still_connects_through_a_cookie_rfc4987_3_6() {
        Net net = new Net();
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        TcpStack client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
        List<String> serverGot = new ArrayList<>();
        server.listen(80, 128, c -> new ConnectionListener() {
            @Override
            public void onReadable(Connection conn) {
                serverGot.add(conn.readAll().utf8());
            }

            @Override
            public void onPeerFinished(Connection conn) {
                conn.send(Bytes.utf8("bye"));
                conn.close();
            }
        });
        Flood flood = new Flood(server, net);
        flood.syns(1000);
        long before = usedHeap();
        flood.syns(1_000_000);
        long after = usedHeap();
        assertTrue(server.connectionCount() <= 128, "half-open connections: " + server.connectionCount());
        assertTrue(after - before < 48L << 20, "heap grew by " + ((after - before) >> 20) + " MiB");
        assertEquals(1_001_000 - 128, server.stats().listenOverflows());
        net.inFlight.clear(); // the flood's SYN,ACKs go nowhere

        // A real client, while the backlog is still full of the flood's half-open connections.
        StringBuilder clientGot = new StringBuilder();
        CloseReason[] clientEnd = new CloseReason[1];
        Connection c = client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, new ConnectionListener() {
            @Override
            public void onEstablished(Connection conn) {
                conn.send(Bytes.utf8("hello through a cookie"));
                conn.shutdownOutput();
            }

            @Override
            public void onReadable(Connection conn) {
                clientGot.append(conn.readAll().utf8());
            }

            @Override
            public void onClosed(Connection conn, CloseReason reason) {
                clientEnd[0] = reason;
            }
        });
        net.run(200 * SECOND);
        assertEquals(List.of("hello through a cookie"), serverGot);
        assertEquals("bye", clientGot.toString());
        assertEquals(CloseReason.NORMAL, clientEnd[0]);
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(1, server.stats().synCookiesValidated());
    }

    @Test
    void an_ack_that_returns_no_cookie_of_ours_is_rejected_and_reset_rfc9293_3_10_7_1() {
        Net net = new Net();
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        server.listen(80, 1, c -> new ConnectionListener() { });
        Flood flood = new Flood(server, net);
        flood.syns(2);
        long resets = server.stats().resetsSent();
        flood.ack(12345, 0xBADC0DE);
        assertEquals(1, server.stats().synCookiesRejected());
        assertEquals(resets + 1, server.stats().resetsSent());
        assertEquals(1, server.connectionCount());
    }

    @Test
    void a_cookie_is_good_for_at_most_128_seconds_rfc4987_3_6() {
        Net net = new Net();
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        server.listen(80, 1, c -> new ConnectionListener() { });
        Flood flood = new Flood(server, net);
        flood.syns(1);
        int cookie = flood.synAndCapture(7777, 1_000);
        net.clock.advance(Duration.ofSeconds(129));
        flood.syns(1); // the backlog overflows again, so cookies are being checked
        flood.ack(7777, cookie + 1, 1_001);
        assertEquals(1, server.stats().synCookiesRejected());
        assertEquals(0, server.stats().synCookiesValidated());
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
