package io.tcpclose.engine;

import io.tcpclose.engine.TcpConfig.Nagle;
import io.tcpclose.ladder.States;
import io.tcpclose.wire.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Nagle's algorithm (RFC 896, RFC 1122 4.2.3.4) and Linux's variant of it (Minshall's), a knob
 * because stacks differ: which short segments wait while data is unacknowledged, and what lets
 * them go.
 */
class NagleTest {
    private static final TcpConfig RFC_896 = TcpConfig.builder().nagle(Nagle.RFC_896).build();
    private static final TcpConfig MINSHALL = TcpConfig.builder().nagle(Nagle.MINSHALL).build();

    @Test
    void a_short_write_waits_while_data_is_unacknowledged_rfc1122_4_2_3_4() {
        States.established(RFC_896)
                .send("a").expectOut("PSH|ACK seq=1001 len=1")
                .send("b").expectNoOut()
                .send("c").expectNoOut()
                .in("ACK seq=5001 ack=1002").expectOut("PSH|ACK seq=1002 len=2");
    }

    @Test
    void a_full_sized_segment_never_waits_rfc1122_4_2_3_4() {
        States.established(RFC_896)
                .send("a").expectOut("PSH|ACK seq=1001 len=1")
                .send(Bytes.pattern(1461)).expectOut("ACK seq=1002 len=1460")
                .expectNoOut(); // what is left (1 byte) is short and waits
    }

    @Test
    void the_fin_takes_the_waiting_bytes_with_it_as_linux_does() {
        States.established(RFC_896)
                .send("a").expectOut("PSH|ACK seq=1001 len=1")
                .send("b").expectNoOut()
                .shutdownOutput().expectOut("FIN|PSH|ACK seq=1002 len=1");
    }

    @Test
    void switching_nagle_off_sends_what_waited_at_once_as_tcp_nodelay_does() {
        States.established(RFC_896)
                .send("a").expectOut("PSH|ACK seq=1001 len=1")
                .send("b").expectNoOut()
                .configure(TcpConfig.DEFAULTS).expectOut("PSH|ACK seq=1002 len=1");
    }

    @Test
    void minshall_lets_a_short_segment_go_after_full_ones_as_linux_does() {
        States.established(MINSHALL)
                .send(Bytes.pattern(1460)).expectOut("PSH|ACK seq=1001 len=1460")
                .send("b").expectOut("PSH|ACK seq=2461 len=1"); // RFC 896 would hold it: data is in flight
    }

    @Test
    void minshall_holds_a_short_segment_while_an_earlier_short_one_is_unacknowledged() {
        States.established(MINSHALL)
                .send("a").expectOut("PSH|ACK seq=1001 len=1")
                .send(Bytes.pattern(1461)).expectOut("ACK seq=1002 len=1460")
                .expectNoOut()
                .in("ACK seq=5001 ack=1002").expectOut("PSH|ACK seq=2462 len=1");
    }

    @Test
    void with_nagle_off_every_write_goes_out() {
        States.established()
                .send("a").expectOut("PSH|ACK seq=1001 len=1")
                .send("b").expectOut("PSH|ACK seq=1002 len=1");
    }
}
