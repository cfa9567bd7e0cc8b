package io.tcpclose.stack;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.spi.ManualClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** A tiny lossless in-memory network for driver tests: two or more stacks on one manual clock. */
final class Net {
    record Packet(InetAddress src, InetAddress dst, byte[] bytes) {}

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final Map<InetAddress, TcpStack> hosts = new HashMap<>();
    final Deque<Packet> inFlight = new ArrayDeque<>();
    Predicate<Packet> drop = p -> false;
    /** Deliver with {@link TcpStack#receiveOwned} (each packet's array is fresh and never reused). */
    boolean handOver;
    int delivered;

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    TcpStack host(String address, TcpConfig config) {
        return host(address, config, false);
    }

    TcpStack host(String address, TcpConfig config, boolean compactTimeWait) {
        return host(address, config, compactTimeWait, IsnGenerator.rfc6528(1, 2));
    }

    TcpStack host(String address, TcpConfig config, boolean compactTimeWait, IsnGenerator isn) {
        InetAddress a = ip(address);
        TcpStack s = TcpStack.builder(this::send, clock).config(config).isn(isn)
                .compactTimeWait(compactTimeWait).build();
        hosts.put(a, s);
        return s;
    }

    private void send(InetAddress src, InetAddress dst, ByteBuffer segment) {
        byte[] copy = new byte[segment.remaining()];
        segment.get(copy);
        Packet p = new Packet(src, dst, copy);
        if (!drop.test(p)) {
            inFlight.add(p);
        }
    }

    /** Delivers everything, firing timers in between, until quiet or {@code maxNanos} of virtual time passed. */
    void run(long maxNanos) {
        long end = clock.nanoTime() + maxNanos;
        for (int guard = 0; guard < 1_000_000; guard++) {
            if (!inFlight.isEmpty()) {
                clock.set(clock.nanoTime() + 1_000_000); // 1 ms per hop
                Packet p = inFlight.poll();
                TcpStack to = hosts.get(p.dst());
                if (to != null) {
                    delivered++;
                    if (handOver) {
                        to.receiveOwned(p.src(), p.dst(), p.bytes());
                    } else {
                        to.receive(p.src(), p.dst(), ByteBuffer.wrap(p.bytes()));
                    }
                }
                continue;
            }
            long next = Long.MAX_VALUE;
            for (TcpStack s : hosts.values()) {
                long d = s.nextDeadlineNanos();
                if (d != io.tcpclose.engine.Tcb.NO_DEADLINE) {
                    next = Math.min(next, d);
                }
            }
            if (next == Long.MAX_VALUE || next > end) {
                return;
            }
            clock.set(Math.max(clock.nanoTime(), next));
            for (TcpStack s : hosts.values()) {
                s.poll();
            }
        }
        throw new AssertionError("network never went quiet");
    }
}
