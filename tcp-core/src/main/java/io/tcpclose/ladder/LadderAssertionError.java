package io.tcpclose.ladder;

/**
 * A ladder expectation that did not hold. The message shows what was expected, what actually
 * happened, and the transcript of the exchange so far.
 *
 * <p>Immutable once thrown.
 */
public final class LadderAssertionError extends AssertionError {
    private static final long serialVersionUID = 1L;

    LadderAssertionError(String message) {
        super(message);
    }
}
