package io.tcpclose.sim.cli;

import static io.tcpclose.sim.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code tcpclose-sim explore}: what it prints and how it exits. */
class ExploreCommandTest {

    @Test
    void a_clean_space_says_no_violation_with_its_state_count_and_exits_0() {
        MainTest.Result r = run("explore", "normal-close", "--losses", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*\\d[\\d,]* states, [\\d,]+ transitions, depth \\d+, .* states/s.*"), r.out());
        assertTrue(r.has("no violation: every interleaving within the budget explored"), r.out());
    }

    @Test
    void without_time_wait_it_draws_the_lost_last_ack_and_the_reset_and_exits_1_rfc9293_3_6_1() throws Exception {
        Path page = Files.createTempDirectory("explore").resolve("why-time-wait.html");
        MainTest.Result r = run("explore", "normal-close", "--time-wait", "0", "--losses", "1", "--html", page.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.has("VIOLATION after"), r.out());
        assertTrue(r.has("--- ACK seq=1102 ack=5002 ---------------------------- X    lost"), r.out());
        assertTrue(r.has("--- RST seq=1102 "), r.out());
        assertTrue(r.has("RESET_BY_PEER at the server"), r.out());
        assertTrue(r.has("FaultRule.drop(\"client\", \"server\", FaultRule.Match.ANY, 5)"), r.out()); // SYN, ACK, data, FIN, then the last ACK
        assertTrue(r.has("replayed on the simulator: the client closed NORMAL (0 bytes read), the server RESET_BY_PEER"), r.out());
        String html = Files.readString(page);
        assertTrue(html.contains("<svg") && html.contains("RST seq=1102"), html);
    }

    @Test
    void stopping_at_max_states_says_nothing_is_proved_and_exits_3() {
        MainTest.Result r = run("explore", "normal-close", "--losses", "2", "--max-states", "10");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.has("nothing proved"), r.out());
    }

    @Test
    void bad_usage_names_the_problem_and_exits_2() {
        MainTest.Result unknown = run("explore", "no-such-close");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown scenario \"no-such-close\"; scenarios: normal-close"), unknown.err());
        MainTest.Result range = run("explore", "normal-close", "--losses", "17");
        assertEquals(2, range.code());
        assertTrue(range.err().contains("--losses must lie between 0 and 16, was 17"), range.err());
        MainTest.Result none = run("explore");
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("tcpclose-sim explore: Missing required parameter: 'SCENARIO'"), none.err());
        MainTest.Result preset = run("explore", "abort", "--preset", "bsd");
        assertEquals(2, preset.code());
        assertTrue(preset.err().contains("--preset must be default, rfc or linux"), preset.err());
    }

    @Test
    void help_lists_the_scenarios_each_wrapped_under_its_description() {
        MainTest.Result r = run("explore", "--help");
        assertEquals(0, r.code());
        assertTrue(r.has("  keepalive-dead      the server's host vanishes"), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.length() > 100), r.out());
    }

    @Test
    void the_counterexample_printed_as_a_test_compiles_and_fails_the_same_way() throws Exception {
        MainTest.Result r = run("explore", "normal-close", "--time-wait", "0", "--losses", "1");
        String out = r.out();
        int from = out.indexOf("    @Example");
        int to = out.indexOf("\n    }\n", from) + 7;
        assertTrue(from > 0 && to > from, out);
        assertTrue(out.contains("@Example // tcpclose-sim explore normal-close --time-wait 0 --losses 1"), out);
        String source = "import static org.junit.jupiter.api.Assertions.assertEquals;\n"
                + "import io.tcpclose.engine.TcpConfig;\n"
                + "import io.tcpclose.sim.explore.*;\n"
                + "import java.time.Duration;\n"
                + "import net.jqwik.api.Example;\n"
                + "public class Pasted {\n" + out.substring(from, to) + "}\n";
        Path dir = Files.createTempDirectory("pasted");
        Files.writeString(dir.resolve("Pasted.java"), source);
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
        int code = javac.run(null, null, diagnostics, "-cp", System.getProperty("java.class.path"), "-d", dir.toString(),
                dir.resolve("Pasted.java").toString());
        assertEquals(0, code, source + "\n" + diagnostics);
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> pasted = loader.loadClass("Pasted");
            Object test = pasted.getDeclaredConstructor().newInstance();
            java.lang.reflect.Method method = pasted.getDeclaredMethod("normal_close_has_no_violation");
            method.setAccessible(true); // package-private, as test methods are
            java.lang.reflect.InvocationTargetException failed = org.junit.jupiter.api.Assertions.assertThrows(
                    java.lang.reflect.InvocationTargetException.class, () -> method.invoke(test));
            assertTrue(failed.getCause() instanceof AssertionError
                    && failed.getCause().getMessage().contains("RESET_BY_PEER at the server"), String.valueOf(failed.getCause()));
        }
    }
}
