package io.tcpclose.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.wire.MalformedSegmentException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Loopback load, bounded in count and time: many connections closing at once, and a flood of
 * garbage datagrams while connections close. Only 127.0.0.1 is used.
 */
class LoadTest {
    private static final TcpConfig FAST = TcpConfig.builder().msl(Duration.ofMillis(200)).build();
    private NioTcpStack server;
    private NioTcpStack client;

    @AfterEach
    void closeStacks() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private List<NioConnection[]> pairs(int n) throws Exception {
        List<NioConnection[]> out = new ArrayList<>();
        for (int done = 0; done < n; ) {
            int batch = Math.min(500, n - done); // a burst the sockets' buffers take whole
            List<CompletableFuture<NioConnection>> cs = new ArrayList<>();
            List<CompletableFuture<NioConnection>> ss = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                cs.add(client.connect(server.localAddress(), 80));
                ss.add(server.accept(80));
            }
            for (int i = 0; i < batch; i++) {
                out.add(new NioConnection[] {cs.get(i).get(60, TimeUnit.SECONDS), ss.get(i).get(60, TimeUnit.SECONDS)});
            }
            done += batch;
        }
        return out;
    }

    @Test
    void ten_thousand_connections_close_at_once_half_of_them_client_first_and_leave_nothing_behind() throws Exception {
        server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), FAST);
        client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), FAST);
        server.listen(80, 1024);
        List<NioConnection[]> all = pairs(10_000);
        for (int i = 0; i < all.size(); i++) {
            all.get(i)[i % 2].close(); // even: the client closes first; odd: the server does
        }
        for (NioConnection[] p : all) { // the other end closes at the peer's FIN
            p[0].closeCompleted().exceptionally(t -> null);
        }
        for (int i = 0; i < all.size(); i++) {
            NioConnection other = all.get(i)[1 - i % 2];
            other.close();
        }
        for (NioConnection[] p : all) {
            assertEquals(CloseReason.NORMAL, p[0].closed().get(60, TimeUnit.SECONDS), p[0].toString());
            assertEquals(CloseReason.NORMAL, p[1].closed().get(60, TimeUnit.SECONDS), p[1].toString());
        }
        assertEquals(0, client.connectionCount());
        assertEquals(0, server.connectionCount());
        assertFalse(client.hasPendingTimers(), "no timer left once TIME-WAIT ended");
        assertFalse(server.hasPendingTimers());
    }

    /**
     * The flood makes the kernel drop real datagrams too, so FINs and ACKs are retransmitted: a
     * TIME-WAIT shorter than those retransmissions would end before the peer's last FIN arrives
     * and answer it with a reset (the hazard 2×MSL guards against, RFC 9293 §3.6.1). Here 2×MSL
     * (8 s) is well above the retransmissions' backoff from a 200 ms RTO.
     */
    private static final TcpConfig UNDER_FLOOD = TcpConfig.builder().msl(Duration.ofSeconds(4))
            .rtoMin(Duration.ofMillis(200)).rtoInitial(Duration.ofMillis(200)).build();

    @Test
    void a_million_garbage_datagrams_are_counted_while_connections_close() throws Exception {
        server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), UNDER_FLOOD);
        client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), UNDER_FLOOD);
        server.listen(80, 256);
        List<NioConnection[]> all = pairs(100);
        Thread flood = new Thread(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.connect(server.localAddress());
                SplittableRandom r = new SplittableRandom(7);
                ByteBuffer b = ByteBuffer.allocate(64);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (int i = 0; i < 1_000_000 && System.nanoTime() < deadline; i++) {
                    b.clear();
                    int len = 1 + r.nextInt(64);
                    for (int j = 0; j < len; j++) {
                        b.put((byte) r.nextInt());
                    }
                    b.flip();
                    try {
                        ch.write(b);
                    } catch (java.io.IOException e) {
                        // a full socket buffer: the kernel drops it, as any network would
                    }
                }
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        flood.start();
        for (NioConnection[] p : all) {
            p[0].close();
            p[1].close();
        }
        flood.join(TimeUnit.SECONDS.toMillis(90));
        for (NioConnection[] p : all) {
            assertEquals(CloseReason.NORMAL, p[0].closed().get(60, TimeUnit.SECONDS));
            assertEquals(CloseReason.NORMAL, p[1].closed().get(60, TimeUnit.SECONDS));
        }
        long malformed = 0;
        for (MalformedSegmentException.Reason reason : MalformedSegmentException.Reason.values()) {
            malformed += server.stats().malformed(reason);
        }
        assertTrue(malformed > 10_000, "garbage counted: " + malformed);
        assertEquals(0, server.connectionCount());
    }
}
