package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.sim.Host;
import io.tcpclose.sim.LinkConfig;
import io.tcpclose.sim.Simulator;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.wire.Bytes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The simulator: segment deliveries per second of wall time on a lossy link, and complete
 * connection lifecycles (open, 10 KiB each way, four-way close, TIME-WAIT expiry) per second.
 * Each operation builds a fresh two-host simulation (trace off), so host setup is included,
 * except {@link #lifecycleReused}, which resets one; the data sent is made once.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SimBenchmark {
    /** Deliveries, reported by JMH as a rate beside the operations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries {
        public long deliveries;

        @Setup(Level.Iteration)
        public void clear() {
            deliveries = 0;
        }
    }

    /** Reads everything, closes on EOF, and (the server) sends its data and half-closes once connected. */
    static final class Peer implements ConnectionListener {
        private final Bytes sendOnEstablished;

        Peer(Bytes sendOnEstablished) {
            this.sendOnEstablished = sendOnEstablished;
        }

        @Override
        public void onEstablished(Connection conn) {
            if (sendOnEstablished != null) {
                conn.send(sendOnEstablished);
                conn.shutdownOutput();
            }
        }

        @Override
        public void onReadable(Connection conn) {
            conn.readAll();
        }

        @Override
        public void onPeerFinished(Connection conn) {
            conn.close();
        }
    }

    /** The data each end sends: immutable, so made once rather than in every operation. */
    static final Bytes BULK = Bytes.pattern(256 * 1024);
    static final Bytes SMALL = Bytes.pattern(10 * 1024);

    static Simulator run(LinkConfig link, Bytes data, long seed) {
        return run(network(link, seed), data);
    }

    /** The two hosts and their link, trace off. */
    static Simulator network(LinkConfig link, long seed) {
        Simulator sim = new Simulator(seed).traceEnabled(false);
        Host a = sim.addHost("client", "10.0.0.1", TcpConfig.DEFAULTS);
        Host b = sim.addHost("server", "10.0.0.2", TcpConfig.DEFAULTS);
        sim.connect(a, b, link);
        return sim;
    }

    /** One lifecycle on a network built or reset for it. */
    static Simulator run(Simulator sim, Bytes data) {
        Host a = sim.host("client");
        Host b = sim.host("server");
        b.listen(80, c -> new Peer(data));
        Connection c = a.connect(b, 80, new Peer(null));
        c.send(data);
        c.shutdownOutput();
        sim.run();
        return sim;
    }

    static final LinkConfig LOSSY = LinkConfig.builder().loss(0.05).delay(Duration.ofMillis(5)).jitter(Duration.ofMillis(1)).build();
    static final LinkConfig CLEAN = LinkConfig.builder().delay(Duration.ofMillis(5)).build();

    /** 256 KiB each way over 5% loss; JMH reports {@code deliveries} per second. */
    @Benchmark
    public long lossyTransfer(Deliveries counter) {
        Simulator sim = run(LOSSY, BULK, 11);
        long n = sim.link("client", "server").delivered() + sim.link("server", "client").delivered();
        counter.deliveries += n;
        return n;
    }

    /** One network, {@link Simulator#reset} before each lifecycle, as a property test's runs would share it. */
    @State(Scope.Thread)
    public static class Reused {
        Simulator sim;

        @Setup(Level.Trial)
        public void build() {
            sim = network(CLEAN, 12);
        }
    }

    /** {@link #lifecycle}'s run on a reused network: the same events, without building the hosts. */
    @Benchmark
    public long lifecycleReused(Reused r) {
        Simulator sim = run(r.sim.reset(12), SMALL);
        return sim.eventsProcessed();
    }

    /** One complete lifecycle on a clean link. */
    @Benchmark
    public long lifecycle() {
        Simulator sim = run(CLEAN, SMALL, 12);
        return sim.eventsProcessed();
    }
}
