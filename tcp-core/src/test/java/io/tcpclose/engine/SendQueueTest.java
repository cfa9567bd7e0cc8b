package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertLinesMatch;

import io.tcpclose.ladder.States;
import io.tcpclose.wire.Bytes;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * SEND (RFC 9293 §3.10.2) against a bounded send buffer: the connection takes what fits and
 * says how much in {@link Effect.Queued}, its first effect, so no caller diffs queue lengths.
 */
class SendQueueTest {
    private static final TcpConfig FOUR_BYTES = TcpConfig.builder().sendBuffer(4).build();

    @Test
    void a_send_that_fits_is_queued_whole_before_it_is_transmitted() {
        Step s = TcpEngine.step(States.tcb(TcpState.ESTABLISHED, TcpConfig.DEFAULTS), new Event.Send(Bytes.utf8("abc")), 0);
        assertLinesMatch(List.of("Queued[bytes=3]", "Transmit\\[PSH\\|ACK seq=1001 .*len=3.*\\]", "NextDeadline\\[atNanos=\\d+, pending=true\\]"), lines(s));
    }

    @Test
    void a_send_larger_than_the_room_left_takes_only_what_fits_and_says_so() {
        Step s = TcpEngine.step(States.tcb(TcpState.ESTABLISHED, FOUR_BYTES), new Event.Send(Bytes.utf8("abcdefgh")), 0);
        assertLinesMatch(List.of("Queued[bytes=4]", "Transmit\\[PSH\\|ACK seq=1001 .*len=4.*\\]", "NextDeadline\\[atNanos=\\d+, pending=true\\]"), lines(s));
        assertEquals(4, s.tcb().sendQueueLength());
    }

    @Test
    void a_send_into_a_full_buffer_takes_nothing_and_sends_nothing() {
        Tcb full = TcpEngine.step(States.tcb(TcpState.ESTABLISHED, FOUR_BYTES), new Event.Send(Bytes.utf8("abcd")), 0).tcb();
        Step s = TcpEngine.step(full, new Event.Send(Bytes.utf8("e")), 0);
        assertEquals(List.of(new Effect.Queued(0)), s.effects());
        assertEquals(full.sendQueueLength(), s.tcb().sendQueueLength());
    }

    private static List<String> lines(Step s) {
        return s.effects().stream().map(Object::toString).collect(Collectors.toList());
    }
}
