package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.wire.Bytes;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole driver path for one data segment: decode with checksum, demultiplex by 4-tuple
 * among N connections, engine step, delivery to the application (which reads it: a second
 * step), the ACK encoded with its checksum and handed to the transport. Connections are
 * picked in a random permutation. Each operation also encodes the inbound segment (the peer's
 * side); {@link CodecBenchmark#encode} measures that part alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DriverBenchmark {
    @Param({"1000", "10000", "1000000"})
    public int connections;

    RawPeer peer;
    int[] order;
    int cursor;
    final Bytes payload = Bytes.pattern(64);

    @Setup
    public void setUp() {
        peer = new RawPeer(connections, TcpConfig.DEFAULTS);
        order = new int[connections];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < connections; i++) {
            order[i] = i;
        }
        for (int i = connections - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    @Benchmark
    public long dataSegmentThroughDriver() {
        int i = order[cursor];
        cursor = cursor + 1 == connections ? 0 : cursor + 1;
        peer.sendData(i, payload);
        return peer.sentByServer;
    }
}
