package io.tcpclose.sim.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The seed's "why TIME-WAIT", proved by exhausting every interleaving within a bound: with it,
 * nothing goes wrong; without it, the explorer finds both dangers RFC 9293 §3.6.1 names. And the
 * same for RFC 5961's blind reset and for a FIN that is never retransmitted.
 */
class ExplorerTest {
    private static final TcpConfig NO_TIME_WAIT = TcpConfig.DEFAULTS.toBuilder().msl(Duration.ZERO).build();
    /** How long old segments live in the network when the endpoints keep no TIME-WAIT. */
    private static final Duration NETWORK_MSL = Duration.ofSeconds(30);

    private static Violation violation(Explorer.Builder b) {
        Explorer.Result r = b.build().run();
        assertTrue(r.violation().isPresent(), () -> "no violation in " + r.states() + " states");
        return r.violation().get();
    }

    private static Explorer.Result clean(Explorer.Builder b) {
        Explorer.Result r = b.build().run();
        assertEquals("none", r.violation().map(v -> v.message() + "\n" + v.ladder()).orElse("none"));
        assertTrue(r.complete(), "explored to the end");
        return r;
    }

    @Test
    void normal_close_with_two_losses_and_a_duplicate_is_always_clean_rfc9293_3_6() {
        Explorer.Result r = clean(Explorer.builder(ExploreScenario.NORMAL_CLOSE).losses(2).duplicates(1));
        assertTrue(r.states() > 10_000, "a real space was explored: " + r.states());
    }

    @Test
    void normal_close_with_a_loss_and_any_reordering_is_always_clean_rfc9293_3_6() {
        Explorer.Result r = clean(Explorer.builder(ExploreScenario.NORMAL_CLOSE).losses(1).reorder(true));
        assertTrue(r.states() > 10_000, "a real space was explored: " + r.states());
    }

    @Test
    void without_time_wait_a_lost_last_ack_ends_the_peer_with_a_reset_rfc9293_3_6_1() {
        Violation v = violation(Explorer.builder(ExploreScenario.NORMAL_CLOSE).config(NO_TIME_WAIT)
                .networkMsl(NETWORK_MSL).losses(1));
        assertTrue(v.message().contains("RESET_BY_PEER at the server"), v.message());
        assertTrue(v.actions().stream().anyMatch(a -> a.contains("network loses ACK")), v.actions().toString());
        assertTrue(v.ladder().contains("RST"), v.ladder());
    }

    @Test
    void with_time_wait_the_lost_last_ack_is_answered_again_and_both_close_normally_rfc9293_3_6_1() {
        clean(Explorer.builder(ExploreScenario.NORMAL_CLOSE).losses(1));
    }

    @Test
    void without_time_wait_an_old_duplicate_is_accepted_by_the_next_incarnation_rfc9293_3_6_1() {
        Violation v = violation(Explorer.builder(ExploreScenario.NORMAL_CLOSE).config(NO_TIME_WAIT)
                .networkMsl(NETWORK_MSL).duplicates(1).incarnations(2));
        assertTrue(v.message().contains("never sent there"), v.message());
        assertTrue(v.actions().stream().anyMatch(a -> a.contains("old duplicate from incarnation 1")), v.actions().toString());
    }

    @Test
    void with_time_wait_no_old_duplicate_outlives_it_into_the_next_incarnation_rfc9293_3_6_1() {
        clean(Explorer.builder(ExploreScenario.NORMAL_CLOSE).duplicates(1).delays(1).incarnations(2));
    }

    @Test
    void without_rfc5961_a_blind_in_window_rst_resets_the_connection_rfc5961_3_2() {
        Violation v = violation(Explorer.builder(ExploreScenario.NORMAL_CLOSE)
                .config(TcpConfig.DEFAULTS.toBuilder().rstValidation(TcpConfig.RstValidation.ANY_IN_WINDOW).build())
                .attacks(1));
        assertTrue(v.message().startsWith("a blind RST at RCV.NXT+"), v.message());
    }

    @Test
    void with_rfc5961_no_blind_rst_resets_anything_and_no_blind_data_is_delivered_rfc5961_3_2_and_5() {
        clean(Explorer.builder(ExploreScenario.NORMAL_CLOSE).attacks(1));
        clean(Explorer.builder(ExploreScenario.HALF_CLOSE).attacks(1));
    }

    @Test
    void a_fin_never_retransmitted_is_found_when_it_is_lost_rfc1122_4_2_3_5() {
        Violation v = violation(Explorer.builder(ExploreScenario.NORMAL_CLOSE)
                .config(TcpConfig.DEFAULTS.toBuilder().maxRetransmissions(0, 0).build()).losses(1));
        assertTrue(v.message().contains("TIMED_OUT_RETRANSMISSION"), v.message());
    }

    @Test
    void the_lost_last_ack_counterexample_replays_in_the_simulator_to_the_same_reset() {
        Violation v = violation(Explorer.builder(ExploreScenario.NORMAL_CLOSE).config(NO_TIME_WAIT)
                .networkMsl(NETWORK_MSL).losses(1));
        Violation.Replayed r = v.replay();
        assertEquals(CloseReason.NORMAL, r.client(), r.ladder());
        assertEquals(CloseReason.RESET_BY_PEER, r.server(), r.ladder());
        assertEquals(1, v.faultPlan().rules().size(), v.faultPlan().toString());
    }

    @Test
    void the_old_duplicate_counterexample_replays_in_the_simulator_to_a_foreign_byte() {
        Violation v = violation(Explorer.builder(ExploreScenario.NORMAL_CLOSE).config(NO_TIME_WAIT)
                .networkMsl(NETWORK_MSL).duplicates(1).incarnations(2));
        Violation.Replayed r = v.replay();
        assertTrue(r.foreignBytes(), v.faultPlan() + "\n" + r.ladder());
    }

    @Test
    void bitstate_hashing_explores_the_same_space_in_bounded_memory_and_finds_the_same_reset() {
        Explorer.Result exact = clean(Explorer.builder(ExploreScenario.NORMAL_CLOSE).losses(2).duplicates(1));
        Explorer.Result bits = clean(Explorer.builder(ExploreScenario.NORMAL_CLOSE).losses(2).duplicates(1).bitstate(28));
        assertTrue(bits.lossy() && !exact.lossy());
        assertEquals(exact.states(), bits.states(), "2^28 bits for 31,000 states: no collision to speak of");
        Violation v = violation(Explorer.builder(ExploreScenario.NORMAL_CLOSE).config(NO_TIME_WAIT)
                .networkMsl(NETWORK_MSL).losses(1).bitstate(24));
        assertTrue(v.message().contains("RESET_BY_PEER at the server"), v.message());
    }
}
