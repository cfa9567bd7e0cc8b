package io.tcpclose.example;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.ladder.LadderRenderer;
import io.tcpclose.spi.ManualClock;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.stack.StackObserver;
import io.tcpclose.stack.TcpStack;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A runnable example: two {@link TcpStack}s joined by a 5 ms in-memory wire on a virtual
 * clock. The client connects, sends "hello", gets an echo and closes; the server closes when it
 * sees the client's FIN. The program prints the ladder of every segment and state change, from
 * the handshake through TIME-WAIT's 2×MSL to CLOSED, and each side's close reason.
 *
 * <p>Run with {@code ./mvnw -q -pl tcp-core compile exec:java}. Not thread-safe (a main program).
 */
public final class CloseDemo {
    private static final long ONE_WAY_NANOS = 5_000_000L;

    private record InFlight(long arrival, InetAddress src, InetAddress dst, byte[] bytes) {}

    private final ManualClock clock = new ManualClock(0);
    private final Deque<InFlight> wire = new ArrayDeque<>();
    private final LadderRenderer ladder;
    private final InetAddress clientIp;
    private final InetAddress serverIp;

    private CloseDemo(InetAddress clientIp, InetAddress serverIp) {
        this.clientIp = clientIp;
        this.serverIp = serverIp;
        this.ladder = new LadderRenderer("client " + clientIp.getHostAddress(), "server " + serverIp.getHostAddress());
    }

    /**
     * Runs the demo and prints the ladder, the close reasons and the client's counters.
     *
     * @param args ignored
     * @throws UnknownHostException never: the addresses are literals
     */
    public static void main(String[] args) throws UnknownHostException {
        new CloseDemo(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2")).run();
    }

    private void run() {
        TcpStack client = stack(true, 1000);
        TcpStack server = stack(false, 5000);
        StringBuilder clientGot = new StringBuilder();
        CloseReason[] reasons = new CloseReason[2];
        ladder.state(0, false, TcpState.LISTEN);
        server.listen(80, c -> new ConnectionListener() {
            @Override
            public void onReadable(Connection conn) {
                conn.send(Bytes.utf8(conn.readAll().utf8() + " back"));
            }

            @Override
            public void onPeerFinished(Connection conn) {
                conn.close(); // passive close: our FIN after the client's
            }

            @Override
            public void onClosed(Connection conn, CloseReason reason) {
                reasons[1] = reason;
            }
        });
        Connection conn = client.connect(clientIp, 49152, serverIp, 80, new ConnectionListener() {
            @Override
            public void onEstablished(Connection c) {
                c.send(Bytes.utf8("hello"));
            }

            @Override
            public void onReadable(Connection c) {
                clientGot.append(c.readAll().utf8());
                c.close(); // active close once the echo is in
            }

            @Override
            public void onClosed(Connection c, CloseReason reason) {
                reasons[0] = reason;
            }
        });
        runNetwork(client, server);

        System.out.println("tcpclose demo: a normal close through the engine (MSL "
                + TcpConfig.DEFAULTS.mslNanos() / 1_000_000_000L + " s, so TIME-WAIT lasts "
                + TcpConfig.DEFAULTS.timeWaitNanos() / 1_000_000_000L + " s of virtual time)");
        System.out.println();
        System.out.print(ladder.render());
        System.out.println();
        System.out.println("client: " + conn.state() + " (" + reasons[0] + "), received \"" + clientGot + "\"");
        System.out.println("server: " + (reasons[1] == null ? "open" : "CLOSED (" + reasons[1] + ")"));
        System.out.println();
        System.out.print(client.stats());
    }

    private TcpStack stack(boolean isClient, int iss) {
        InetAddress self = isClient ? clientIp : serverIp;
        return TcpStack.builder((src, dst, bytes) -> {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            wire.add(new InFlight(clock.nanoTime() + ONE_WAY_NANOS, src, dst, copy));
        }, clock).isn(IsnGenerator.fixed(iss)).observer(new StackObserver() {
            @Override
            public void segmentOut(long nanos, FourTuple id, Segment segment) {
                ladder.segment(nanos, isClient, segment, null);
            }

            @Override
            public void stateChanged(long nanos, FourTuple id, TcpState from, TcpState to) {
                if (!(from == TcpState.CLOSED && to == TcpState.LISTEN)) {
                    ladder.state(nanos, isClient, to);
                }
            }
        }).build();
    }

    /** Delivers segments in arrival order and fires timers, jumping the clock to each next event. */
    private void runNetwork(TcpStack client, TcpStack server) {
        for (int guard = 0; guard < 10_000; guard++) {
            long nextTimer = Math.min(client.nextDeadlineNanos(), server.nextDeadlineNanos());
            InFlight next = wire.peek();
            if (next == null && nextTimer == Long.MAX_VALUE) {
                return;
            }
            if (next != null && next.arrival() - nextTimer <= 0) {
                wire.poll();
                clock.set(Math.max(clock.nanoTime(), next.arrival()));
                TcpStack to = next.dst().equals(serverIp) ? server : client;
                to.receive(next.src(), next.dst(), ByteBuffer.wrap(next.bytes()));
            } else {
                clock.set(Math.max(clock.nanoTime(), nextTimer));
                client.poll();
                server.poll();
            }
        }
        throw new IllegalStateException("the demo network never went quiet");
    }
}
