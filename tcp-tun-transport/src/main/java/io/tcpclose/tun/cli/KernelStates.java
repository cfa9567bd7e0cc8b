package io.tcpclose.tun.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the state of the kernel's connections on one local port, reporting each change with its
 * time on {@link System#nanoTime()}'s clock and RFC 9293's name. Two sources, best first:
 * <ul>
 *   <li>the kernel's own {@code sock:inet_sock_set_state} tracepoint, read from a tracing
 *       instance of our own with the {@code mono} clock (the clock {@code nanoTime} reads), which
 *       sees every change of a full socket. It mounts tracefs when needed, which {@code ip netns
 *       exec}'s private mount namespace confines to this run. A connection that Linux hands to a
 *       small time-wait socket (TIME-WAIT, and an orphan's FIN-WAIT-2) leaves the tracepoint's
 *       view, so from then on its states are sampled from {@code /proc/net/tcp}.</li>
 *   <li>else {@code /proc/net/tcp}, sampled every few milliseconds, which can miss a state shorter
 *       than that.</li>
 * </ul>
 * Thread-safe.
 */
final class KernelStates implements AutoCloseable {
    /** {@code /proc/net/tcp}'s st column, indexed by its value (include/net/tcp_states.h). */
    private static final String[] NAMES = {"?", "ESTABLISHED", "SYN-SENT", "SYN-RECEIVED", "FIN-WAIT-1", "FIN-WAIT-2",
        "TIME-WAIT", "CLOSED", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "SYN-RECEIVED"};
    private static final List<String> TRACE_NAMES = List.of("?", "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV",
            "TCP_FIN_WAIT1", "TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT", "TCP_LAST_ACK", "TCP_LISTEN",
            "TCP_CLOSING", "TCP_NEW_SYN_RECV");
    private static final Path PROC = Path.of("/proc/net/tcp");
    private static final Path TRACING = Path.of("/sys/kernel/tracing");
    private static final Pattern EVENT = Pattern.compile(
            "(\\d+)\\.(\\d{6}): inet_sock_set_state: .*sport=(\\d+) dport=(\\d+) .*oldstate=(\\w+) newstate=(\\w+)");

    private final int port;
    private final BiConsumer<Long, String> changed;
    /** Each connection's state at the last sample, by peer port. */
    private final Map<Integer, String> last = new HashMap<>();
    /** Connections the tracepoint saw handed to a time-wait socket, whose states only sampling shows. */
    private final Set<Integer> handedOver = new HashSet<>();
    /** The last state reported for each connection, by peer port. */
    private final Map<Integer, String> reported = new HashMap<>();
    private final Thread thread;
    private final Thread sampler;
    private final Path instance;
    private volatile boolean stop;

    /**
     * Starts following.
     *
     * @param port    the kernel's local port whose connections are followed
     * @param changed called with (nanoTime, state) on each change, on this object's thread
     */
    KernelStates(int port, BiConsumer<Long, String> changed) {
        this.port = port;
        this.changed = changed;
        instance = openInstance();
        thread = new Thread(instance != null ? this::trace : this::sampleLoop, "kernel-states");
        thread.setDaemon(true);
        thread.start();
        sampler = instance != null ? new Thread(this::sampleLoop, "kernel-time-wait-states") : null;
        if (sampler != null) {
            sampler.setDaemon(true);
            sampler.start();
        }
    }

    /** {@return how the states are followed, for the run's heading} */
    String source() {
        return instance != null ? "the kernel's states come from its sock:inet_sock_set_state tracepoint (a half-open connection it"
                + " accepts shows SYN-RECEIVED only once the handshake's last ACK makes its socket; TIME-WAIT and an orphan's"
                + " FIN-WAIT-2, kept in small sockets, are sampled from /proc/net/tcp)"
                : "the kernel's states are sampled from /proc/net/tcp every few milliseconds: one shorter than that may not show";
    }

    /** A tracing instance with our event on, or null when this kernel or machine offers none. */
    private Path openInstance() {
        try {
            if (!Files.isDirectory(TRACING.resolve("instances"))) {
                LinuxRun.sh("mount", "-t", "tracefs", "nodev", TRACING.toString());
            }
            Path dir = TRACING.resolve("instances").resolve("tcpclose-" + ProcessHandle.current().pid());
            Files.createDirectory(dir);
            Path event = dir.resolve("events/sock/inet_sock_set_state");
            if (!Files.isDirectory(event)) {
                Files.delete(dir);
                return null;
            }
            Files.writeString(dir.resolve("trace_clock"), "mono");
            Files.writeString(event.resolve("filter"), "sport == " + port);
            Files.writeString(event.resolve("enable"), "1");
            return dir;
        } catch (Exception e) {
            return null; // no tracefs, or not allowed: sample instead
        }
    }

    private void trace() {
        try (BufferedReader r = Files.newBufferedReader(instance.resolve("trace_pipe"), StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null && !stop; line = r.readLine()) {
                Change c = parse(line, port);
                if (c == null) {
                    continue;
                }
                String state = c.state();
                if (state.equals("CLOSED") && c.mayBeTimeWait()) {
                    // Linux hands a connection closing from FIN-WAIT or CLOSING to a small
                    // time-wait socket (also for an orphan's FIN-WAIT-2) and closes the full one,
                    // which is all the tracepoint shows; the small one's states are sampled.
                    String small = handOver(c.peerPort());
                    state = small != null ? small : state;
                }
                report(c.peerPort(), c.nanos(), state);
            }
        } catch (IOException | RuntimeException e) {
            // the instance went away: nothing more to follow
        }
    }

    /**
     * One state change of a connection on our port, as the tracepoint reported it.
     *
     * @param nanos        when, on the mono clock
     * @param peerPort     the connection's remote port
     * @param state        the new state, RFC 9293's name
     * @param mayBeTimeWait whether a CLOSED here may be the hand-over to a TIME-WAIT socket
     */
    record Change(long nanos, int peerPort, String state, boolean mayBeTimeWait) {}

    /**
     * Reads one {@code trace_pipe} line.
     *
     * @return the change, or null for another event, another port, the listener's own changes
     *         (no peer port) and changes to the same state
     */
    static Change parse(String line, int port) {
        Matcher m = EVENT.matcher(line);
        if (!m.find() || Integer.parseInt(m.group(3)) != port) {
            return null;
        }
        String from = m.group(5);
        String to = m.group(6);
        if (m.group(4).equals("0") || from.equals(to)) {
            return null;
        }
        int st = TRACE_NAMES.indexOf(to);
        long nanos = Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong(m.group(2)) * 1_000L;
        return new Change(nanos, Integer.parseInt(m.group(4)), st > 0 ? NAMES[st] : to,
                List.of("TCP_FIN_WAIT1", "TCP_FIN_WAIT2", "TCP_CLOSING").contains(from));
    }

    /** The state /proc/net/tcp shows for the connection to {@code peerPort}, which the sampler follows from now on; or null. */
    private synchronized String handOver(int peerPort) {
        sample(false);
        String st = last.get(peerPort);
        if (st != null) {
            handedOver.add(peerPort);
        }
        return st;
    }

    private void sampleLoop() {
        while (!stop) {
            sample(true);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One read of /proc/net/tcp. Reports changes when asked to: of every connection when
     * sampling is the only source, else of those handed over to a time-wait socket.
     */
    private synchronized void sample(boolean report) {
        List<String> lines;
        try {
            lines = Files.readAllLines(PROC);
        } catch (IOException e) {
            return; // read again next turn
        }
        long now = System.nanoTime();
        Set<Integer> seen = new HashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 4) {
                continue;
            }
            int local = f[1].indexOf(':');
            int remote = f[2].indexOf(':');
            int st;
            int peer;
            try {
                if (local < 0 || remote < 0 || Integer.parseInt(f[1].substring(local + 1), 16) != port) {
                    continue;
                }
                st = Integer.parseInt(f[3], 16);
                peer = Integer.parseInt(f[2].substring(remote + 1), 16);
            } catch (NumberFormatException e) {
                continue;
            }
            String state = st < NAMES.length ? NAMES[st] : "state " + st;
            if (state.equals("LISTEN")) {
                continue;
            }
            seen.add(peer);
            if (!state.equals(last.put(peer, state)) && report && followed(peer)) {
                report(peer, now, state);
            }
        }
        for (Integer peer : Set.copyOf(last.keySet())) {
            if (!seen.contains(peer)) {
                last.remove(peer);
                if (report && followed(peer)) {
                    report(peer, now, "CLOSED");
                }
                handedOver.remove(peer);
            }
        }
    }

    /** Passes a change on, unless it repeats the last one reported for that connection (a hand-over keeps the state). */
    private synchronized void report(int peer, long nanos, String state) {
        if (!state.equals(reported.put(peer, state))) {
            changed.accept(nanos, state);
        }
        if (state.equals("CLOSED")) {
            reported.remove(peer);
        }
    }

    private boolean followed(int peer) {
        return instance == null || handedOver.contains(peer);
    }

    /** {@return the kernel's connections on the port now, as /proc/net/tcp shows them, or "gone"} */
    synchronized String now() {
        sample(instance == null);
        return last.isEmpty() ? "gone" : String.join(", ", last.values());
    }

    /** Stops following after one last look, and removes the tracing instance. */
    @Override
    public void close() {
        stop = true;
        if (instance != null) {
            try {
                Files.writeString(instance.resolve("events/sock/inet_sock_set_state/enable"), "0");
                Files.writeString(instance.resolve("trace_marker"), "stop"); // wakes the reader
            } catch (IOException e) {
                // the reader ends when the instance does
            }
        }
        thread.interrupt();
        try {
            thread.join(2000);
            if (sampler != null) {
                sampler.interrupt();
                sampler.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (instance != null) {
            try {
                Files.delete(instance);
            } catch (IOException e) {
                // still busy: the mount namespace goes with the process anyway
            }
        }
        sample(instance == null);
    }
}
