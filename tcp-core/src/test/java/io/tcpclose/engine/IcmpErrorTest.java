package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.ladder.States;
import org.junit.jupiter.api.Test;

/** What an ICMP error about one of our segments does: RFC 1122 §4.2.3.9, RFC 5461, RFC 5927. */
class IcmpErrorTest {
    private static final boolean V4 = false;
    private static final boolean V6 = true;

    @Test
    void port_unreachable_quoting_our_syn_fails_the_connect_as_refused_rfc1122_4_2_3_9() {
        States.synSent(TcpConfig.DEFAULTS).atMillis(1).icmp(V4, 3, 3, 1000)
                .expectNoOut()
                .expectClosed(CloseReason.REFUSED);
    }

    @Test
    void icmpv6_port_unreachable_fails_the_connect_too_rfc1122_4_2_3_9() {
        States.synSent(TcpConfig.DEFAULTS).atMillis(1).icmp(V6, 1, 4, 1000)
                .expectNoOut()
                .expectClosed(CloseReason.REFUSED);
    }

    @Test
    void protocol_unreachable_is_hard_as_well_rfc1122_4_2_3_9() {
        States.synSent(TcpConfig.DEFAULTS).atMillis(1).icmp(V4, 3, 2, 1000).expectClosed(CloseReason.REFUSED);
    }

    @Test
    void host_unreachable_is_soft_and_the_syn_is_retransmitted_rfc1122_4_2_3_9() {
        States.synSent(TcpConfig.DEFAULTS).atMillis(1).icmp(V4, 3, 1, 1000)
                .expectNoOut()
                .expectState(TcpState.SYN_SENT)
                .toNextDeadline().expectOut("SYN seq=1000 mss=1460");
    }

    @Test
    void an_error_quoting_no_segment_in_flight_is_ignored_rfc5927_4_1() {
        States.synSent(TcpConfig.DEFAULTS).atMillis(1).icmp(V4, 3, 3, 999)
                .expectNoOut()
                .expectState(TcpState.SYN_SENT);
        States.synSent(TcpConfig.DEFAULTS).atMillis(1).icmp(V4, 3, 3, 1001).expectState(TcpState.SYN_SENT);
    }

    @Test
    void a_hard_error_in_a_synchronized_state_is_soft_rfc5461_4() {
        States.established().send("hello").expectOut("PSH|ACK seq=1001 ack=5001 len=5")
                .icmp(V4, 3, 3, 1001)
                .expectNoOut()
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void classification_follows_rfc1122_4_2_3_9() {
        assertTrue(Event.IcmpError.of(V4, 3, 3, 0).hard());
        assertTrue(Event.IcmpError.of(V4, 3, 2, 0).hard());
        assertTrue(Event.IcmpError.of(V6, 4, 1, 0).hard());
        assertFalse(Event.IcmpError.of(V4, 3, 0, 0).hard(), "net unreachable");
        assertFalse(Event.IcmpError.of(V4, 3, 4, 0).hard(), "fragmentation needed is path MTU discovery's");
        assertFalse(Event.IcmpError.of(V4, 11, 0, 0).hard(), "time exceeded");
        assertFalse(Event.IcmpError.of(V6, 1, 3, 0).hard(), "address unreachable");
        assertFalse(Event.IcmpError.of(V6, 3, 4, 0).hard(), "ICMPv4's codes mean nothing in ICMPv6");
    }
}
