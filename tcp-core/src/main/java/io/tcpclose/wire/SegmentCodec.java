package io.tcpclose.wire;

import static io.tcpclose.wire.MalformedSegmentException.Reason.BAD_CHECKSUM;
import static io.tcpclose.wire.MalformedSegmentException.Reason.BAD_DATA_OFFSET;
import static io.tcpclose.wire.MalformedSegmentException.Reason.BAD_OPTION_LENGTH;
import static io.tcpclose.wire.MalformedSegmentException.Reason.TRUNCATED_HEADER;
import static io.tcpclose.wire.MalformedSegmentException.Reason.TRUNCATED_OPTION;

/**
 * The RFC 9293 §3.1 wire format: encodes a {@link Segment} into bytes with its checksum, and
 * decodes bytes into a segment.
 *
 * <p>Decoding never reads outside {@code [offset, offset + length)} and never throws anything
 * but {@link MalformedSegmentException}, whose reason and message say what was wrong. Unknown
 * options are skipped by their length; the urgent pointer is read past and ignored (tcpclose
 * does not implement urgent data).
 *
 * <p>Stateless and thread-safe.
 */
public final class SegmentCodec {
    /** Length of the fixed header, without options. */
    public static final int HEADER_LENGTH = 20;

    private static final int OPT_END = 0;
    private static final int OPT_NOP = 1;
    private static final int OPT_MSS = 2;
    private static final int OPT_WSCALE = 3;
    private static final int OPT_SACK_PERMITTED = 4;
    private static final int OPT_TIMESTAMPS = 8;

    private SegmentCodec() {}

    /**
     * The number of bytes {@link #encode} writes for {@code segment}.
     *
     * @param segment the segment
     * @return its encoded length: header, options and payload
     */
    public static int encodedLength(Segment segment) {
        return HEADER_LENGTH + segment.options().encodedLength() + segment.payload().length();
    }

    /**
     * Writes {@code segment} at {@code out[offset]} with a checksum under {@code pseudo}.
     *
     * @param segment the segment
     * @param pseudo  the pseudo-header of the addresses the segment travels between
     * @param out     the array to write
     * @param offset  where the segment's first byte goes
     * @return the number of bytes written
     * @throws IndexOutOfBoundsException if {@code out} is too small
     */
    public static int encode(Segment segment, PseudoHeader pseudo, byte[] out, int offset) {
        int optLen = segment.options().encodedLength();
        int headerLen = HEADER_LENGTH + optLen;
        int total = headerLen + segment.payload().length();
        if (offset < 0 || offset + total > out.length) {
            throw new IndexOutOfBoundsException("segment of " + total + " bytes does not fit at offset "
                    + offset + " in a buffer of " + out.length);
        }
        int p = offset;
        p = put16(out, p, segment.srcPort());
        p = put16(out, p, segment.dstPort());
        p = put32(out, p, segment.seq());
        p = put32(out, p, segment.ack());
        out[p++] = (byte) ((headerLen / 4) << 4);
        out[p++] = (byte) segment.flags();
        p = put16(out, p, segment.window());
        int checksumAt = p;
        p = put16(out, p, 0);
        p = put16(out, p, 0); // urgent pointer
        p = writeOptions(segment.options(), out, p);
        segment.payload().copyTo(out, p);
        put16(out, checksumAt, Checksum.tcp(pseudo, out, offset, total));
        return total;
    }

    /**
     * Encodes into a fresh array.
     *
     * @param segment the segment
     * @param pseudo  the pseudo-header of the addresses the segment travels between
     * @return an array of exactly {@link #encodedLength} bytes holding the segment
     */
    public static byte[] encode(Segment segment, PseudoHeader pseudo) {
        byte[] out = new byte[encodedLength(segment)];
        encode(segment, pseudo, out, 0);
        return out;
    }

    private static int writeOptions(TcpOptions o, byte[] out, int p) {
        if (o.mss() >= 0) {
            out[p++] = OPT_MSS;
            out[p++] = 4;
            p = put16(out, p, o.mss());
        }
        if (o.windowScale() >= 0) {
            out[p++] = OPT_NOP;
            out[p++] = OPT_WSCALE;
            out[p++] = 3;
            out[p++] = (byte) o.windowScale();
        }
        if (o.sackPermitted()) {
            out[p++] = OPT_NOP;
            out[p++] = OPT_NOP;
            out[p++] = OPT_SACK_PERMITTED;
            out[p++] = 2;
        }
        if (o.hasTimestamps()) {
            out[p++] = OPT_NOP;
            out[p++] = OPT_NOP;
            out[p++] = OPT_TIMESTAMPS;
            out[p++] = 10;
            p = put32(out, p, (int) o.tsVal());
            p = put32(out, p, (int) o.tsEcr());
        }
        return p;
    }

    /**
     * Decodes {@code buf[offset, offset + length)} as one segment, verifying its checksum under
     * {@code pseudo} unless {@code pseudo} is null. The payload is copied: the caller may reuse
     * {@code buf}.
     *
     * @param buf    the bytes
     * @param offset the index of the segment's first byte
     * @param length the segment's length in bytes, header included
     * @param pseudo the pseudo-header to verify the checksum under, or null to skip the check
     * @return the segment
     * @throws MalformedSegmentException if the bytes are not a valid TCP segment
     * @throws IllegalArgumentException  if the range lies outside {@code buf}
     */
    public static Segment decode(byte[] buf, int offset, int length, PseudoHeader pseudo)
            throws MalformedSegmentException {
        return decode(buf, offset, length, pseudo, false);
    }

    /**
     * As {@link #decode}, but the payload is a view of {@code buf}, not a copy: for a caller that
     * hands the array over (a fresh array per packet) and never writes to it again.
     *
     * @param buf    the bytes, never written again by anyone
     * @param offset the index of the segment's first byte
     * @param length the segment's length in bytes, header included
     * @param pseudo the pseudo-header to verify the checksum under, or null to skip the check
     * @return the segment, its payload sharing {@code buf}
     * @throws MalformedSegmentException if the bytes are not a valid TCP segment
     * @throws IllegalArgumentException  if the range lies outside {@code buf}
     */
    public static Segment decodeSharing(byte[] buf, int offset, int length, PseudoHeader pseudo)
            throws MalformedSegmentException {
        return decode(buf, offset, length, pseudo, true);
    }

    private static Segment decode(byte[] buf, int offset, int length, PseudoHeader pseudo, boolean share)
            throws MalformedSegmentException {
        if (offset < 0 || length < 0 || offset + length > buf.length || offset + length < 0) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside a buffer of " + buf.length);
        }
        if (length < HEADER_LENGTH) {
            throw new MalformedSegmentException(TRUNCATED_HEADER,
                    length + " bytes is shorter than the 20-byte TCP header");
        }
        int dataOffsetWords = (buf[offset + 12] & 0xFF) >>> 4;
        int headerLen = dataOffsetWords * 4;
        if (dataOffsetWords < 5) {
            throw new MalformedSegmentException(BAD_DATA_OFFSET,
                    "data offset " + dataOffsetWords + " words is below the minimum of 5");
        }
        if (headerLen > length) {
            throw new MalformedSegmentException(TRUNCATED_HEADER,
                    "data offset says " + headerLen + " header bytes but the segment has " + length);
        }
        if (pseudo != null) {
            int sum = Checksum.tcp(pseudo, buf, offset, length);
            if (sum != 0) {
                int stored = get16(buf, offset + 16);
                throw new MalformedSegmentException(BAD_CHECKSUM, String.format(
                        "checksum 0x%04x does not verify (expected 0x%04x)",
                        stored, fixChecksum(stored, sum)));
            }
        }
        TcpOptions options = headerLen == HEADER_LENGTH
                ? TcpOptions.NONE
                : readOptions(buf, offset + HEADER_LENGTH, offset + headerLen);
        return new Segment(
                get16(buf, offset),
                get16(buf, offset + 2),
                get32(buf, offset + 4),
                get32(buf, offset + 8),
                buf[offset + 13] & 0xFF,
                get16(buf, offset + 14),
                options,
                share ? Bytes.view(buf, offset + headerLen, length - headerLen)
                        : Bytes.copyOf(buf, offset + headerLen, length - headerLen));
    }

    /** The checksum value that would have verified, for the error message. */
    private static int fixChecksum(int stored, int residue) {
        // residue is ~(folded sum including the stored field): take the field back out
        // (ones'-complement subtraction adds its complement) and complement what is left.
        long s = (~residue & 0xFFFF) + (~stored & 0xFFFF);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) ~s & 0xFFFF;
    }

    private static TcpOptions readOptions(byte[] buf, int p, int end) throws MalformedSegmentException {
        int mss = -1;
        int wscale = -1;
        boolean sackOk = false;
        boolean ts = false;
        long tsVal = 0;
        long tsEcr = 0;
        while (p < end) {
            int kind = buf[p] & 0xFF;
            if (kind == OPT_END) {
                break;
            }
            if (kind == OPT_NOP) {
                p++;
                continue;
            }
            if (p + 1 >= end) {
                throw new MalformedSegmentException(TRUNCATED_OPTION,
                        "option kind " + kind + " has no length byte before the end of the header");
            }
            int len = buf[p + 1] & 0xFF;
            if (len < 2) {
                throw new MalformedSegmentException(BAD_OPTION_LENGTH,
                        "option kind " + kind + " has length " + len + ", below the minimum of 2");
            }
            if (p + len > end) {
                throw new MalformedSegmentException(TRUNCATED_OPTION,
                        "option kind " + kind + " of length " + len + " runs " + (p + len - end)
                                + " bytes past the end of the header");
            }
            switch (kind) {
                case OPT_MSS:
                    expectLength(kind, "MSS", len, 4);
                    mss = get16(buf, p + 2);
                    break;
                case OPT_WSCALE:
                    expectLength(kind, "window scale", len, 3);
                    wscale = buf[p + 2] & 0xFF;
                    break;
                case OPT_SACK_PERMITTED:
                    expectLength(kind, "SACK-permitted", len, 2);
                    sackOk = true;
                    break;
                case OPT_TIMESTAMPS:
                    expectLength(kind, "timestamps", len, 10);
                    ts = true;
                    tsVal = get32(buf, p + 2) & 0xFFFF_FFFFL;
                    tsEcr = get32(buf, p + 6) & 0xFFFF_FFFFL;
                    break;
                default:
                    break; // unknown: skipped by its length
            }
            p += len;
        }
        return new TcpOptions(mss, wscale, sackOk, ts, tsVal, tsEcr);
    }

    private static void expectLength(int kind, String name, int len, int expected) throws MalformedSegmentException {
        if (len != expected) {
            throw new MalformedSegmentException(BAD_OPTION_LENGTH,
                    name + " option (kind " + kind + ") has length " + len + ", expected " + expected);
        }
    }

    private static int put16(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
        return p + 2;
    }

    private static int put32(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        return p + 4;
    }

    private static int get16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int get32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
