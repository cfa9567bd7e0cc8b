package io.tcpclose.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The engine's close paths over real UDP sockets on loopback, one JVM, two stacks: the bytes
 * delivered, the close reasons, and what the Socket-like API throws. MSL is 100 ms so that
 * TIME-WAIT (2×MSL, RFC 9293 §3.6.1) ends within the test.
 */
class LoopbackCloseTest {
    private static final TcpConfig FAST = TcpConfig.builder().msl(Duration.ofMillis(100)).build();
    private static final long WAIT = 10;

    private NioTcpStack server;
    private NioTcpStack client;

    private void open(String address) throws IOException {
        server = NioTcpStack.open(new InetSocketAddress(address, 0), FAST);
        client = NioTcpStack.open(new InetSocketAddress(address, 0), FAST);
        server.listen(80, 16);
    }

    @AfterEach
    void closeStacks() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a_stack_says_which_configuration_its_connections_run_with() throws Exception {
        open("127.0.0.1");
        org.junit.jupiter.api.Assertions.assertSame(FAST, server.config());
        assertEquals(Duration.ofMillis(200).toNanos(), client.config().timeWaitNanos());
    }

    @Test
    void the_client_closes_first_and_holds_time_wait_rfc9293_3_6() throws Exception {
        open("127.0.0.1");
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        NioConnection s = server.accept(80).get(WAIT, TimeUnit.SECONDS);
        c.outputStream().write("hello".getBytes(StandardCharsets.UTF_8));
        c.close();
        assertEquals("hello", readAll(s.inputStream()), "the bytes, then -1 at the FIN");
        s.close();
        assertEquals(CloseReason.NORMAL, s.closed().get(WAIT, TimeUnit.SECONDS), "LAST-ACK ends at the ACK of its FIN");
        c.closeCompleted().get(WAIT, TimeUnit.SECONDS);
        assertEquals(CloseReason.NORMAL, c.closed().get(WAIT, TimeUnit.SECONDS), "after 2×MSL of TIME-WAIT");
        assertEquals(0, client.connectionCount());
        assertEquals(0, server.connectionCount());
    }

    @Test
    void the_server_closes_first_and_data_still_flows_toward_the_half_closed_side_rfc9293_3_6() throws Exception {
        open("127.0.0.1");
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        NioConnection s = server.accept(80).get(WAIT, TimeUnit.SECONDS);
        c.outputStream().write("request".getBytes(StandardCharsets.UTF_8));
        c.shutdownOutput();                        // half-close: the client still reads
        assertEquals("request", readAll(s.inputStream()));
        byte[] reply = new byte[300_000];          // more than the send buffer: write waits for room
        for (int i = 0; i < reply.length; i++) {
            reply[i] = (byte) ('a' + i % 26);
        }
        Thread writer = new Thread(() -> {
            try {
                s.outputStream().write(reply);
                s.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        writer.start();
        assertEquals(new String(reply, StandardCharsets.US_ASCII), readAll(c.inputStream()));
        writer.join(TimeUnit.SECONDS.toMillis(WAIT));
        assertEquals(CloseReason.NORMAL, c.closed().get(WAIT, TimeUnit.SECONDS));
        assertEquals(CloseReason.NORMAL, s.closed().get(WAIT, TimeUnit.SECONDS));
    }

    @Test
    void after_an_abort_the_peer_reads_the_bytes_then_connection_reset_rfc9293_3_10_7_4() throws Exception {
        open("127.0.0.1");
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        NioConnection s = server.accept(80).get(WAIT, TimeUnit.SECONDS);
        s.outputStream().write("partial".getBytes(StandardCharsets.UTF_8));
        byte[] got = new byte[7];
        int n = 0;
        while (n < 7) {
            n += c.inputStream().read(got, n, 7 - n);
        }
        assertEquals("partial", new String(got, StandardCharsets.UTF_8));
        s.abort();
        assertEquals(CloseReason.RESET_BY_PEER, c.closed().get(WAIT, TimeUnit.SECONDS));
        SocketException e = assertThrows(SocketException.class, () -> c.inputStream().read());
        assertEquals("Connection reset", e.getMessage(), "a reset is never a silent end of stream");
        assertEquals(CloseReason.ABORTED, s.closed().get(WAIT, TimeUnit.SECONDS));
    }

    /** The client connected to the server's port 80 on 127.0.0.1: {client's end, server's end}. */
    private NioConnection[] connectedOnLoopback() throws Exception {
        open("127.0.0.1");
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        return new NioConnection[] {c, server.accept(80).get(WAIT, TimeUnit.SECONDS)};
    }

    @Test
    void after_our_own_abort_write_and_shutdown_output_say_socket_closed_as_the_jdk_does() throws Exception {
        NioConnection s = connectedOnLoopback()[1];
        s.abort();
        assertEquals(CloseReason.ABORTED, s.closed().get(WAIT, TimeUnit.SECONDS));
        assertEquals("Socket closed", assertThrows(SocketException.class, () -> s.outputStream().write(1)).getMessage());
        assertEquals("Socket closed", assertThrows(SocketException.class, s::shutdownOutput).getMessage());
    }

    @Test
    void a_closed_stack_refuses_new_work_saying_it_is_closed() throws Exception {
        open("127.0.0.1");
        client.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.connect(server.localAddress(), 80));
        assertEquals("the stack is closed", e.getMessage());
    }

    @Test
    void after_our_own_abort_a_read_says_socket_closed_as_the_jdk_does_not_end_of_stream() throws Exception {
        NioConnection[] cs = connectedOnLoopback();
        NioConnection c = cs[0];
        NioConnection s = cs[1];
        s.abort();
        assertEquals(CloseReason.ABORTED, s.closed().get(WAIT, TimeUnit.SECONDS));
        SocketException e = assertThrows(SocketException.class, () -> s.inputStream().read());
        assertEquals("Socket closed", e.getMessage());
        assertEquals(CloseReason.RESET_BY_PEER, c.closed().get(WAIT, TimeUnit.SECONDS));
    }

    @Test
    void a_write_after_the_peer_reset_says_connection_reset_rfc9293_3_10_7_4() throws Exception {
        NioConnection[] cs = connectedOnLoopback();
        NioConnection c = cs[0];
        NioConnection s = cs[1];
        s.abort();
        assertEquals(CloseReason.RESET_BY_PEER, c.closed().get(WAIT, TimeUnit.SECONDS));
        SocketException e = assertThrows(SocketException.class, () -> c.outputStream().write(1));
        assertEquals("Connection reset", e.getMessage());
    }

    @Test
    void closing_with_unread_data_resets_the_connection_rfc2525_2_17() throws Exception {
        open("127.0.0.1");
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        NioConnection s = server.accept(80).get(WAIT, TimeUnit.SECONDS);
        c.outputStream().write("never read".getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        while (server.stats().segmentsIn() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5); // until the data has arrived, unread
        }
        s.close();
        assertEquals(CloseReason.ABORTED_UNREAD_DATA, s.closed().get(WAIT, TimeUnit.SECONDS));
        assertEquals(CloseReason.RESET_BY_PEER, c.closed().get(WAIT, TimeUnit.SECONDS));
    }

    private static void assumeIpv6Loopback() {
        boolean ipv6;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            ipv6 = probe.getLocalPort() > 0;
        } catch (IOException e) {
            ipv6 = false;
        }
        Assumptions.assumeTrue(ipv6, "IPv6 loopback (::1) is not available here");
    }

    /** A UDP port on {@code address} that nothing is bound to (it was a moment ago). */
    private static int unusedUdpPort(String address) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return s.getLocalPort();
        }
    }

    private void refusedByIcmp(String address) throws Exception {
        client = NioTcpStack.open(new InetSocketAddress(address, 0), FAST);
        UdpLink link = (UdpLink) client.loop().link();
        Assumptions.assumeTrue(link.icmpUnavailable == null, () -> "ICMP errors cannot be read here: " + link.icmpUnavailable);
        InetSocketAddress nobody = new InetSocketAddress(address, unusedUdpPort(address));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect(nobody, 80).get(WAIT, TimeUnit.SECONDS));
        assertInstanceOf(ConnectException.class, e.getCause());
        assertEquals("Connection refused", e.getCause().getMessage());
        assertEquals(1, client.stats().icmpErrors(), "the kernel's port unreachable, not a RST");
        assertEquals(1, client.stats().segmentsOut(), "one SYN, never retransmitted");
    }

    @Test
    void a_connect_answered_by_icmp_port_unreachable_is_refused_at_once_rfc1122_4_2_3_9() throws Exception {
        refusedByIcmp("127.0.0.1");
    }

    @Test
    void an_icmpv6_port_unreachable_refuses_the_connect_too_rfc1122_4_2_3_9() throws Exception {
        assumeIpv6Loopback();
        refusedByIcmp("::1");
    }

    @Test
    void a_connect_to_a_port_nobody_listens_on_is_refused_with_the_jdks_exception_rfc9293_3_10_7_1() throws Exception {
        open("127.0.0.1");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.connect(server.localAddress(), 81).get(WAIT, TimeUnit.SECONDS));
        assertInstanceOf(ConnectException.class, e.getCause());
        assertEquals("Connection refused", e.getCause().getMessage());
    }

    @Test
    void the_same_close_works_over_ipv6_loopback() throws Exception {
        assumeIpv6Loopback();
        open("::1");
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        NioConnection s = server.accept(80).get(WAIT, TimeUnit.SECONDS);
        c.outputStream().write("six".getBytes(StandardCharsets.UTF_8));
        c.close();
        assertEquals("six", readAll(s.inputStream()));
        s.close();
        assertEquals(CloseReason.NORMAL, c.closed().get(WAIT, TimeUnit.SECONDS));
        assertEquals(CloseReason.NORMAL, s.closed().get(WAIT, TimeUnit.SECONDS));
    }

    @Test
    void a_wildcard_bind_is_refused_with_the_reason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NioTcpStack.open(new InetSocketAddress(0), FAST));
        assertTrue(e.getMessage().contains("specific address"), e.getMessage());
    }

    @Test
    void closing_the_stack_releases_its_socket() throws Exception {
        open("127.0.0.1");
        InetSocketAddress bound = client.localAddress();
        client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        client.close();
        client = NioTcpStack.open(bound, FAST); // the same UDP port again
        assertEquals(bound, client.localAddress());
    }

    /** The server's process dies: its socket goes away without a word (no FIN, no RST). */
    private void serverVanishes() {
        server.loop().close(TimeUnit.SECONDS.toMillis(WAIT));
    }

    @Test
    void keep_alive_detects_a_peer_that_vanished_rfc1122_4_2_3_6() throws Exception {
        TcpConfig keepAlive = FAST.toBuilder().keepAlive(Duration.ofMillis(300), Duration.ofMillis(100), 3).build();
        server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), FAST);
        client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), keepAlive);
        server.listen(80, 16);
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        server.accept(80).get(WAIT, TimeUnit.SECONDS);
        serverVanishes();
        assertEquals(CloseReason.TIMED_OUT_KEEPALIVE, c.closed().get(WAIT, TimeUnit.SECONDS));
        assertEquals(3, client.stats().keepAliveProbesSent());
        SocketException e = assertThrows(SocketException.class, () -> c.inputStream().read());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }

    @Test
    void the_user_timeout_ends_a_connection_whose_data_is_never_acknowledged_rfc5482_3() throws Exception {
        TcpConfig userTimeout = FAST.toBuilder().userTimeout(Duration.ofMillis(500)).build();
        server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), FAST);
        client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), userTimeout);
        server.listen(80, 16);
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        server.accept(80).get(WAIT, TimeUnit.SECONDS);
        serverVanishes();
        long start = System.nanoTime();
        c.outputStream().write("into the void".getBytes(StandardCharsets.UTF_8));
        assertEquals(CloseReason.TIMED_OUT_USER, c.closed().get(WAIT, TimeUnit.SECONDS));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis >= 450, "not before the user timeout: " + tookMillis + " ms");
    }

    @Test
    void simultaneous_close_passes_closing_on_both_sides_or_crosses_cleanly_rfc9293_3_6() throws Exception {
        open("127.0.0.1");
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        NioConnection s = server.accept(80).get(WAIT, TimeUnit.SECONDS);
        Thread t = new Thread(s::close);
        t.start();
        c.close();
        t.join();
        // Whether the FINs cross depends on the real timing; either way both end NORMAL.
        assertEquals(CloseReason.NORMAL, c.closed().get(WAIT, TimeUnit.SECONDS));
        assertEquals(CloseReason.NORMAL, s.closed().get(WAIT, TimeUnit.SECONDS));
        c.closeCompleted().get(WAIT, TimeUnit.SECONDS);
        s.closeCompleted().get(WAIT, TimeUnit.SECONDS);
    }

    @Test
    void a_graceful_stack_close_finishes_every_connection_with_a_fin_rfc9293_3_6() throws Exception {
        open("127.0.0.1");
        List<NioConnection> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS));
            server.accept(80).get(WAIT, TimeUnit.SECONDS);
        }
        NioTcpStack closing = server;
        CompletableFuture<Integer> left = CompletableFuture.supplyAsync(() -> closing.close(Duration.ofSeconds(WAIT)));
        for (NioConnection c : clients) {
            assertEquals(-1, c.inputStream().read(), "a FIN, not a reset");
            c.close(); // the peers answer with their own FIN: the server's TIME-WAITs then end
        }
        assertEquals(0, left.get(2 * WAIT, TimeUnit.SECONDS), "every connection finished within the grace period");
        for (NioConnection c : clients) {
            assertEquals(CloseReason.NORMAL, c.closed().get(WAIT, TimeUnit.SECONDS));
        }
        server = null;
    }

    @Test
    void an_immediate_stack_close_resets_what_is_open_rfc9293_3_10_5() throws Exception {
        open("127.0.0.1");
        NioConnection c = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        server.accept(80).get(WAIT, TimeUnit.SECONDS);
        server.close();
        assertEquals(CloseReason.RESET_BY_PEER, c.closed().get(WAIT, TimeUnit.SECONDS));
        server = null;
    }
}
