package io.tcpclose.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Schedule a timer one tick ahead, let the tick pass and poll until it fires, with N other
 * timers pending further out. Single-threaded peers only: Netty and the JDK fire on their own
 * threads, so the caller never pays for expiry.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimerExpireBenchmark {
    @Param({"tcpclose", "agrona", "pq"})
    public String impl;

    @Param({"1000", "100000", "1000000"})
    public int pending;

    Timers timers;
    long now;

    @Setup(Level.Trial)
    public void setUp() {
        timers = Timers.create(impl, pending + 1);
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < pending; i++) {
            timers.schedule(i, TimerBenchmark.FAR + r.nextLong(60 * TimerBenchmark.SECOND));
        }
    }

    @Benchmark
    public int scheduleExpire() {
        timers.schedule(pending, now + Timers.TICK_NANOS);
        now += Timers.TICK_NANOS;
        // Agrona's wheel advances one tick per poll call; ours catches up in one. Poll until it fires.
        int fired = 0;
        for (int calls = 0; fired == 0 && calls < 8; calls++) {
            fired = timers.poll(now);
        }
        return fired;
    }
}
