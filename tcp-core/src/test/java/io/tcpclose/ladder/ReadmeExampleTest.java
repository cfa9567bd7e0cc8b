package io.tcpclose.ladder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Segment;
import org.junit.jupiter.api.Test;

/** The README's examples, kept honest, and the ladder driver's own failure reporting. */
class ReadmeExampleTest {

    @Test
    void the_readme_ladder_example_runs_as_written() {
        LadderDriver.client(TcpConfig.DEFAULTS)
                .open(1000).expectOut("SYN seq=1000")
                .atMillis(10).in("SYN|ACK seq=5000 ack=1001").expectOut("ACK seq=1001 ack=5001")
                .close().expectOut("FIN|ACK seq=1001 ack=5001").expectState(TcpState.FIN_WAIT_1)
                .atMillis(20).in("ACK seq=5001 ack=1002").expectState(TcpState.FIN_WAIT_2)
                .atMillis(30).in("FIN|ACK seq=5001 ack=1002").expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT)
                .atMillis(30 + 60_000).expectClosed(CloseReason.NORMAL);
    }

    @Test
    void the_readme_engine_example_runs_as_written() {
        long nowNanos = 0;
        Tcb tcb = Tcb.create(TcpConfig.DEFAULTS, 40000, 80);
        Step s = TcpEngine.step(tcb, new Event.Open(1000), nowNanos);
        Segment synAck = SegmentSpec.parse("SYN|ACK seq=5000 ack=1001").toSegment(80, 40000);
        s = TcpEngine.step(s.tcb(), new Event.Arrive(synAck), nowNanos);
        assertEquals(TcpState.ESTABLISHED, s.tcb().state());
        s = TcpEngine.step(s.tcb(), Event.CLOSE, nowNanos);
        assertEquals(TcpState.FIN_WAIT_1, s.tcb().state());
        assertEquals(1_000_000_000L, s.tcb().nextDeadline(), "the FIN's retransmission timer");
    }

    @Test
    void a_failed_expectation_shows_expected_actual_and_the_transcript() {
        LadderDriver d = LadderDriver.client(TcpConfig.DEFAULTS).open(1000);
        LadderAssertionError e = assertThrows(LadderAssertionError.class, () -> d.expectOut("SYN seq=999"));
        assertTrue(e.getMessage().contains("expected: out SYN seq=999"), e.getMessage());
        assertTrue(e.getMessage().contains("actual: out SYN seq=1000"), e.getMessage());
        assertTrue(e.getMessage().contains("app open(iss=1000)"), e.getMessage());
    }

    @Test
    void in_strict_mode_unclaimed_output_fails_before_the_next_input() {
        LadderDriver d = LadderDriver.client(TcpConfig.DEFAULTS).strict().open(1000);
        LadderAssertionError e = assertThrows(LadderAssertionError.class, () -> d.in("SYN|ACK seq=5000 ack=1001"));
        assertTrue(e.getMessage().contains("unclaimed [SYN seq=1000"), e.getMessage());
    }

    @Test
    void by_default_unclaimed_output_is_dropped_at_the_next_input() {
        LadderDriver.client(TcpConfig.DEFAULTS).open(1000)
                .in("SYN|ACK seq=5000 ack=1001")
                .expectOut("ACK seq=1001 ack=5001")
                .expectNoOut();
    }

    @Test
    void a_bad_spec_says_what_could_not_be_read() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SegmentSpec.parse("FNI seq=1"));
        assertTrue(e.getMessage().contains("unknown TCP flag 'FNI'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SegmentSpec.parse("ACK sq=1"));
        assertTrue(e.getMessage().contains("unknown field \"sq\""), e.getMessage());
    }

    @Test
    void time_cannot_move_backwards() {
        LadderDriver d = LadderDriver.client(TcpConfig.DEFAULTS).atMillis(10);
        assertThrows(LadderAssertionError.class, () -> d.atMillis(5));
    }
}
