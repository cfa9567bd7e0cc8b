package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.ladder.LadderDriver;
import org.junit.jupiter.api.Test;

/** Opening, which closing needs (RFC 9293 §3.5), and zero-window probing (§3.8.6.1). */
class HandshakeTest {

    @Test
    void active_open_sends_syn_with_mss_and_completes_on_syn_ack_rfc9293_3_5() {
        LadderDriver d = States.established();
        assertEquals(1001, d.tcb().sndUna());
        assertEquals(5001, d.tcb().rcvNxt());
        assertEquals(1460, d.tcb().sndMss());
    }

    @Test
    void without_an_mss_option_the_peer_gets_536_byte_segments_rfc9293_3_7_1() {
        LadderDriver d = States.synSent(TcpConfig.DEFAULTS)
                .in("SYN|ACK seq=5000 ack=1001").expectOut("ACK seq=1001 ack=5001");
        assertEquals(536, d.tcb().sndMss());
    }

    @Test
    void data_is_segmented_to_the_peers_mss() {
        States.synSent(TcpConfig.DEFAULTS)
                .in("SYN|ACK seq=5000 ack=1001 mss=100").expectOut("ACK seq=1001")
                .send(io.tcpclose.wire.Bytes.pattern(250))
                .expectOut("ACK seq=1001 len=100")
                .expectOut("ACK seq=1101 len=100")
                .expectOut("PSH|ACK seq=1201 len=50");
    }

    @Test
    void the_peers_window_limits_what_is_in_flight() {
        States.established()
                .in("ACK seq=5001 ack=1001 win=10")
                .send(io.tcpclose.wire.Bytes.pattern(25)).expectOut("ACK seq=1001 len=10")
                .in("ACK seq=5001 ack=1011 win=10").expectOut("ACK seq=1011 len=10")
                .in("ACK seq=5001 ack=1021 win=10").expectOut("PSH|ACK seq=1021 len=5");
    }

    @Test
    void passive_open_answers_syn_with_syn_ack_and_establishes_on_ack_rfc9293_3_10_7_2() {
        LadderDriver d = States.passiveEstablished(TcpConfig.DEFAULTS);
        assertEquals(LadderDriver.CLIENT_PORT, d.tcb().remotePort());
    }

    @Test
    void a_repeated_syn_in_syn_received_gets_the_syn_ack_again() {
        States.synReceived(TcpConfig.DEFAULTS).in("SYN seq=5000")
                .expectOut("SYN|ACK seq=1000 ack=5001")
                .expectState(TcpState.SYN_RECEIVED);
    }

    @Test
    void a_syn_with_rst_in_syn_received_is_a_reset_not_a_repeated_syn() {
        States.synReceived(TcpConfig.DEFAULTS).in("SYN|RST seq=5000")
                .expectNoOut()
                .expectRejected(RejectReason.OUT_OF_WINDOW);
    }

    @Test
    void listen_answers_an_ack_with_rst_rfc9293_3_10_7_2() {
        States.listen(TcpConfig.DEFAULTS).in("ACK seq=1 ack=77")
                .expectOut("RST seq=77")
                .expectState(TcpState.LISTEN);
    }

    @Test
    void syn_sent_answers_an_unacceptable_ack_with_rst_rfc9293_3_10_7_3() {
        States.synSent(TcpConfig.DEFAULTS).in("SYN|ACK seq=5000 ack=4242")
                .expectOut("RST seq=4242")
                .expectState(TcpState.SYN_SENT);
    }

    @Test
    void simultaneous_open_goes_through_syn_received_rfc9293_3_5() {
        States.synSent(TcpConfig.DEFAULTS)
                .in("SYN seq=5000")
                .expectState(TcpState.SYN_RECEIVED)
                .expectOut("SYN|ACK seq=1000 ack=5001")
                .in("SYN|ACK seq=5000 ack=1001")
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void shutdown_output_during_the_handshake_sends_the_fin_once_established_rfc9293_3_10_4() {
        States.synSent(TcpConfig.DEFAULTS)
                .shutdownOutput().expectNoOut().expectState(TcpState.SYN_SENT)
                .in("SYN|ACK seq=5000 ack=1001")
                .expectState(TcpState.FIN_WAIT_1)
                .expectOut("FIN|ACK seq=1001 ack=5001");
    }

    @Test
    void close_in_syn_received_with_nothing_queued_sends_fin_and_enters_fin_wait_1_rfc9293_3_10_4() {
        States.synReceived(TcpConfig.DEFAULTS)
                .atMillis(15).shutdownOutput()
                .expectOut("FIN|ACK seq=1001 ack=5001")             // behind our SYN (1000)
                .expectState(TcpState.FIN_WAIT_1)
                .atMillis(20).in("ACK seq=5001 ack=1001")           // the peer ACKs our SYN only
                .expectNoOut()
                .expectState(TcpState.FIN_WAIT_1)
                .atMillis(30).in("ACK seq=5001 ack=1002")           // and then our FIN
                .expectState(TcpState.FIN_WAIT_2);
    }

    @Test
    void a_fin_sent_from_syn_received_is_preceded_by_the_syn_ack_when_retransmitting() {
        States.synReceived(TcpConfig.DEFAULTS)
                .atMillis(15).shutdownOutput().expectOut("FIN|ACK seq=1001")
                .atMillis(1_010).expectOut("SYN|ACK seq=1000 ack=5001")
                .in("ACK seq=5001 ack=1001")
                .expectState(TcpState.FIN_WAIT_1)
                .toNextDeadline().expectOut("FIN|ACK seq=1001 ack=5001");
    }

    @Test
    void close_in_syn_received_with_data_queued_waits_for_established_rfc9293_3_10_4() {
        States.synReceived(TcpConfig.DEFAULTS)
                .send("early").expectNoOut()
                .shutdownOutput().expectNoOut().expectState(TcpState.SYN_RECEIVED)
                .in("ACK seq=5001 ack=1001")
                .expectState(TcpState.FIN_WAIT_1)
                .expectOut("FIN|PSH|ACK seq=1001 ack=5001 data=\"early\"");
    }

    @Test
    void close_in_syn_sent_deletes_the_connection_rfc9293_3_10_4() {
        States.synSent(TcpConfig.DEFAULTS).close().expectNoOut().expectClosed(CloseReason.ABORTED);
    }

    @Test
    void a_zero_window_is_probed_until_it_opens_rfc9293_3_8_6_1() {
        States.established()
                .in("ACK seq=5001 ack=1001 win=0")
                .atMillis(100).send("wait").expectNoOut()
                .expectDeadlineIn(TimerKind.PERSIST, java.time.Duration.ofSeconds(1))
                .atMillis(1_100).expectOut("ACK seq=1000 ack=5001 len=0")
                .in("ACK seq=5001 ack=1001 win=0").expectNoOut()
                .atMillis(3_100).expectOut("ACK seq=1000 len=0")
                .in("ACK seq=5001 ack=1001 win=100")
                .expectOut("PSH|ACK seq=1001 data=\"wait\"");
    }
}
