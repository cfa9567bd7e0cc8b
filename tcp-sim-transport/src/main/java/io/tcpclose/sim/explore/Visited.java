package io.tcpclose.sim.explore;

import java.util.HashSet;
import java.util.Set;

/**
 * The states seen so far: exactly (every state kept, compared by value), or as bits (Spin's
 * bitstate hashing: three bits per state in a fixed table, so memory stays bounded whatever the
 * space, at the price of now and then taking a new state for one already seen and not exploring
 * it). Not thread-safe: the explorer adds from one thread.
 */
abstract class Visited {
    /** Adds {@code s}; true when it was not there yet (as far as this set can tell). */
    abstract boolean add(State s);

    /** {@return how many states were added as new} */
    abstract long size();

    /** {@return whether a new state may have been taken for a seen one} */
    abstract boolean lossy();

    static Visited exact() {
        return new Visited() {
            private final Set<State> seen = new HashSet<>();

            @Override
            boolean add(State s) {
                return seen.add(s);
            }

            @Override
            long size() {
                return seen.size();
            }

            @Override
            boolean lossy() {
                return false;
            }
        };
    }

    /**
     * A bit table of {@code 2^log2Bits} bits.
     *
     * @param log2Bits 20..36 (2^36 bits are 8 GiB)
     */
    static Visited bits(int log2Bits) {
        return new Visited() {
            private final long[] words = new long[(int) Math.max(1, (1L << log2Bits) >>> 6)];
            private final long mask = (1L << log2Bits) - 1;
            private long size;

            @Override
            boolean add(State s) {
                long h = s.hash64();
                // Three probes from one 64-bit hash (Kirsch and Mitzenmacher's double hashing).
                long h1 = h;
                long h2 = Long.rotateLeft(h, 29) * 0x9E3779B97F4A7C15L | 1;
                boolean fresh = false;
                for (int i = 0; i < 3; i++) {
                    long bit = (h1 + i * h2) & mask;
                    int w = (int) (bit >>> 6);
                    long m = 1L << (bit & 63);
                    if ((words[w] & m) == 0) {
                        words[w] |= m;
                        fresh = true;
                    }
                }
                if (fresh) {
                    size++;
                }
                return fresh;
            }

            @Override
            long size() {
                return size;
            }

            @Override
            boolean lossy() {
                return true;
            }
        };
    }
}
