package io.tcpclose.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioTcpStack;
import java.io.File;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Misuse of a device says what was wrong, in a namespace of the test's own. */
class TunTransportTest {
    @Test
    void a_closed_device_or_one_that_already_carries_a_stack_is_refused_by_name() throws Exception {
        boolean ok = "root".equals(System.getProperty("user.name")) && new File("/dev/net/tun").exists();
        if (!ok && System.getenv("CI") != null) {
            fail("CI runs this test as root with /dev/net/tun (see .ci/run)");
        }
        Assumptions.assumeTrue(ok, "skipped: needs root and /dev/net/tun");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (NetworkNamespace ns = NetworkNamespace.create("tcpclose-tuntest-" + ProcessHandle.current().pid())) {
                ns.enter();
                InetAddress ours = InetAddress.getByName("10.77.0.2");
                TunDevice closed = TunDevice.open("tun0");
                closed.close();
                IllegalStateException e1 = assertThrows(IllegalStateException.class,
                        () -> TunTransport.open(closed, ours, TcpConfig.DEFAULTS));
                assertEquals("tun0 is closed: open the device again", e1.getMessage());
                TunDevice dev = TunDevice.open("tun1");
                try (NioTcpStack first = TunTransport.open(dev, ours, TcpConfig.DEFAULTS)) {
                    IllegalStateException e2 = assertThrows(IllegalStateException.class,
                            () -> TunTransport.open(dev, ours, TcpConfig.DEFAULTS));
                    assertTrue(e2.getMessage().contains("tun1 already carries a stack"), e2.getMessage());
                    assertEquals(0, first.connectionCount(), "the first stack runs on, untouched");
                }
                IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> TunDevice.open("bad name"));
                assertTrue(e3.getMessage().contains("without spaces or '/'"), e3.getMessage());
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.start();
        t.join(30_000);
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }
}
