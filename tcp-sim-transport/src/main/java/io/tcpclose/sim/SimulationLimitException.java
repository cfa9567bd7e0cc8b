package io.tcpclose.sim;

/**
 * A run hit one of its runaway limits (events processed or virtual time). The message names the
 * limit and its value.
 *
 * <p>Immutable once thrown.
 */
public final class SimulationLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulationLimitException(String message) {
        super(message);
    }
}
