package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.ladder.LadderDriver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FIN-WAIT-2 timeout, keep-alive (RFC 1122 §4.2.3.6) and user timeout (RFC 5482, RFC 9293 §3.10.8). */
class TimeoutTest {
    private static final TcpConfig KEEPALIVE = TcpConfig.builder()
            .keepAlive(Duration.ofSeconds(10), Duration.ofSeconds(2), 3).build();

    @Test
    void an_orphan_waits_at_most_the_fin_wait_2_timeout_for_the_peers_fin() {
        LadderDriver d = States.orphanFinWait1(TcpConfig.DEFAULTS)
                .atMillis(110).in("ACK seq=5001 ack=1002")
                .expectState(TcpState.FIN_WAIT_2)
                .expectDeadlineIn(TimerKind.FIN_WAIT_2, Duration.ofSeconds(60))
                .atMillis(110 + 60_000);
        assertEquals(List.of(
                Effects.moved(TcpState.FIN_WAIT_2, TcpState.CLOSED),
                Effects.closed(CloseReason.TIMED_OUT_FIN_WAIT_2),
                Effects.noDeadline()), d.lastEffects());
    }

    @Test
    void close_after_shutdown_output_in_fin_wait_2_starts_the_fin_wait_2_timer() {
        States.finWait2().atMillis(500).close()
                .expectNoOut()
                .expectDeadlineIn(TimerKind.FIN_WAIT_2, Duration.ofSeconds(60));
    }

    @Test
    void with_no_fin_wait_2_limit_an_orphan_waits_for_the_peer() {
        States.orphanFinWait1(TcpConfig.RFC_STRICT)
                .in("ACK seq=5001 ack=1002")
                .expectState(TcpState.FIN_WAIT_2)
                .expectNoDeadline(TimerKind.FIN_WAIT_2);
    }

    @Test
    void keep_alive_is_off_by_default() {
        States.established().expectNoDeadline(TimerKind.KEEPALIVE);
    }

    @Test
    void an_idle_connection_sends_a_keep_alive_probe_at_snd_nxt_minus_1_with_no_data_rfc1122_4_2_3_6() {
        States.established(KEEPALIVE)
                .expectDeadlineIn(TimerKind.KEEPALIVE, Duration.ofSeconds(10))
                .atMillis(10 + 10_000)
                .expectOut("ACK seq=1000 ack=5001 len=0")
                .expectDeadlineIn(TimerKind.KEEPALIVE, Duration.ofSeconds(2));
    }

    @Test
    void an_answered_probe_resets_the_count_and_the_idle_timer() {
        LadderDriver d = States.established(KEEPALIVE)
                .atMillis(10_010).expectOut("ACK seq=1000")
                .atMillis(10_020).in("ACK seq=5001 ack=1001")
                .expectNoOut()
                .expectDeadlineIn(TimerKind.KEEPALIVE, Duration.ofSeconds(10));
        assertEquals(0, d.tcb().keepAliveProbesSent());
    }

    @Test
    void the_peers_keep_alive_probe_is_acked() {
        States.established(KEEPALIVE).in("ACK seq=5000 ack=1001")
                .expectOut("ACK seq=1001 ack=5001")
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void after_the_last_unanswered_probe_the_peer_is_dead_keep_alive_timeout_and_rst_rfc1122_4_2_3_6() {
        LadderDriver d = States.established(KEEPALIVE)
                .atMillis(10_010).expectOut("ACK seq=1000")
                .atMillis(12_010).expectOut("ACK seq=1000")
                .atMillis(14_010).expectOut("ACK seq=1000")
                .atMillis(16_010);
        assertEquals(List.of(
                Effects.out("RST|ACK seq=1001 ack=5001", Effect.Why.RESET),
                Effects.moved(TcpState.ESTABLISHED, TcpState.CLOSED),
                Effects.closed(CloseReason.TIMED_OUT_KEEPALIVE),
                Effects.noDeadline()), d.lastEffects());
    }

    @Test
    void a_half_closed_connection_in_fin_wait_2_keeps_probing_so_it_learns_the_peer_is_gone_rfc1122_4_2_3_6() {
        States.finWait1(KEEPALIVE)
                .atMillis(110).in("ACK seq=5001 ack=1002")
                .expectState(TcpState.FIN_WAIT_2)
                .expectDeadlineIn(TimerKind.KEEPALIVE, Duration.ofSeconds(10))
                .atMillis(10_110).expectOut("ACK seq=1001 ack=5001 len=0");
    }

    @Test
    void keep_alive_does_not_probe_while_data_is_unacknowledged() {
        States.established(KEEPALIVE.toBuilder().maxRetransmissions(2, 2).build())
                .atMillis(9_000).send("x").expectOut("PSH|ACK seq=1001 len=1")
                .atMillis(10_000).expectOut("PSH|ACK seq=1001 len=1")   // retransmission, not a probe
                .atMillis(10_010).expectNoOut()
                .atMillis(12_000).expectOut("PSH|ACK seq=1001 len=1");
    }

    @Test
    void user_timeout_closes_once_data_waited_that_long_for_its_ack_rfc5482_3() {
        TcpConfig c = TcpConfig.builder().userTimeout(Duration.ofSeconds(5)).build();
        LadderDriver d = States.established(c)
                .atMillis(100).send("x").expectOut("PSH|ACK seq=1001 len=1")
                .atMillis(1_100).expectOut("PSH|ACK seq=1001 len=1")
                .atMillis(3_100).expectOut("PSH|ACK seq=1001 len=1")
                .atMillis(5_099).expectNoOut().expectState(TcpState.ESTABLISHED)
                .atMillis(5_100);
        assertEquals(List.of(
                Effects.moved(TcpState.ESTABLISHED, TcpState.CLOSED),
                Effects.closed(CloseReason.TIMED_OUT_USER),
                Effects.noDeadline()), d.lastEffects());
    }

    @Test
    void the_rto_is_clamped_so_the_user_timeout_fires_on_time() {
        // After backoff the RTO (8 s) would overshoot the 5 s user timeout; the timer fires at 5 s.
        TcpConfig c = TcpConfig.builder().userTimeout(Duration.ofSeconds(5))
                .rtoMin(Duration.ofSeconds(4)).rtoInitial(Duration.ofSeconds(4)).build();
        States.established(c)
                .atMillis(100).send("x").expectOut("PSH|ACK seq=1001 len=1")
                .expectDeadlineIn(TimerKind.RETRANSMISSION, Duration.ofSeconds(4))
                .atMillis(4_100).expectOut("PSH|ACK seq=1001 len=1")
                .expectDeadlineIn(TimerKind.RETRANSMISSION, Duration.ofSeconds(1))
                .atMillis(5_100).expectClosed(CloseReason.TIMED_OUT_USER);
    }

    @Test
    void progress_restarts_the_user_timeout() {
        TcpConfig c = TcpConfig.builder().userTimeout(Duration.ofSeconds(5)).build();
        States.established(c)
                .atMillis(100).send("ab").expectOut("PSH|ACK seq=1001 len=2")
                .send("cd").expectOut("PSH|ACK seq=1003 len=2")
                .atMillis(1_100).expectOut("PSH|ACK seq=1001 len=4")      // the retransmission coalesces both
                .atMillis(2_000).in("ACK seq=5001 ack=1003")              // late, but progress
                .expectDeadlineIn(TimerKind.USER_TIMEOUT, Duration.ofSeconds(5));
    }
}
