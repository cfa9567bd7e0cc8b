package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Bulk transfer on loopback, one connection, one way: an operation is one MiB written by the
 * client and counted by the server, so operations per second are MiB/s. {@code tcpclose}: two
 * {@link NioTcpStack}s (the client writes through the blocking {@code OutputStream}, the
 * server reads on its loop thread); {@code kernel}: the JDK's blocking {@code SocketChannel}s
 * on the kernel's TCP, a reader thread counting. The auxiliary counter {@code datagrams} is
 * the datagrams both tcpclose loops received (data segments and ACKs), per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BulkBenchmark {
    /** The implementation. */
    @Param({"tcpclose", "kernel"})
    public String impl;

    /**
     * tcpclose's MSS: 1460 (an Ethernet path) or 16384 (loopback's 64 KiB MTU allows large
     * datagrams, as the kernel's loopback TCP uses 64 KiB segments). Ignored by {@code kernel}.
     */
    @Param({"1460", "16384"})
    public int mss;

    static final int MIB = 1 << 20;
    private final byte[] chunk = new byte[64 * 1024];
    private final AtomicLong received = new AtomicLong();
    private long target;

    private NioTcpStack server;
    private NioTcpStack client;
    private NioConnection connection;
    private OutputStream out;
    private ServerSocketChannel listener;
    private SocketChannel kernelClient;
    private Thread reader;
    private final ByteBuffer kernelOut = ByteBuffer.allocateDirect(64 * 1024);

    /** Datagrams received by both loops, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Datagrams {
        /** Datagrams received during the iteration. */
        public long datagrams;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (impl.equals("tcpclose")) {
            TcpConfig c = TcpConfig.builder().msl(Duration.ofMillis(250)).mss(mss).build();
            server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), c);
            client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), c);
            server.listen(80, 16, conn -> new ConnectionListener() {
                @Override
                public void onReadable(Connection cc) {
                    received.addAndGet(cc.readAll().length());
                }
            });
            connection = client.connect(server.localAddress(), 80).get(10, TimeUnit.SECONDS);
            out = connection.outputStream();
        } else {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            kernelClient = SocketChannel.open(listener.getLocalAddress());
            SocketChannel accepted = listener.accept();
            reader = new Thread(() -> {
                ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
                try {
                    for (int n = accepted.read(in); n >= 0; n = accepted.read(in)) {
                        received.addAndGet(n);
                        in.clear();
                    }
                } catch (IOException closed) {
                    // the trial is over
                }
            }, "kernel-reader");
            reader.setDaemon(true);
            reader.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (client != null) {
            client.close();
            server.close();
        }
        if (kernelClient != null) {
            kernelClient.close();
            listener.close();
            reader.join(5_000);
        }
    }

    /** One MiB across; returns the bytes counted so far so the work cannot be elided. */
    @Benchmark
    public long mebibyte(Datagrams counters) throws Exception {
        target += MIB;
        long before = impl.equals("tcpclose") ? server.stats().segmentsIn() + client.stats().segmentsIn() : 0;
        for (int sent = 0; sent < MIB; sent += chunk.length) {
            if (out != null) {
                out.write(chunk);
            } else {
                kernelOut.clear();
                while (kernelOut.hasRemaining()) {
                    kernelClient.write(kernelOut);
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.get() < target) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the transfer stalled at " + received.get() + " of " + target);
            }
            LockSupport.parkNanos(20_000);
        }
        if (server != null) {
            counters.datagrams += server.stats().segmentsIn() + client.stats().segmentsIn() - before;
        }
        return received.get();
    }
}
