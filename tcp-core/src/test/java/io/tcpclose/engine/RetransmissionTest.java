package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.ladder.LadderDriver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FIN and data retransmission (RFC 6298, RFC 1122 §4.2.3.5). */
class RetransmissionTest {

    @Test
    void a_lost_fin_is_retransmitted_when_the_rto_expires_rfc6298_5_4() {
        LadderDriver d = States.finWait1().atMillis(100 + 1_000);
        assertEquals(List.of(
                Effects.out("FIN|ACK seq=1001 ack=5001", Effect.Why.RETRANSMISSION),
                Effects.deadline(Effects.ms(1_100) + Effects.s(2))), d.lastEffects());
        d.expectOut("FIN|ACK seq=1001 ack=5001").expectState(TcpState.FIN_WAIT_1);
    }

    @Test
    void each_retransmission_doubles_the_rto_rfc6298_5_5() {
        LadderDriver d = States.finWait1();
        long t = 100;
        for (long rto = 1_000; rto <= 64_000; rto *= 2) {
            t += rto;
            d.atMillis(t - 1).expectNoOut();
            d.atMillis(t).expectOut("FIN|ACK seq=1001 ack=5001");
        }
    }

    @Test
    void the_rto_never_exceeds_its_maximum_rfc6298_2_5() {
        TcpConfig c = TcpConfig.builder().rtoMax(Duration.ofSeconds(3)).maxRetransmissions(10, 10).build();
        LadderDriver d = States.finWait1(c);
        d.atMillis(1_100).expectOut("FIN|ACK seq=1001");
        d.atMillis(3_100).expectOut("FIN|ACK seq=1001");
        d.atMillis(6_100).expectOut("FIN|ACK seq=1001");
        d.atMillis(9_100).expectOut("FIN|ACK seq=1001");
    }

    @Test
    void after_the_retransmission_limit_the_connection_closes_timed_out_without_rst_rfc1122_4_2_3_5() {
        TcpConfig c = TcpConfig.builder().maxRetransmissions(3, 3).build();
        LadderDriver d = States.finWait1(c);
        d.toNextDeadline().expectOut("FIN|ACK seq=1001");
        d.toNextDeadline().expectOut("FIN|ACK seq=1001");
        d.toNextDeadline().expectOut("FIN|ACK seq=1001");
        d.toNextDeadline();
        assertEquals(List.of(
                Effects.moved(TcpState.FIN_WAIT_1, TcpState.CLOSED),
                Effects.closed(CloseReason.TIMED_OUT_RETRANSMISSION),
                Effects.noDeadline()), d.lastEffects());
        assertEquals(Effects.ms(100) + Effects.s(1 + 2 + 4 + 8), d.nowNanos());
    }

    @Test
    void default_give_up_is_15_retransmissions() {
        LadderDriver d = States.finWait1();
        for (int i = 0; i < 15; i++) {
            d.toNextDeadline().expectOut("FIN|ACK seq=1001");
        }
        d.toNextDeadline().expectNoOut().expectClosed(CloseReason.TIMED_OUT_RETRANSMISSION);
    }

    @Test
    void an_orphan_gives_up_after_8_retransmissions() {
        LadderDriver d = States.orphanFinWait1(TcpConfig.DEFAULTS);
        for (int i = 0; i < 8; i++) {
            d.toNextDeadline().expectOut("FIN|ACK seq=1001");
        }
        d.toNextDeadline().expectNoOut().expectClosed(CloseReason.TIMED_OUT_RETRANSMISSION);
    }

    @Test
    void lost_data_is_retransmitted_before_the_fin_and_then_the_fin_rides_again() {
        States.established()
                .atMillis(100).send("data").expectOut("PSH|ACK seq=1001 data=\"data\"")
                .close().expectOut("FIN|ACK seq=1005")
                .atMillis(1_100).expectOut("FIN|PSH|ACK seq=1001 data=\"data\"")
                .atMillis(1_200).in("ACK seq=5001 ack=1006")
                .expectState(TcpState.FIN_WAIT_2);
    }

    @Test
    void an_ack_of_new_data_restarts_the_timer_and_clears_the_retry_count_rfc6298_5_3() {
        LadderDriver d = States.established()
                .atMillis(100).send("ab").expectOut("PSH|ACK seq=1001 len=2")
                .atMillis(1_100).expectOut("PSH|ACK seq=1001 len=2");
        assertEquals(1, d.tcb().retries());
        d.send("cd").expectOut("PSH|ACK seq=1003 len=2")
                .atMillis(1_150).in("ACK seq=5001 ack=1003")
                .expectDeadlineIn(TimerKind.RETRANSMISSION, Duration.ofSeconds(2));
        assertEquals(0, d.tcb().retries());
    }

    @Test
    void first_rtt_sample_sets_srtt_rttvar_and_rto_rfc6298_2_2() {
        TcpConfig c = TcpConfig.builder().rtoMin(Duration.ofMillis(1)).build();
        Tcb t = States.established(c).tcb(); // SYN at 0 ms, SYN|ACK at 10 ms
        assertEquals(Effects.ms(10), t.srttNanos());
        assertEquals(Effects.ms(10) + 4 * Effects.ms(5), t.rtoNanos(), "RTO = SRTT + 4 * RTTVAR");
    }

    @Test
    void rto_is_at_least_the_configured_minimum_rfc6298_2_4() {
        assertEquals(Effects.s(1), States.established().tcb().rtoNanos());
        assertEquals(Effects.ms(200), States.established(TcpConfig.LINUX.toBuilder().rtoMinOnVariance(false).build())
                .tcb().rtoNanos());
        assertEquals(Effects.ms(210), States.established(TcpConfig.LINUX).tcb().rtoNanos(), "Linux: 10 ms + max(20 ms, 200 ms)");
    }

    @Test
    void a_retransmitted_segment_gives_no_rtt_sample_karn_rfc6298_3() {
        TcpConfig c = TcpConfig.builder().rtoMin(Duration.ofMillis(1)).build();
        LadderDriver d = States.synSent(c)
                .atMillis(1_000).expectOut("SYN seq=1000")          // retransmitted
                .atMillis(1_010).in("SYN|ACK seq=5000 ack=1001")
                .expectOut("ACK seq=1001 ack=5001");
        assertEquals(-1, d.tcb().srttNanos(), "an ambiguous ACK is not timed");
    }

    @Test
    void after_a_retransmitted_syn_data_starts_with_a_3s_rto_rfc6298_5_7() {
        States.synSent(TcpConfig.DEFAULTS)
                .atMillis(1_000).expectOut("SYN seq=1000")          // the SYN timed out: RTO backed off to 2 s
                .atMillis(1_010).in("SYN|ACK seq=5000 ack=1001 mss=1460")
                .expectOut("ACK seq=1001 ack=5001")
                .send("data").expectOut("PSH|ACK seq=1001 ack=5001 data=\"data\"")
                .expectDeadlineIn(TimerKind.RETRANSMISSION, Duration.ofSeconds(3))
                .atMillis(1_010 + 2_999).expectNoOut()
                .atMillis(1_010 + 3_000).expectOut("PSH|ACK seq=1001 ack=5001 data=\"data\"");
    }

    @Test
    void after_a_retransmitted_syn_ack_data_starts_with_a_3s_rto_rfc6298_5_7() {
        States.synReceived(TcpConfig.DEFAULTS)
                .atMillis(1_010).expectOut("SYN|ACK seq=1000 ack=5001 mss=1460")
                .atMillis(1_020).in("ACK seq=5001 ack=1001").expectState(TcpState.ESTABLISHED)
                .send("data").expectOut("PSH|ACK seq=1001 ack=5001 data=\"data\"")
                .expectDeadlineIn(TimerKind.RETRANSMISSION, Duration.ofSeconds(3));
    }

    @Test
    void a_handshake_without_retransmission_keeps_the_initial_rto_rfc6298_5_7() {
        States.established().send("data").expectOut("PSH|ACK seq=1001 ack=5001 data=\"data\"")
                .expectDeadlineIn(TimerKind.RETRANSMISSION, Duration.ofSeconds(1));
    }

    @Test
    void syn_retransmission_gives_up_after_its_limit() {
        TcpConfig c = TcpConfig.builder().maxSynRetransmissions(2).build();
        LadderDriver d = States.synSent(c);
        d.toNextDeadline().expectOut("SYN seq=1000");
        d.toNextDeadline().expectOut("SYN seq=1000");
        d.toNextDeadline().expectNoOut().expectClosed(CloseReason.TIMED_OUT_RETRANSMISSION);
    }

    @Test
    void spurious_tick_is_a_no_op() {
        LadderDriver d = States.finWait1().atMillis(500);
        Tcb before = d.tcb();
        Step s = TcpEngine.step(before, Event.TICK, Effects.ms(500));
        assertEquals(List.of(), s.effects());
        assertEquals(before.toString(), s.tcb().toString());
    }
    @Test
    void rfc6298_bounds_the_whole_rto_by_its_minimum_rfc6298_2_4() {
        TcpConfig rfc = TcpConfig.builder().rtoMin(Duration.ofMillis(200)).rtoInitial(Duration.ofMillis(200)).build();
        // SRTT 10 ms, RTTVAR 5 ms: 10 + 4 x 5 = 30 ms, raised to the 200 ms floor.
        assertEquals(Duration.ofMillis(200).toNanos(), Acking.rtoFor(rfc, 10_000_000L, 5_000_000L));
    }

    @Test
    void linuxs_rto_puts_the_minimum_under_the_variance_term_as_tcp_set_rto() {
        // SRTT 10 ms + max(4 x 5 ms, 200 ms) = 210 ms; RFC 6298 would give 200 ms.
        assertEquals(Duration.ofMillis(210).toNanos(), Acking.rtoFor(TcpConfig.LINUX, 10_000_000L, 5_000_000L));
        assertEquals(Duration.ofMillis(10 + 400).toNanos(), Acking.rtoFor(TcpConfig.LINUX, 10_000_000L, 100_000_000L),
                "a variance above the minimum counts in full");
    }

    @Test
    void the_linux_preset_gives_up_on_a_syn_ack_after_5_retransmissions_as_tcp_synack_retries() {
        assertEquals(5, TcpConfig.LINUX.maxSynAckRetransmissions());
        assertEquals(6, TcpConfig.LINUX.maxSynRetransmissions());
        LadderDriver d = States.synReceived(TcpConfig.builder().maxSynAckRetransmissions(1).build());
        d.toNextDeadline().expectOut("SYN|ACK");
        d.toNextDeadline();
        assertEquals(TcpState.CLOSED, d.tcb().state(), "after one retransmission of the SYN,ACK");
    }
}
