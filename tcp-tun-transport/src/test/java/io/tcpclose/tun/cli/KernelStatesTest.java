package io.tcpclose.tun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Reading the kernel's sock:inet_sock_set_state lines (as Linux 6.18 prints them) into the ladder's states. */
class KernelStatesTest {
    private static final String HEAD = "  tcpclose-loop /-19582   [000] b..1. 16958.599037: inet_sock_set_state: family=AF_INET "
            + "protocol=IPPROTO_TCP sport=8080 dport=49152 saddr=10.77.0.1 daddr=10.77.0.2 saddrv6=::ffff:10.77.0.1 "
            + "daddrv6=::ffff:10.77.0.2 ";

    @Test
    void a_change_gives_rfc_9293s_name_and_the_mono_time_in_nanoseconds() {
        KernelStates.Change c = KernelStates.parse(HEAD + "oldstate=TCP_SYN_RECV newstate=TCP_ESTABLISHED", 8080);
        assertEquals(new KernelStates.Change(16958_599037_000L, 49152, "ESTABLISHED", false), c);
        assertEquals("CLOSE-WAIT", KernelStates.parse(HEAD + "oldstate=TCP_ESTABLISHED newstate=TCP_CLOSE_WAIT", 8080).state());
        assertEquals("SYN-RECEIVED", KernelStates.parse(HEAD + "oldstate=TCP_LISTEN newstate=TCP_SYN_RECV", 8080).state(),
                "a child is cloned from the listener, so its first change starts from LISTEN");
    }

    @Test
    void closing_from_fin_wait_or_closing_may_be_the_hand_over_to_time_wait() {
        assertEquals(new KernelStates.Change(16958_599037_000L, 49152, "CLOSED", true),
                KernelStates.parse(HEAD + "oldstate=TCP_FIN_WAIT2 newstate=TCP_CLOSE", 8080));
        assertEquals(false, KernelStates.parse(HEAD + "oldstate=TCP_LAST_ACK newstate=TCP_CLOSE", 8080).mayBeTimeWait());
    }

    @Test
    void the_listener_other_ports_no_op_changes_and_other_lines_are_skipped() {
        assertNull(KernelStates.parse(HEAD.replace("dport=49152", "dport=0") + "oldstate=TCP_CLOSE newstate=TCP_LISTEN", 8080));
        assertNull(KernelStates.parse(HEAD + "oldstate=TCP_SYN_RECV newstate=TCP_ESTABLISHED", 9090));
        assertNull(KernelStates.parse(HEAD + "oldstate=TCP_FIN_WAIT1 newstate=TCP_FIN_WAIT1", 8080));
        assertNull(KernelStates.parse("            java-1   [000] ..... 1.000000: tracing_mark_write: stop", 8080));
    }
}
