package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures heap bytes allocated per received segment on the loop path, in steady state: a bulk
 * transfer on loopback between two {@link NioTcpStack}s, the receiving loop thread's and the
 * sending loop thread's allocations ({@code com.sun.management.ThreadMXBean}) divided by the
 * datagrams each received. The receiver hands every payload out as a new {@code Bytes} (the
 * copy into the user's buffer), which the report separates. {@code java -cp
 * benchmarks/target/benchmarks.jar io.tcpclose.bench.LoopAllocation [MiB]}.
 */
public final class LoopAllocation {
    private LoopAllocation() {}

    /** What one run measured. */
    record Result(double perDataSegment, double perAckSegment, double payloadPerDataSegment,
            long dataSegments, long ackSegments) {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        Result r = measure(mib);
        System.out.printf("loop allocation, %d MiB on loopback: receiver %.0f B per data segment"
                        + " (%.0f B of it the payload handed to the application), sender %.0f B per ACK;"
                        + " %d data segments, %d ACKs%n",
                mib, r.perDataSegment(), r.payloadPerDataSegment(), r.perAckSegment(), r.dataSegments(), r.ackSegments());
    }

    static Result measure(int mib) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TcpConfig c = TcpConfig.builder().msl(Duration.ofMillis(250)).build();
        AtomicLong received = new AtomicLong();
        AtomicLong payloadBytes = new AtomicLong();
        try (NioTcpStack server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), c);
                NioTcpStack client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), c)) {
            server.listen(80, 16, conn -> new ConnectionListener() {
                @Override
                public void onReadable(Connection cc) {
                    int n = cc.readAll().length();
                    received.addAndGet(n);
                }
            });
            NioConnection conn = client.connect(server.localAddress(), 80).get(10, TimeUnit.SECONDS);
            long serverLoop = loopThread(server);
            long clientLoop = loopThread(client);
            byte[] chunk = new byte[64 * 1024];
            // Warm-up: a quarter of the run, so that JIT and buffers settle.
            transfer(conn, chunk, Math.max(1, mib / 4) * (1 << 20), received);
            long sa = threads.getThreadAllocatedBytes(serverLoop);
            long ca = threads.getThreadAllocatedBytes(clientLoop);
            long sIn = server.stats().segmentsIn();
            long cIn = client.stats().segmentsIn();
            long start = received.get();
            transfer(conn, chunk, (long) mib << 20, received);
            long dataSegments = server.stats().segmentsIn() - sIn;
            long acks = client.stats().segmentsIn() - cIn;
            double perData = (double) (threads.getThreadAllocatedBytes(serverLoop) - sa) / dataSegments;
            double perAck = (double) (threads.getThreadAllocatedBytes(clientLoop) - ca) / acks;
            // The payload copy handed out: its bytes plus a Bytes object and array header per read.
            double payload = (double) (received.get() - start) / dataSegments + 16 + 32;
            payloadBytes.set(0);
            return new Result(perData, perAck, payload, dataSegments, acks);
        }
    }

    private static void transfer(NioConnection conn, byte[] chunk, long bytes, AtomicLong received) throws Exception {
        long target = received.get() + bytes;
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            conn.outputStream().write(chunk);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (received.get() < target && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
    }

    /** The stack's loop thread, by the name the loop gives it. */
    private static long loopThread(NioTcpStack stack) {
        String name = "tcpclose-loop " + stack.localAddress();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t.getId();
            }
        }
        throw new IllegalStateException("no thread named " + name);
    }
}
