package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import io.tcpclose.tun.NetworkNamespace;
import io.tcpclose.tun.TunDevice;
import io.tcpclose.tun.TunTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Whole connection lifecycles per second against the Linux kernel's TCP as the server, inside a
 * network namespace the benchmark makes (and removes) for itself: connect, 1 KiB each way, the
 * client closes first, both ends see the end of stream, the client's close handshake completes.
 * The server is always the kernel (a JDK {@code ServerSocketChannel} on 10.77.0.1). {@code
 * tcpclose-tun}: the client is tcpclose on raw IP through a TUN device (10.77.0.2), one loop;
 * {@code kernel}: the client is the JDK on the kernel's TCP too, over the namespace's loopback
 * path. Same thread, same namespace, same server: the ratio is what tcpclose on TUN costs against
 * the kernel's own TCP. MSL 250 ms for tcpclose, and {@code tcp_tw_reuse=1} in the namespace for
 * the kernel (what it does on loopback by default), so that neither client's TIME-WAITs use up its
 * ports. Needs root
 * ({@code CAP_NET_ADMIN}, {@code CAP_SYS_ADMIN}) and {@code /dev/net/tun}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TunLifecycleBenchmark {
    /** {@code tcpclose-tun} or {@code kernel}: who the client is. */
    @Param({"tcpclose-tun", "kernel"})
    public String impl;

    static final String KERNEL = "10.77.0.1";
    static final String OURS = "10.77.0.2";
    static final int SIZE = 1024;
    private final byte[] out = new byte[SIZE];
    private final byte[] in = new byte[SIZE];

    private NetworkNamespace ns;
    private Thread cleanup;
    private ServerSocketChannel listener;
    private NioTcpStack stack;
    /** Open for both: the kernel's address lives on it. */
    private TunDevice tun;
    private int port;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("TunLifecycleBenchmark needs root, for a network namespace and a TUN device");
        }
        ns = NetworkNamespace.create("tcpclose-bench-" + ProcessHandle.current().pid());
        NetworkNamespace made = ns;
        cleanup = new Thread(made::close, "remove-namespace"); // a run JMH ends without teardown
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            // tcp_tw_reuse=1: the kernel client's TIME-WAITs may be reused as Linux reuses them on
            // loopback by default (2), or they would use up its ports within seconds.
            ns.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                    "net.ipv4.tcp_tw_reuse=1");
            ns.enter(); // this thread, the stack's loop it starts, and the sockets it opens live inside
            tun = TunDevice.open("tun0");
            ns.exec("ip", "addr", "add", KERNEL + "/24", "dev", "tun0");
            ns.exec("ip", "link", "set", "tun0", "up");
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(KERNEL, 0), 1024);
            port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            if (impl.equals("tcpclose-tun")) {
                stack = TunTransport.open(tun, InetAddress.getByName(OURS),
                        TcpConfig.builder().msl(Duration.ofMillis(250)).build());
            }
        } catch (IOException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (stack != null) {
            stack.close();
            stack = null;
        }
        if (listener != null) {
            listener.close();
            listener = null;
        }
        if (tun != null) {
            tun.close(); // idempotent; the stack's close has closed it already
            tun = null;
        }
        if (ns != null) {
            ns.close(); // leaves, and removes it with its device and TIME-WAITs
            ns = null;
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook finds it closed
            }
        }
    }

    /** One lifecycle; returns a byte read so the work cannot be elided. */
    @Benchmark
    public int lifecycle() throws Exception {
        return impl.equals("tcpclose-tun") ? tcpclose() : kernel();
    }

    private int tcpclose() throws Exception {
        CompletableFuture<NioConnection> connecting = stack.connect(new InetSocketAddress(InetAddress.getByName(KERNEL), 0), port);
        try (SocketChannel s = listener.accept()) {
            NioConnection c = connecting.get(10, TimeUnit.SECONDS);
            c.outputStream().write(out);
            Lifecycles.read(s, in);
            Lifecycles.write(s, out);
            Lifecycles.readFully(c.inputStream(), in);
            c.shutdownOutput(); // the client closes first
            if (s.read(ByteBuffer.allocate(1)) != -1) {
                throw new IllegalStateException("expected the end of stream");
            }
            s.close();
            if (c.inputStream().read() != -1) {
                throw new IllegalStateException("expected the end of stream");
            }
            c.close();
            c.closeCompleted().get(10, TimeUnit.SECONDS);
        }
        return in[0];
    }

    private int kernel() throws IOException {
        return Lifecycles.kernel(new InetSocketAddress(KERNEL, port), listener, out, in);
    }
}
