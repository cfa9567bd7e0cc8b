package io.tcpclose.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.TcpConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runner never passes a script silently: mismatches, surprises and unsupported constructs are reported. */
class RunnerTest {
    private static final String HANDSHAKE = String.join("\n",
            "0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
            "+0  bind(3, ..., ...) = 0",
            "+0  listen(3, 1) = 0",
            "+0  < S 0:0(0) win 32792 <mss 1460>",
            "+0  > S. 0:0(0) ack 1 <mss 1460>",
            "+.1 < . 1:1(0) ack 1 win 32792",
            "+0  accept(3, ..., ...) = 4", "");

    private static ScriptResult run(String body, boolean lenient) {
        return new Runner(Script.parse("t.pkt", HANDSHAKE + body, Set.of()), TcpConfig.DEFAULTS, lenient).run();
    }

    @Test
    void a_wrong_ack_fails_naming_the_line_and_what_was_sent() {
        ScriptResult r = run("+0 < F. 1:1(0) ack 1 win 32792\n+0 > . 1:1(0) ack 1\n", false);
        assertEquals(ScriptResult.Status.FAIL, r.status());
        assertTrue(r.message().startsWith("line 9:") && r.message().contains("ack 2"), r.message());
    }

    @Test
    void a_segment_the_script_does_not_expect_fails_it_with_its_time() {
        ScriptResult r = run("+0 < F. 1:1(0) ack 1 win 32792\n+0 close(4) = 0\n", false);
        assertEquals(ScriptResult.Status.FAIL, r.status());
        assertTrue(r.message().contains("which the script does not expect") && r.message().contains("0.100000 s"), r.message());
    }

    @Test
    void a_segment_outside_the_tolerance_fails() {
        ScriptResult r = run("+0 close(4) = 0\n+0 > F. 1:1(0) ack 1\n+0.5 > F. 1:1(0) ack 1\n", false);
        assertEquals(ScriptResult.Status.FAIL, r.status());
        assertTrue(r.message().contains("at 1.100000 s"), "the retransmission came after the 1 s RTO: " + r.message());
    }

    @Test
    void an_unsupported_construct_makes_the_script_unsupported_never_passed() {
        ScriptResult r = run("+0 setsockopt(4, SOL_SOCKET, SO_RCVLOWAT, [1], 4) = 0\n", false);
        assertEquals(ScriptResult.Status.UNSUPPORTED, r.status());
        assertTrue(r.message().contains("SO_RCVLOWAT"), r.message());
    }

    @Test
    void lenient_mode_lets_a_differing_window_pass_and_says_so() {
        String body = "+0 < P. 1:11(10) ack 1 win 32792\n+0 > . 1:1(0) ack 11 win 100\n";
        assertEquals(ScriptResult.Status.FAIL, run(body, false).status());
        ScriptResult r = run(body, true);
        assertEquals(ScriptResult.Status.PASS, r.status(), r.message());
        assertEquals(List.of("window 65525 for 100"), r.relaxations());
    }

    @Test
    void ifdef_follows_the_defines_and_syntax_errors_name_their_line() {
        Script s = Script.parse("t", "#ifdef A\n0 close(3) = 0\n#else\n0 socket(..., 1, 2) = 3\n#endif\n", Set.of());
        assertEquals(1, s.events().size());
        assertTrue(s.events().get(0).body().startsWith("socket"));
        ScriptSyntaxException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptSyntaxException.class,
                () -> Script.parse("t", "0 socket() = 3\nnonsense\n", Set.of()));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
    }

    @Test
    void shell_commands_without_meaning_for_the_engine_are_skipped_and_named() {
        ScriptResult r = run("+0 `ip link set dev tun0 mtu 1500`\n", false);
        assertEquals(ScriptResult.Status.PASS, r.status(), r.message());
        assertEquals(List.of("line 8: ip link set dev tun0 mtu 1500"), r.skipped());
    }

    @Test
    void a_tcp_sysctl_becomes_configuration_not_a_skipped_command() {
        ScriptResult r = run("+0 `sysctl -q net.ipv4.tcp_timestamps=0`\n", false);
        assertEquals(ScriptResult.Status.PASS, r.status(), r.message());
        assertEquals(List.of(), r.skipped());
    }

    @Test
    void a_socket_option_outside_linuxs_range_is_einval_and_the_value_is_kept_as_it_was() {
        ScriptResult r = run(String.join("\n",
                "+0 setsockopt(4, SOL_TCP, TCP_KEEPIDLE, [0], 4) = -1 EINVAL (Invalid argument)",
                "+0 setsockopt(4, SOL_TCP, TCP_KEEPCNT, [128], 4) = -1 EINVAL (Invalid argument)",
                "+0 getsockopt(4, SOL_TCP, TCP_KEEPIDLE, [7200], [4]) = 0",
                "+0 setsockopt(4, SOL_TCP, TCP_KEEPIDLE, [30], 4) = 0",
                "+0 getsockopt(4, SOL_TCP, TCP_KEEPIDLE, [30], [4]) = 0", ""), false);
        assertEquals(ScriptResult.Status.PASS, r.status(), r.message());
    }

    @Test
    void tcp_nodelay_zero_holds_a_second_short_write_until_the_first_is_acknowledged_rfc1122_4_2_3_4() {
        ScriptResult r = run(String.join("\n",
                "+0 getsockopt(4, SOL_TCP, TCP_NODELAY, [1], [4]) = 0",
                "+0 setsockopt(4, SOL_TCP, TCP_NODELAY, [0], 4) = 0",
                "+0 write(4, ..., 1) = 1",
                "+0 > P. 1:2(1) ack 1",
                "+0 write(4, ..., 1) = 1",
                "+.01 < . 1:1(0) ack 2 win 257",
                "+0 > P. 2:3(1) ack 1", ""), false);
        assertEquals(ScriptResult.Status.PASS, r.status(), r.message());
    }

    @Test
    void an_init_command_without_a_time_opens_the_script_as_packetdrills_grammar_allows() {
        ScriptResult r = new Runner(Script.parse("t.pkt", "`../common/defaults.sh`\n" + HANDSHAKE
                + "+0 close(4) = 0\n+0 > F. 1:1(0) ack 1\n`echo cleanup\necho done`\n", Set.of()),
                TcpConfig.DEFAULTS, false).run();
        assertEquals(ScriptResult.Status.PASS, r.status(), r.message());
    }

    @Test
    void a_backtick_command_may_run_over_several_lines() {
        Script s = Script.parse("t", "`sysctl -q net.ipv4.tcp_fin_timeout=5\nsysctl -q net.ipv4.tcp_timestamps=0`\n"
                + "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n", Set.of());
        assertEquals(2, s.events().size());
        assertEquals(1, s.events().get(0).line());
        assertTrue(s.events().get(0).body().contains("tcp_timestamps=0`"), s.events().get(0).body());
        assertEquals(3, s.events().get(1).line(), "line numbers count the command's lines");
    }

    @Test
    void a_command_without_a_time_between_events_is_a_syntax_error_naming_its_line() {
        ScriptSyntaxException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptSyntaxException.class,
                () -> Script.parse("t", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n`echo middle`\n+0 close(3) = 0\n", Set.of()));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("may only open or close the script"),
                e.getMessage());
    }

    @Test
    void a_backtick_command_never_closed_is_a_syntax_error() {
        ScriptSyntaxException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptSyntaxException.class,
                () -> Script.parse("t", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 `echo\n", Set.of()));
        assertTrue(e.getMessage().contains("never closed"), e.getMessage());
    }

    @Test
    void a_return_value_in_hex_with_packetdrills_note_is_read_as_c_reads_it() {
        ScriptResult ok = run("+0 fcntl(4, F_GETFL) = 0x2 (flags O_RDWR)\n", false);
        assertEquals(ScriptResult.Status.PASS, ok.status(), ok.message());
        ScriptResult wrong = run("+0 fcntl(4, F_GETFL) = 0x802 (flags O_RDWR|O_NONBLOCK)\n", false);
        assertEquals(ScriptResult.Status.FAIL, wrong.status(), wrong.message());
        assertTrue(wrong.message().contains("returned 2"), wrong.message());
        assertEquals(-1, Runner.number(1, "-1"));
        assertEquals(493, Runner.number(1, "0755"));
        ScriptSyntaxException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptSyntaxException.class,
                () -> Runner.number(7, "0xzz"));
        assertTrue(e.getMessage().contains("line 7") && e.getMessage().contains("\"0xzz\" is not a number"), e.getMessage());
    }
}
