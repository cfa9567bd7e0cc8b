package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import io.tcpclose.ladder.LadderDriver;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Zero-window probing ends (RFC 1122 4.2.2.17, RFC 9293 §3.8.6.1): a peer that answers its
 * probes may keep the window shut as long as it likes, but unanswered probes count toward the
 * retransmission give-up, an orphan gets its orphan limit of probes in all, and the user
 * timeout bounds how long queued data waits even when none of it is in flight. Linux behaves
 * the same way ({@code tcp_probe_timer}).
 */
class ZeroWindowTest {
    private static final TcpConfig FEW = TcpConfig.builder().maxRetransmissions(3, 2).build();

    /** The peer's SYN,ACK offers no window at all, the repro of the soak that probed for days. */
    private static LadderDriver shutWindow(TcpConfig config) {
        return States.synSent(config)
                .atMillis(10).in("SYN|ACK seq=5000 ack=1001 win=0 mss=1460")
                .expectOut("ACK seq=1001 ack=5001")
                .send(io.tcpclose.wire.Bytes.pattern(1000)).expectNoOut()
                .expectDeadlineIn(TimerKind.PERSIST, Duration.ofSeconds(1));
    }

    @Test
    void unanswered_window_probes_count_toward_the_retransmission_give_up_rfc1122_4_2_2_17() {
        LadderDriver d = shutWindow(FEW);
        for (int i = 0; i < 3; i++) {
            d.toNextDeadline().expectOut("ACK seq=1000 ack=5001 len=0");
        }
        d.toNextDeadline().expectNoOut().expectClosed(CloseReason.TIMED_OUT_RETRANSMISSION);
    }

    @Test
    void a_peer_that_answers_its_probes_may_hold_an_open_connection_indefinitely_rfc1122_4_2_2_17() {
        LadderDriver d = shutWindow(FEW);
        for (int i = 0; i < 20; i++) {
            d.toNextDeadline().expectOut("ACK seq=1000 ack=5001 len=0")
                    .in("ACK seq=5001 ack=1001 win=0").expectNoOut();
        }
        d.expectState(TcpState.ESTABLISHED);
        d.toNextDeadline().expectOut("ACK seq=1000 ack=5001 len=0");
    }

    @Test
    void an_orphan_gets_its_orphan_limit_of_probes_even_when_they_are_answered() {
        LadderDriver d = shutWindow(FEW).close().expectNoOut().expectState(TcpState.FIN_WAIT_1);
        for (int i = 0; i < 2; i++) {
            d.toNextDeadline().expectOut("ACK seq=1000 ack=5001 len=0")
                    .in("ACK seq=5001 ack=1001 win=0").expectNoOut();
        }
        d.toNextDeadline().expectNoOut().expectClosed(CloseReason.TIMED_OUT_RETRANSMISSION);
    }

    @Test
    void a_silent_peer_with_a_shut_window_cannot_keep_an_orphan_in_fin_wait_1_forever() {
        LadderDriver d = shutWindow(TcpConfig.DEFAULTS).close().expectState(TcpState.FIN_WAIT_1);
        for (int i = 0; i < 100 && d.tcb().state() != TcpState.CLOSED; i++) {
            d.toNextDeadline();
        }
        d.expectClosed(CloseReason.TIMED_OUT_RETRANSMISSION);
    }

    @Test
    void the_user_timeout_bounds_how_long_data_waits_for_a_window_rfc5482_3() {
        TcpConfig c = TcpConfig.builder().userTimeout(Duration.ofSeconds(5)).build();
        LadderDriver d = shutWindow(c).expectDeadlineIn(TimerKind.USER_TIMEOUT, Duration.ofSeconds(5));
        // The peer answers every probe, still with a shut window: that is not progress.
        while (d.nowNanos() < Duration.ofMillis(10 + 5_000).toNanos() && d.tcb().state() != TcpState.CLOSED) {
            d.toNextDeadline();
            if (d.tcb().state() != TcpState.CLOSED) {
                d.expectOut("ACK seq=1000 ack=5001 len=0").in("ACK seq=5001 ack=1001 win=0");
            }
        }
        d.expectClosed(CloseReason.TIMED_OUT_USER);
        org.junit.jupiter.api.Assertions.assertEquals(Duration.ofMillis(10 + 5_000).toNanos(), d.nowNanos());
    }

    @Test
    void keep_alive_keeps_running_while_a_shut_window_is_probed_rfc1122_4_2_3_6() {
        TcpConfig c = TcpConfig.builder().keepAlive(Duration.ofSeconds(3), Duration.ofSeconds(1), 2).build();
        LadderDriver d = shutWindow(c).close().expectState(TcpState.FIN_WAIT_1);
        for (int i = 0; i < 6 && d.tcb().state() != TcpState.CLOSED; i++) {
            d.toNextDeadline();
            if (d.tcb().state() != TcpState.CLOSED && !d.tcb().armed(TimerKind.KEEPALIVE)) {
                throw new AssertionError("keep-alive stopped in " + d.tcb().state() + "\n" + d.transcript());
            }
        }
    }
}
