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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Timer throughput with N timers pending, for our wheel and its peers. Connections are picked
 * in a random permutation (never round robin, which would flatter a heap-based peer).
 * Pending deadlines are spread over 60 s, like TCP's retransmission and TIME-WAIT timers, and
 * lie far ahead (see {@link TimerExpireBenchmark} for expiry).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimerBenchmark {
    static final long SECOND = 1_000_000_000L;
    static final long FAR = 1_000_000 * SECOND;

    @Param({"tcpclose", "agrona", "netty", "jdk", "pq"})
    public String impl;

    @Param({"1000", "100000", "1000000"})
    public int pending;

    Timers timers;
    int[] order;
    long[] deadlines;
    int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        timers = Timers.create(impl, pending + 1);
        SplittableRandom r = new SplittableRandom(42);
        order = new int[pending];
        deadlines = new long[pending];
        for (int i = 0; i < pending; i++) {
            order[i] = i;
            deadlines[i] = FAR + r.nextLong(60 * SECOND);
            timers.schedule(i, deadlines[i]);
        }
        for (int i = pending - 1; i > 0; i--) { // Fisher-Yates
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        timers.close();
    }

    private int next() {
        int i = order[cursor];
        cursor = cursor + 1 == pending ? 0 : cursor + 1;
        return i;
    }

    /** Arm a timer and disarm it again, among N pending. */
    @Benchmark
    public long scheduleCancel() {
        int i = pending; // the spare slot
        timers.schedule(i, FAR + (cursor & 1023) * Timers.TICK_NANOS);
        timers.cancel(i);
        cursor = cursor + 1 == pending ? 0 : cursor + 1;
        return cursor;
    }

    /** One connection's deadline moves forward, as on every ACK. */
    @Benchmark
    public int rearm() {
        int i = next();
        long d = deadlines[i] + 200_000_000L; // +200 ms
        deadlines[i] = d;
        timers.rearm(i, d);
        return i;
    }
}
