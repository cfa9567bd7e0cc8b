package io.tcpclose.tun;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A named network namespace that this process makes, can put a thread into, and removes: a
 * private network for tests and benchmarks in which a {@link TunDevice}, its addresses and the
 * kernel's sockets touch nothing outside. Made with iproute2 ({@code ip netns add}), so {@code ip
 * netns exec NAME ...} and {@code ip -n NAME ...} reach it too; it starts with {@code lo} up.
 *
 * <p>{@link #enter()} moves the calling thread only ({@code setns(2)}); the threads it starts
 * afterwards (a stack's loop, an acceptor) are born inside, and every socket or device they or
 * it create belongs to the namespace. Threads that existed before, and pools that start their
 * threads lazily from elsewhere, stay outside.
 *
 * <p>Needs {@code CAP_SYS_ADMIN} and iproute2. Thread-safety: {@link #enter()} and {@link
 * #close()} act on the calling thread; call {@code close} from the thread that entered (it leaves
 * first) or from any thread once nothing runs inside.
 */
public final class NetworkNamespace implements AutoCloseable {
    private final String name;
    private final ThreadLocal<Integer> home = new ThreadLocal<>();
    private boolean closed;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /**
     * Makes the namespace {@code name} (replacing a stale one of that name) with {@code lo} up.
     *
     * @param name 1..64 characters of letters, digits, {@code -} and {@code _}
     * @return the namespace
     * @throws IOException naming the command that failed and what it said (as non-root:
     *                     permission denied)
     * @throws IllegalArgumentException for a name iproute2 would refuse or misread
     */
    public static NetworkNamespace create(String name) throws IOException {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("a namespace name is 1 to 64 letters, digits, - or _, not \"" + name + "\"");
        }
        if (Files.exists(Path.of("/run/netns", name))) {
            ip("netns", "del", name);
        }
        ip("netns", "add", name);
        NetworkNamespace ns = new NetworkNamespace(name);
        try {
            ip("-n", name, "link", "set", "lo", "up");
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** {@return the namespace's name, as {@code ip netns list} shows it} */
    public String name() {
        return name;
    }

    /**
     * Moves the calling thread into the namespace; threads it starts from now on are born inside.
     *
     * @throws IOException           with errno when the kernel refuses
     * @throws IllegalStateException when the namespace is closed, or this thread is inside already
     */
    public synchronized void enter() throws IOException {
        if (closed) {
            throw new IllegalStateException("namespace " + name + " is closed");
        }
        if (home.get() != null) {
            throw new IllegalStateException("this thread is inside " + name + " already");
        }
        int back = open("/proc/thread-self/ns/net");
        int target;
        try {
            target = open("/run/netns/" + name);
        } catch (IOException e) {
            LibC.INSTANCE.close(back);
            throw e;
        }
        try {
            LibC.INSTANCE.setns(target, LibC.CLONE_NEWNET);
            home.set(back);
        } catch (LastErrorException e) {
            LibC.INSTANCE.close(back);
            throw new IOException("setns into " + name + " failed: " + TunDevice.errno(e)
                    + (e.getErrorCode() == 1 ? ", it needs CAP_SYS_ADMIN" : ""), e);
        } finally {
            LibC.INSTANCE.close(target);
        }
    }

    /**
     * Runs a command inside the namespace ({@code ip netns exec}), at most 30 s.
     *
     * @param cmd the command and its arguments
     * @return what it printed
     * @throws IOException naming the command and its output when it fails or times out
     */
    public String exec(String... cmd) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(List.of(cmd));
        return run(all);
    }

    /** Moves the calling thread back if it entered, and removes the namespace. Idempotent. */
    @Override
    public synchronized void close() {
        Integer back = home.get();
        if (back != null) {
            home.remove();
            try {
                LibC.INSTANCE.setns(back, LibC.CLONE_NEWNET);
            } finally {
                LibC.INSTANCE.close(back);
            }
        }
        if (!closed) {
            closed = true;
            try {
                ip("netns", "del", name); // its devices, sockets and TIME-WAITs go with it
            } catch (IOException e) {
                // already gone
            }
        }
    }

    private static int open(String path) throws IOException {
        try {
            return LibC.INSTANCE.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + path + ": " + TunDevice.errno(e), e);
        }
    }

    private static void ip(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip"));
        all.addAll(List.of(args));
        run(all);
    }

    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
        return out;
    }
}
