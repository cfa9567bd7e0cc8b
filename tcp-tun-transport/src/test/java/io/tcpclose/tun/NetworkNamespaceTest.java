package io.tcpclose.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A namespace entered by one thread holds that thread and those it starts, and is gone after close. */
class NetworkNamespaceTest {
    private static final Path SELF = Path.of("/proc/thread-self/ns/net");

    @Test
    void entering_moves_the_calling_thread_and_the_threads_it_starts_then_close_leaves_and_removes_it() throws Exception {
        needsRoot();
        String outside = Files.readSymbolicLink(SELF).toString();
        AtomicReference<String> inside = new AtomicReference<>();
        AtomicReference<String> child = new AtomicReference<>();
        AtomicReference<String> after = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        String name = "tcpclose-nstest-" + ProcessHandle.current().pid();
        Thread t = new Thread(() -> {
            NetworkNamespace ns = null;
            try {
                ns = NetworkNamespace.create(name);
                ns.enter();
                inside.set(Files.readSymbolicLink(SELF).toString());
                Thread c = new Thread(() -> {
                    try {
                        child.set(Files.readSymbolicLink(SELF).toString());
                    } catch (java.io.IOException e) {
                        failed.set(e);
                    }
                });
                c.start();
                c.join();
                assertTrue(ns.exec("ip", "link").contains("lo:"), "lo exists inside");
                ns.close();
                after.set(Files.readSymbolicLink(SELF).toString());
            } catch (Throwable e) {
                failed.set(e);
            } finally {
                if (ns != null) {
                    ns.close(); // idempotent: removes it even when an assertion failed
                }
            }
        });
        t.start();
        t.join(30_000);
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertNotEquals(outside, inside.get(), "the entering thread moved");
        assertEquals(inside.get(), child.get(), "a thread it started was born inside");
        assertEquals(outside, after.get(), "close() moved it back");
        assertEquals(outside, Files.readSymbolicLink(SELF).toString(), "other threads never moved");
        assertFalse(Files.exists(Path.of("/run/netns", name)), "the namespace is removed");
    }

    @Test
    void a_name_iproute2_would_misread_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.create("a b"));
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.create("../x"));
        assertThrows(IllegalArgumentException.class, () -> NetworkNamespace.create(""));
    }

    private static void needsRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && System.getenv("CI") != null) {
            fail("CI runs this test as root (see .ci/run)");
        }
        Assumptions.assumeTrue(root, "skipped: needs root (to make a network namespace)");
    }
}
