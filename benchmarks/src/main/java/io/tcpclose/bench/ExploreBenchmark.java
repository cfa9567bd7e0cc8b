package io.tcpclose.bench;

import io.tcpclose.sim.explore.ExploreScenario;
import io.tcpclose.sim.explore.Explorer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Exhaustive exploration: one whole exploration per operation (normal close, two losses and a
 * duplicate: about 31,000 distinct states), with the distinct states it kept reported as a rate
 * beside it, on one thread or on every core. The explorer's own pool does the work; JMH runs one
 * benchmark thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ExploreBenchmark {
    /** Distinct states, reported by JMH as a rate beside the explorations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class States {
        public long states;

        @Setup(Level.Iteration)
        public void clear() {
            states = 0;
        }
    }

    /** The worker threads of the explorer. */
    @State(Scope.Benchmark)
    public static class Run {
        @Param({"1", "2"})
        public int threads;

        Explorer explorer;

        @Setup
        public void build() {
            explorer = Explorer.builder(ExploreScenario.NORMAL_CLOSE).losses(2).duplicates(1).threads(threads).build();
        }
    }

    /**
     * One exploration to the end.
     *
     * @param run    the explorer
     * @param states counts the states it kept
     * @return the state count, so the work is not eliminated
     */
    @Benchmark
    public long normalCloseTwoLossesOneDuplicate(Run run, States states) {
        Explorer.Result r = run.explorer.run();
        if (r.violation().isPresent() || !r.complete()) {
            throw new IllegalStateException("the benchmark's space is meant to be clean and finite: " + r);
        }
        states.states += r.states();
        return r.states();
    }
}
