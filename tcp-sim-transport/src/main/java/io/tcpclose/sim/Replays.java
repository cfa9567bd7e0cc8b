package io.tcpclose.sim;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks a scenario for determinism: runs it twice and reports the first event where the two
 * traces differ. A scenario that reads the wall clock, iterates a hash-ordered collection of
 * identity-hashed objects, or draws unseeded random numbers shows up here.
 *
 * <p>Stateless; thread-safe.
 */
public final class Replays {
    private Replays() {}

    /**
     * Runs {@code scenario} twice and compares the two traces event by event.
     *
     * @param scenario builds, runs and returns a simulation; called twice
     * @return the first divergence, or empty when both runs gave the same trace
     */
    public static Optional<String> firstDivergence(Supplier<Simulator> scenario) {
        Simulator a = scenario.get();
        Simulator b = scenario.get();
        return a.trace().firstDivergence(b.trace());
    }
}
