package io.tcpclose.ladder;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;

/**
 * A segment written the way a ladder diagram writes it: {@code "FIN|ACK seq=1001 ack=5001"},
 * optionally with {@code win=N}, {@code len=N}, {@code mss=N}, {@code wscale=N}, {@code tsval=N},
 * {@code tsecr=N} or {@code data="text"} ({@code wscale=-1} and {@code tsval=-1} mean "no such option").
 *
 * <p>As an expectation it matches a segment whose flags are exactly the ones named and whose
 * every given field is equal; fields not given are not checked. As an input it builds a
 * segment, with {@code win} defaulting to 65535 and {@code ack} to 0.
 *
 * <p>Immutable and thread-safe.
 */
public final class SegmentSpec {
    private final String text;
    private final int flags;
    private final Long seq;
    private final Long ack;
    private final Integer window;
    private final Integer length;
    private final Integer mss;
    private final Integer wscale;
    private final Long tsval;
    private final Long tsecr;
    private final Bytes data;

    private SegmentSpec(String text, int flags, Long seq, Long ack, Integer window, Integer length, Integer mss,
            Integer wscale, Long tsval, Long tsecr, Bytes data) {
        this.text = text;
        this.flags = flags;
        this.seq = seq;
        this.ack = ack;
        this.window = window;
        this.length = length;
        this.mss = mss;
        this.wscale = wscale;
        this.tsval = tsval;
        this.tsecr = tsecr;
        this.data = data;
    }

    /**
     * Parses a spec.
     *
     * @param text the spec, for example {@code "FIN|ACK seq=1001 ack=5001"}: flags first, then
     *             {@code key=value} fields in any order
     * @return the spec
     * @throws IllegalArgumentException saying which part could not be read
     */
    public static SegmentSpec parse(String text) {
        String rest = text.trim();
        Bytes data = null;
        int q = rest.indexOf("data=\"");
        if (q >= 0) {
            int end = rest.lastIndexOf('"');
            if (end <= q + 5) {
                throw new IllegalArgumentException("unterminated data=\"...\" in \"" + text + "\"");
            }
            data = Bytes.utf8(rest.substring(q + 6, end));
            rest = (rest.substring(0, q) + rest.substring(end + 1)).trim();
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("an empty segment spec: give at least the flags, as in \"ACK seq=1 ack=2\"");
        }
        String[] parts = rest.split("\\s+");
        int flags = TcpFlags.parse(parts[0]);
        Long seq = null;
        Long ack = null;
        Integer win = null;
        Integer len = null;
        Integer mss = null;
        Integer wscale = null;
        Long tsval = null;
        Long tsecr = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, found \"" + p + "\" in \"" + text + "\"");
            }
            String key = p.substring(0, eq);
            String value = p.substring(eq + 1);
            long v;
            try {
                v = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + value + "\" is not a number in \"" + text + "\"", e);
            }
            switch (key) {
                case "seq":
                    seq = checkU32(v, key, text);
                    break;
                case "ack":
                    ack = checkU32(v, key, text);
                    break;
                case "win":
                    win = (int) checkRange(v, key, 0, 0xFFFF, text);
                    break;
                case "len":
                    len = (int) checkRange(v, key, 0, 65535, text);
                    break;
                case "mss":
                    mss = (int) checkRange(v, key, 0, 0xFFFF, text);
                    break;
                case "wscale":
                    wscale = (int) checkRange(v, key, -1, 14, text); // -1: no window-scale option
                    break;
                case "tsval":
                    tsval = checkRange(v, key, -1, 0xFFFF_FFFFL, text); // -1: no timestamps option
                    break;
                case "tsecr":
                    tsecr = checkU32(v, key, text);
                    break;
                default:
                    throw new IllegalArgumentException("unknown field \"" + key + "\" in \"" + text
                            + "\" (known: seq, ack, win, len, mss, wscale, tsval, tsecr, data)");
            }
        }
        if (data != null && len != null && len != data.length()) {
            throw new IllegalArgumentException("len=" + len + " contradicts data of " + data.length() + " bytes in \"" + text + "\"");
        }
        return new SegmentSpec(text.trim(), flags, seq, ack, win, len, mss, wscale, tsval, tsecr, data);
    }

    private static long checkRange(long v, String key, long min, long max, String text) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + " must lie in " + min + ".." + max + ", was " + v + " in \"" + text + "\"");
        }
        return v;
    }

    private static long checkU32(long v, String key, String text) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(key + "=" + v + " is not a 32-bit sequence number in \"" + text + "\"");
        }
        return v;
    }

    /**
     * True when {@code s} has exactly these flags and every field this spec names.
     *
     * @param s the segment to check
     * @return whether it matches
     */
    public boolean matches(Segment s) {
        return s.flags() == flags
                && (seq == null || Seq.toUnsigned(s.seq()) == seq)
                && (ack == null || Seq.toUnsigned(s.ack()) == ack)
                && (window == null || s.window() == window)
                && (length == null || s.payload().length() == length)
                && (mss == null || s.options().mss() == mss)
                && (wscale == null || s.options().windowScale() == wscale)
                && (tsval == null || (tsval < 0 ? !s.options().hasTimestamps()
                        : s.options().hasTimestamps() && s.options().tsVal() == tsval))
                && (tsecr == null || (s.options().hasTimestamps() && s.options().tsEcr() == tsecr))
                && (data == null || s.payload().equals(data));
    }

    /**
     * The segment this spec describes, from {@code srcPort} to {@code dstPort}. Without
     * {@code data}, a {@code len=N} payload is {@link Bytes#pattern N pattern bytes}.
     *
     * @param srcPort the source port
     * @param dstPort the destination port
     * @return the segment; {@code seq} and {@code ack} default to 0 and {@code win} to 65535;
     *         {@code tsval} makes a timestamps option ({@code tsecr} 0 unless given)
     */
    public Segment toSegment(int srcPort, int dstPort) {
        Bytes payload = data != null ? data : length != null ? Bytes.pattern(length) : Bytes.EMPTY;
        return new Segment(srcPort, dstPort,
                seq == null ? 0 : (int) (long) seq,
                ack == null ? 0 : (int) (long) ack,
                flags,
                window == null ? 65535 : window,
                new TcpOptions(mss == null ? -1 : mss, wscale == null ? -1 : wscale, false,
                        tsval != null && tsval >= 0, tsval == null || tsval < 0 ? 0 : tsval, tsecr == null ? 0 : tsecr),
                payload);
    }

    @Override
    public String toString() {
        return text;
    }
}
