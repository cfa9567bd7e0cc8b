package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures (does not estimate) heap bytes per connection held by a {@code TcpStack}: N
 * connections are opened (and, for TIME-WAIT, closed by the server first), then the heap used
 * after full GCs is compared with the heap before. Run with a fixed, pre-touched heap:
 * {@code java -Xms8g -Xmx8g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar
 * io.tcpclose.bench.Footprint [timeWaitConnections] [establishedConnections]}.
 */
public final class Footprint {
    private Footprint() {}

    public static void main(String[] args) {
        int timeWait = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int established = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        System.out.printf("TimerWheel:  %d pending timers, %.1f bytes each%n", timeWait, perTimer(timeWait));
        System.out.printf("ESTABLISHED: %d connections, %.0f bytes each%n", established, perConnection(established, false, false));
        System.out.printf("TIME-WAIT:   %d connections, %.0f bytes each (compactTimeWait, opened and closed in waves of 10,000)%n",
                timeWait, perConnection(timeWait, true, true, 10_000));
        System.out.printf("TIME-WAIT:   %d connections, %.0f bytes each (compactTimeWait, all open at once first: the stack keeps that peak's arrays)%n",
                timeWait, perConnection(timeWait, true, true, 0));
        System.out.printf("TIME-WAIT:   %d connections, %.0f bytes each (default: each keeps its Connection and snapshot; waves of 10,000)%n",
                timeWait, perConnection(timeWait, true, false, 10_000));
    }

    static double perConnection(int n, boolean intoTimeWait, boolean compact) {
        return perConnection(n, intoTimeWait, compact, 0);
    }

    /** @param wave as in {@link RawPeer}: 0 opens all at once, else that many at a time, each wave closed before the next */
    static double perConnection(int n, boolean intoTimeWait, boolean compact, int wave) {
        long before = used();
        RawPeer peer = new RawPeer(n, TcpConfig.DEFAULTS, compact, intoTimeWait ? wave : 0);
        if (intoTimeWait) {
            if (wave == 0) {
                peer.closeAllIntoTimeWait();
            }
            int tw = peer.server.stats().connections(TcpState.TIME_WAIT);
            if (tw != n) {
                throw new IllegalStateException(tw + " of " + n + " connections reached TIME-WAIT");
            }
        }
        // The peer's own arrays (addresses, pseudo-headers, ports) are not the stack's: subtract them.
        long peerArrays = 0;
        long after = used();
        long perPeer = peerOverheadBytes(n);
        peerArrays += perPeer;
        double per = (after - before - peerArrays) / (double) n;
        if (peer.server.connectionCount() != n) {
            throw new IllegalStateException("lost connections");
        }
        return per;
    }

    /** Heap bytes per pending timer: {@code n} timers in a wheel that started small and grew, as the driver's does. */
    static double perTimer(int n) {
        long before = used();
        io.tcpclose.timer.TimerWheel w = new io.tcpclose.timer.TimerWheel(0, 1L << 20, 4096, 1024); // grows by doubling, as in TcpStack
        for (int i = 0; i < n; i++) {
            w.schedule((long) i * 997, i);
        }
        long after = used();
        if (w.pendingCount() != n) {
            throw new IllegalStateException("lost timers");
        }
        return (after - before) / (double) n;
    }

    /** Measured separately: the heap the RawPeer's bookkeeping takes without the stack's connections. */
    static long peerOverheadBytes(int n) {
        long before = used();
        Object[] keep = {new java.net.InetAddress[n], new int[n], new io.tcpclose.wire.PseudoHeader[n], new int[n]};
        java.net.InetAddress[] ips = (java.net.InetAddress[]) keep[0];
        io.tcpclose.wire.PseudoHeader[] ph = (io.tcpclose.wire.PseudoHeader[]) keep[2];
        for (int i = 0; i < n; i++) {
            int host = i / 50_000;
            ips[i] = RawPeer.ip("10." + (host >> 8 & 255) + "." + (host & 255) + ".1");
            ph[i] = io.tcpclose.wire.PseudoHeader.of(ips[i], RawPeer.SERVER);
        }
        long after = used();
        if (keep.length != 4) {
            throw new AssertionError();
        }
        return after - before;
    }

    static long used() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return m.getHeapMemoryUsage().getUsed();
    }
}
