package io.tcpclose.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-connection options under the JDK's names ({@code StandardSocketOptions},
 * {@code jdk.net.ExtendedSocketOptions}) change an open connection over real sockets, with
 * Linux's units and ranges.
 */
class SocketOptionsTest {
    private static final TcpConfig FAST = TcpConfig.builder().msl(Duration.ofMillis(100)).build();
    private static final long WAIT = 10;

    private NioTcpStack server;
    private NioTcpStack client;
    private NioConnection ours;
    private NioConnection theirs;

    @BeforeEach
    void connect() throws Exception {
        server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), FAST);
        client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), FAST);
        server.listen(80, 16);
        ours = client.connect(server.localAddress(), 80).get(WAIT, TimeUnit.SECONDS);
        theirs = server.accept(80).get(WAIT, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeStacks() {
        client.close();
        server.close();
    }

    /** The server's process dies: its socket goes away without a word. */
    private void serverVanishes() {
        server.loop().close(TimeUnit.SECONDS.toMillis(WAIT));
    }

    @Test
    void the_defaults_read_back_as_linux_has_them() throws Exception {
        assertEquals(false, ours.getOption(StandardSocketOptions.SO_KEEPALIVE));
        assertEquals(7200, ours.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
        assertEquals(75, ours.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
        assertEquals(9, ours.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
        assertEquals(-1, ours.getOption(StandardSocketOptions.SO_LINGER));
        assertEquals(0, ours.getOption(TcpSocketOptions.TCP_USER_TIMEOUT));
        assertEquals(FAST.sendBuffer(), ours.getOption(StandardSocketOptions.SO_SNDBUF));
        assertEquals(FAST.receiveBuffer(), ours.getOption(StandardSocketOptions.SO_RCVBUF));
        assertEquals(FAST.nagle() == TcpConfig.Nagle.OFF, ours.getOption(StandardSocketOptions.TCP_NODELAY));
    }

    @Test
    void tcp_nodelay_set_on_an_open_connection_switches_nagle_off_and_back_rfc1122_4_2_3_4() throws Exception {
        ours.setOption(StandardSocketOptions.TCP_NODELAY, false);
        assertEquals(false, ours.getOption(StandardSocketOptions.TCP_NODELAY));
        ours.setOption(StandardSocketOptions.TCP_NODELAY, true);
        assertEquals(true, ours.getOption(StandardSocketOptions.TCP_NODELAY));
    }

    @Test
    void keep_alive_switched_on_an_open_connection_detects_a_vanished_peer_rfc1122_4_2_3_6() throws Exception {
        ours.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 1)
                .setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 1)
                .setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 2)
                .setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        assertEquals(1, ours.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
        assertEquals(true, ours.getOption(StandardSocketOptions.SO_KEEPALIVE));
        serverVanishes();
        assertEquals(CloseReason.TIMED_OUT_KEEPALIVE, ours.closed().get(WAIT, TimeUnit.SECONDS));
        assertEquals(2, client.stats().keepAliveProbesSent());
    }

    @Test
    void keep_alive_times_set_while_it_is_off_wait_until_it_is_switched_on() throws Exception {
        ours.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 1);
        assertEquals(false, ours.getOption(StandardSocketOptions.SO_KEEPALIVE));
        assertEquals(1, ours.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
    }

    @Test
    void a_user_timeout_set_in_milliseconds_ends_unacknowledged_data_rfc5482_3() throws Exception {
        ours.setOption(TcpSocketOptions.TCP_USER_TIMEOUT, 500);
        serverVanishes();
        long start = System.nanoTime();
        ours.outputStream().write("into the void".getBytes(StandardCharsets.UTF_8));
        assertEquals(CloseReason.TIMED_OUT_USER, ours.closed().get(WAIT, TimeUnit.SECONDS));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 450);
    }

    @Test
    void linger_zero_makes_close_a_reset_rfc9293_3_10_5() throws Exception {
        ours.setOption(StandardSocketOptions.SO_LINGER, 0);
        ours.close();
        assertEquals(CloseReason.ABORTED, ours.closed().get(WAIT, TimeUnit.SECONDS));
        assertEquals(CloseReason.RESET_BY_PEER, theirs.closed().get(WAIT, TimeUnit.SECONDS));
        SocketException e = assertThrows(SocketException.class, () -> theirs.inputStream().read());
        assertEquals("Connection reset", e.getMessage());
    }

    @Test
    void a_positive_linger_waits_for_the_fins_ack_then_lets_the_close_go_on() throws Exception {
        ours.setOption(StandardSocketOptions.SO_LINGER, 1);
        serverVanishes();
        long start = System.nanoTime();
        ours.close();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 900 && took < 5_000, "close lingered " + took + " ms");
        assertEquals(TcpState.FIN_WAIT_1, ours.state(), "the FIN is still being retransmitted, not reset");
    }

    @Test
    void a_positive_linger_returns_as_soon_as_the_fin_is_acknowledged() throws Exception {
        ours.setOption(StandardSocketOptions.SO_LINGER, 30);
        long start = System.nanoTime();
        ours.close();
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5);
        TcpState s = ours.state();
        assertTrue(s == TcpState.FIN_WAIT_2 || s == TcpState.TIME_WAIT, s.toString());
    }

    @Test
    void misuse_is_refused_with_what_was_wrong() throws Exception {
        UnsupportedOperationException unsupported = assertThrows(UnsupportedOperationException.class,
                () -> ours.setOption(StandardSocketOptions.SO_REUSEADDR, true));
        assertTrue(unsupported.getMessage().contains("SO_REUSEADDR"), unsupported.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ours.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 0));
        assertTrue(zero.getMessage().contains("TCP_KEEPIDLE must be 1..32767"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ours.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 128));
        assertThrows(IllegalArgumentException.class, () -> ours.setOption(TcpSocketOptions.TCP_USER_TIMEOUT, -1));
        assertThrows(IllegalArgumentException.class, () -> ours.setOption(StandardSocketOptions.SO_KEEPALIVE, null));
        IllegalArgumentException rcvbuf = assertThrows(IllegalArgumentException.class,
                () -> ours.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20));
        assertTrue(rcvbuf.getMessage().contains("TcpConfig"), rcvbuf.getMessage());
        assertEquals(TcpState.ESTABLISHED, ours.state(), "a refused option changes nothing");
    }

    @Test
    void after_close_options_are_refused_even_while_time_wait_lasts_as_on_a_closed_socket() throws Exception {
        ours.close();
        SocketException e = assertThrows(SocketException.class,
                () -> ours.setOption(StandardSocketOptions.SO_KEEPALIVE, true));
        assertEquals("Socket is closed", e.getMessage());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void a_value_of_the_wrong_type_is_refused_as_an_illegal_argument() {
        java.net.SocketOption raw = ExtendedSocketOptions.TCP_KEEPIDLE;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ours.setOption(raw, "x"));
        assertTrue(e.getMessage().contains("takes a Integer"), e.getMessage());
    }

    @Test
    void options_of_a_closed_connection_say_it_is_closed() throws Exception {
        ours.abort();
        ours.closed().get(WAIT, TimeUnit.SECONDS);
        SocketException e = assertThrows(SocketException.class,
                () -> ours.setOption(StandardSocketOptions.SO_KEEPALIVE, true));
        assertEquals("Socket is closed", e.getMessage());
        assertThrows(SocketException.class, () -> ours.getOption(StandardSocketOptions.SO_KEEPALIVE));
    }
}
