package io.tcpclose.packetdrill;

/**
 * A script uses a construct the runner does not support; the script is reported
 * {@link ScriptResult.Status#UNSUPPORTED}, never passed. Immutable; thread-safe.
 */
public final class UnsupportedConstructException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Names the construct.
     *
     * @param line      the script line, 1-based
     * @param construct what is not supported, as the script wrote it
     */
    public UnsupportedConstructException(int line, String construct) {
        super("line " + line + ": unsupported: " + construct);
    }
}
