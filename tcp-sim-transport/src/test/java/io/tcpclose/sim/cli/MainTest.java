package io.tcpclose.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
        assertTrue(r.has("   60.060  CLOSED"), "TIME-WAIT lasts 2 x 30 s after 0.060 s:\n" + r.out());
        assertTrue(r.has("# client closes: its data is acknowledged"), r.out());
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
        assertTrue(!r.has("FINs did not cross"), r.out());
    }

    @Test
    void a_simultaneous_close_whose_fins_did_not_cross_says_so() {
        Result r = run("simultaneous-close", "--loss", "0.5", "--seed", "1");
        assertTrue(r.has("note: the FINs did not cross: the client never passed CLOSING"), r.out());
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
        assertTrue(r.has("   61.060  CLOSED"), "TIME-WAIT restarted at the re-ACK (1.060 s):\n" + r.out());
        assertTrue(r.has("the peer repeated its FIN (our ACK was lost): ACK it again; TIME-WAIT restarts 2xMSL"), r.out());
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
    void the_user_timeout_is_set_once_established_so_a_lossy_handshake_still_completes_rfc5482() {
        Result r = run("user-timeout", "--loss", "0.2", "--seed", "13"); // three SYNs lost
        assertEquals(1, r.entered("ESTABLISHED"), r.out());
        assertTrue(r.has("client:                CLOSED (TIMED_OUT_USER)"), r.out());
    }

    @Test
    void user_timeout_aborts_unacknowledged_data_rfc5482() {
        Result r = run("user-timeout");
        assertTrue(r.has("client:                CLOSED (TIMED_OUT_USER)"), r.out());
        assertTrue(r.has("    6.020  CLOSED (TIMED_OUT_USER)"), "5 s after the send at 1.020 s:\n" + r.out());
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
    void with_a_short_time_wait_paws_drops_the_old_duplicate_by_its_timestamp_rfc7323_5_3() {
        Result r = run("old-duplicate-paws");
        assertTrue(r.has("copy of client>server #3 arrives"), r.out());
        assertTrue(r.has("server: PAWS: its timestamp is older than TS.Recent"), r.out());
        assertTrue(r.has("server #2:             CLOSED (NORMAL), 10 bytes delivered \"NEW-DATA!!\""),
                "the new incarnation delivered only its own bytes:\n" + r.out());
    }

    @Test
    void the_linux_preset_syn_offers_mss_window_scale_and_timestamps() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("linux-syn", ".pcapng");
        try {
            Result r = run("normal-close", "--preset", "linux", "--pcap", f.toString());
            assertTrue(r.has("pcapng written"), r.out());
            byte[] capture = java.nio.file.Files.readAllBytes(f);
            // The SYN's options as our codec writes them: MSS 1460, NOP + window scale 2, NOP NOP + timestamps.
            assertTrue(indexOf(capture, new byte[] {2, 4, 0x05, (byte) 0xb4, 1, 3, 3, 2, 1, 1, 8, 10}) >= 0,
                    "the SYN's options in the capture");
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void bulk_transfer_moves_10_mib_reports_goodput_and_draws_the_window_as_svg_and_png() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("bulk-plot");
        java.nio.file.Path svg = dir.resolve("cwnd.svg");
        java.nio.file.Path png = dir.resolve("cwnd.png");
        try {
            Result r = run("bulk-transfer", "--plot", svg.toString());
            assertTrue(r.has("server #1:             CLOSED (NORMAL), 10485760 bytes delivered"), r.out());
            assertTrue(r.out().contains("goodput ") && r.out().contains("retransmissions"), r.out());
            assertTrue(r.out().contains("more lines (--trace shows every event)"), "the ladder is abridged");
            String text = java.nio.file.Files.readString(svg);
            assertTrue(text.startsWith("<svg") && text.contains("<polyline") && text.contains("ssthresh"), "an SVG with lines");
            run("bulk-transfer", "--plot", png.toString());
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            assertEquals(960, img.getWidth());
        } finally {
            java.nio.file.Files.deleteIfExists(svg);
            java.nio.file.Files.deleteIfExists(png);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    @Test
    void bulk_transfer_goodput_is_close_to_what_the_mathis_formula_predicts_for_newreno() {
        // Mathis et al. 1997: rate = MSS / RTT x sqrt(3/2) / sqrt(p). MSS: 1448 payload bytes (1460
        // less the timestamps option); RTT: 2 x 10 ms of delay plus a 1500-byte packet's 0.12 ms at
        // 100 Mbit/s; p = 1%.
        double rtt = 0.020 + 1500 * 8 / 100e6;
        double predicted = 1448 * 8 / rtt * Math.sqrt(1.5) / Math.sqrt(0.01) / 1e6;
        double[] measured = new double[3];
        for (int seed = 1; seed <= 3; seed++) {
            Result r = run("bulk-transfer", "--seed", String.valueOf(seed));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("goodput ([0-9.]+) Mbit/s").matcher(r.out());
            assertTrue(m.find(), r.out());
            measured[seed - 1] = Double.parseDouble(m.group(1));
        }
        double mean = (measured[0] + measured[1] + measured[2]) / 3;
        assertTrue(mean > 0.7 * predicted && mean < 1.4 * predicted,
                "goodput " + java.util.Arrays.toString(measured) + " Mbit/s against Mathis' " + predicted);
    }

    @Test
    void a_plot_must_be_svg_or_png_and_a_bandwidth_in_range() {
        for (String[] bad : new String[][] {{"bulk-transfer", "--plot", "/tmp/x.jpg"}, {"bulk-transfer", "--bandwidth", "0"},
                {"bulk-transfer", "--bandwidth", "fast"}, {"bulk-transfer", "--plot", "/nonexistent-dir/x.svg"}}) {
            Result r = run(bad);
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
            assertTrue(r.err().startsWith("tcpclose-sim: ") && !r.err().contains("Exception"), r.err());
        }
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
    void every_scenario_runs_to_its_end_or_says_why_under_every_preset_loss_and_50_seeds() {
        List<String[]> cases = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            for (String preset : new String[] {"default", "rfc", "linux"}) {
                for (String loss : new String[] {"0", "0.1", "0.3"}) {
                    for (int seed = 1; seed <= 50; seed++) {
                        cases.add(new String[] {s.cliName, "--preset", preset, "--loss", loss, "--jitter", "3", "--seed", String.valueOf(seed)});
                    }
                }
            }
        }
        // Each run is its own simulation: both cores share them, shuffled so that the long ones
        // (bulk-transfer's 10 MiB) do not all land in one thread's share.
        java.util.Collections.shuffle(cases, new java.util.Random(1));
        long couldNot = cases.parallelStream().filter(args -> {
            Result r = run(args);
            String where = String.join(" ", args);
            assertEquals(0, r.code(), where + ": " + r.err());
            assertTrue(r.has("trace hash"), where + "\n" + r.out());
            assertTrue(!r.out().contains("Exception") && !r.err().contains("Exception") && !r.out().contains("\tat "),
                    where + "\n" + r.out() + r.err());
            if (args[4].equals("0") && !args[0].equals(Scenario.RANDOM_LOSSY.cliName)) { // random-lossy is lossy by itself
                assertTrue(!r.has("could not run to its end"), "without loss it always reaches its end: " + where + "\n" + r.out());
            }
            return r.has("could not run to its end");
        }).count();
        assertTrue(couldNot < cases.size() / 10, couldNot + " of " + cases.size() + " runs could not reach their end");
    }

    @Test
    void under_20_percent_loss_every_scenario_and_preset_exits_0_for_seeds_1_to_50() {
        List<String[]> cases = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            for (String preset : new String[] {"default", "rfc", "linux"}) {
                for (int seed = 1; seed <= 50; seed++) {
                    cases.add(new String[] {s.cliName, "--preset", preset, "--loss", "0.2", "--seed", String.valueOf(seed)});
                }
            }
        }
        java.util.Collections.shuffle(cases, new java.util.Random(1));
        cases.parallelStream().forEach(args -> {
            Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(!(r.out() + r.err()).contains("Exception"), r.out() + r.err());
        });
    }

    @Test
    void a_scenario_that_cannot_reach_its_end_says_why_in_plain_words() {
        // 90% loss: the handshake (or what follows) gives up; the run still ends with exit 0.
        Result r = run("normal-close", "--loss", "0.9", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.has("note: the scenario could not run to its end: "), r.out());
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
        assertTrue(run("--seed").err().contains("--seed"), run("--seed").err());
        assertEquals(2, run("--seed").code());
        assertTrue(run("no-such").err().contains("unknown scenario \"no-such\""));
        assertEquals(2, run("normal-close", "lost-fin").code());
        for (String[] bad : new String[][] {{"--loss", "1.5"}, {"--seed"}, {"no-such"}, {"--msl", "3601"}, {"--frob"}}) {
            Result r = run(bad);
            assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void peer_linux_reaching_the_simulator_says_the_script_runs_it_and_other_peers_are_refused() {
        Result linux = run("normal-close", "--peer", "linux");
        assertEquals(2, linux.code());
        assertTrue(linux.err().contains("--peer linux runs through the ./tcpclose-sim script"), linux.err());
        Result bsd = run("--peer", "freebsd");
        assertEquals(2, bsd.code());
        assertTrue(bsd.err().contains("--peer must be sim or linux, not \"freebsd\""), bsd.err());
        assertEquals(0, run("normal-close", "--peer", "sim").code());
    }

    @Test
    void out_of_range_values_name_the_option_and_its_limit() {
        Result msl = run("--msl", "3601");
        assertEquals(2, msl.code());
        assertTrue(msl.err().contains("--msl must lie between 0 and 3600 seconds, was 3601"), msl.err());
        Result delay = run("--delay", "9999999999");
        assertEquals(2, delay.code());
        assertTrue(delay.err().contains("--delay must lie between 0 and 10000 milliseconds"), delay.err());
        Result jitter = run("--jitter", "-1");
        assertEquals(2, jitter.code());
        assertTrue(jitter.err().contains("--jitter must lie between 0 and 10000"), jitter.err());
    }

    @Test
    void an_unwritable_pcap_path_is_refused_before_the_run_with_the_reason(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Result missing = run("normal-close", "--pcap", dir.resolve("no/such/dir/x.pcapng").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such directory"), missing.err());
        assertTrue(missing.out().isEmpty(), "nothing ran: " + missing.out());
        Result directory = run("normal-close", "--pcap", dir.toString());
        assertEquals(2, directory.code());
        assertTrue(directory.err().contains("is a directory"), directory.err());
    }

    @Test
    void odd_pcap_paths_are_refused_with_the_reason(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertTrue(run("--pcap", "").err().contains("an empty path"));
        assertTrue(run("--pcap", dir.resolve("newdir") + "/").err().contains("is a directory"));
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("plain.txt"), "x");
        Result r = run("--pcap", file.resolve("x.pcapng").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not a directory"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void an_explicit_loss_of_zero_is_honoured_even_by_random_lossy() {
        Result r = run("random-lossy", "--loss", "0", "--jitter", "0", "--seed", "1");
        assertTrue(!r.has("loss random") && !r.has("LOST"), r.out());
        assertTrue(r.has("client:                CLOSED (NORMAL), 20000 bytes"), r.out());
    }

    @Test
    void help_prints_cleanly_with_nothing_on_stderr() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertEquals("", r.err());
        assertTrue(r.has("20% loss") || r.has("(default 20%)"), r.out());
    }

    @Test
    void two_scenarios_are_refused_as_such() {
        Result r = run("normal-close", "lost-fin");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("one scenario at a time"), r.err());
    }

    @Test
    void time_wait_answering_a_repeated_fin_is_marked_as_its_re_ack_rfc9293_3_6_1() {
        Result r = run("lost-last-ack");
        assertTrue(r.has("--- ACK seq=1007 ack=5002 ------------------------------->  acks the repeated FIN 5001 again: ack = 5002"), r.out());
        assertTrue(!r.has("what it answers was old or out of window"), "not the generic duplicate-ACK remark: " + r.out());
    }

    @Test
    void each_incarnation_has_the_acks_of_its_fins_marked() {
        Result r = run("old-duplicate");
        assertEquals(4, r.out().split("acks FIN", -1).length - 1, r.out());
    }

    @Test
    void a_mistyped_option_gets_a_suggestion() {
        Result r = run("--los", "0.1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--loss"), r.err());
    }

    @Test
    void list_prints_the_scenario_names_one_a_line() {
        Result r = run("--list");
        assertEquals(0, r.code());
        java.util.List<String> names = new java.util.ArrayList<>();
        for (Scenario s : Scenario.values()) {
            names.add(s.cliName);
        }
        assertEquals(names, r.out().lines().collect(java.util.stream.Collectors.toList()));
    }

    @Test
    void the_header_prints_the_settings_that_shape_the_ladder() {
        assertTrue(run("normal-close").has("TCP defaults: MSL 30 s (TIME-WAIT 60 s), RTO 1 s initial, 1 s..120 s"));
        assertTrue(run("normal-close", "--preset", "linux").has("MSL 30 s (TIME-WAIT 60 s), RTO 1 s initial, 200 ms..120 s"));
        assertTrue(run("keepalive-dead").has("keep-alive idle 10 s interval 2 s probes 3"));
    }

    @Test
    void the_ladder_marks_the_ack_of_each_fin_rfc9293_3_4() {
        Result r = run("normal-close");
        assertTrue(r.has("ACK seq=5001 ack=1007 ---  acks FIN 1006: ack = 1007"), r.out());
        assertTrue(r.has("acks FIN 5001: ack = 5002"), r.out());
    }

    @Test
    void half_close_keeps_data_flowing_toward_the_side_that_shut_down_its_output_rfc9293_3_6() {
        Result r = run("half-close");
        assertTrue(r.has("client:                CLOSED (NORMAL), 20000 bytes delivered"), r.out());
        assertTrue(r.has("server #1:             CLOSED (NORMAL), 8 bytes delivered \"GET /20k\""), r.out());
    }

    @Test
    void keepalive_live_probes_are_answered_and_the_connection_closes_normally_rfc1122_4_2_3_6() {
        Result r = run("keepalive-live");
        assertTrue(r.has("keep-alive probe: seq = SND.NXT - 1"), r.out());
        assertTrue(r.has("--- ACK seq=1005 ack=5001"), r.out());
        assertTrue(r.has("client:                CLOSED (NORMAL)") && r.has("server #1:             CLOSED (NORMAL)"), r.out());
    }

    @Test
    void rst_injection_a_blind_in_window_rst_draws_a_challenge_ack_an_exact_one_resets_rfc5961_3_2() {
        Result r = run("rst-injection");
        assertTrue(r.has("RST seq=6001 ---  injected by the network"), r.out());
        assertTrue(r.has("challenge ACK (RFC 5961)"), r.out());
        assertTrue(r.has("client:                CLOSED (RESET_BY_PEER)"), r.out());
        assertTrue(r.has("read() reports \"Connection reset by peer\""), r.out());
    }

    @Test
    void syn_flood_fills_the_backlog_and_cookies_still_serve_the_real_client_rfc4987_3_6() {
        Result r = run("syn-flood");
        assertTrue(r.has("server: backlog 16 full: 985 SYNs overflowed it, 985 SYN cookies sent, 1 validated, 0 rejected"), r.out());
        assertTrue(r.has("client:                CLOSED (NORMAL)"), r.out());
        assertTrue(r.has("server #1:             CLOSED (NORMAL), 5 bytes delivered \"hello\""), r.out());
    }

    @Test
    void the_pcap_leaves_out_lost_segments_unless_asked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path plain = dir.resolve("plain.pcapng");
        java.nio.file.Path lost = dir.resolve("lost.pcapng");
        assertEquals(0, run("lost-fin", "--pcap", plain.toString()).code());
        Result r = run("lost-fin", "--pcap", lost.toString(), "--pcap-lost");
        assertEquals(0, r.code());
        assertTrue(r.has("(lost segments included, marked)"), r.out());
        assertTrue(java.nio.file.Files.size(lost) > java.nio.file.Files.size(plain));
        assertEquals(2, run("lost-fin", "--pcap-lost").code(), "--pcap-lost alone is a mistake");
    }

    @Test
    void options_change_the_run() {
        Result r = run("normal-close", "--preset", "rfc");
        assertTrue(r.has("  240.060  CLOSED"), "RFC MSL of 120 s:\n" + r.out());
        r = run("normal-close", "--msl", "5", "--delay", "50");
        assertTrue(r.has("   10.300  CLOSED"), r.out());
    }

    @Test
    void a_seed_too_large_for_a_long_names_the_range() {
        Result r = run("normal-close", "--seed", "99999999999999999999999");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--seed must lie between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE), r.err());
    }
}
