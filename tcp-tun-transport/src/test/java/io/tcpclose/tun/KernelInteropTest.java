package io.tcpclose.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static io.tcpclose.nio.Commands.exec;
import static io.tcpclose.nio.Commands.run;

/**
 * The Linux kernel's TCP as a live peer: each case runs {@link KernelCase} in a JVM inside a
 * network namespace this test creates (with IPv6 off in it, so the new device carries no MLD or
 * router solicitations) and removes even when the case fails. Only the namespace's addresses
 * (10.77.0.0/24 on its tun0) are used. Both sides' observations are asserted: our states and
 * close reason, the kernel socket's reads and its TCP state as {@code ss -tan} shows it. Each
 * case's pcapng is kept in {@code target/interop/}.
 *
 * <p>Needs root, {@code /dev/net/tun} and iproute2 ({@code .ci/run} installs it); elsewhere it
 * skips naming what is missing, and under CI a missing piece fails it.
 */
class KernelInteropTest {
    private final String ns = "tcpclose-tun-" + ProcessHandle.current().pid() % 100_000;

    @BeforeEach
    void namespace() throws IOException {
        String missing = missing();
        if (missing != null && System.getenv("CI") != null) {
            fail("CI runs this test as root with /dev/net/tun and iproute2 (see .ci/run); missing: " + missing);
        }
        Assumptions.assumeTrue(missing == null, "skipped: needs " + missing);
        removeNamespace();
        run("ip", "netns", "add", ns);
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
        run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    @AfterEach
    void removeNamespace() throws IOException {
        if (exec("ip", "netns", "list").contains(ns)) {
            run("ip", "netns", "del", ns); // its device, sockets and TIME-WAITs go with it
        }
    }

    @Test
    void tcpclose_closes_first_and_holds_time_wait_while_the_kernel_passes_last_ack_rfc9293_3_6() throws Exception {
        List<String> out = runCase("we-close-first");
        assertTrue(out.contains("KERNEL read \"hello from tcpclose\" then end of stream"), String.join("\n", out));
        // The kernel may ACK our FIN on its own (FIN-WAIT-2 follows) or with its FIN (straight to
        // TIME-WAIT, RFC 9293 §3.10.7.4): Linux delays the ACK and closes at once, so usually the latter.
        String states = line(out, "STATES");
        assertTrue(states.equals("STATES SYN-SENT ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT CLOSED")
                || states.equals("STATES SYN-SENT ESTABLISHED FIN-WAIT-1 TIME-WAIT CLOSED"), states);
        assertEquals("OURS closed NORMAL", line(out, "OURS closed"));
        assertEquals("SS", line(out, "SS"), "the kernel's socket is gone once our last ACK arrived");
    }

    @Test
    void the_kernel_closes_first_holds_time_wait_and_tcpclose_passes_close_wait_and_last_ack_rfc9293_3_6() throws Exception {
        List<String> out = runCase("kernel-closes-first");
        assertTrue(out.contains("OURS read \"hello from linux\" then end of stream"), String.join("\n", out));
        assertEquals("STATES SYN-SENT ESTABLISHED CLOSE-WAIT LAST-ACK CLOSED", line(out, "STATES"));
        assertEquals("OURS closed NORMAL", line(out, "OURS closed"));
        List<String> ss = lines(out, "SS");
        assertTrue(ss.get(0).startsWith("SS FIN-WAIT-2 " + KernelCase.KERNEL + ":" + KernelCase.PORT), "before our FIN: " + ss);
        assertTrue(ss.get(1).startsWith("SS TIME-WAIT " + KernelCase.KERNEL + ":" + KernelCase.PORT), "after it: " + ss);
    }

    /** Runs one case in the namespace; its output lines, after checking it finished. */
    private List<String> runCase(String name) throws Exception {
        Path dir = Path.of("target", "interop");
        Files.createDirectories(dir);
        Path pcap = dir.resolve(name + ".pcapng").toAbsolutePath();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, java, "-cp", System.getProperty("java.class.path"),
                KernelCase.class.getName(), name, pcap.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(name + " did not finish:\n" + text);
        }
        List<String> out = List.of(text.split("\n"));
        assertTrue(out.contains("DONE"), name + " failed:\n" + text);
        assertTrue(Files.size(pcap) > 100, "a capture of the exchange in " + pcap);
        return out;
    }

    private static String line(List<String> out, String prefix) {
        List<String> l = lines(out, prefix);
        assertTrue(!l.isEmpty(), "no " + prefix + " line in\n" + String.join("\n", out));
        return l.get(l.size() - 1).trim();
    }

    private static List<String> lines(List<String> out, String prefix) {
        List<String> l = new ArrayList<>();
        for (String s : out) {
            if (s.startsWith(prefix + " ") || s.equals(prefix)) {
                l.add(s);
            }
        }
        return l;
    }

    private static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "root (to create a network namespace and a TUN device)";
        }
        if (!new File("/dev/net/tun").exists()) {
            return "/dev/net/tun (the tun kernel module)";
        }
        try {
            exec("ip", "-V");
            exec("ss", "-V");
        } catch (IOException e) {
            return "iproute2 (apt-get install iproute2)";
        }
        return null;
    }
}
