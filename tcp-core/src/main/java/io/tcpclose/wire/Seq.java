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

    /**
     * {@code a} strictly before {@code b}.
     *
     * @param a a sequence number
     * @param b a sequence number
     * @return true when {@code a} precedes {@code b} on the circle
     */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /**
     * {@code a} before or equal to {@code b}.
     *
     * @param a a sequence number
     * @param b a sequence number
     * @return true when {@code a} precedes or equals {@code b} on the circle
     */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /**
     * {@code a} strictly after {@code b}.
     *
     * @param a a sequence number
     * @param b a sequence number
     * @return true when {@code a} follows {@code b} on the circle
     */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /**
     * {@code a} after or equal to {@code b}.
     *
     * @param a a sequence number
     * @param b a sequence number
     * @return true when {@code a} follows or equals {@code b} on the circle
     */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /**
     * {@code a + n} on the circle; {@code n} may be negative.
     *
     * @param a a sequence number
     * @param n the distance to move
     * @return the sequence number {@code n} after {@code a}, modulo 2<sup>32</sup>
     */
    public static int add(int a, int n) {
        return a + n;
    }

    /**
     * The signed distance from {@code from} to {@code to}: how far {@code to} is ahead.
     *
     * @param to   a sequence number
     * @param from a sequence number
     * @return {@code to - from} as a signed 32-bit number, negative when {@code to} is behind
     */
    public static int diff(int to, int from) {
        return to - from;
    }

    /**
     * {@code lo <= x < lo + size} on the circle (a half-open window starting at {@code lo}).
     *
     * @param x    the sequence number to test
     * @param lo   the window's first sequence number
     * @param size the window's size, taken as unsigned; 0 holds nothing
     * @return true when {@code x} lies in the window
     */
    public static boolean inWindow(int x, int lo, int size) {
        return Integer.compareUnsigned(x - lo, size) < 0;
    }

    /**
     * {@code lo <= x <= hi} on the circle.
     *
     * @param lo the first sequence number of the range
     * @param x  the sequence number to test
     * @param hi the last sequence number of the range
     * @return true when {@code x} lies in the closed range from {@code lo} to {@code hi}
     */
    public static boolean between(int lo, int x, int hi) {
        return Integer.compareUnsigned(x - lo, hi - lo) <= 0;
    }

    /**
     * The later of two sequence numbers.
     *
     * @param a a sequence number
     * @param b a sequence number
     * @return whichever of {@code a} and {@code b} is later on the circle
     */
    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    /**
     * The earlier of two sequence numbers.
     *
     * @param a a sequence number
     * @param b a sequence number
     * @return whichever of {@code a} and {@code b} is earlier on the circle
     */
    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /**
     * The unsigned value, for display and logs.
     *
     * @param seq a sequence number
     * @return its value in {@code [0, 2^32)}
     */
    public static long toUnsigned(int seq) {
        return seq & 0xFFFF_FFFFL;
    }
}
