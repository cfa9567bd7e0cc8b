package io.tcpclose.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones'-complement sum of 16-bit words.
 *
 * <p>It is computed in the machine's byte order, 32 bytes per iteration into four independent
 * sums, each 64-bit load added as its two 32-bit halves. RFC 1071 §2(B): summing byte-swapped
 * words gives the byte-swapped sum, so one swap of the folded result stands in for swapping
 * every load (a little-endian JVM then needs no byte swap in the loop at all).
 *
 * <p>Stateless and thread-safe.
 */
public final class Checksum {
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Checksum() {}

    /**
     * The ones'-complement sum of {@code buf[off, off+len)} as big-endian 16-bit words (an odd
     * last byte padded with zero), folded to 16 bits: ready to add to other such sums.
     */
    static long sumWords(byte[] buf, int off, int len) {
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        int i = off;
        int end = off + len;
        // 2^31 additions of 32-bit halves fit in a long: far beyond a 64 KiB segment.
        for (; i + 32 <= end; i += 32) {
            long w = (long) LONG_LE.get(buf, i);
            long x = (long) LONG_LE.get(buf, i + 8);
            long y = (long) LONG_LE.get(buf, i + 16);
            long z = (long) LONG_LE.get(buf, i + 24);
            a += (w >>> 32) + (w & 0xFFFF_FFFFL);
            b += (x >>> 32) + (x & 0xFFFF_FFFFL);
            c += (y >>> 32) + (y & 0xFFFF_FFFFL);
            d += (z >>> 32) + (z & 0xFFFF_FFFFL);
        }
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONG_LE.get(buf, i);
            a += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        long sum = a + b + c + d;
        if (i + 4 <= end) {
            sum += (int) INT_LE.get(buf, i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (i + 2 <= end) {
            sum += (buf[i] & 0xFF) | ((buf[i + 1] & 0xFF) << 8); // the word, byte-swapped like the rest
            i += 2;
        }
        if (i < end) {
            sum += buf[i] & 0xFF; // the odd byte is a word's high byte; swapped, the low one
        }
        int swapped = fold(sum);
        return ((swapped & 0xFF) << 8) | (swapped >>> 8);
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
