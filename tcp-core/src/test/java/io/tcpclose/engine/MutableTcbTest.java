package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tcpclose.ladder.States;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Misuse of the in-place API says what was wrong, with the right type, and changes nothing. */
class MutableTcbTest {
    private static final long NOW = 5_000_000_000L;

    @Test
    void a_negative_byte_count_is_a_bad_argument_not_a_state_error_and_changes_nothing() {
        MutableTcb c = MutableTcb.of(States.tcb(TcpState.ESTABLISHED, TcpConfig.DEFAULTS));
        Tcb before = c.snapshot();
        IllegalArgumentException quiet = assertThrows(IllegalArgumentException.class, () -> c.consumeQuietly(-1));
        assertEquals("consume needs a byte count of zero or more, was -1", quiet.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Event.Consume(-1));
        assertEquals(before, c.snapshot());
    }

    @Test
    void consuming_more_than_was_delivered_is_refused_naming_the_state_and_changes_nothing() {
        MutableTcb c = MutableTcb.of(States.tcb(TcpState.ESTABLISHED, TcpConfig.DEFAULTS));
        Tcb before = c.snapshot();
        List<Effect> effects = new ArrayList<>();
        TcpApiException e = assertThrows(TcpApiException.class,
                () -> c.step(new Event.Consume(1), NOW, EffectSink.into(effects)));
        assertEquals("consume(1) is not allowed in ESTABLISHED: only 0 delivered bytes are unread", e.getMessage());
        assertEquals(List.of(), effects);
        assertEquals(before, c.snapshot());
    }

    @Test
    void null_arguments_are_named() {
        MutableTcb c = MutableTcb.create(TcpConfig.DEFAULTS, 40000, 80);
        assertEquals("snapshot", assertThrows(NullPointerException.class, () -> MutableTcb.of(null)).getMessage());
        assertEquals("snapshot", assertThrows(NullPointerException.class, () -> c.resetTo(null)).getMessage());
        assertEquals("event", assertThrows(NullPointerException.class,
                () -> c.step(null, NOW, EffectSink.into(new ArrayList<>()))).getMessage());
        assertEquals("sink", assertThrows(NullPointerException.class, () -> c.step(Event.TICK, NOW, null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class,
                () -> LinuxSocketOptions.with(TcpConfig.DEFAULTS, null, 1)).getMessage());
    }
}
