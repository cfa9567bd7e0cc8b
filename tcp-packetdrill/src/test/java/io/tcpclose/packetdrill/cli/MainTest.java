package io.tcpclose.packetdrill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code ./tcpclose-drill}: one line per script, a summary, exit 0 only without failures, 2 for bad arguments. */
class MainTest {
    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void a_directory_runs_every_script_and_ends_with_the_counts() throws Exception {
        Path dir = Path.of(MainTest.class.getResource("/conformance").toURI());
        String[] r = run(dir.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].strip().matches("(?s).*\\n\\d+ passed, 0 failed, 0 unsupported$"), r[1]);
    }

    @Test
    void a_failing_script_exits_1_and_an_unsupported_one_is_counted() throws Exception {
        Path dir = Files.createTempDirectory("drill");
        try {
            Files.writeString(dir.resolve("a.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4\n");
            Files.writeString(dir.resolve("b.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 poll(3, 1, 0) = 0\n");
            Files.writeString(dir.resolve("c.pkt"), "0 `sysctl -q net.ipv4.tcp_mtu_probing=1`\n");
            String[] r = run(dir.toString());
            assertEquals("1", r[0]);
            assertTrue(r[1].contains("FAIL") && r[1].contains("UNSUPPORTED") && r[1].contains("0 passed, 1 failed, 2 unsupported"), r[1]);
            assertTrue(r[1].contains("the TCP knob net.ipv4.tcp_mtu_probing"), r[1]);
        } finally {
            for (String f : new String[] {"a.pkt", "b.pkt", "c.pkt"}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void bad_arguments_exit_2_with_a_message() {
        for (String[] bad : new String[][] {{}, {"/nonexistent"}, {"--preset", "bsd", "x"}, {"--bogus"}}) {
            String[] r = run(bad);
            assertEquals("2", r[0], String.join(" ", bad) + ": " + r[1] + r[2]);
            assertTrue(r[2].startsWith("tcpclose-drill: ") && !r[2].contains("Exception"), r[2]);
        }
    }
}
