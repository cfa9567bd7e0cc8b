package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * Whole connection lifecycles per second on loopback, one JVM, one at a time: connect, 1 KiB
 * each way, close, both ends told that the close handshake is complete (the side that closed
 * first may still hold TIME-WAIT, as the kernel does). {@code tcpclose}: two {@link NioTcpStack}s
 * (segments in UDP datagrams, one selector loop each; MSL 250 ms so that TIME-WAITs do not use up
 * the ephemeral ports). {@code kernel}: the JDK's {@code SocketChannel}/{@code
 * ServerSocketChannel} doing the same on the kernel's TCP.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LifecycleBenchmark {
    /**
     * {@code tcpclose}: the blocking Socket-like API from the benchmark thread; {@code
     * tcpclose-callbacks}: listeners on the loop threads drive the whole lifecycle, the benchmark
     * thread only starts it and waits for its end; {@code kernel}: the JDK on kernel TCP.
     */
    @Param({"tcpclose", "tcpclose-callbacks", "kernel"})
    public String impl;

    static final int SIZE = 1024;
    private final byte[] out = new byte[SIZE];
    private final byte[] in = new byte[SIZE];

    private NioTcpStack server;
    private NioTcpStack client;
    private ServerSocketChannel listener;
    private InetSocketAddress kernelAddress;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (impl.startsWith("tcpclose")) {
            TcpConfig c = TcpConfig.builder().msl(Duration.ofMillis(250)).build();
            server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), c);
            client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), c);
            if (impl.equals("tcpclose")) {
                server.listen(80, 1024);
            } else {
                server.listen(80, 1024, conn -> new Echo(false, null));
            }
        } else {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            kernelAddress = (InetSocketAddress) listener.getLocalAddress();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (client != null) {
            client.close();
            server.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    /** One lifecycle; returns a byte read so the work cannot be elided. */
    @Benchmark
    public int lifecycle() throws Exception {
        switch (impl) {
            case "tcpclose":
                return tcpclose();
            case "tcpclose-callbacks":
                return callbacks();
            default:
                return kernel();
        }
    }

    private int callbacks() throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        client.connect(server.localAddress(), 80, new Echo(true, done));
        return done.get(10, TimeUnit.SECONDS);
    }

    /**
     * Both ends of a callback lifecycle, on their loop threads: the client sends 1 KiB, the
     * server answers it with 1 KiB, the client shuts down its output, each closes at the other's
     * FIN; the client's future completes when its close handshake is complete.
     */
    private final class Echo implements io.tcpclose.stack.ConnectionListener {
        private final boolean client;
        private final CompletableFuture<Integer> done;
        private int got;
        private int first = -1;

        Echo(boolean client, CompletableFuture<Integer> done) {
            this.client = client;
            this.done = done;
        }

        @Override
        public void onEstablished(io.tcpclose.stack.Connection c) {
            if (client) {
                c.send(io.tcpclose.wire.Bytes.copyOf(out));
            }
        }

        @Override
        public void onReadable(io.tcpclose.stack.Connection c) {
            io.tcpclose.wire.Bytes b = c.readAll();
            if (first < 0 && !b.isEmpty()) {
                first = b.get(0);
            }
            got += b.length();
            if (got == SIZE) {
                if (client) {
                    c.shutdownOutput();
                } else {
                    c.send(io.tcpclose.wire.Bytes.copyOf(out));
                }
            }
        }

        @Override
        public void onPeerFinished(io.tcpclose.stack.Connection c) {
            c.close();
        }

        @Override
        public void onCloseCompleted(io.tcpclose.stack.Connection c) {
            if (done != null) {
                done.complete(first);
            }
        }

        @Override
        public void onClosed(io.tcpclose.stack.Connection c, io.tcpclose.engine.CloseReason reason) {
            if (done != null && reason != io.tcpclose.engine.CloseReason.NORMAL) {
                done.completeExceptionally(new IllegalStateException("lifecycle ended " + reason));
            }
        }
    }

    private int tcpclose() throws Exception {
        NioConnection c = client.connect(server.localAddress(), 80).get(10, TimeUnit.SECONDS);
        NioConnection s = server.accept(80).get(10, TimeUnit.SECONDS);
        c.outputStream().write(out);
        Lifecycles.readFully(s.inputStream(), in);
        s.outputStream().write(out);
        Lifecycles.readFully(c.inputStream(), in);
        c.shutdownOutput();                 // the client closes first
        if (s.inputStream().read() != -1) {
            throw new IllegalStateException("expected the end of stream");
        }
        s.close();
        if (c.inputStream().read() != -1) {
            throw new IllegalStateException("expected the end of stream");
        }
        c.close();
        c.closeCompleted().get(10, TimeUnit.SECONDS);
        s.closeCompleted().get(10, TimeUnit.SECONDS);
        return in[0];
    }

    private int kernel() throws IOException {
        return Lifecycles.kernel(kernelAddress, listener, out, in);
    }
}
