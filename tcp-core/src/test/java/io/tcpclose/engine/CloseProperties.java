package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Seq;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Two engines over a lossy wire: whatever finite loss pattern hits the close, both ends reach
 * CLOSED, exactly once, through RFC 9293's diagram, and the bytes each side received are a
 * prefix of what the other sent (all of it after a normal close).
 */
class CloseProperties {
    enum Order { CLIENT_FIRST, SERVER_FIRST, SIMULTANEOUS }

    static final TcpConfig KEEPALIVE = TcpConfig.builder()
            .keepAlive(java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(10), 3).build();
    /** The same with every data-path feature on: window scaling, timestamps, delayed ACKs. */
    static final TcpConfig KEEPALIVE_ALL_FEATURES = KEEPALIVE.toBuilder().windowScaling(true).timestamps(true)
            .delayedAck(java.time.Duration.ofMillis(40)).receiveBuffer(256 * 1024).build();

    @Property(seed = "777", tries = 1000)
    void any_finite_loss_pattern_still_closes_both_ends(
            @ForAll Order order,
            @ForAll @Size(max = 40) List<Boolean> lossPattern,
            @ForAll @IntRange(max = 3000) int clientBytes,
            @ForAll @IntRange(max = 3000) int serverBytes,
            @ForAll boolean fullClose,
            @ForAll boolean allFeatures) {
        // Keep-alive lets a half-closed end (FIN-WAIT-2 after shutdownOutput() has no timeout)
        // find out that its peer gave up and is gone.
        Pair p = Pair.connected(allFeatures ? KEEPALIVE_ALL_FEATURES : KEEPALIVE);
        // Loss applies to the first segments sent after the handshake, then the network heals.
        p.withLoss((n, s) -> n - 3 >= 0 && n - 3 < lossPattern.size() && lossPattern.get(n - 3));
        p.closeOnEof = true;
        Bytes fromClient = Bytes.pattern(clientBytes);
        Bytes fromServer = Bytes.pattern(serverBytes);
        if (clientBytes > 0) {
            p.client(new Event.Send(fromClient));
        }
        if (serverBytes > 0) {
            p.server(new Event.Send(fromServer));
        }
        Event close = fullClose ? Event.CLOSE : Event.SHUTDOWN_OUTPUT;
        switch (order) {
            case CLIENT_FIRST:
                p.client(close);
                break;
            case SERVER_FIRST:
                p.server(close);
                break;
            default:
                p.client(close);
                p.server(close);
        }
        p.runUntilQuiet();

        assertEquals(TcpState.CLOSED, p.clientTcb().state(), p::tail);
        assertEquals(TcpState.CLOSED, p.serverTcb().state(), p::tail);
        assertEquals(1, p.client.closedReports);
        assertEquals(1, p.server.closedReports);
        assertPrefix(fromClient, p.server.received.toString(), p);
        assertPrefix(fromServer, p.client.received.toString(), p);
        boolean normal = p.clientTcb().closeReason() == CloseReason.NORMAL && p.serverTcb().closeReason() == CloseReason.NORMAL;
        if (normal) {
            assertEquals(fromClient.utf8(), p.server.received.toString(), "all of it after a normal close");
            assertEquals(fromServer.utf8(), p.client.received.toString(), "all of it after a normal close");
        }
        Statistics.label("path").collect(path(p));
        Statistics.label("reasons").collect(p.clientTcb().closeReason() + "/" + p.serverTcb().closeReason());
    }

    /** One application call on one end after some time. */
    record AppCall(boolean client, int action, int afterMillis) {}

    @Property(seed = "20261124", tries = 1500)
    void random_application_calls_on_both_ends_under_loss_still_end_with_both_closed(
            @ForAll("appCalls") List<AppCall> calls,
            @ForAll @Size(max = 30) List<Boolean> lossPattern) {
        Pair p = Pair.connected(KEEPALIVE);
        p.withLoss((n, s) -> n - 3 >= 0 && n - 3 < lossPattern.size() && lossPattern.get(n - 3));
        p.closeOnEof = true;
        for (AppCall c : calls) {
            p.advance(Effects.ms(c.afterMillis()));
            Event e;
            switch (c.action()) {
                case 0:
                    e = new Event.Send(Bytes.pattern(100));
                    break;
                case 1:
                    e = Event.SHUTDOWN_OUTPUT;
                    break;
                case 2:
                    e = Event.CLOSE;
                    break;
                default:
                    e = Event.ABORT;
            }
            try {
                if (c.client()) {
                    p.client(e);
                } else {
                    p.server(e);
                }
            } catch (TcpApiException misuse) {
                // sending after a shutdown, or on a closed connection: typed, nothing lost
            }
        }
        // Whoever has not closed by now does so, then the network runs dry.
        for (Event e : List.of(Event.CLOSE)) {
            if (p.clientTcb().state() != TcpState.CLOSED) {
                p.client(e);
            }
            if (p.serverTcb().state() != TcpState.CLOSED) {
                p.server(e);
            }
        }
        p.runUntilQuiet();
        assertEquals(TcpState.CLOSED, p.clientTcb().state(), p::tail);
        assertEquals(TcpState.CLOSED, p.serverTcb().state(), p::tail);
        assertTrue(p.client.closedReports == 1 && p.server.closedReports == 1);
    }

    @Provide
    Arbitrary<List<AppCall>> appCalls() {
        return net.jqwik.api.Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3000))
                .as(AppCall::new).list().ofMaxSize(8);
    }

    private static String path(Pair p) {
        if (p.client.states.contains(TcpState.CLOSING) || p.server.states.contains(TcpState.CLOSING)) {
            return "simultaneous close (CLOSING)";
        }
        boolean lost = p.log.stream().anyMatch(l -> l.contains("FIN") && l.endsWith("LOST"));
        boolean lostAck = p.log.stream().anyMatch(l -> l.contains("-> ACK") && l.endsWith("LOST"));
        return lost ? "lost FIN" : lostAck ? "lost ACK" : "clean 4-way";
    }

    private static void assertPrefix(Bytes sent, String received, Pair p) {
        String s = sent.utf8();
        assertTrue(s.startsWith(received), () -> "received bytes are not a prefix of what was sent\n" + p.tail());
    }

    /** The fixture a random script starts from: every state of the diagram the fixtures reach. */
    enum Start {
        SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, ORPHAN_FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT, CLOSE_WAIT, LAST_ACK;

        Tcb tcb() {
            TcpConfig c = TcpConfig.DEFAULTS;
            switch (this) {
                case SYN_SENT:
                    return States.synSent(c).tcb();
                case SYN_RECEIVED:
                    return States.synReceived(c).tcb();
                case ESTABLISHED:
                    return States.established(c).tcb();
                case FIN_WAIT_1:
                    return States.finWait1(c).tcb();
                case ORPHAN_FIN_WAIT_1:
                    return States.orphanFinWait1(c).tcb();
                case FIN_WAIT_2:
                    return States.finWait2(c).tcb();
                case CLOSING:
                    return States.closing(c).tcb();
                case TIME_WAIT:
                    return States.timeWait(c).tcb();
                case CLOSE_WAIT:
                    return States.closeWait(c).tcb();
                default:
                    return States.lastAck(c).tcb();
            }
        }
    }

    /** Random inputs straight into one engine, from every state: its universal promises hold whatever arrives. */
    @Property(seed = "778", tries = 4000)
    void random_events_keep_the_engines_promises(@ForAll("scripts") List<Object> script, @ForAll Start start) {
        Tcb tcb = start.tcb();
        long now = Effects.s(1); // after every fixture's own history
        long timeWaitEntered = start == Start.TIME_WAIT ? Effects.ms(120) : Long.MIN_VALUE;
        int closedReports = 0;
        for (Object o : script) {
            Event e;
            if (o instanceof Long) {
                now += (Long) o;
                e = Event.TICK;
            } else {
                e = (Event) o;
            }
            Step step;
            try {
                step = TcpEngine.step(tcb, e, now);
            } catch (TcpApiException misuse) {
                continue; // application misuse: typed, and the snapshot is untouched
            }
            boolean rstIn = e instanceof Event.Arrive && ((Event.Arrive) e).segment().has(io.tcpclose.wire.TcpFlags.RST);
            for (Effect fx : step.effects()) {
                if (fx instanceof Effect.Transmit && rstIn) {
                    assertEquals(Effect.Why.CHALLENGE_ACK, ((Effect.Transmit) fx).why(), "only a challenge ACK may follow a RST");
                }
                if (fx instanceof Effect.StateChanged) {
                    Effect.StateChanged c = (Effect.StateChanged) fx;
                    assertTrue(c.from().canMoveTo(c.to()), "not an RFC 9293 edge: " + c);
                    if (c.to() == TcpState.TIME_WAIT) {
                        timeWaitEntered = now;
                    }
                    if (c.from() == TcpState.TIME_WAIT && step.tcb().closeReason() == CloseReason.NORMAL
                            && e instanceof Event.Tick) {
                        assertTrue(now - timeWaitEntered >= tcb.config().timeWaitNanos(), "TIME-WAIT shorter than 2xMSL");
                    }
                }
                if (fx instanceof Effect.Closed) {
                    closedReports++;
                }
            }
            tcb = step.tcb();
            assertTrue(Seq.le(tcb.sndUna(), tcb.sndNxt()), "SND.UNA <= SND.NXT");
        }
        assertTrue(closedReports <= 1, "CLOSED reported " + closedReports + " times");
        Statistics.collect(tcb.state());
    }

    @Provide
    Arbitrary<List<Object>> scripts() {
        Arbitrary<Object> segment = Arbitraries.integers().between(0, 255).flatMap(flags ->
                Arbitraries.integers().between(-40, 40).flatMap(seqOff ->
                        Arbitraries.integers().between(-3, 3).flatMap(ackOff ->
                                Arbitraries.integers().between(0, 8).map(len ->
                                        new Event.Arrive(new io.tcpclose.wire.Segment(80, 40000,
                                                5001 + seqOff, 1001 + ackOff, flags & 0x1F, 65535,
                                                io.tcpclose.wire.TcpOptions.NONE, Bytes.pattern(len)))))));
        Arbitrary<Object> app = Arbitraries.of(Event.CLOSE, Event.SHUTDOWN_OUTPUT, Event.ABORT,
                new Event.Send(Bytes.utf8("abc")), new Event.Consume(1));
        Arbitrary<Object> time = Arbitraries.of(Effects.ms(1), Effects.ms(500), Effects.s(1), Effects.s(30), Effects.s(61), Effects.s(130))
                .map(x -> (Object) x);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, segment),
                net.jqwik.api.Tuple.of(2, app),
                net.jqwik.api.Tuple.of(3, time)).list().ofMaxSize(30);
    }

    @Property(seed = "20261124", tries = 100)
    void an_established_connection_only_ever_visits_closing_states_after_close(@ForAll Order order) {
        Pair p = Pair.connected(TcpConfig.DEFAULTS);
        p.closeOnEof = true;
        if (order != Order.SERVER_FIRST) {
            p.client(Event.CLOSE);
        }
        if (order != Order.CLIENT_FIRST) {
            p.server(Event.CLOSE);
        }
        p.runUntilQuiet();
        Set<TcpState> closingStates = Set.of(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.CLOSING,
                TcpState.TIME_WAIT, TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSED);
        assertTrue(closingStates.containsAll(p.clientStatesSince(TcpState.ESTABLISHED)));
        TcpState clientLastBeforeClosed = p.client.states.get(p.client.states.size() - 2);
        TcpState serverLastBeforeClosed = p.server.states.get(p.server.states.size() - 2);
        switch (order) {
            case CLIENT_FIRST:
                assertEquals(TcpState.TIME_WAIT, clientLastBeforeClosed, "the active closer holds TIME-WAIT");
                assertEquals(TcpState.LAST_ACK, serverLastBeforeClosed);
                break;
            case SERVER_FIRST:
                assertEquals(TcpState.LAST_ACK, clientLastBeforeClosed);
                assertEquals(TcpState.TIME_WAIT, serverLastBeforeClosed, "the active closer holds TIME-WAIT");
                break;
            default:
                assertEquals(TcpState.TIME_WAIT, clientLastBeforeClosed);
                assertEquals(TcpState.TIME_WAIT, serverLastBeforeClosed);
        }
    }
}
