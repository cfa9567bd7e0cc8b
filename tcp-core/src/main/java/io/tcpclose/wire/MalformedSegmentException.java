package io.tcpclose.wire;

/**
 * The one exception the decoder throws: the bytes are not a valid TCP segment. The
 * {@link #reason()} is a closed set a driver can count; the message says exactly what was wrong
 * and where.
 *
 * <p>Immutable once thrown; safe to pass between threads.
 */
public final class MalformedSegmentException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a segment was rejected by the decoder. */
    public enum Reason {
        /** Fewer than 20 bytes, or fewer bytes than the data offset says the header has. */
        TRUNCATED_HEADER,
        /** Data offset below 5 words. */
        BAD_DATA_OFFSET,
        /** An option's kind or length byte, or its body, runs past the header. */
        TRUNCATED_OPTION,
        /** An option length that is impossible (below 2) or wrong for a known kind. */
        BAD_OPTION_LENGTH,
        /** The Internet checksum over pseudo-header, header and data does not verify. */
        BAD_CHECKSUM
    }

    /** Why the segment was rejected; never null. */
    private final Reason reason;

    /**
     * Creates the exception; the message is the reason followed by {@code message}. No stack trace
     * is recorded: the exception reports bad input, not a bug.
     *
     * @param reason  why the segment was rejected
     * @param message what exactly was wrong, and where
     */
    public MalformedSegmentException(Reason reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    /** {@return why the segment was rejected} */
    public Reason reason() {
        return reason;
    }
}
