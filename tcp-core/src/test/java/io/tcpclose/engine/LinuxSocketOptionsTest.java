package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Linux's per-connection socket options onto TcpConfig, in Linux's units and ranges: the one mapping. */
class LinuxSocketOptionsTest {
    private static final TcpConfig C = TcpConfig.DEFAULTS;

    @Test
    void keep_alive_timings_are_kept_whether_keep_alive_is_on_or_off_as_linux_rfc1122_4_2_3_6() {
        TcpConfig idle = LinuxSocketOptions.with(C, "TCP_KEEPIDLE", 60);
        assertFalse(idle.keepAlive(), "setting the idle time does not switch keep-alive on");
        assertEquals(60, LinuxSocketOptions.get(idle, "TCP_KEEPIDLE"));
        TcpConfig on = LinuxSocketOptions.with(idle, "SO_KEEPALIVE", 1);
        assertTrue(on.keepAlive());
        assertEquals(Duration.ofSeconds(60).toNanos(), on.keepAliveIdleNanos(), "and switching it on keeps the idle time");
        assertEquals(1, LinuxSocketOptions.get(on, "SO_KEEPALIVE"));
        TcpConfig off = LinuxSocketOptions.with(LinuxSocketOptions.with(on, "TCP_KEEPCNT", 3), "SO_KEEPALIVE", 0);
        assertFalse(off.keepAlive());
        assertEquals(3, LinuxSocketOptions.get(off, "TCP_KEEPCNT"));
    }

    @Test
    void user_timeout_is_milliseconds_and_zero_means_none_rfc5482() {
        TcpConfig t = LinuxSocketOptions.with(C, "TCP_USER_TIMEOUT", 1500);
        assertEquals(Duration.ofMillis(1500).toNanos(), t.userTimeoutNanos());
        assertEquals(1500, LinuxSocketOptions.get(t, "TCP_USER_TIMEOUT"));
        assertEquals(TcpConfig.NONE, LinuxSocketOptions.with(t, "TCP_USER_TIMEOUT", 0).userTimeoutNanos());
    }

    @Test
    void tcp_nodelay_switches_nagle_off_and_zero_switches_linuxs_variant_on_rfc1122_4_2_3_4() {
        TcpConfig noDelay = LinuxSocketOptions.with(TcpConfig.LINUX, "TCP_NODELAY", 1);
        assertEquals(TcpConfig.Nagle.OFF, noDelay.nagle());
        assertEquals(1, LinuxSocketOptions.get(noDelay, "TCP_NODELAY"));
        assertEquals(TcpConfig.Nagle.MINSHALL, LinuxSocketOptions.with(noDelay, "TCP_NODELAY", 0).nagle());
        assertEquals(TcpConfig.Nagle.RFC_896, LinuxSocketOptions.with(TcpConfig.RFC_STRICT, "TCP_NODELAY", 0).nagle(),
                "a variant the configuration names stays");
        assertEquals(0, LinuxSocketOptions.get(TcpConfig.LINUX, "TCP_NODELAY"));
    }

    @Test
    void values_outside_linuxs_ranges_are_refused_naming_option_and_range() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinuxSocketOptions.with(C, "TCP_KEEPIDLE", 0));
        assertTrue(e.getMessage().contains("TCP_KEEPIDLE must be 1..32767 seconds, was 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinuxSocketOptions.with(C, "TCP_KEEPCNT", 128));
        assertThrows(IllegalArgumentException.class, () -> LinuxSocketOptions.with(C, "TCP_USER_TIMEOUT", -1));
        assertThrows(IllegalArgumentException.class, () -> LinuxSocketOptions.with(C, "SO_SNDBUF", 0));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> LinuxSocketOptions.with(C, "SO_REUSEADDR", 1));
        assertTrue(unknown.getMessage().contains("SO_REUSEADDR"), unknown.getMessage());
    }

    @Test
    void a_sockets_options_carry_onto_another_configuration_and_leave_its_other_knobs() {
        TcpConfig options = LinuxSocketOptions.with(LinuxSocketOptions.with(C, "SO_KEEPALIVE", 1), "TCP_USER_TIMEOUT", 700);
        TcpConfig merged = LinuxSocketOptions.withOptionsOf(TcpConfig.LINUX, options);
        assertTrue(merged.keepAlive());
        assertEquals(700, LinuxSocketOptions.get(merged, "TCP_USER_TIMEOUT"));
        assertEquals(TcpConfig.LINUX.mslNanos(), merged.mslNanos(), "the base's fixed knobs stay");
        assertEquals(null, TcpConfig.LINUX.fixedKnobChanged(merged), "so an open connection may take it");
    }
}
