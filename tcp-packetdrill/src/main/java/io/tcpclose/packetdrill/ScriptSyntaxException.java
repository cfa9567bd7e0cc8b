package io.tcpclose.packetdrill;

/** A script line that is not packetdrill: the script fails with the line and what was wrong. Immutable; thread-safe. */
public final class ScriptSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Names the line and the problem.
     *
     * @param line    the script line, 1-based
     * @param problem what could not be read
     */
    public ScriptSyntaxException(int line, String problem) {
        super("line " + line + ": " + problem);
    }
}
