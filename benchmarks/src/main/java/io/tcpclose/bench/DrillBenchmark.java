package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.packetdrill.Runner;
import io.tcpclose.packetdrill.Script;
import io.tcpclose.packetdrill.ScriptResult;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * packetdrill scripts per second: one script (a passive close with a retransmitted FIN and
 * TIME-WAIT's end, 70 s of virtual time) parsed once and run on a fresh stack per operation,
 * the way a conformance suite runs its hundreds of scripts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DrillBenchmark {
    static final String SCRIPT = String.join("\n",
            "0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
            "+0  bind(3, ..., ...) = 0",
            "+0  listen(3, 1) = 0",
            "+0  < S 0:0(0) win 32792 <mss 1460>",
            "+0  > S. 0:0(0) ack 1 <mss 1460>",
            "+.1 < . 1:1(0) ack 1 win 32792",
            "+0  accept(3, ..., ...) = 4",
            "+0  < P. 1:1001(1000) ack 1 win 32792",
            "+0  > . 1:1(0) ack 1001",
            "+0  read(4, ..., 1000) = 1000",
            "+0  close(4) = 0",
            "+0  > F. 1:1(0) ack 1001",
            "+1  > F. 1:1(0) ack 1001",
            "+.1 < . 1001:1001(0) ack 2 win 32792",
            "+.1 < F. 1001:1001(0) ack 2 win 32792",
            "+0  > . 2:2(0) ack 1002",
            "+61 < . 1002:1002(0) ack 2 win 32792",
            "+0  > R 2:2(0)", "");

    Script script;

    @Setup
    public void setUp() {
        script = Script.parse("bench.pkt", SCRIPT, Set.of());
    }

    /** One script run; returns its status so the work cannot be elided. */
    @Benchmark
    public ScriptResult.Status run() {
        return new Runner(script, TcpConfig.DEFAULTS, false).run().status();
    }
}
