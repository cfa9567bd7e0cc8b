package io.tcpclose.packetdrill;

import java.util.List;

/**
 * How one script ran. Immutable; thread-safe.
 *
 * @param name         the script's name (its file name)
 * @param status       passed, failed, or used something the runner does not support
 * @param message      the first mismatch (script line, expected against actual, the time) or the
 *                     unsupported construct; empty when passed
 * @param ladder       every segment in and out and every call, in order, for {@code --verbose}
 * @param relaxations  what {@code --lenient} let pass that strict mode would not
 * @param skipped      shell commands the runner skipped, named
 */
public record ScriptResult(String name, Status status, String message, List<String> ladder,
                           List<String> relaxations, List<String> skipped) {
    /** The outcome. */
    public enum Status {
        /** Every event happened as the script said. */
        PASS,
        /** An event did not: see the message. */
        FAIL,
        /** The script uses a construct the runner does not support. */
        UNSUPPORTED
    }
}
