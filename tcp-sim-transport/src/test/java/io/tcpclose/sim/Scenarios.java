package io.tcpclose.sim;

import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.wire.Bytes;
import java.time.Duration;

/** Small test scenarios over a client/server pair. */
final class Scenarios {
    private Scenarios() {}

    static Bytes pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return Bytes.copyOf(b);
    }


    /** Server sinks data; client connects at 0 and sends {@code n} bytes once established. */
    static Simulator openAndSend(Simulator sim, int n) {
        StringBuilder got = new StringBuilder();
        sim.host("server").listen(80, c -> new ConnectionListener() {
            @Override
            public void onReadable(Connection conn) {
                got.append(conn.readAll().utf8());
            }

            @Override
            public void onPeerFinished(Connection conn) {
                conn.close();
            }
        });
        receivedBy.put(sim, got);
        sim.host("client").connect(sim.host("server"), 80, new ConnectionListener() {
            @Override
            public void onEstablished(Connection c) {
                if (n > 0) {
                    c.send(pattern(n));
                }
            }
        });
        return sim;
    }

    static final java.util.Map<Simulator, StringBuilder> receivedBy = new java.util.WeakHashMap<>();

    static String received(Simulator sim) {
        return receivedBy.get(sim).toString();
    }

    /** Connect, send, close after 1 s, run to the end. */
    static Simulator transfer(Simulator sim, int n) {
        openAndSend(sim, n);
        sim.at(Duration.ofSeconds(5), "client closes", () -> sim.host("client").stack().connections().get(0).close());
        sim.run();
        return sim;
    }
}
