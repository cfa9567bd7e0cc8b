package io.tcpclose.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Bytes#toString()} shows what the bytes are, not only how many. */
class BytesTest {

    @Test
    void to_string_previews_printable_text() {
        assertEquals("5 bytes \"hello\"", Bytes.utf8("hello").toString());
        assertEquals("1 byte \"x\"", Bytes.utf8("x").toString());
        assertEquals("0 bytes", Bytes.EMPTY.toString());
    }

    @Test
    void to_string_escapes_what_is_not_printable_and_cuts_long_content() {
        assertEquals("3 bytes \"\\x00\\x01\\x02\"", Bytes.copyOf(new byte[] {0, 1, 2}).toString());
        assertEquals("30 bytes \"abcdefghijklmnopqrstuvwx\"...", Bytes.utf8("abcdefghijklmnopqrstuvwxyz0123").toString());
        assertEquals("4 bytes \"a\\x22b\\x5c\"", Bytes.utf8("a\"b\\").toString());
    }
}
