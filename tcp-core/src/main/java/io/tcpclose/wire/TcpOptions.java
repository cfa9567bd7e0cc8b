package io.tcpclose.wire;

/**
 * The TCP options tcpclose understands (RFC 9293 §3.2, RFC 7323, RFC 2018). Absent values are
 * {@code -1} ({@code mss}, {@code windowScale}) or {@code false}; unknown options are skipped
 * by the decoder and never re-emitted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mss           maximum segment size (kind 2), or -1
 * @param windowScale   window-scale shift count (kind 3), or -1
 * @param sackPermitted SACK-permitted (kind 4) was present
 * @param hasTimestamps a timestamps option (kind 8) was present
 * @param tsVal         the timestamp value, unsigned 32 bits in a long
 * @param tsEcr         the timestamp echo reply, unsigned 32 bits in a long
 */
public record TcpOptions(int mss, int windowScale, boolean sackPermitted,
                         boolean hasTimestamps, long tsVal, long tsEcr) {
    /** No options at all. */
    public static final TcpOptions NONE = new TcpOptions(-1, -1, false, false, 0, 0);

    /**
     * Checks the ranges.
     *
     * @param mss           maximum segment size, 0..65535, or -1
     * @param windowScale   window-scale shift count, 0..255, or -1
     * @param sackPermitted SACK-permitted was present
     * @param hasTimestamps a timestamps option was present
     * @param tsVal         the timestamp value, 0..2<sup>32</sup>-1
     * @param tsEcr         the timestamp echo reply, 0..2<sup>32</sup>-1
     * @throws IllegalArgumentException if a value is out of range
     */
    public TcpOptions {
        if (mss < -1 || mss > 0xFFFF) {
            throw new IllegalArgumentException("MSS " + mss + " outside 0..65535");
        }
        if (windowScale < -1 || windowScale > 255) {
            throw new IllegalArgumentException("window scale " + windowScale + " outside 0..255");
        }
        if (tsVal < 0 || tsVal > 0xFFFF_FFFFL || tsEcr < 0 || tsEcr > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timestamps must be unsigned 32-bit values");
        }
    }

    /**
     * Only an MSS option.
     *
     * @param mss the maximum segment size, 0..65535
     * @return the options
     */
    public static TcpOptions mss(int mss) {
        return new TcpOptions(mss, -1, false, false, 0, 0);
    }

    /** {@return true when no option is present} */
    public boolean isEmpty() {
        return mss < 0 && windowScale < 0 && !sackPermitted && !hasTimestamps;
    }

    /**
     * The encoded length: each option is NOP-padded to a 4-byte boundary the way Linux lays
     * them out (MSS 4, NOP+WS 4, NOP+NOP+SACK-permitted 4, NOP+NOP+timestamps 12).
     *
     * @return the number of option bytes in the header, a multiple of 4
     */
    public int encodedLength() {
        return (mss >= 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0) + (sackPermitted ? 4 : 0) + (hasTimestamps ? 12 : 0);
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (mss >= 0) {
            sb.append(" mss=").append(mss);
        }
        if (windowScale >= 0) {
            sb.append(" wscale=").append(windowScale);
        }
        if (sackPermitted) {
            sb.append(" sackOK");
        }
        if (hasTimestamps) {
            sb.append(" ts=").append(tsVal).append('/').append(tsEcr);
        }
        return sb.substring(1);
    }
}
