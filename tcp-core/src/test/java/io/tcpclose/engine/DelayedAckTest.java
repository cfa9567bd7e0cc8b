package io.tcpclose.engine;

import io.tcpclose.ladder.LadderDriver;
import io.tcpclose.ladder.States;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Delayed ACKs (RFC 1122 4.2.3.2, RFC 5681 §4.2): off by default, 40 ms in the LINUX preset. */
class DelayedAckTest {
    private static final TcpConfig DELAYED = TcpConfig.builder().delayedAck(Duration.ofMillis(40)).build();

    @Test
    void by_default_every_segment_is_acked_at_once() {
        States.established().in("PSH|ACK seq=5001 ack=1001 len=10").expectOut("ACK ack=5011");
    }

    @Test
    void a_lone_segment_is_acked_when_the_delay_bound_expires_rfc1122_4_2_3_2() {
        States.established(DELAYED).atMillis(100).in("PSH|ACK seq=5001 ack=1001 len=10")
                .expectNoOut()
                .expectDeadlineIn(TimerKind.DELAYED_ACK, Duration.ofMillis(40))
                .atMillis(139).expectNoOut()
                .atMillis(140).expectOut("ACK seq=1001 ack=5011")
                .expectNoDeadline(TimerKind.DELAYED_ACK);
    }

    @Test
    void every_second_segment_is_acked_at_once_rfc5681_4_2() {
        States.established(DELAYED).atMillis(100).in("ACK seq=5001 ack=1001 len=1460").expectNoOut()
                .in("ACK seq=6461 ack=1001 len=1460").expectOut("ACK ack=7921")
                .expectNoDeadline(TimerKind.DELAYED_ACK)
                .in("ACK seq=7921 ack=1001 len=1460").expectNoOut();
    }

    @Test
    void out_of_order_data_is_acked_at_once_rfc5681_4_2() {
        States.established(DELAYED).in("PSH|ACK seq=6001 ack=1001 len=10").expectOut("ACK ack=5001");
    }

    @Test
    void data_that_fills_a_gap_is_acked_at_once_rfc5681_4_2() {
        States.established(DELAYED).in("PSH|ACK seq=5011 ack=1001 len=10").expectOut("ACK ack=5001")
                .in("PSH|ACK seq=5001 ack=1001 len=10").expectOut("ACK ack=5021");
    }

    @Test
    void a_fin_is_acked_at_once() {
        States.established(DELAYED).in("FIN|ACK seq=5001 ack=1001").expectOut("ACK ack=5002");
    }

    @Test
    void data_we_send_carries_the_owed_ack_and_cancels_the_timer() {
        States.established(DELAYED).atMillis(100).in("PSH|ACK seq=5001 ack=1001 len=10").expectNoOut()
                .atMillis(110).send("reply").expectOut("PSH|ACK seq=1001 ack=5011 len=5")
                .expectNoDeadline(TimerKind.DELAYED_ACK)
                .atMillis(200).expectNoOut();
    }

    @Test
    void the_bound_must_respect_rfc1122s_half_second() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TcpConfig.builder().delayedAck(Duration.ofMillis(600)));
    }

    @Test
    void the_linux_preset_acks_its_first_16_segments_at_once_then_delays_as_linuxs_quick_ack_start() {
        LadderDriver d = States.established(TcpConfig.LINUX);
        int seq = 5001;
        for (int i = 0; i < 16; i++, seq += 10) {
            d.in("PSH|ACK seq=" + seq + " ack=1001 len=10").expectOut("ACK ack=" + (seq + 10));
        }
        d.in("PSH|ACK seq=" + seq + " ack=1001 len=10").expectNoOut();
        org.junit.jupiter.api.Assertions.assertTrue(d.tcb().armed(TimerKind.DELAYED_ACK));
    }
}
