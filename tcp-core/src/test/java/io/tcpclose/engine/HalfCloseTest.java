package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.ladder.LadderDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Half-close and full close: {@code shutdownOutput()} keeps receiving; {@code close()} with data
 * unread, or data arriving after it, resets (RFC 9293 §3.6.1, RFC 2525 §2.17, RFC 1122 §4.2.2.13).
 */
class HalfCloseTest {

    @Test
    void after_shutdown_output_data_keeps_arriving_in_fin_wait_1_and_fin_wait_2_rfc9293_3_6() {
        States.finWait1()
                .in("PSH|ACK seq=5001 ack=1001 data=\"still \"")
                .expectOut("ACK seq=1002 ack=5007")
                .expectDelivered("still ")
                .expectState(TcpState.FIN_WAIT_1)
                .in("ACK seq=5007 ack=1002").expectState(TcpState.FIN_WAIT_2)
                .in("PSH|ACK seq=5007 ack=1002 data=\"talking\"")
                .expectOut("ACK seq=1002 ack=5014")
                .expectDelivered("talking")
                .in("FIN|ACK seq=5014 ack=1002")
                .expectOut("ACK seq=1002 ack=5015")
                .expectPeerFinished()
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void fin_wait_2_after_shutdown_output_has_no_timeout() {
        States.finWait2().expectNoDeadline(TimerKind.FIN_WAIT_2);
        assertEquals(Tcb.NO_DEADLINE, States.finWait2().tcb().nextDeadline());
    }

    @Test
    void send_after_shutdown_output_throws_naming_the_state() {
        LadderDriver d = States.finWait1();
        TcpApiException e = assertThrows(TcpApiException.class, () -> d.send("late"));
        assertEquals(TcpState.FIN_WAIT_1, e.state());
        assertTrue(e.getMessage().contains("FIN-WAIT-1"), e.getMessage());
    }

    @Test
    void send_on_a_connection_that_does_not_exist_throws() {
        LadderDriver d = LadderDriver.client(TcpConfig.DEFAULTS);
        TcpApiException e = assertThrows(TcpApiException.class, () -> d.send("x"));
        assertTrue(e.getMessage().contains("CLOSED") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void send_on_a_listening_connection_throws_saying_it_has_no_peer() {
        LadderDriver d = States.in(TcpState.LISTEN, TcpConfig.DEFAULTS);
        TcpApiException e = assertThrows(TcpApiException.class, () -> d.send("x"));
        assertTrue(e.getMessage().contains("LISTEN") && e.getMessage().contains("no peer"), e.getMessage());
    }

    @Test
    void consuming_more_than_was_delivered_throws() {
        LadderDriver d = States.established();
        TcpApiException e = assertThrows(TcpApiException.class, () -> d.consume(1));
        assertTrue(e.getMessage().contains("0 delivered bytes"), e.getMessage());
    }

    @Test
    void close_with_unread_data_sends_rst_instead_of_fin_rfc2525_2_17() {
        LadderDriver d = States.established()
                .in("PSH|ACK seq=5001 ack=1001 data=\"unread bytes\"")
                .expectOut("ACK seq=1001 ack=5013")
                .atMillis(100).close();
        assertEquals(List.of(
                Effects.out("RST|ACK seq=1001 ack=5013 win=65523", Effect.Why.RESET),
                Effects.moved(TcpState.ESTABLISHED, TcpState.CLOSED),
                Effects.closed(CloseReason.ABORTED_UNREAD_DATA)), d.lastEffects());
    }

    @Test
    void close_after_the_application_read_everything_sends_fin() {
        States.established()
                .in("PSH|ACK seq=5001 ack=1001 data=\"read\"").expectOut("ACK seq=1001 ack=5005")
                .consume(4).expectNoOut()
                .close().expectOut("FIN|ACK seq=1001 ack=5005")
                .expectState(TcpState.FIN_WAIT_1);
    }

    @Test
    void close_with_unread_data_sends_fin_when_that_reset_is_configured_off() {
        TcpConfig lenient = TcpConfig.builder().rstOnCloseWithUnreadData(false).build();
        States.established(lenient)
                .in("PSH|ACK seq=5001 ack=1001 data=\"unread\"").expectOut("ACK seq=1001 ack=5007")
                .close().expectOut("FIN|ACK seq=1001 ack=5007 win=65529")
                .expectState(TcpState.FIN_WAIT_1);
    }

    @Test
    void data_arriving_after_close_is_answered_with_rst_rfc1122_4_2_2_13() {
        LadderDriver d = States.orphanFinWait1(TcpConfig.DEFAULTS)
                .atMillis(110).in("PSH|ACK seq=5001 ack=1002 data=\"too late\"");
        assertEquals(List.of(
                Effects.moved(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2),
                Effects.out("RST|ACK seq=1002 ack=5001", Effect.Why.RESET),
                Effects.moved(TcpState.FIN_WAIT_2, TcpState.CLOSED),
                Effects.closed(CloseReason.ABORTED_UNREAD_DATA),
                Effects.noDeadline()), d.lastEffects());
    }

    @Test
    void a_plain_fin_after_close_still_completes_the_close() {
        States.orphanFinWait1(TcpConfig.DEFAULTS)
                .atMillis(110).in("FIN|ACK seq=5001 ack=1002")
                .expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void close_and_shutdown_output_are_idempotent() {
        States.finWait1().shutdownOutput().expectNoOut().close().expectNoOut().expectState(TcpState.FIN_WAIT_1);
    }
}
