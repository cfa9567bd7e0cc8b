package io.tcpclose.nio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code ./tcpclose-nio}: a real close between two processes on loopback, both orders, and bad input. */
class MainTest {
    record Result(int code, String out, String err) {
        List<String> states() {
            return out.lines().map(String::trim).filter(l -> l.matches("\\d+\\.\\d{3}\\s+[A-Z][A-Z0-9-]+"))
                    .map(l -> l.replaceAll("^\\S+\\s+", "")).collect(Collectors.toList());
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** {@code serve} in a second JVM; returns its process, output captured. */
    private static Process serveInAnotherProcess(int port, String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", String.valueOf(port), "--msl", "1", "--timeout", "30"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // Wait until it listens.
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        assertTrue(first != null && first.startsWith("listening on"), "serve said: " + first);
        serverOutput = r;
        return p;
    }

    private static java.io.BufferedReader serverOutput;

    private static String rest(Process p) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String l = serverOutput.readLine(); l != null; l = serverOutput.readLine()) {
            sb.append(l).append('\n');
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve ended");
        return sb.toString();
    }

    @Test
    void the_client_closes_first_across_processes_fin_wait_on_one_side_close_wait_on_the_other_rfc9293_3_6() throws Exception {
        int port = freeUdpPort();
        Process server = serveInAnotherProcess(port);
        Result client = run("connect", "127.0.0.1:" + port, "--msl", "1", "--timeout", "30");
        String serverOut = rest(server);
        assertEquals(0, client.code(), client.err());
        assertEquals(List.of("SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED"), client.states(), client.out());
        assertTrue(client.out().contains("closed: NORMAL") && client.out().contains("hello from the server"), client.out());
        Result s = new Result(server.exitValue(), serverOut, "");
        assertEquals(List.of("LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"), s.states(), serverOut);
        assertTrue(serverOut.contains("closed: NORMAL") && serverOut.contains("hello from the client"), serverOut);
        assertEquals(0, server.exitValue());
    }

    @Test
    void the_server_closes_first_across_processes_rfc9293_3_6() throws Exception {
        int port = freeUdpPort();
        Process server = serveInAnotherProcess(port, "--close-first");
        Result client = run("connect", "127.0.0.1:" + port, "--wait", "--msl", "1", "--timeout", "30");
        String serverOut = rest(server);
        assertEquals(0, client.code(), client.err());
        assertTrue(client.states().containsAll(List.of("CLOSE-WAIT", "LAST-ACK", "CLOSED")), client.out());
        Result s = new Result(server.exitValue(), serverOut, "");
        assertTrue(s.states().containsAll(List.of("FIN-WAIT-1", "TIME-WAIT", "CLOSED")), serverOut);
    }

    @Test
    void when_neither_side_closes_the_timeout_ends_the_run_instead_of_a_hang() throws Exception {
        int port = freeUdpPort();
        Process server = serveInAnotherProcess(port, "--wait");
        long start = System.nanoTime();
        Result client = run("connect", "127.0.0.1:" + port, "--wait", "--timeout", "2");
        long took = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(1, client.code(), client.out());
        assertTrue(client.out().contains("gave up after 2 s"), client.out());
        assertTrue(took < 10, "took " + took + " s");
        String serverOut = rest(server);
        assertTrue(serverOut.contains("closed: RESET_BY_PEER"), serverOut);
    }

    @Test
    void an_abort_is_reported_with_what_had_arrived_and_the_reset_rfc9293_3_10_7_4() throws Exception {
        int port = freeUdpPort();
        Process server = serveInAnotherProcess(port, "--abort");
        Result client = run("connect", "127.0.0.1:" + port, "--msl", "1", "--timeout", "10");
        String serverOut = rest(server);
        assertEquals(0, client.code(), client.out());
        assertTrue(client.out().contains("received 22 bytes: hello from the server"), client.out());
        assertTrue(client.out().contains("read ended: Connection reset") && client.out().contains("closed: RESET_BY_PEER"), client.out());
        assertTrue(serverOut.contains("closed: ABORTED"), serverOut);
        assertEquals(0, server.exitValue());
    }

    @Test
    void bad_arguments_say_what_is_wrong_and_exit_2() {
        for (String[] bad : new String[][] {{"connect", "127.0.0.1:70000"}, {"connect", "nocolon"}, {"conect", "x"},
                {"serve"}, {"serve", "--port", "7000", "--msl", "999"}, {"connect", "127.0.0.1:7000", "--close-first", "--wait"},
                {"connect", "127.0.0.1:7000", "--abort", "--wait"}, {"connect", ":7000"}, {},
                {"connect", "127.0.0.1:7000", "--pcap", "/nonexistent-dir/x.pcapng"},
                {"serve", "--port", "7000", "--bind", "0.0.0.0"}, {"connect", "127.0.0.1:7000", "--send", "99999999999"}}) {
            Result r = run(bad);
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("tcpclose-nio: "), r.err());
            assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void help_points_to_each_sides_own_options() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("tcpclose-nio serve --help") && r.out().contains("tcpclose-nio connect --help"), r.out());
    }

    @Test
    void a_send_size_out_of_range_names_the_range() {
        Result r = run("connect", "127.0.0.1:7000", "--send", "99999999999");
        assertTrue(r.err().contains("--send must lie between 0 and 100000000 bytes"), r.err());
    }

    @Test
    void a_wildcard_bind_says_why_a_specific_address_is_needed() {
        Result r = run("serve", "--port", "7000", "--bind", "0.0.0.0");
        assertTrue(r.err().startsWith("tcpclose-nio: --bind needs a specific address"), r.err());
    }

    @Test
    void a_connect_nobody_answers_says_so_and_exits_1() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            Result r = run("connect", "127.0.0.1:" + silent.getLocalPort(), "--timeout", "2");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("connect failed: no answer"), r.out());
        }
    }

    @Test
    void a_connect_to_a_port_nothing_is_bound_to_is_refused_and_exits_1_rfc1122_4_2_3_9() throws Exception {
        Result r = run("connect", "127.0.0.1:" + freeUdpPort(), "--timeout", "20");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("connect failed: Connection refused"), r.out());
    }
    @Test
    void pcap_writes_every_real_segment_of_the_ladder_as_tcp_that_tshark_decodes() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tcpclose-nio-pcap");
        java.nio.file.Path file = dir.resolve("client.pcapng");
        try {
            int port = freeUdpPort();
            Process server = serveInAnotherProcess(port);
            Result client = run("connect", "127.0.0.1:" + port, "--msl", "1", "--timeout", "30", "--pcap", file.toString());
            rest(server);
            assertEquals(0, client.code(), client.err());
            long segments = client.out().lines().filter(l -> l.contains("--> ") || l.contains("<-- ")).count();
            assertTrue(client.out().contains("wrote " + segments + " segments to " + file), client.out());
            boolean ci = System.getenv("CI") != null;
            boolean tshark = tsharkAvailable();
            if (ci) {
                assertTrue(tshark, "CI installs tshark (see .ci/run); it is missing");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(tshark, "tshark is not installed here (apt-get install tshark); CI runs this check");
            Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-o", "tcp.check_checksum:TRUE",
                    "-T", "fields", "-E", "separator=|", "-e", "tcp.flags.fin", "-e", "tcp.checksum.status")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> rows = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank()).collect(Collectors.toList());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(segments, rows.size(), String.join("\n", rows));
            assertTrue(rows.stream().allMatch(r -> r.endsWith("|1")), "every TCP checksum good: " + rows);
            assertEquals(2, rows.stream().filter(r -> r.startsWith("1|") || r.startsWith("True|")).count(),
                    "our FIN and the server's: " + rows);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    private static boolean tsharkAvailable() {
        try {
            Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
