package io.tcpclose.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The word-wide Internet checksum against RFC 1071's definition, 16 bits at a time. */
class ChecksumProperties {
    /** RFC 1071 §4.1 as written: add 16-bit big-endian words, pad an odd byte, fold, complement. */
    private static int reference(byte[] buf, int off, int len) {
        long sum = 0;
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            sum += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
        }
        if (i < off + len) {
            sum += (buf[i] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) ~sum & 0xFFFF;
    }

    @Property(seed = SeqProperties.SEED, tries = 2000)
    void the_word_wide_sum_equals_rfc1071_at_any_offset_and_length(
            @ForAll @Size(max = 1600) byte[] bytes, @ForAll @IntRange(max = 7) int skip) {
        int off = Math.min(skip, bytes.length);
        int len = bytes.length - off;
        assertEquals(reference(bytes, off, len), Checksum.compute(bytes, off, len));
    }

    @Property(seed = SeqProperties.SEED)
    void all_ones_data_of_a_whole_jumbo_segment_folds_without_losing_carries(
            @ForAll @IntRange(min = 60_000, max = 65_535) int len) {
        byte[] bytes = new byte[len];
        java.util.Arrays.fill(bytes, (byte) 0xFF);
        assertEquals(reference(bytes, 0, len), Checksum.compute(bytes, 0, len));
    }
}
