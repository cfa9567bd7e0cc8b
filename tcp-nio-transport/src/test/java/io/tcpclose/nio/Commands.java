package io.tcpclose.nio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system commands the namespace tests need ({@code ip}, {@code iptables}, {@code ss}),
 * each bounded in time. Shared with tcp-tun-transport's tests through this module's test jar.
 * Stateless; thread-safe.
 */
public final class Commands {
    private Commands() {}

    /**
     * Runs a command that must succeed.
     *
     * @param cmd the command and its arguments
     * @throws IOException naming the command and its output when it fails or times out
     */
    public static void run(String... cmd) throws IOException {
        String out = exec(cmd);
        if (out.startsWith("FAILED")) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }

    /**
     * Runs a command to its end, at most 30 s.
     *
     * @param cmd the command and its arguments
     * @return its output, prefixed {@code FAILED} when it exited non-zero or timed out
     * @throws IOException when it cannot be started (the program is missing)
     */
    public static String exec(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "FAILED (timed out) " + out;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return p.exitValue() == 0 ? out : "FAILED (exit " + p.exitValue() + ") " + out;
    }
}
