package io.tcpclose.stack;

import static io.tcpclose.stack.Net.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Seq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TIME-WAIT reuse through the stack (RFC 9293 §3.6.1, RFC 6191): the engine admits the SYN,
 * the stack opens the new incarnation above the old sequence space, and goes back to TIME-WAIT
 * when the SYN proves an old duplicate. The server at 10.0.0.2:80 closes first and holds
 * TIME-WAIT for client 10.0.0.1:40000.
 */
class TimeWaitReuseTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private static final class ServerTimeWait {
        final Net net = new Net();
        final TcpStack client;
        final TcpStack server;
        final List<String> oldServerEvents = new ArrayList<>();
        final List<Connection> accepted = new ArrayList<>();
        Connection oldServerSide;
        int oldSndNxt;
        long timeWaitEnds;

        ServerTimeWait(boolean compact, IsnGenerator serverIsn, int bytes) {
            server = net.host("10.0.0.2", TcpConfig.DEFAULTS, compact, serverIsn);
            client = net.host("10.0.0.1", TcpConfig.DEFAULTS);
            server.listen(80, c -> {
                accepted.add(c);
                return new ConnectionListener() {
                    @Override
                    public void onClosed(Connection conn, CloseReason reason) {
                        if (conn == accepted.get(0)) {
                            oldServerEvents.add("closed " + reason);
                        }
                    }
                };
            });
            Connection c1 = client.connect(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, new ConnectionListener() {
                @Override
                public void onReadable(Connection c) {
                    c.readAll();
                }
            });
            net.run(SECOND);
            oldServerSide = accepted.get(0);
            for (int sent = 0; sent < bytes; sent += 32 * 1024) {
                oldServerSide.send(Bytes.pattern(32 * 1024));
                net.run(SECOND);
            }
            oldServerSide.close();
            net.run(SECOND);
            c1.close();
            net.run(SECOND);
            oldSndNxt = compact ? server.timeWait(oldServerSide.id()).sndNxt() : oldServerSide.tcb().sndNxt();
            timeWaitEnds = compact ? server.timeWait(oldServerSide.id()).deadlineNanos()
                    : oldServerSide.tcb().deadline(io.tcpclose.engine.TimerKind.TIME_WAIT);
            assertEquals(TcpState.TIME_WAIT, oldServerSide.state());
        }

        /** The client connects again on the same 4-tuple. */
        Connection reconnect() {
            Connection c2 = client.connect(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, new ConnectionListener() { });
            net.run(SECOND);
            return c2;
        }

        Connection newServerSide() {
            Connection c = server.connection(oldServerSide.id());
            assertNotNull(c, "no connection for the 4-tuple");
            return c;
        }
    }

    @ParameterizedTest(name = "compact TIME-WAIT {0}")
    @ValueSource(booleans = {false, true})
    void a_fixed_isn_generator_cannot_put_the_new_iss_inside_the_old_sequence_space_rfc9293_3_6_1(boolean compact) {
        ServerTimeWait tw = new ServerTimeWait(compact, (id, now) -> 1000, 0);
        tw.net.clock.advance(Duration.ofSeconds(10));
        Connection c2 = tw.reconnect();
        assertEquals(TcpState.ESTABLISHED, c2.state());
        int newIss = tw.newServerSide().tcb().iss();
        assertTrue(Seq.gt(newIss, tw.oldSndNxt), "new ISS " + newIss + " not above old SND.NXT " + tw.oldSndNxt);
        assertEquals(1, tw.server.stats().timeWaitReused());
    }

    @ParameterizedTest(name = "compact TIME-WAIT {0}")
    @ValueSource(booleans = {false, true})
    void after_a_1_mb_transfer_and_a_1_s_wait_the_new_iss_is_still_above_the_old_snd_nxt_rfc9293_3_6_1(boolean compact) {
        ServerTimeWait tw = new ServerTimeWait(compact, IsnGenerator.rfc6528(7, 8), 1 << 20);
        tw.net.clock.advance(Duration.ofSeconds(1));
        Connection c2 = tw.reconnect();
        assertEquals(TcpState.ESTABLISHED, c2.state());
        int newIss = tw.newServerSide().tcb().iss();
        assertTrue(Seq.gt(newIss, tw.oldSndNxt), "new ISS " + newIss + " not above old SND.NXT " + tw.oldSndNxt);
    }

    @ParameterizedTest(name = "compact TIME-WAIT {0}")
    @ValueSource(booleans = {false, true})
    void the_old_connection_hears_closed_once_the_new_incarnation_is_synchronized(boolean compact) {
        ServerTimeWait tw = new ServerTimeWait(compact, IsnGenerator.rfc6528(7, 8), 0);
        int toldBefore = tw.oldServerEvents.size();
        tw.net.clock.advance(Duration.ofSeconds(10));
        tw.reconnect();
        assertEquals(compact ? List.of("closed NORMAL") : List.of("closed NORMAL"), tw.oldServerEvents);
        assertEquals(compact ? 1 : 0, toldBefore, "a compacted TIME-WAIT was told at its start");
        assertEquals(TcpState.CLOSED, tw.oldServerSide.state());
    }

    @ParameterizedTest(name = "compact TIME-WAIT {0}")
    @ValueSource(booleans = {false, true})
    void an_admitted_syn_that_proves_an_old_duplicate_returns_the_four_tuple_to_time_wait_rfc9293_3_6_1(boolean compact) {
        ServerTimeWait tw = new ServerTimeWait(compact, IsnGenerator.rfc6528(7, 8), 0);
        // An old duplicate SYN, numbered above the TIME-WAIT's RCV.NXT; the client, which has no
        // connection now, answers the new SYN,ACK with a reset.
        int rcvNxt = compact ? tw.server.timeWait(tw.oldServerSide.id()).rcvNxt() : tw.oldServerSide.tcb().rcvNxt();
        tw.server.receive(ip("10.0.0.1"), ip("10.0.0.2"),
                TcpStackTest.encode(ApplicationViewTest.syn(rcvNxt + 100_000), "10.0.0.1", "10.0.0.2"));
        tw.net.run(SECOND);
        assertEquals(1, tw.server.stats().timeWaitReused());
        assertEquals(1, tw.server.stats().timeWaitRestored());
        assertEquals(TcpState.TIME_WAIT, tw.oldServerSide.state(), "back in TIME-WAIT");
        assertEquals(1, tw.server.stats().connections(TcpState.TIME_WAIT));
        assertEquals(compact ? List.of("closed NORMAL") : List.of(), tw.oldServerEvents, "not told again");
        // It ends at its own deadline, not later, and normally.
        tw.net.clock.set(tw.timeWaitEnds - 1);
        tw.server.poll();
        assertEquals(TcpState.TIME_WAIT, tw.oldServerSide.state());
        tw.net.clock.set(tw.timeWaitEnds);
        tw.server.poll();
        assertEquals(TcpState.CLOSED, tw.oldServerSide.state());
        assertEquals(List.of("closed NORMAL"), tw.oldServerEvents);
        assertEquals(0, tw.server.connectionCount());
    }
}
