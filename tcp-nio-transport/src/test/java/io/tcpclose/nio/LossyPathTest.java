package io.tcpclose.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static io.tcpclose.nio.Commands.exec;
import static io.tcpclose.nio.Commands.run;

/**
 * A real lossy kernel path: two network namespaces this test creates, joined by a veth pair,
 * with iptables dropping 20% of the UDP datagrams that enter each (so 20% in each direction).
 * A client JVM in one and a server JVM in the other ({@link LossyPeer}) run 200 connections
 * that each move 100 KiB both ways and close. Every byte must arrive in order, every
 * connection end {@code NORMAL} on both sides, and once TIME-WAIT is over neither stack may
 * hold a connection or a timer. Recovery rests on RFC 6298 retransmission and RFC 5681/6582
 * fast retransmit; the FIN survives the loss through RFC 9293 §3.10.4 retransmission and the
 * TIME-WAIT that re-ACKs it (§3.6.1).
 *
 * <p>Needs root, {@code ip} (iproute2) and {@code iptables} ({@code .ci/run} installs both);
 * elsewhere it skips saying what is missing, and under CI a missing tool fails it. Only
 * addresses inside the two namespaces are used; both are deleted even when the test fails.
 */
class LossyPathTest {
    private static final int CONNECTIONS = 200;
    private static final int BYTES = 100 * 1024;
    private static final int SECONDS = 240;
    private static final String SERVER_ADDRESS = "10.213.7.2";
    private static final String CLIENT_ADDRESS = "10.213.7.1";

    private final String id = Long.toString(ProcessHandle.current().pid() % 100_000);
    private final String client = "tcpclose-lc-" + id;
    private final String server = "tcpclose-ls-" + id;
    private final List<Process> peers = new ArrayList<>();

    @BeforeEach
    void namespaces() throws Exception {
        String missing = missing();
        if (missing != null && System.getenv("CI") != null) {
            fail("CI runs this test as root with iproute2 and iptables (see .ci/run); missing: " + missing);
        }
        Assumptions.assumeTrue(missing == null, "skipped: needs " + missing);
        removeNamespaces();
        run("ip", "netns", "add", client);
        run("ip", "netns", "add", server);
        String vc = "tcv" + id;
        String vs = "tsv" + id;
        run("ip", "link", "add", vc, "netns", client, "type", "veth", "peer", "name", vs, "netns", server);
        configure(client, vc, CLIENT_ADDRESS);
        configure(server, vs, SERVER_ADDRESS);
    }

    private void configure(String ns, String dev, String address) throws Exception {
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "-n", ns, "addr", "add", address + "/30", "dev", dev);
        run("ip", "-n", ns, "link", "set", dev, "up");
        // 20% of what arrives is dropped: each direction loses a fifth of its datagrams.
        run("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-i", dev, "-p", "udp",
                "-m", "statistic", "--mode", "random", "--probability", "0.2", "-j", "DROP");
    }

    @AfterEach
    void removeNamespaces() throws Exception {
        for (Process p : peers) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        peers.clear();
        for (String ns : List.of(client, server)) {
            if (exec("ip", "netns", "list").contains(ns)) {
                run("ip", "netns", "del", ns); // its veth end, sockets and iptables rules go with it
            }
        }
    }

    @Test
    void two_hundred_connections_move_100_kib_each_way_through_20_percent_loss_and_all_close_normally() throws Exception {
        Process s = peer(server, "serve", SERVER_ADDRESS);
        BufferedReader serverOut = reader(s);
        String ready = serverOut.readLine();
        assertEquals("READY", ready, "the server started");
        Process c = peer(client, "connect", CLIENT_ADDRESS);
        String clientResult = result(reader(c));
        if (!clientResult.startsWith("RESULT")) {
            s.destroyForcibly(); // the client died: do not wait for the server's deadline
        }
        String serverResult = result(serverOut);
        String both = "\nclient: " + clientResult + "\nserver: " + serverResult;
        System.out.println("lossy path:" + both);
        for (String[] side : new String[][] {{"client", clientResult}, {"server", serverResult}}) {
            String r = side[1] + both;
            assertTrue(r.contains("closed=" + CONNECTIONS + " "), side[0] + ": every connection closed: " + r);
            assertTrue(r.contains("ok=" + CONNECTIONS + " "), side[0] + ": every byte in order, NORMAL: " + r);
            assertTrue(r.contains("reasons={NORMAL=" + CONNECTIONS + "}"), side[0] + ": " + r);
            assertTrue(r.contains("connections=0 timers=false errors=0"), side[0] + ": nothing leaks: " + r);
            Matcher m = Pattern.compile("retransmissions=(\\d+)").matcher(r);
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, side[0] + ": the loss was real: " + r);
        }
        assertTrue(c.waitFor(30, TimeUnit.SECONDS) && s.waitFor(30, TimeUnit.SECONDS));
    }

    private Process peer(String ns, String mode, String bind) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, java, "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), LossyPeer.class.getName(),
                mode, bind, SERVER_ADDRESS, "7000", String.valueOf(CONNECTIONS), String.valueOf(BYTES), String.valueOf(SECONDS))
                .redirectErrorStream(true).start();
        peers.add(p);
        return p;
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The peer's RESULT line; everything it printed if there is none. */
    private static String result(BufferedReader r) throws IOException {
        StringBuilder all = new StringBuilder();
        for (String l = r.readLine(); l != null; l = r.readLine()) {
            if (l.startsWith("RESULT ")) {
                return l + " ";
            }
            all.append(l).append('\n');
        }
        return "no RESULT; it said:\n" + all;
    }

    /** What this machine lacks for the test, or null. */
    private static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "root (to create network namespaces)";
        }
        for (String tool : List.of("ip", "iptables")) {
            try {
                exec(tool, "-V");
            } catch (IOException e) {
                return tool + " (apt-get install " + (tool.equals("ip") ? "iproute2" : "iptables") + ")";
            }
        }
        return null;
    }
}
