package io.tcpclose.wire;

/**
 * TCP sequence-number arithmetic: the one place in tcpclose where 32-bit sequence numbers are
 * compared or added.
 *
 * <p>Sequence numbers live in a circle of 2<sup>32</sup> values (RFC 9293 §3.4). Two numbers
 * are ordered by the sign of their 32-bit difference, which is meaningful only while they are
 * less than 2<sup>31</sup> apart; every window TCP works with is far smaller than that. Never
 * compare sequence numbers with plain {@code <}: {@code 0xFFFFFFF0} is <em>before</em>
 * {@code 0x10}.
 *
 * <p>Values are carried as Java {@code int}s holding the unsigned 32-bit number; use
 * {@link #toUnsigned(int)} for display. Stateless and thread-safe.
 */
public final class Seq {
    private Seq() {}

    /** {@code a} strictly before {@code b}. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** {@code a} before or equal to {@code b}. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** {@code a} strictly after {@code b}. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** {@code a} after or equal to {@code b}. */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** {@code a + n} on the circle; {@code n} may be negative. */
    public static int add(int a, int n) {
        return a + n;
    }

    /** The signed distance from {@code from} to {@code to}: how far {@code to} is ahead. */
    public static int diff(int to, int from) {
        return to - from;
    }

    /** {@code lo <= x < hi} on the circle (a half-open window starting at {@code lo}). */
    public static boolean inWindow(int x, int lo, int size) {
        return Integer.compareUnsigned(x - lo, size) < 0;
    }

    /** {@code lo <= x <= hi} on the circle. */
    public static boolean between(int lo, int x, int hi) {
        return Integer.compareUnsigned(x - lo, hi - lo) <= 0;
    }

    /** The later of two sequence numbers. */
    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    /** The earlier of two sequence numbers. */
    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /** The unsigned value, for display and logs. */
    public static long toUnsigned(int seq) {
        return seq & 0xFFFF_FFFFL;
    }
}
