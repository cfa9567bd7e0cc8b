package io.tcpclose.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones'-complement sum of 16-bit words, computed 64 bits
 * per load (as two 32-bit halves) into a {@code long} and folded once at the end. Ones'-complement addition is
 * associative and byte-order independent in this sense, so summing big-endian 32-bit words and
 * folding the carries gives the same result as summing 16-bit words.
 *
 * <p>Stateless and thread-safe.
 */
public final class Checksum {
    private static final VarHandle INT_BE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {}

    /** The unfolded sum of {@code buf[off, off+len)} as big-endian words, an odd last byte padded with zero. */
    static long sumWords(byte[] buf, int off, int len) {
        long sum = 0;
        long second = 0;
        int i = off;
        int end = off + len;
        // Sixteen bytes per iteration into two independent sums, each 64-bit load added as its
        // two 32-bit halves: 2^31 such additions fit in a long, far beyond a 64 KiB segment.
        for (; i + 16 <= end; i += 16) {
            long w = (long) LONG_BE.get(buf, i);
            long v = (long) LONG_BE.get(buf, i + 8);
            sum += (w >>> 32) + (w & 0xFFFF_FFFFL);
            second += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        sum += second;
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

    /** Folds an unfolded sum to 16 bits with end-around carry. */
    static int fold(long sum) {
        sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) sum;
    }

    /** The 16-bit checksum field value for {@code buf[off, off+len)} (the complement of the folded sum). */
    public static int compute(byte[] buf, int off, int len) {
        return ~fold(sumWords(buf, off, len)) & 0xFFFF;
    }

    /** The checksum of a TCP segment of {@code len} bytes under the given pseudo-header. */
    public static int tcp(PseudoHeader pseudo, byte[] buf, int off, int len) {
        return ~fold(pseudo.addressSum() + len + sumWords(buf, off, len)) & 0xFFFF;
    }
}
