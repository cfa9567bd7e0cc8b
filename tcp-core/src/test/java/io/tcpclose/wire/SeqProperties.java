package io.tcpclose.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Sequence-number arithmetic is modular (RFC 9293 §3.4): laws that must hold across wrap-around. */
class SeqProperties {
    static final String SEED = "20261124";

    @Property(seed = SEED)
    void a_number_is_before_anything_less_than_2_pow_31_ahead_of_it(
            @ForAll int a, @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int n) {
        int b = Seq.add(a, n);
        assertTrue(Seq.lt(a, b));
        assertTrue(Seq.le(a, b));
        assertTrue(Seq.gt(b, a));
        assertFalse(Seq.lt(b, a));
        assertEquals(n, Seq.diff(b, a));
    }

    @Property(seed = SEED)
    void ordering_is_antisymmetric(@ForAll int a, @ForAll int b) {
        if (a != b && a - b != Integer.MIN_VALUE) {
            assertTrue(Seq.lt(a, b) ^ Seq.lt(b, a));
        }
        assertTrue(Seq.le(a, a) && !Seq.lt(a, a));
    }

    @Property(seed = SEED)
    void window_membership_agrees_with_offsets(
            @ForAll int lo, @ForAll @IntRange(min = 0, max = 1 << 30) int size,
            @ForAll @IntRange(min = -(1 << 30), max = 1 << 30) int offset) {
        int x = Seq.add(lo, offset);
        assertEquals(offset >= 0 && offset < size, Seq.inWindow(x, lo, size));
    }

    @Property(seed = SEED)
    void between_is_inclusive_on_both_ends(@ForAll int lo, @ForAll @IntRange(min = 0, max = 1 << 30) int span,
                                           @ForAll @IntRange(min = -5, max = (1 << 30) + 5) int offset) {
        int hi = Seq.add(lo, span);
        assertEquals(offset >= 0 && offset <= span, Seq.between(lo, Seq.add(lo, offset), hi));
    }

    @Test
    void ordering_survives_wrap_around_at_2_pow_32() {
        int nearTop = 0xFFFF_FFF0;
        int afterWrap = 0x0000_0010;
        assertTrue(Seq.lt(nearTop, afterWrap), "0xFFFFFFF0 comes before 0x10 on the circle");
        assertEquals(0x20, Seq.diff(afterWrap, nearTop));
        assertEquals(afterWrap, Seq.max(nearTop, afterWrap));
        assertEquals(4294967280L, Seq.toUnsigned(nearTop));
    }
}
