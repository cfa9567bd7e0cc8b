package io.tcpclose.ladder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.Effect;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Segment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver shows everything the engine did, however far the clock moves at once. */
class LadderDriverTest {

    @Test
    void moving_the_clock_over_several_deadlines_keeps_every_ticks_output() {
        // FIN retransmissions at 1 s, 3 s and 7 s after the FIN (RFC 6298 §5.5 backoff): one move covers all three.
        LadderDriver d = States.finWait1().afterMillis(7_500);
        List<Segment> sent = d.sentSinceLastInput();
        assertEquals(4, sent.size(), "the FIN that shutdownOutput() sent, then three retransmissions: " + sent);
        long transmits = d.lastEffects().stream().filter(e -> e instanceof Effect.Transmit).count();
        assertEquals(3, transmits, d.lastEffects().toString());
        d.expectOut("FIN|ACK seq=1001").expectOut("FIN|ACK seq=1001").expectOut("FIN|ACK seq=1001").expectNoOut();
    }

    @Test
    void the_segments_sent_since_the_last_input_are_listed_claimed_or_not() {
        LadderDriver d = States.established().send("a").expectOut("PSH|ACK seq=1001 len=1");
        List<Segment> sent = d.sentSinceLastInput();
        assertEquals(1, sent.size(), sent.toString());
        assertEquals("a", sent.get(0).payload().utf8());
        d.in("ACK seq=5001 ack=1002");
        assertTrue(d.sentSinceLastInput().isEmpty(), "a new input starts a new list");
    }

    @Test
    void a_driver_can_start_from_any_state_and_any_clock_reading() {
        LadderDriver d = LadderDriver.of(States.tcb(TcpState.FIN_WAIT_2, TcpConfig.DEFAULTS), Duration.ofMillis(110).toNanos())
                .afterMillis(10).in("FIN|ACK seq=5001 ack=1002").expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT);
        assertTrue(d.lastEffects().contains(Effect.CLOSE_COMPLETED));
    }

    @Test
    void bad_segment_specs_say_what_is_wrong() {
        for (String bad : new String[] {"", "   ", "ACK len=-1", "ACK win=99999999", "ACK mss=70000", "ACK seq=5000000000"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> SegmentSpec.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), bad);
        }
    }

    @Test
    void the_clock_cannot_be_moved_further_than_a_long_of_nanoseconds() {
        LadderAssertionError e = org.junit.jupiter.api.Assertions.assertThrows(LadderAssertionError.class,
                () -> States.established().after(Duration.ofSeconds(Long.MAX_VALUE)));
        assertTrue(e.getMessage().contains("Long.MAX_VALUE ns"), e.getMessage());
        IllegalArgumentException m = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new io.tcpclose.spi.ManualClock().advance(Duration.ofSeconds(Long.MAX_VALUE)));
        assertTrue(m.getMessage().contains("292 years"), m.getMessage());
    }
}
