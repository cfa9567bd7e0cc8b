package io.tcpclose.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones'-complement sum of 16-bit words.
 *
 * <p>Headers are summed 32 big-endian bits at a time. Payloads of 64 bytes or more are summed
 * in native (little-endian) order, 32 bytes per iteration into four independent sums, each
 * 64-bit load added as its two 32-bit halves: RFC 1071 §2(B), summing byte-swapped words gives
 * the byte-swapped sum, so one swap of the folded result stands in for swapping every load.
 *
 * <p>Stateless and thread-safe.
 */
public final class Checksum {
    private static final VarHandle INT_BE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Checksum() {}

    /**
     * The sum of {@code buf[off, off+len)} as big-endian 16-bit words (an odd last byte padded
     * with zero), not yet folded: ready to add to other such sums.
     */
    static long sumWords(byte[] buf, int off, int len) {
        long sum = 0;
        int i = off;
        int end = off + len;
        if (len >= 64) {
            // Payloads: the wide native-order loop, out of line so that headers stay cheap to
            // inline; its folded sum, byte-swapped, is the big-endian sum of those words.
            int bulk = len & ~31;
            int swapped = fold(sumBulk(buf, off, bulk));
            sum = ((swapped & 0xFF) << 8) | (swapped >>> 8);
            i += bulk;
        }
        for (; i + 4 <= end; i += 4) {
            sum += (int) INT_BE.get(buf, i) & 0xFFFF_FFFFL;
        }
        if (i + 2 <= end) {
            sum += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
            i += 2;
        }
        if (i < end) {
            sum += (buf[i] & 0xFF) << 8;
        }
        return sum;
    }

    /** The unfolded sum of {@code len} bytes (a multiple of 32), 32 per iteration into four independent sums. */
    private static long sumBulk(byte[] buf, int off, int len) {
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        // 2^31 additions of 32-bit halves fit in a long: far beyond a 64 KiB segment.
        for (int i = off, end = off + len; i < end; i += 32) {
            long w = (long) LONG_LE.get(buf, i);
            long x = (long) LONG_LE.get(buf, i + 8);
            long y = (long) LONG_LE.get(buf, i + 16);
            long z = (long) LONG_LE.get(buf, i + 24);
            a += (w >>> 32) + (w & 0xFFFF_FFFFL);
            b += (x >>> 32) + (x & 0xFFFF_FFFFL);
            c += (y >>> 32) + (y & 0xFFFF_FFFFL);
            d += (z >>> 32) + (z & 0xFFFF_FFFFL);
        }
        return a + b + c + d;
    }

    /** Folds an unfolded sum to 16 bits with end-around carry. */
    static int fold(long sum) {
        sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) sum;
    }

    /**
     * The 16-bit checksum field value for {@code buf[off, off+len)} (the complement of the folded sum).
     *
     * @param buf the bytes
     * @param off the index of the first byte summed
     * @param len how many bytes are summed
     * @return the checksum, 0..65535
     */
    public static int compute(byte[] buf, int off, int len) {
        return ~fold(sumWords(buf, off, len)) & 0xFFFF;
    }

    /**
     * The checksum of a TCP segment of {@code len} bytes under the given pseudo-header.
     *
     * @param pseudo the pseudo-header of the segment's addresses
     * @param buf    the bytes holding the segment, header and payload
     * @param off    the index of the segment's first byte
     * @param len    the segment's length in bytes, header included
     * @return the checksum field value when the field in {@code buf} is zero; 0 when the field holds
     *         a checksum that verifies
     */
    public static int tcp(PseudoHeader pseudo, byte[] buf, int off, int len) {
        return ~fold(pseudo.addressSum() + len + sumWords(buf, off, len)) & 0xFFFF;
    }
}
