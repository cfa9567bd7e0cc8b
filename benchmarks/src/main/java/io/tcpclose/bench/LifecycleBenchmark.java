package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
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
    @Param({"tcpclose", "kernel"})
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
        if (impl.equals("tcpclose")) {
            TcpConfig c = TcpConfig.builder().msl(Duration.ofMillis(250)).build();
            server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), c);
            client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), c);
            server.listen(80, 1024);
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
        return impl.equals("tcpclose") ? tcpclose() : kernel();
    }

    private int tcpclose() throws Exception {
        NioConnection c = client.connect(server.localAddress(), 80).get(10, TimeUnit.SECONDS);
        NioConnection s = server.accept(80).get(10, TimeUnit.SECONDS);
        c.outputStream().write(out);
        readFully(s.inputStream(), in);
        s.outputStream().write(out);
        readFully(c.inputStream(), in);
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
        try (SocketChannel c = SocketChannel.open(kernelAddress); SocketChannel s = listener.accept()) {
            write(c, out);
            read(s, in);
            write(s, out);
            read(c, in);
            c.shutdownOutput();
            if (s.read(ByteBuffer.allocate(1)) != -1) {
                throw new IllegalStateException("expected the end of stream");
            }
            s.close();
            if (c.read(ByteBuffer.allocate(1)) != -1) {
                throw new IllegalStateException("expected the end of stream");
            }
        }
        return in[0];
    }

    private static void readFully(InputStream s, byte[] b) throws IOException {
        for (int n = 0; n < b.length; ) {
            int r = s.read(b, n, b.length - n);
            if (r < 0) {
                throw new IllegalStateException("end of stream after " + n + " bytes");
            }
            n += r;
        }
    }

    private static void write(SocketChannel c, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            c.write(buf);
        }
    }

    private static void read(SocketChannel c, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            if (c.read(buf) < 0) {
                throw new IllegalStateException("end of stream");
            }
        }
    }
}
