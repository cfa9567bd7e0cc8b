package io.tcpclose.nio;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.wire.Bytes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One end of {@link LossyPathTest}, run in its own JVM inside a network namespace: {@code serve
 * BIND SERVER UDP N BYTES SECONDS} or {@code connect BIND SERVER UDP N BYTES SECONDS}. Each of N
 * connections sends BYTES of a known pattern and checks every byte it receives against it; the
 * client closes first once it has sent and received everything, the server when it reads the
 * end of stream. Everything runs on the loop thread (listeners), so 200 connections need no
 * threads. When all are closed and TIME-WAIT has ended it prints one line the test parses:
 * {@code RESULT closed=N ok=K reasons={..} connections=C timers=T errors=E}. Bounded by SECONDS.
 */
final class LossyPeer {
    static final int TCP_PORT = 80;
    /**
     * Linux's 200 ms RTO floor; the RTO capped at 1 s and MSL 5 s. TIME-WAIT only repairs a
     * lost last ACK if it outlasts the peer's FIN retransmissions (RFC 9293 §3.6.1 assumes MSL
     * far above the RTO): at 20% loss a FIN backed off to 6.4 s outlived a 4 s TIME-WAIT and
     * met a RST (found in the simulator, seed 102). 10 s of TIME-WAIT against FINs at most 1 s
     * apart leaves about ten tries (the same ratio as 20 s against 2 s, in half the time). Orphans (a closed connection whose FIN is still out) get the
     * normal 15 retries instead of Linux's 8: a try fails when the segment or its ACK is lost,
     * 36% at 20% each way, and 0.36^8 = 3e-4 per FIN over 200 connections' closes gave one
     * TIMED_OUT_RETRANSMISSION in a CI run (0.36^15 = 2e-7 does not).
     */
    static final TcpConfig CONFIG = TcpConfig.builder().msl(Duration.ofSeconds(5))
            .rtoMin(Duration.ofMillis(200)).rtoInitial(Duration.ofMillis(1000)).rtoMax(Duration.ofSeconds(1))
            .maxRetransmissions(15, 15).build();

    private LossyPeer() {}

    /** The byte at offset {@code i} of every stream. */
    static byte patternAt(long i) {
        return (byte) (i * 7 + (i >>> 8));
    }

    public static void main(String[] args) throws Exception {
        boolean serve = args[0].equals("serve");
        InetAddress bind = InetAddress.getByName(args[1]);
        InetAddress address = InetAddress.getByName(args[2]);
        int udp = Integer.parseInt(args[3]);
        int n = Integer.parseInt(args[4]);
        int bytes = Integer.parseInt(args[5]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.parseInt(args[6]));
        CountDownLatch closed = new CountDownLatch(n);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        Map<String, Integer> reasons = new ConcurrentHashMap<>();
        NioTcpStack stack = NioTcpStack.open(new InetSocketAddress(bind, serve ? udp : 0), CONFIG);
        try {
            if (serve) {
                stack.listen(TCP_PORT, 256, c -> new End(false, bytes, closed, ok, errors, reasons).started(c));
                System.out.println("READY");
                System.out.flush();
            } else {
                InetSocketAddress server = new InetSocketAddress(address, udp);
                for (int i = 0; i < n; i++) {
                    stack.connect(server, TCP_PORT, new End(true, bytes, closed, ok, errors, reasons));
                }
            }
            boolean all = closed.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            // TIME-WAIT ends: then nothing may be left, neither connection nor timer.
            while (all && (stack.connectionCount() > 0 || stack.hasPendingTimers()) && System.nanoTime() - deadline < 0) {
                Thread.sleep(100);
            }
            System.out.println("RESULT closed=" + (n - closed.getCount()) + " ok=" + ok.get() + " reasons="
                    + new TreeMap<>(reasons) + " connections=" + stack.connectionCount()
                    + " timers=" + stack.hasPendingTimers() + " errors=" + errors.get()
                    + " retransmissions=" + stack.stats().retransmissions());
            System.out.flush();
        } finally {
            stack.close();
        }
    }

    /** One connection's end: sends the pattern, checks what arrives, closes when its rule says. */
    private static final class End implements ConnectionListener {
        private final boolean client;
        private final int bytes;
        private final CountDownLatch closed;
        private final AtomicInteger ok;
        private final AtomicInteger errors;
        private final Map<String, Integer> reasons;
        private int sent;
        private long received;
        private boolean mismatch;
        private boolean peerDone;

        End(boolean client, int bytes, CountDownLatch closed, AtomicInteger ok, AtomicInteger errors,
                Map<String, Integer> reasons) {
            this.client = client;
            this.bytes = bytes;
            this.closed = closed;
            this.ok = ok;
            this.errors = errors;
            this.reasons = reasons;
        }

        ConnectionListener started(Connection c) {
            onEstablished(c);
            return this;
        }

        @Override
        public void onEstablished(Connection c) {
            pump(c);
        }

        @Override
        public void onWritable(Connection c) {
            pump(c);
        }

        private void pump(Connection c) {
            while (sent < bytes) {
                int n = Math.min(bytes - sent, Math.max(1, Math.min(16_384, c.sendRoom())));
                byte[] chunk = new byte[n];
                for (int i = 0; i < n; i++) {
                    chunk[i] = patternAt(sent + i);
                }
                int taken = c.send(chunk);
                sent += taken;
                if (taken < n) {
                    return; // onWritable brings us back
                }
            }
            maybeClose(c);
        }

        @Override
        public void onReadable(Connection c) {
            Bytes got = c.readAll();
            for (int i = 0; i < got.length(); i++) {
                if (got.get(i) != patternAt(received + i)) {
                    mismatch = true;
                }
            }
            received += got.length();
            if (client) {
                maybeClose(c);
            }
        }

        @Override
        public void onPeerFinished(Connection c) {
            onReadable(c);
            peerDone = true;
            maybeClose(c);
        }

        private void maybeClose(Connection c) {
            if (sent < bytes) {
                return;
            }
            if (client && received >= bytes) {
                c.close(); // the client closes first once everything is in, both ways
            } else if (!client && peerDone) {
                c.close();
            }
        }

        @Override
        public void onClosed(Connection c, CloseReason reason) {
            reasons.merge(String.valueOf(reason), 1, Integer::sum);
            if (reason == CloseReason.NORMAL && received == bytes && sent == bytes && !mismatch) {
                ok.incrementAndGet();
            } else if (mismatch || received != bytes) {
                errors.incrementAndGet();
            }
            closed.countDown();
        }
    }
}
