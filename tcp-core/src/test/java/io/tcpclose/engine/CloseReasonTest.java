package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Each way a connection ends, as a socket reports it: the one errno mapping every transport uses. */
class CloseReasonTest {
    @Test
    void a_reset_is_econnreset_and_a_refusal_econnrefused_as_linux_so_error() {
        assertEquals("ECONNRESET", CloseReason.RESET_BY_PEER.errno());
        assertEquals("ECONNREFUSED", CloseReason.REFUSED.errno());
        assertEquals("Connection reset", CloseReason.RESET_BY_PEER.socketMessage());
        assertEquals("Connection refused", CloseReason.REFUSED.socketMessage());
    }

    @Test
    void every_timeout_is_etimedout_and_names_which_timer_rfc1122_4_2_3_5_rfc5482() {
        for (CloseReason r : CloseReason.values()) {
            if (r.isTimeout()) {
                assertEquals("ETIMEDOUT", r.errno(), r.name());
                assertEquals("Connection timed out (" + r + ")", r.socketMessage());
            }
        }
    }

    @Test
    void a_normal_close_and_our_own_abort_are_no_socket_error() {
        assertNull(CloseReason.NORMAL.errno());
        assertNull(CloseReason.ABORTED.errno());
        assertNull(CloseReason.ABORTED_UNREAD_DATA.errno());
        assertNull(CloseReason.NORMAL.socketMessage());
    }
}
