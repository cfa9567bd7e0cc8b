package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The knobs, their documented defaults, the presets, and validation that names the knob. */
class TcpConfigTest {

    @Test
    void defaults_match_the_documented_table() {
        TcpConfig c = TcpConfig.DEFAULTS;
        assertEquals(Duration.ofSeconds(30).toNanos(), c.mslNanos());
        assertEquals(Duration.ofSeconds(60).toNanos(), c.timeWaitNanos(), "TIME-WAIT = 2 x MSL (RFC 9293 §3.6.1)");
        assertEquals(TcpConfig.TimeWaitRst.IGNORE, c.timeWaitRst(), "RFC 1337");
        assertEquals(TcpConfig.RstValidation.RFC_5961, c.rstValidation());
        assertEquals(Duration.ofMillis(500).toNanos(), c.challengeAckIntervalNanos());
        assertEquals(Duration.ofSeconds(60).toNanos(), c.orphanFinWait2TimeoutNanos());
        assertEquals(15, c.maxRetransmissions());
        assertEquals(8, c.maxOrphanRetransmissions());
        assertEquals(Duration.ofSeconds(1).toNanos(), c.rtoInitialNanos());
        assertEquals(Duration.ofSeconds(1).toNanos(), c.rtoMinNanos());
        assertEquals(Duration.ofSeconds(120).toNanos(), c.rtoMaxNanos());
        assertEquals(TcpConfig.NONE, c.userTimeoutNanos());
        assertFalse(c.keepAlive());
        assertEquals(Duration.ofSeconds(7200).toNanos(), c.keepAliveIdleNanos());
        assertEquals(Duration.ofSeconds(75).toNanos(), c.keepAliveIntervalNanos());
        assertEquals(9, c.keepAliveProbes());
        assertTrue(c.rstOnCloseWithUnreadData());
        assertTrue(c.timeWaitReuse());
        assertTrue(c.finOnLastData());
    }

    @Test
    void presets_differ_where_stacks_differ() {
        assertEquals(Duration.ofSeconds(240).toNanos(), TcpConfig.RFC_STRICT.timeWaitNanos());
        assertEquals(TcpConfig.NONE, TcpConfig.RFC_STRICT.orphanFinWait2TimeoutNanos());
        assertEquals(TcpConfig.TimeWaitRst.CLOSE, TcpConfig.LINUX.timeWaitRst());
        assertEquals(Duration.ofMillis(200).toNanos(), TcpConfig.LINUX.rtoMinNanos());
    }

    @Test
    void a_duration_a_deadline_cannot_hold_is_refused_naming_the_knob() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE); // its nanoseconds overflow a long
        for (java.util.function.Consumer<TcpConfig.Builder> knob : java.util.List.<java.util.function.Consumer<TcpConfig.Builder>>of(
                b -> b.msl(huge), b -> b.userTimeout(huge), b -> b.rtoMax(huge),
                b -> b.keepAlive(huge, Duration.ofSeconds(1), 1), b -> b.orphanFinWait2Timeout(huge),
                b -> b.challengeAckInterval(huge))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> knob.accept(TcpConfig.builder()));
            assertTrue(e.getMessage().contains("must be at most 36500 days"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TcpConfig.builder().msl(Duration.ofDays(40_000)));
        assertTrue(e.getMessage().startsWith("msl must be at most"), e.getMessage());
        assertEquals(TcpConfig.MAX_DURATION.toNanos() * 2, TcpConfig.builder().msl(TcpConfig.MAX_DURATION).build().timeWaitNanos(),
                "the longest MSL still gives a TIME-WAIT a long holds");
    }

    @Test
    void counts_and_sizes_out_of_range_are_refused_naming_the_knob() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TcpConfig.builder().sendBuffer(0))
                .getMessage().startsWith("sendBuffer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TcpConfig.builder().maxRetransmissions(-1, 3))
                .getMessage().startsWith("maxRetransmissions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TcpConfig.builder().keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
                .getMessage().startsWith("keepAlive probes"));
        assertEquals(TcpConfig.DEFAULT_SEND_BUFFER, TcpConfig.DEFAULTS.sendBuffer());
    }

    @Test
    void validation_names_the_knob() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TcpConfig.builder().msl(Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().startsWith("msl must not be negative"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TcpConfig.builder().rtoMin(Duration.ofSeconds(5)).rtoMax(Duration.ofSeconds(2)).build());
        assertTrue(e.getMessage().contains("rtoMin") && e.getMessage().contains("rtoMax"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TcpConfig.builder().keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
        assertTrue(e.getMessage().contains("keepAlive probes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TcpConfig.builder().receiveBuffer((1 << 30) + 1));
        assertTrue(e.getMessage().contains("receiveBuffer"), e.getMessage());
    }

    @Test
    void to_builder_round_trips() {
        assertEquals(TcpConfig.LINUX.toString(), TcpConfig.LINUX.toBuilder().build().toString());
    }
}
