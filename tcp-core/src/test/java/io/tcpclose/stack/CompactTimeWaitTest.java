package io.tcpclose.stack;

import static io.tcpclose.stack.Net.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpApiException;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.engine.TimeWait;
import io.tcpclose.wire.Bytes;
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

/** The stack's packed TIME-WAIT table for orphans: same wire behaviour, no Connection kept. */
class CompactTimeWaitTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Server 10.0.0.2:80 closes first (an orphan) and holds TIME-WAIT, compacted; the client is 10.0.0.1:40000. */
    private static final class Setup {
        final Net net = new Net();
        final TcpStack server;
        final TcpStack client;
        final Connection serverSide;
        final FourTuple id;
        final List<String> serverEvents = new ArrayList<>();
        final List<String> transitions = new ArrayList<>();
        long timeWaitBegan;

        Setup(TcpConfig serverConfig) {
            server = TcpStack.builder(this::send, net.clock).config(serverConfig)
                    .isn(IsnGenerator.rfc6528(1, 2)).compactTimeWait(true)
                    .observer(new StackObserver() {
                        @Override
                        public void stateChanged(long nanos, FourTuple who, TcpState from, TcpState to) {
                            transitions.add(from + "->" + to);
                            if (to == TcpState.TIME_WAIT) {
                                timeWaitBegan = nanos;
                            }
                        }
                    }).build();
            net.hosts.put(ip("10.0.0.2"), server);
            client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
            server.listen(80, c -> new ConnectionListener() {
                @Override
                public void onClosed(Connection c, CloseReason reason) {
                    serverEvents.add("closed " + reason + " in " + c.state());
                }
            });
            Connection c1 = client.connect(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, new ConnectionListener() { });
            net.run(SECOND);
            serverSide = server.connections().get(0);
            id = serverSide.id();
            serverSide.close();
            net.run(SECOND);
            c1.close();
            net.run(SECOND);
        }

        private void send(java.net.InetAddress src, java.net.InetAddress dst, ByteBuffer b) {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            net.inFlight.add(new Net.Packet(src, dst, copy));
        }

        /** A segment from the client straight into the server; returns what the server sent back. */
        List<Segment> clientSends(int flags, int seq, int ack) throws Exception {
            Segment s = new Segment(40000, 80, seq, ack, flags, 1000, TcpOptions.NONE, Bytes.EMPTY);
            byte[] wire = SegmentCodec.encode(s, PseudoHeader.of(ip("10.0.0.1"), ip("10.0.0.2")));
            net.inFlight.clear();
            server.receive(ip("10.0.0.1"), ip("10.0.0.2"), ByteBuffer.wrap(wire));
            List<Segment> out = new ArrayList<>();
            for (Net.Packet p : net.inFlight) {
                out.add(SegmentCodec.decode(p.bytes(), 0, p.bytes().length, PseudoHeader.of(p.src(), p.dst())));
            }
            net.inFlight.clear();
            return out;
        }
    }

    @Test
    void an_orphans_time_wait_leaves_no_connection_object_and_the_application_hears_closed_when_it_begins() {
        Setup s = new Setup(TcpConfig.DEFAULTS);
        assertNull(s.server.connection(s.id), "no Connection is kept");
        assertNotNull(s.server.timeWait(s.id));
        assertEquals(1, s.server.stats().connections(TcpState.TIME_WAIT));
        assertEquals(1, s.server.connectionCount());
        assertEquals(TcpState.TIME_WAIT, s.serverSide.state());
        assertEquals(List.of("closed NORMAL in TIME-WAIT"), s.serverEvents);
        assertThrows(TcpApiException.class, () -> s.serverSide.send(Bytes.utf8("late")));
    }

    @Test
    void a_compacted_time_wait_still_lasts_two_msl_then_closes_normally_rfc9293_3_6_1() {
        Setup s = new Setup(TcpConfig.DEFAULTS);
        long twoMsl = TcpConfig.DEFAULTS.timeWaitNanos();
        s.net.clock.set(s.timeWaitBegan + twoMsl - 1);
        s.server.poll();
        assertEquals(TcpState.TIME_WAIT, s.serverSide.state(), "not a nanosecond early");
        assertEquals(s.timeWaitBegan + twoMsl, s.server.nextDeadlineNanos());
        s.net.clock.set(s.timeWaitBegan + twoMsl);
        s.server.poll();
        assertEquals(TcpState.CLOSED, s.serverSide.state());
        assertEquals(0, s.server.connectionCount());
        assertEquals("TIME-WAIT->CLOSED", s.transitions.get(s.transitions.size() - 1));
        assertEquals(1, s.server.stats().closed(CloseReason.NORMAL));
    }

    @Test
    void a_repeated_fin_is_acked_again_and_restarts_the_wait_rfc9293_3_6_1() throws Exception {
        Setup s = new Setup(TcpConfig.DEFAULTS);
        TimeWait before = s.server.timeWait(s.id);
        s.net.clock.set(s.net.clock.nanoTime() + 10 * SECOND);
        // The client's FIN again: its last ACK was "lost".
        List<Segment> out = s.clientSends(TcpFlags.FIN | TcpFlags.ACK, before.rcvNxt() - 1, before.sndNxt());
        assertEquals(1, out.size());
        assertEquals(TcpFlags.ACK, out.get(0).flags());
        assertEquals(before.rcvNxt(), out.get(0).ack());
        assertEquals(s.net.clock.nanoTime() + TcpConfig.DEFAULTS.timeWaitNanos(), s.server.timeWait(s.id).deadlineNanos());
        // The first wait's end passes without closing it.
        s.net.clock.set(before.deadlineNanos() + 1);
        s.server.poll();
        assertEquals(TcpState.TIME_WAIT, s.serverSide.state());
    }

    @Test
    void a_rst_is_ignored_in_compacted_time_wait_rfc1337() throws Exception {
        Setup s = new Setup(TcpConfig.DEFAULTS);
        TimeWait tw = s.server.timeWait(s.id);
        assertEquals(List.of(), s.clientSends(TcpFlags.RST, tw.rcvNxt(), 0));
        assertEquals(TcpState.TIME_WAIT, s.serverSide.state());
    }

    @Test
    void an_older_syn_gets_a_challenge_ack_and_a_newer_one_reuses_the_four_tuple_rfc5961_4_rfc6191() throws Exception {
        Setup s = new Setup(TcpConfig.DEFAULTS);
        TimeWait tw = s.server.timeWait(s.id);
        List<Segment> out = s.clientSends(TcpFlags.SYN, tw.rcvNxt() - 100, 0);
        assertEquals(1, out.size());
        assertEquals(TcpFlags.ACK, out.get(0).flags(), "challenge ACK");
        assertEquals(1, s.server.stats().challengeAcksSent());
        out = s.clientSends(TcpFlags.SYN, tw.rcvNxt() + 100_000, 0);
        assertTrue(out.get(0).has(TcpFlags.SYN) && out.get(0).has(TcpFlags.ACK), "a new incarnation is accepted");
        assertEquals(1, s.server.stats().timeWaitReused());
        assertNull(s.server.timeWait(s.id));
        assertEquals(TcpState.CLOSED, s.serverSide.state());
    }
}
