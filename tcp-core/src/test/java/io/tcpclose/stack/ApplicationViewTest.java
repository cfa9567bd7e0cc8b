package io.tcpclose.stack;

import static io.tcpclose.stack.Net.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the application is told, and when: the API never tells less than the truth. */
class ApplicationViewTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    /** Records every notice, and reads everything at end of stream, as ordinary code does. */
    static final class Log implements ConnectionListener {
        final List<String> events = new ArrayList<>();
        final StringBuilder data = new StringBuilder();

        @Override
        public void onEstablished(Connection c) {
            events.add("established");
        }

        @Override
        public void onReadable(Connection c) {
            events.add("readable");
        }

        @Override
        public void onPeerFinished(Connection c) {
            data.append(c.readAll().utf8()); // the ordinary pattern: drain at end of stream
            events.add("eof");
        }

        @Override
        public void onCloseCompleted(Connection c) {
            events.add("close completed");
        }

        @Override
        public void onClosed(Connection c, CloseReason reason) {
            events.add("closed " + reason);
        }
    }

    private static final class Pair {
        final Net net = new Net();
        final TcpStack client;
        final TcpStack server;
        final Log clientLog = new Log();
        final Log serverLog = new Log();
        Connection clientSide;
        Connection serverSide;

        Pair(boolean compact) {
            client = net.host("10.0.0.1", TcpConfig.DEFAULTS, compact);
            server = net.host("10.0.0.2", TcpConfig.DEFAULTS, compact);
            server.listen(80, c -> {
                serverSide = c;
                return serverLog;
            });
            clientSide = client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, clientLog);
            net.run(SECOND);
        }
    }

    // ---------------------------------------------------------------- 6: reads never throw

    @ParameterizedTest(name = "compact TIME-WAIT {0}")
    @ValueSource(booleans = {false, true})
    void reading_at_end_of_stream_after_an_active_close_returns_what_is_left(boolean compact) {
        Pair p = new Pair(compact);
        p.clientSide.close();                 // active close: the client will hold TIME-WAIT
        p.net.run(SECOND);
        p.serverSide.close();
        p.net.run(SECOND);                     // the client's onPeerFinished reads in TIME-WAIT
        assertEquals(TcpState.TIME_WAIT, p.clientSide.state());
        assertTrue(p.clientLog.events.contains("eof"), p.clientLog.events.toString());
        assertEquals(Bytes.EMPTY, p.clientSide.readAll());
        assertEquals(Bytes.EMPTY, p.clientSide.read(10));
        p.net.run(120 * SECOND);
        assertEquals(TcpState.CLOSED, p.clientSide.state());
        assertEquals(Bytes.EMPTY, p.clientSide.readAll());
    }

    @Test
    void reading_after_a_half_close_in_time_wait_returns_the_bytes_then_nothing() {
        Pair p = new Pair(false);
        p.clientSide.shutdownOutput();
        p.net.run(SECOND);
        p.serverSide.send(Bytes.utf8("tail"));
        p.serverSide.close();
        p.net.run(SECOND);
        assertEquals(TcpState.TIME_WAIT, p.clientSide.state());
        assertEquals("tail", p.clientLog.data.toString());
        assertEquals(Bytes.EMPTY, p.clientSide.readAll());
    }

    // ---------------------------------------------------------------- 8: closed exactly once, always

    @Test
    void a_refused_connect_is_told_closed_once_rfc9293_3_10_7_3() {
        Net net = new Net();
        TcpStack client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
        net.host("10.0.0.2", TcpConfig.DEFAULTS); // nobody listens on port 80
        Log log = new Log();
        client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, log);
        net.run(10 * SECOND);
        assertEquals(List.of("closed REFUSED"), log.events);
    }

    @Test
    void close_in_syn_sent_is_told_closed_once_rfc9293_3_10_4() {
        Net net = new Net();
        TcpStack client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
        Log log = new Log();
        Connection c = client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, log);
        c.close();
        c.close();
        net.run(10 * SECOND);
        assertEquals(List.of("closed ABORTED"), log.events);
    }

    @Test
    void a_syn_that_is_never_answered_is_told_closed_once_rfc1122_4_2_3_5() {
        Net net = new Net();
        TcpStack client = net.host("10.0.0.1", TcpConfig.builder().maxSynRetransmissions(2).build());
        Log log = new Log();
        client.connect(ip("10.0.0.1"), 0, ip("10.0.0.9"), 80, log); // no such host: silence
        net.run(60 * SECOND);
        assertEquals(List.of("closed TIMED_OUT_RETRANSMISSION"), log.events);
    }

    // ---------------------------------------------------------------- 9: a reset is not an end of stream

    @Test
    void after_a_reset_the_bytes_that_arrived_are_read_first_then_the_reset_is_reported_rfc9293_3_10_7_4() {
        Pair p = new Pair(false);
        p.serverSide.send(Bytes.utf8("partial"));
        p.net.run(SECOND);
        p.serverSide.abort();
        p.net.run(SECOND);
        assertEquals(CloseReason.RESET_BY_PEER, p.clientSide.closeReason());
        assertEquals("partial", p.clientSide.readAll().utf8());
        ConnectionFailedException e = assertThrows(ConnectionFailedException.class, p.clientSide::readAll);
        assertEquals(CloseReason.RESET_BY_PEER, e.reason());
        assertEquals("Connection reset by peer", e.getMessage());
        assertThrows(ConnectionFailedException.class, () -> p.clientSide.read(1));
    }

    @Test
    void a_reset_after_the_peers_fin_leaves_a_clean_end_of_stream() {
        Pair p = new Pair(false);
        p.serverSide.shutdownOutput();
        p.net.run(SECOND);                      // client in CLOSE-WAIT: end of stream seen
        p.serverSide.abort();
        p.net.run(SECOND);
        assertEquals(CloseReason.RESET_BY_PEER, p.clientSide.closeReason());
        assertEquals(Bytes.EMPTY, p.clientSide.readAll());
    }

    // ---------------------------------------------------------------- 10: the close is done

    @Test
    void the_active_closer_hears_its_close_completed_at_time_wait_and_closed_2msl_later_rfc9293_3_6_1() {
        Pair p = new Pair(false);
        p.clientSide.close();
        p.net.run(SECOND);
        p.serverSide.close();
        p.net.run(SECOND);
        assertEquals(List.of("established", "eof", "close completed"), p.clientLog.events);
        assertTrue(p.clientSide.closeCompleted());
        p.net.run(120 * SECOND);
        assertEquals(List.of("established", "eof", "close completed", "closed NORMAL"), p.clientLog.events);
        assertEquals(List.of("established", "eof", "close completed", "closed NORMAL"), p.serverLog.events);
    }

    @Test
    void with_compact_time_wait_close_completed_comes_just_before_closed() {
        Pair p = new Pair(true);
        p.clientSide.close();
        p.net.run(SECOND);
        p.serverSide.close();
        p.net.run(SECOND);
        assertEquals(List.of("established", "eof", "close completed", "closed NORMAL"), p.clientLog.events);
    }

    @Test
    void an_aborted_connection_never_hears_close_completed() {
        Pair p = new Pair(false);
        p.clientSide.abort();
        p.net.run(SECOND);
        assertEquals(List.of("established", "closed ABORTED"), p.clientLog.events);
        assertEquals(List.of("established", "closed RESET_BY_PEER"), p.serverLog.events);
    }

    @Test
    void an_acceptor_that_throws_gets_its_connection_reset_rather_than_left_open() {
        Net net = new Net();
        TcpStack client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        server.listen(80, c -> {
            throw new IllegalStateException("the application is not ready");
        });
        Log log = new Log();
        client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, log);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.run(SECOND));
        assertEquals("the application is not ready", e.getMessage());
        net.run(SECOND);
        assertEquals(0, server.connectionCount(), "nobody would ever serve it");
        assertEquals(List.of("established", "closed RESET_BY_PEER"), log.events);
    }

    @Test
    void connect_to_port_zero_is_refused_naming_the_port() {
        TcpStack s = new Net().host("10.0.0.1", TcpConfig.DEFAULTS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 0, new Log()));
        assertTrue(e.getMessage().contains("remote port must lie in 1..65535"), e.getMessage());
    }

    static Segment syn(int seq) {
        return new Segment(40000, 80, seq, 0, TcpFlags.SYN, 1000, TcpOptions.NONE, Bytes.EMPTY);
    }
}
