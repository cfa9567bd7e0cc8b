package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.ladder.LadderDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Deadlines have no magic values: the engine compares times by subtraction (RFC 9293 §3.4's
 * modular view applied to the clock, as Agrona and the kernel's jiffies do), so every
 * {@code long} the caller's clock returns works, the values next to {@code Long.MAX_VALUE} and
 * {@code Long.MIN_VALUE} and a wrap-around between them included.
 */
class ClockEdgeTest {

    /** A client whose clock reads {@code start} when it opens; the ladder of {@link States}, relative to it. */
    private static LadderDriver established(TcpConfig config, long start) {
        return LadderDriver.of(Tcb.create(config, LadderDriver.CLIENT_PORT, LadderDriver.SERVER_PORT), start).strict()
                .open(1000).expectOut("SYN seq=1000")
                .afterMillis(10).in("SYN|ACK seq=5000 ack=1001").expectOut("ACK seq=1001 ack=5001")
                .expectState(TcpState.ESTABLISHED);
    }

    private static LadderDriver timeWait(TcpConfig config, long start) {
        return established(config, start)
                .afterMillis(90).close().expectOut("FIN|ACK seq=1001 ack=5001")
                .afterMillis(10).in("ACK seq=5001 ack=1002").expectState(TcpState.FIN_WAIT_2)
                .afterMillis(10).in("FIN|ACK seq=5001 ack=1002").expectOut("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void time_wait_ending_exactly_at_long_max_value_still_ends_rfc9293_3_6_1() {
        long twoMsl = TcpConfig.DEFAULTS.timeWaitNanos();
        LadderDriver d = timeWait(TcpConfig.DEFAULTS, Long.MAX_VALUE - twoMsl - Duration.ofMillis(120).toNanos());
        assertEquals(Long.MAX_VALUE, d.tcb().deadline(TimerKind.TIME_WAIT));
        assertTrue(d.tcb().hasDeadline());
        d.after(Duration.ofNanos(twoMsl - 1)).expectState(TcpState.TIME_WAIT)
                .after(Duration.ofNanos(1)).expectClosed(CloseReason.NORMAL);
    }

    @Test
    void time_wait_across_the_clocks_wrap_around_lasts_exactly_2msl_rfc9293_3_6_1() {
        long twoMsl = TcpConfig.DEFAULTS.timeWaitNanos();
        LadderDriver d = timeWait(TcpConfig.DEFAULTS, Long.MAX_VALUE - Duration.ofSeconds(1).toNanos());
        d.after(Duration.ofNanos(twoMsl - 1)).expectState(TcpState.TIME_WAIT)
                .after(Duration.ofNanos(1)).expectClosed(CloseReason.NORMAL);
    }

    @Test
    void the_user_timeout_runs_from_data_sent_at_long_min_value_rfc5482_3() {
        TcpConfig c = TcpConfig.builder().userTimeout(Duration.ofSeconds(5)).build();
        long start = Long.MIN_VALUE - Duration.ofMillis(100).toNanos(); // wraps: the send happens at MIN_VALUE
        LadderDriver d = established(c, start).afterMillis(90).send("x").expectOut("PSH|ACK seq=1001 len=1");
        assertEquals(Long.MIN_VALUE, d.nowNanos());
        d.expectDeadlineIn(TimerKind.USER_TIMEOUT, Duration.ofSeconds(5));
        while (d.tcb().state() != TcpState.CLOSED && d.nowNanos() - Long.MIN_VALUE < Duration.ofSeconds(6).toNanos()) {
            d.toNextDeadline();
            if (!d.lastEffects().isEmpty() && d.tcb().state() != TcpState.CLOSED) {
                d.skipOut();
            }
        }
        d.expectClosed(CloseReason.TIMED_OUT_USER);
        assertEquals(Duration.ofSeconds(5).toNanos(), d.nowNanos() - Long.MIN_VALUE);
    }

    @Test
    void the_challenge_ack_limit_holds_for_a_challenge_sent_at_long_min_value_rfc5961_7() {
        long start = Long.MIN_VALUE - Duration.ofMillis(100).toNanos();
        LadderDriver d = established(TcpConfig.DEFAULTS, start).afterMillis(90);
        assertEquals(Long.MIN_VALUE, d.nowNanos());
        d.in("RST seq=5100").expectOut("ACK seq=1001 ack=5001")
                .afterMillis(100).in("RST seq=5200").expectNoOut()
                .afterMillis(400).in("RST seq=5300").expectOut("ACK seq=1001 ack=5001");
    }

    /**
     * The same inputs at the same relative times give the same effects wherever the clock
     * starts: a deadline moves with the clock and nothing else changes.
     */
    @Property(seed = "20261201", tries = 1500)
    void behaviour_is_the_same_at_any_clock_offset(@ForAll("scripts") List<Object> script, @ForAll("offsets") long offset) {
        List<String> base = run(script, 0);
        List<String> shifted = run(script, offset);
        assertEquals(base, shifted);
    }

    /** Runs the script from the clock reading {@code start}; effects with times written relative to it. */
    private static List<String> run(List<Object> script, long start) {
        TcpConfig c = TcpConfig.builder().keepAlive(Duration.ofSeconds(20), Duration.ofSeconds(5), 2)
                .userTimeout(Duration.ofSeconds(40)).build();
        List<String> out = new ArrayList<>();
        Tcb tcb = Tcb.create(c, LadderDriver.CLIENT_PORT, LadderDriver.SERVER_PORT);
        long now = start;
        List<Object> all = new ArrayList<>();
        all.add(new Event.Open(1000));
        all.add(Effects.ms(10));
        all.add(new Event.Arrive(io.tcpclose.ladder.SegmentSpec.parse("SYN|ACK seq=5000 ack=1001")
                .toSegment(LadderDriver.SERVER_PORT, LadderDriver.CLIENT_PORT)));
        all.addAll(script);
        for (Object o : all) {
            Event e;
            if (o instanceof Long) {
                // Move in steps no larger than the next deadline, as a driver does.
                long target = now + (Long) o;
                while (tcb.hasDeadline() && tcb.nextDeadline() - target <= 0) {
                    now = tcb.nextDeadline() - now > 0 ? tcb.nextDeadline() : now;
                    Step s = TcpEngine.step(tcb, Event.TICK, now);
                    record(out, s, start, now);
                    tcb = s.tcb();
                }
                now = target;
                continue;
            }
            e = (Event) o;
            try {
                Step s = TcpEngine.step(tcb, e, now);
                record(out, s, start, now);
                tcb = s.tcb();
            } catch (TcpApiException misuse) {
                out.add("misuse " + misuse.getMessage());
            }
        }
        out.add("final " + tcb.state() + " " + tcb.closeReason()
                + (tcb.hasDeadline() ? " next=" + (tcb.nextDeadline() - start) : " none"));
        return out;
    }

    private static void record(List<String> out, Step s, long start, long now) {
        for (Effect fx : s.effects()) {
            if (fx instanceof Effect.NextDeadline) {
                Effect.NextDeadline n = (Effect.NextDeadline) fx;
                out.add((now - start) + " next " + (n.pending() ? String.valueOf(n.atNanos() - start) : "none"));
            } else {
                out.add((now - start) + " " + fx);
            }
        }
    }

    @Provide
    Arbitrary<Long> offsets() {
        long h = Duration.ofHours(1).toNanos();
        return Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.longs().between(-h, h).map(x -> Long.MAX_VALUE + x),  // around the wrap
                Arbitraries.longs().between(-h, h).map(x -> Long.MIN_VALUE + x),
                Arbitraries.longs().between(-h, h));
    }

    @Provide
    Arbitrary<List<Object>> scripts() {
        return new CloseProperties().scripts();
    }
}
