package io.tcpclose.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each CLI scenario ends the way the RFCs say it must. */
class MainTest {
    record Result(int code, String out, String err) {
        boolean has(String s) {
            return out.contains(s);
        }

        /** Ladder rows whose last word is {@code state}: that state was entered. */
        long entered(String state) {
            return out.lines().filter(l -> !l.startsWith("scenario") && l.matches("\\s+\\d+\\.\\d{3}\\s+.*")
                    && l.trim().endsWith(state)).count();
        }

        String hash() {
            Matcher m = Pattern.compile("trace hash ([0-9a-f]{16})").matcher(out);
            assertTrue(m.find(), out);
            return m.group(1);
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void normal_close_prints_the_four_way_ladder_and_both_close_normally_rfc9293_3_6() {
        Result r = run("normal-close");
        assertEquals(0, r.code());
        assertTrue(r.has("--- FIN|ACK seq=1006 ack=5001 "), r.out());
        assertTrue(r.has(" ACK seq=5001 ack=1007 ---"), r.out());
        assertTrue(r.has("FIN|ACK seq=5001 ack=1007 ---"), r.out());
        assertTrue(r.has("--- ACK seq=1007 ack=5002 "), r.out());
        assertTrue(r.has("client:                CLOSED (NORMAL)"), r.out());
        assertTrue(r.has("server #1:             CLOSED (NORMAL), 5 bytes delivered \"hello\""), r.out());
        assertTrue(r.has("   61.020  CLOSED"), "TIME-WAIT lasts 2 x 30 s after 1.020 s:\n" + r.out());
        assertTrue(r.has("seed 1 (replay: --seed 1)"), r.out());
    }

    @Test
    void passive_close_leaves_time_wait_to_the_server() {
        Result r = run("passive-close");
        assertTrue(r.has("LAST-ACK"), r.out());
        assertTrue(r.out().indexOf("TIME-WAIT") > 0 && r.has("CLOSED (NORMAL)"), r.out());
    }

    @Test
    void simultaneous_close_passes_closing_on_both_sides_rfc9293_3_6() {
        Result r = run("simultaneous-close");
        assertEquals(2, r.entered("CLOSING"), r.out());
        assertTrue(r.has("client:                CLOSED (NORMAL)") && r.has("server #1:             CLOSED (NORMAL)"), r.out());
    }

    @Test
    void lost_fin_is_retransmitted_after_the_rto_rfc6298() {
        Result r = run("lost-fin");
        assertTrue(r.has("LOST: rule: on client>server, the 1st segment with FIN: drop"), r.out());
        assertTrue(r.out().split("FIN\\|ACK seq=1006", -1).length - 1 == 2, "the FIN went out twice:\n" + r.out());
        assertTrue(r.has("client:                CLOSED (NORMAL)"), r.out());
    }

    @Test
    void lost_last_ack_makes_the_peer_repeat_its_fin_and_time_wait_re_acks_and_restarts_rfc9293_3_6_1() {
        Result r = run("lost-last-ack");
        assertTrue(r.has("LOST: rule: on client>server, the 2nd pure ACK: drop"), r.out());
        assertEquals(2, r.out().split("--- ACK seq=1007 ack=5002", -1).length - 1, r.out());
        assertTrue(r.has("   62.020  CLOSED"), "TIME-WAIT restarted at the re-ACK (2.020 s):\n" + r.out());
        assertTrue(r.has("server #1:             CLOSED (NORMAL)"), r.out());
    }

    @Test
    void rst_abort_closes_both_at_once_without_time_wait_rfc9293_3_10_5() {
        Result r = run("rst-abort");
        assertTrue(r.has("--- RST|ACK seq=1006 ack=5001"), r.out());
        assertTrue(r.has("client:                CLOSED (ABORTED)"), r.out());
        assertTrue(r.has("server #1:             CLOSED (RESET_BY_PEER)"), r.out());
        assertEquals(0, r.entered("TIME-WAIT"), r.out());
    }

    @Test
    void close_with_unread_data_resets_rfc2525_2_17() {
        Result r = run("unread-data");
        assertTrue(r.has("RST|ACK seq=5001 ack=1013"), r.out());
        assertTrue(r.has("server #1:             CLOSED (ABORTED_UNREAD_DATA)"), r.out());
        assertTrue(r.has("client:                CLOSED (RESET_BY_PEER)"), r.out());
    }

    @Test
    void keep_alive_detects_the_dead_peer_rfc1122_4_2_3_6() {
        Result r = run("keepalive-dead");
        assertTrue(r.has("--- ACK seq=1005 ack=5001"), "probes at SND.NXT-1:\n" + r.out());
        assertTrue(r.has("client:                CLOSED (TIMED_OUT_KEEPALIVE)"), r.out());
    }

    @Test
    void an_orphan_leaves_fin_wait_2_after_its_timeout() {
        Result r = run("fin-wait-2-timeout");
        assertTrue(r.has("client:                CLOSED (TIMED_OUT_FIN_WAIT_2)"), r.out());
        assertTrue(r.has("server #1:             CLOSE-WAIT"), r.out());
    }

    @Test
    void user_timeout_aborts_unacknowledged_data_rfc5482() {
        Result r = run("user-timeout");
        assertTrue(r.has("client:                CLOSED (TIMED_OUT_USER)"), r.out());
        assertTrue(r.has("    7.000  CLOSED"), "5 s after the send at 2 s:\n" + r.out());
    }

    @Test
    void with_time_wait_the_old_duplicate_cannot_reach_the_new_incarnation() {
        Result r = run("old-duplicate");
        assertTrue(r.has("retrying when TIME-WAIT ends"), r.out());
        assertTrue(r.has("server #2:             CLOSED (NORMAL), 10 bytes delivered \"NEW-DATA!!\""), r.out());
    }

    @Test
    void without_time_wait_the_old_duplicate_corrupts_the_new_incarnation() {
        Result r = run("old-duplicate-no-time-wait");
        assertTrue(r.has("copy of client>server #3 arrives"), r.out());
        assertTrue(r.has("server #2:             CLOSED (NORMAL), 10 bytes delivered \"OLD-DATA!!\""),
                "the new connection delivered the old incarnation's bytes:\n" + r.out());
    }

    @Test
    void random_lossy_delivers_everything_and_replays_from_its_seed() {
        Result a = run("random-lossy", "--seed", "42");
        Result b = run("random-lossy", "--seed", "42");
        Result c = run("random-lossy", "--seed", "43");
        assertTrue(a.has("client:                CLOSED (NORMAL), 20000 bytes"), a.out());
        assertTrue(a.has("server #1:             CLOSED (NORMAL), 20000 bytes"), a.out());
        assertTrue(a.has("LOST: loss random 20.00%"), a.out());
        assertEquals(a.hash(), b.hash());
        assertEquals(a.out(), b.out());
        assertNotEquals(a.hash(), c.hash());
    }

    @Test
    void every_scenario_finishes_under_every_preset_with_loss_and_jitter() {
        for (Scenario s : Scenario.values()) {
            for (String preset : new String[] {"default", "rfc", "linux"}) {
                for (String seed : new String[] {"1", "2", "3"}) {
                    Result r = run(s.cliName, "--preset", preset, "--loss", "10%", "--jitter", "3", "--seed", seed);
                    assertEquals(0, r.code(), s.cliName + " " + preset + " seed " + seed + ": " + r.err());
                    assertTrue(r.has("trace hash"), r.out());
                }
            }
        }
    }

    @Test
    void help_lists_scenarios_and_options() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (Scenario s : Scenario.values()) {
            assertTrue(r.has(s.cliName), s.cliName);
        }
        assertTrue(r.has("--loss") && r.has("--pcap") && r.has("--seed") && r.has("--msl") && r.has("--preset"));
    }

    @Test
    void bad_options_say_what_is_wrong_and_exit_2() {
        assertEquals(2, run("--loss", "1.5").code());
        assertTrue(run("--loss", "1.5").err().contains("--loss must lie between 0 and 1"));
        assertTrue(run("--delay", "soon").err().contains("--delay takes a whole number"));
        assertTrue(run("--preset", "bsd").err().contains("--preset must be default, rfc or linux"));
        assertTrue(run("--seed").err().contains("--seed needs a value"));
        assertTrue(run("no-such").err().contains("unknown scenario \"no-such\""));
        assertEquals(2, run("normal-close", "lost-fin").code());
    }

    @Test
    void options_change_the_run() {
        Result r = run("normal-close", "--preset", "rfc");
        assertTrue(r.has("  241.020  CLOSED"), "RFC MSL of 120 s:\n" + r.out());
        r = run("normal-close", "--msl", "5", "--delay", "50");
        assertTrue(r.has("   11.100  CLOSED"), r.out());
    }
}
