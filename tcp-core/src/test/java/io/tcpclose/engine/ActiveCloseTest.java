package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static io.tcpclose.engine.Effects.closed;
import static io.tcpclose.engine.Effects.deadline;
import static io.tcpclose.engine.Effects.moved;
import static io.tcpclose.engine.Effects.ms;
import static io.tcpclose.engine.Effects.noDeadline;
import static io.tcpclose.engine.Effects.out;
import static io.tcpclose.engine.Effects.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.ladder.LadderDriver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Active close: ESTABLISHED → FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT → CLOSED (RFC 9293 §3.6, §3.10.4, §3.10.7.4). */
class ActiveCloseTest {

    @Test
    void close_in_established_sends_fin_and_enters_fin_wait_1_rfc9293_3_10_4() {
        LadderDriver d = States.established().atMillis(100).shutdownOutput();
        assertEquals(List.of(
                moved(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1),
                out("FIN|ACK seq=1001 ack=5001"),
                deadline(ms(100) + s(1))), d.lastEffects());
    }

    @Test
    void fin_takes_one_sequence_number_so_its_ack_is_fin_seq_plus_1_rfc9293_3_4() {
        LadderDriver d = States.finWait1().atMillis(110).in("ACK seq=5001 ack=1002");
        assertEquals(List.of(moved(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2), noDeadline()), d.lastEffects());
        assertEquals(1002, d.tcb().sndUna());
    }

    @Test
    void ack_that_does_not_cover_the_fin_leaves_fin_wait_1_rfc9293_3_10_7_4() {
        States.established()
                .send("hello").expectOut("PSH|ACK seq=1001 ack=5001 data=\"hello\"")
                .atMillis(100).shutdownOutput().expectOut("FIN|ACK seq=1006 ack=5001")
                .atMillis(110).in("ACK seq=5001 ack=1006")
                .expectNoOut()
                .expectState(TcpState.FIN_WAIT_1)
                .in("ACK seq=5001 ack=1007")
                .expectState(TcpState.FIN_WAIT_2);
    }

    @Test
    void fin_goes_out_only_after_every_queued_byte_rfc9293_3_10_4() {
        States.established()
                .in("ACK seq=5001 ack=1001 win=3")                 // the peer's window shrinks to 3
                .send("0123456789").expectOut("ACK seq=1001 len=3") // only what fits
                .shutdownOutput().expectNoOut()                    // no FIN while 7 bytes wait
                .expectState(TcpState.FIN_WAIT_1)
                .atMillis(50).in("ACK seq=5001 ack=1004 win=100")
                .expectOut("FIN|PSH|ACK seq=1004 ack=5001 data=\"3456789\"") // the FIN rides on the last data
                .atMillis(60).in("ACK seq=5001 ack=1012 win=100")
                .expectState(TcpState.FIN_WAIT_2);
    }

    @Test
    void fin_is_a_separate_segment_when_fin_on_last_data_is_off() {
        TcpConfig separate = TcpConfig.builder().finOnLastData(false).build();
        States.established(separate)
                .in("ACK seq=5001 ack=1001 win=3")
                .send("01234").expectOut("ACK seq=1001 len=3")
                .shutdownOutput().expectNoOut()
                .in("ACK seq=5001 ack=1004 win=100")
                .expectOut("PSH|ACK seq=1004 len=2")
                .expectOut("FIN|ACK seq=1006 ack=5001");
    }

    @Test
    void fin_in_fin_wait_2_is_acked_and_enters_time_wait_rfc9293_3_10_7_4() {
        LadderDriver d = States.finWait2().atMillis(120).in("FIN|ACK seq=5001 ack=1002");
        assertEquals(List.of(
                Effect.PEER_FINISHED,
                moved(TcpState.FIN_WAIT_2, TcpState.TIME_WAIT),
                Effect.CLOSE_COMPLETED,                      // both FINs acknowledged: the handshake is done
                out("ACK seq=1002 ack=5002"),
                deadline(ms(120) + s(60))), d.lastEffects());
    }

    @Test
    void fin_that_also_acks_our_fin_goes_straight_from_fin_wait_1_to_time_wait_rfc9293_3_10_7_4() {
        LadderDriver d = States.finWait1().atMillis(110).in("FIN|ACK seq=5001 ack=1002");
        assertEquals(List.of(
                Effect.PEER_FINISHED,
                moved(TcpState.FIN_WAIT_1, TcpState.TIME_WAIT),
                Effect.CLOSE_COMPLETED,                      // both FINs acknowledged: the handshake is done
                out("ACK seq=1002 ack=5002"),
                deadline(ms(110) + s(60))), d.lastEffects());
    }

    @Test
    void time_wait_lasts_exactly_2_msl_then_closes_normally_rfc9293_3_6_1() {
        LadderDriver d = States.timeWait()
                .expectDeadlineIn(TimerKind.TIME_WAIT, Duration.ofSeconds(60))
                .atMillis(120 + 59_999).expectState(TcpState.TIME_WAIT)
                .atMillis(120 + 60_000);
        assertEquals(List.of(moved(TcpState.TIME_WAIT, TcpState.CLOSED), closed(CloseReason.NORMAL), noDeadline()),
                d.lastEffects());
    }

    @Test
    void time_wait_length_follows_the_configured_msl() {
        States.timeWait(TcpConfig.RFC_STRICT).expectDeadlineIn(TimerKind.TIME_WAIT, Duration.ofSeconds(240));
    }

    @Test
    void entering_time_wait_cancels_retransmission_and_other_timers() {
        LadderDriver d = States.timeWait();
        for (TimerKind k : TimerKind.values()) {
            if (k != TimerKind.TIME_WAIT) {
                d.expectNoDeadline(k);
            }
        }
    }

    @Test
    void retransmitted_fin_in_time_wait_is_acked_again_and_restarts_2_msl_rfc9293_3_6_1() {
        // Our last ACK was lost; the peer repeats its FIN 30 s later.
        LadderDriver d = States.timeWait()
                .atMillis(30_120).in("FIN|ACK seq=5001 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT)
                .expectDeadlineIn(TimerKind.TIME_WAIT, Duration.ofSeconds(60));
        d.atMillis(30_120 + 59_999).expectState(TcpState.TIME_WAIT)
                .atMillis(30_120 + 60_000).expectClosed(CloseReason.NORMAL);
    }

    @Test
    void by_default_a_bare_ack_does_not_restart_time_wait_rfc9293_3_6_1() {
        States.timeWait().atMillis(30_120).in("ACK seq=5002 ack=1002").expectNoOut()
                .expectDeadlineIn(TimerKind.TIME_WAIT, Duration.ofSeconds(30));
    }

    @Test
    void with_linuxs_rule_any_ack_in_time_wait_restarts_its_2_msl_as_tcp_timewait_state_process() {
        TcpConfig linuxLike = TcpConfig.builder().timeWaitRestartOnAck(true).build();
        States.timeWait(linuxLike).atMillis(30_120).in("ACK seq=5002 ack=1002").expectNoOut()
                .expectDeadlineIn(TimerKind.TIME_WAIT, Duration.ofSeconds(60));
        States.timeWait(linuxLike).atMillis(30_120).in("RST seq=5002")
                .expectDeadlineIn(TimerKind.TIME_WAIT, Duration.ofSeconds(30)); // a RST never restarts it
    }

    @Test
    void bare_ack_in_time_wait_is_not_answered_so_two_time_waits_cannot_echo() {
        States.timeWait().atMillis(200).in("ACK seq=5002 ack=1002").expectNoOut().expectState(TcpState.TIME_WAIT);
    }

    @Test
    void data_in_time_wait_below_the_window_gets_an_ack_with_current_numbers() {
        States.timeWait().atMillis(200).in("ACK seq=4990 ack=1002 len=5")
                .expectOut("ACK seq=1002 ack=5002")
                .expectRejected(RejectReason.OUT_OF_WINDOW)
                .expectState(TcpState.TIME_WAIT);
    }
}
