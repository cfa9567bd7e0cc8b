package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.ladder.LadderDriver;
import io.tcpclose.ladder.States;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Per-connection options changed on an open connection (the JDK's {@code setOption}):
 * keep-alive (RFC 1122 §4.2.3.6), the user timeout (RFC 5482) and the send buffer. When a new
 * value takes effect follows Linux, which RFC 1122 leaves open.
 */
class ConfigureTest {
    private static final TcpConfig KEEPALIVE = TcpConfig.builder()
            .keepAlive(Duration.ofSeconds(10), Duration.ofSeconds(2), 3).build();

    @Test
    void switching_keep_alive_on_starts_the_idle_clock_at_the_call_rfc1122_4_2_3_6() {
        States.established()
                .atMillis(5_000).configure(KEEPALIVE)
                .expectNoOut()
                .expectDeadlineIn(TimerKind.KEEPALIVE, Duration.ofSeconds(10))
                .atMillis(15_000).expectOut("ACK seq=1000 ack=5001 len=0");
    }

    @Test
    void switching_keep_alive_off_stops_probing() {
        States.established(KEEPALIVE)
                .atMillis(10_010).expectOut("ACK seq=1000")
                .configure(TcpConfig.DEFAULTS)
                .expectNoDeadline(TimerKind.KEEPALIVE)
                .atMillis(100_000).expectNoOut()
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void a_new_idle_time_counts_from_the_last_activity_as_linux_does() {
        // Idle since 10 ms; at 4 s the idle time drops from 10 s to 5 s: the probe goes at 5.01 s.
        States.established(KEEPALIVE)
                .atMillis(4_000).configure(keepAlive(5, 2, 3))
                .expectDeadlineIn(TimerKind.KEEPALIVE, Duration.ofMillis(1_010))
                .atMillis(5_010).expectOut("ACK seq=1000");
    }

    @Test
    void an_idle_time_already_exceeded_probes_at_the_next_tick() {
        States.established(KEEPALIVE)
                .atMillis(8_000).configure(keepAlive(1, 2, 3))
                .expectDeadlineIn(TimerKind.KEEPALIVE, Duration.ZERO)
                .afterMillis(0).expectOut("ACK seq=1000");
    }

    @Test
    void a_new_probe_interval_and_count_apply_to_the_probes_still_to_come() {
        LadderDriver d = States.established(KEEPALIVE)
                .atMillis(10_010).expectOut("ACK seq=1000")
                .atMillis(11_000).configure(keepAlive(10, 1, 2))
                .expectDeadlineIn(TimerKind.KEEPALIVE, Duration.ofMillis(10))
                .atMillis(11_010).expectOut("ACK seq=1000")
                .atMillis(12_010);
        assertEquals(CloseReason.TIMED_OUT_KEEPALIVE, d.tcb().closeReason());
    }

    @Test
    void a_user_timeout_set_while_data_waits_counts_from_when_it_was_queued_rfc5482_3() {
        TcpConfig fiveSeconds = TcpConfig.builder().userTimeout(Duration.ofSeconds(5)).build();
        States.established()
                .atMillis(100).send("x").expectOut("PSH|ACK seq=1001 len=1")
                .atMillis(1_100).expectOut("PSH|ACK seq=1001 len=1")
                .atMillis(3_000).configure(fiveSeconds)
                .expectDeadlineIn(TimerKind.USER_TIMEOUT, Duration.ofMillis(2_100))
                .atMillis(5_100).expectClosed(CloseReason.TIMED_OUT_USER);
    }

    @Test
    void a_larger_send_buffer_takes_more_at_once() {
        TcpConfig small = TcpConfig.builder().sendBuffer(4).build();
        LadderDriver d = States.established(small).send("abcdefgh").expectOut("PSH|ACK seq=1001 len=4");
        assertEquals(0, d.tcb().sendRoom());
        d.configure(small.toBuilder().sendBuffer(16).build());
        assertTrue(d.tcb().sendRoom() > 0);
        assertEquals(16, d.tcb().sendRoom() + d.tcb().sendQueueLength());
    }

    @Test
    void a_knob_an_open_connection_cannot_change_is_refused_by_name() {
        LadderDriver d = States.established();
        TcpApiException e = assertThrows(TcpApiException.class,
                () -> d.configure(TcpConfig.builder().msl(Duration.ofSeconds(1)).build()));
        assertTrue(e.getMessage().contains("msl"), e.getMessage());
        d.expectState(TcpState.ESTABLISHED).expectNoOut();
    }

    private static TcpConfig keepAlive(int idleSeconds, int intervalSeconds, int probes) {
        return TcpConfig.builder().keepAlive(Duration.ofSeconds(idleSeconds),
                Duration.ofSeconds(intervalSeconds), probes).build();
    }
}
