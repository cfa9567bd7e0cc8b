package io.tcpclose.stack;

import static io.tcpclose.stack.Net.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.engine.TimerKind;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.MalformedSegmentException;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpStackTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Records what the application is told. */
    static final class AppLog implements ConnectionListener {
        final List<String> events = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        CloseReason closed;
        boolean echoAndClose;

        @Override
        public void onEstablished(Connection c) {
            events.add("established");
        }

        @Override
        public void onReadable(Connection c) {
            data.append(c.readAll().utf8());
        }

        @Override
        public void onPeerFinished(Connection c) {
            events.add("eof");
            if (echoAndClose) {
                c.send(Bytes.utf8("echo:" + data));
                c.close();
            }
        }

        @Override
        public void onClosed(Connection c, CloseReason reason) {
            events.add("closed " + reason);
            closed = reason;
        }
    }

    @Test
    void reads_return_queued_bytes_in_order_across_segment_boundaries_and_partial_reads() {
        Net net = new Net();
        TcpStack client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        List<Connection> accepted = new ArrayList<>();
        server.listen(80, c -> {
            accepted.add(c);
            return new ConnectionListener() { }; // reads only when the test asks
        });
        Connection c = client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, new AppLog());
        net.run(SECOND);
        for (String part : new String[] {"alpha-", "bravo-", "charlie-", "delta"}) {
            c.send(Bytes.utf8(part));
            net.run(SECOND); // one segment each
        }
        Connection s = accepted.get(0);
        assertEquals(25, s.available());
        assertEquals("alp", s.read(3).utf8(), "within the first segment");
        assertEquals("ha-bravo-ch", s.read(11).utf8(), "across two segment boundaries");
        assertEquals("arlie-delta", s.readAll().utf8());
        assertEquals(0, s.available());
        assertEquals(0, s.read(10).length());
    }

    /** @param handOver deliver with {@code receiveOwned}, the payloads staying views of the delivered arrays */
    @ParameterizedTest(name = "arrays handed over: {0}")
    @ValueSource(booleans = {false, true})
    void a_client_and_server_exchange_data_and_close_normally_through_the_driver(boolean handOver) {
        Net net = new Net();
        net.handOver = handOver;
        TcpStack client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        AppLog serverApp = new AppLog();
        serverApp.echoAndClose = true;
        server.listen(80, c -> serverApp);
        AppLog clientApp = new AppLog();
        Connection c = client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, clientApp);
        net.run(SECOND);
        assertEquals(TcpState.ESTABLISHED, c.state());
        c.send(Bytes.utf8("hello"));
        c.shutdownOutput();
        net.run(SECOND);
        assertEquals("hello", serverApp.data.toString());
        assertEquals("echo:hello", clientApp.data.toString());
        assertEquals(TcpState.TIME_WAIT, c.state(), "the active closer holds TIME-WAIT");
        assertEquals(List.of("established", "eof", "closed NORMAL"), serverApp.events);
        net.run(61 * SECOND);
        assertEquals(List.of("established", "eof", "closed NORMAL"), clientApp.events);
        assertEquals(0, client.connectionCount());
        assertEquals(0, server.connectionCount());
        assertEquals(1, client.stats().closed(CloseReason.NORMAL));
    }

    @Test
    void a_segment_for_no_connection_is_answered_with_the_rfc9293_3_10_7_1_reset() {
        List<Segment> sent = new ArrayList<>();
        TcpStack s = TcpStack.builder((src, dst, bytes) -> sent.add(decode(bytes, src, dst)), () -> 0L).build();
        Segment stray = new Segment(5555, 80, 100, 777, TcpFlags.ACK, 1000, TcpOptions.NONE, Bytes.EMPTY);
        s.receive(ip("10.0.0.9"), ip("10.0.0.2"), encode(stray, "10.0.0.9", "10.0.0.2"));
        assertEquals(List.of(new Segment(80, 5555, 777, 0, TcpFlags.RST, 0, TcpOptions.NONE, Bytes.EMPTY)), sent);
        assertEquals(1, s.stats().rejected(RejectReason.NO_CONNECTION));
        assertEquals(1, s.stats().resetsSent());
    }

    @Test
    void a_reset_for_no_connection_is_not_answered() {
        List<ByteBuffer> sent = new ArrayList<>();
        TcpStack s = TcpStack.builder((src, dst, bytes) -> sent.add(bytes), () -> 0L).build();
        Segment rst = new Segment(5555, 80, 100, 0, TcpFlags.RST, 0, TcpOptions.NONE, Bytes.EMPTY);
        s.receive(ip("10.0.0.9"), ip("10.0.0.2"), encode(rst, "10.0.0.9", "10.0.0.2"));
        assertEquals(List.of(), sent);
        assertEquals(1, s.stats().resetsReceived());
    }

    @Test
    void malformed_bytes_are_counted_by_reason_and_never_thrown() {
        TcpStack s = TcpStack.builder((src, dst, bytes) -> { }, () -> 0L).build();
        s.receive(ip("10.0.0.9"), ip("10.0.0.2"), ByteBuffer.wrap(new byte[7]));
        byte[] good = encode(new Segment(1, 80, 1, 0, TcpFlags.SYN, 100, TcpOptions.NONE, Bytes.EMPTY), "10.0.0.9", "10.0.0.2").array();
        good[4] ^= 1;
        s.receive(ip("10.0.0.9"), ip("10.0.0.2"), ByteBuffer.wrap(good));
        ByteBuffer direct = ByteBuffer.allocateDirect(3);
        s.receive(ip("10.0.0.9"), ip("10.0.0.2"), direct);
        assertEquals(2, s.stats().malformed(MalformedSegmentException.Reason.TRUNCATED_HEADER));
        assertEquals(1, s.stats().malformed(MalformedSegmentException.Reason.BAD_CHECKSUM));
        assertEquals(3, s.stats().rejected(RejectReason.MALFORMED));
        assertEquals(3, s.stats().segmentsIn());
    }

    @Test
    void many_connections_are_demultiplexed_by_four_tuple() {
        Net net = new Net();
        TcpStack client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        List<AppLog> serverApps = new ArrayList<>();
        server.listen(80, c -> {
            AppLog l = new AppLog();
            serverApps.add(l);
            return l;
        });
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            conns.add(client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, new AppLog()));
        }
        net.run(SECOND);
        for (int i = 0; i < 50; i++) {
            conns.get(i).send(Bytes.utf8("conn-" + i));
        }
        net.run(SECOND);
        assertEquals(50, server.stats().connections(TcpState.ESTABLISHED));
        List<String> got = new ArrayList<>();
        serverApps.forEach(a -> got.add(a.data.toString()));
        for (int i = 0; i < 50; i++) {
            assertTrue(got.contains("conn-" + i), "conn-" + i + " arrived on its own connection");
        }
    }

    /** Client 10.0.0.1:40000 and server 10.0.0.2:80, where the server closed first and holds TIME-WAIT. */
    private static final class ServerTimeWait {
        final Net net = new Net();
        final TcpStack client;
        final TcpStack server;
        final Connection serverSide;

        ServerTimeWait(TcpConfig serverConfig) {
            server = net.host("10.0.0.2", serverConfig);
            client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
            server.listen(80, c -> new AppLog());
            Connection c1 = client.connect(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, new AppLog());
            net.run(SECOND);
            serverSide = server.connections().get(0);
            serverSide.close();
            net.run(SECOND);
            c1.close();
            net.run(SECOND);
            assertEquals(TcpState.TIME_WAIT, serverSide.state());
        }

        void synArrives(int seq) {
            Segment syn = new Segment(40000, 80, seq, 0, TcpFlags.SYN, 1000, TcpOptions.NONE, Bytes.EMPTY);
            server.receive(ip("10.0.0.1"), ip("10.0.0.2"), encode(syn, "10.0.0.1", "10.0.0.2"));
        }
    }

    @Test
    void a_newer_syn_may_reuse_a_time_wait_four_tuple_rfc6191() {
        ServerTimeWait tw = new ServerTimeWait(TcpConfig.DEFAULTS);
        // Same 4-tuple again, 10 s later: the client's RFC 6528 ISN has moved up.
        tw.net.clock.advance(java.time.Duration.ofSeconds(10));
        Connection c2 = tw.client.connect(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, new AppLog());
        tw.net.run(SECOND);
        assertEquals(TcpState.ESTABLISHED, c2.state());
        assertEquals(1, tw.server.stats().timeWaitReused());
        assertEquals(1, tw.server.stats().connections(TcpState.ESTABLISHED));
    }

    @Test
    void an_older_syn_does_not_reuse_time_wait_and_gets_a_challenge_ack_rfc5961_4() {
        ServerTimeWait tw = new ServerTimeWait(TcpConfig.DEFAULTS);
        long before = tw.server.stats().challengeAcksSent();
        tw.synArrives(tw.serverSide.tcb().rcvNxt() - 100);
        assertEquals(TcpState.TIME_WAIT, tw.serverSide.state());
        assertEquals(before + 1, tw.server.stats().challengeAcksSent());
        assertEquals(0, tw.server.stats().timeWaitReused());
    }

    @Test
    void time_wait_reuse_can_be_switched_off() {
        ServerTimeWait tw = new ServerTimeWait(TcpConfig.builder().timeWaitReuse(false).build());
        tw.synArrives(tw.serverSide.tcb().rcvNxt() + 100_000);
        assertEquals(TcpState.TIME_WAIT, tw.serverSide.state());
        assertEquals(0, tw.server.stats().timeWaitReused());
    }

    @Test
    void keep_alive_through_the_driver_detects_a_dead_peer_and_counts_it() {
        Net net = new Net();
        TcpConfig ka = TcpConfig.builder().keepAlive(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1), 3).build();
        TcpStack client = net.host("10.0.0.1", ka);
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        server.listen(80, c -> new AppLog());
        AppLog app = new AppLog();
        client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, app);
        net.run(SECOND);
        net.hosts.remove(ip("10.0.0.2")); // the server vanishes without a word
        net.run(60 * SECOND);
        assertEquals(CloseReason.TIMED_OUT_KEEPALIVE, app.closed);
        assertEquals(3, client.stats().keepAliveProbesSent());
        assertEquals(1, client.stats().timeouts(TimerKind.KEEPALIVE));
    }

    @Test
    void the_observer_sees_every_state_change_with_its_time() {
        Net net = new Net();
        List<String> trace = new ArrayList<>();
        TcpStack server = net.host("10.0.0.2", TcpConfig.DEFAULTS);
        TcpStack client = TcpStack.builder((src, dst, b) -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            net.inFlight.add(new Net.Packet(src, dst, copy));
        }, net.clock).observer(new StackObserver() {
            @Override
            public void stateChanged(long nanos, FourTuple id, TcpState from, TcpState to) {
                trace.add(from + "->" + to);
            }
        }).build();
        net.hosts.put(ip("10.0.0.1"), client);
        server.listen(80, c -> new AppLog());
        Connection c = client.connect(ip("10.0.0.1"), 0, ip("10.0.0.2"), 80, new AppLog());
        net.run(SECOND);
        c.close();
        net.run(SECOND);
        server.connections().get(0).close();
        net.run(100 * SECOND);
        assertEquals(List.of("CLOSED->SYN-SENT", "SYN-SENT->ESTABLISHED", "ESTABLISHED->FIN-WAIT-1",
                "FIN-WAIT-1->FIN-WAIT-2", "FIN-WAIT-2->TIME-WAIT", "TIME-WAIT->CLOSED"), trace);
        assertNull(client.connection(c.id()));
        assertNotNull(c.closeReason());
    }

    static ByteBuffer encode(Segment s, String src, String dst) {
        return ByteBuffer.wrap(SegmentCodec.encode(s, PseudoHeader.of(ip(src), ip(dst))));
    }

    static Segment decode(ByteBuffer b, java.net.InetAddress src, java.net.InetAddress dst) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        try {
            return SegmentCodec.decode(a, 0, a.length, PseudoHeader.of(src, dst));
        } catch (MalformedSegmentException e) {
            throw new AssertionError(e);
        }
    }
}
