package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.ladder.LadderDriver;
import io.tcpclose.wire.Bytes;
import org.junit.jupiter.api.Test;

/** Window scaling (RFC 7323 §2): offered, negotiated only when both SYNs carry it, honoured both ways. */
class WindowScalingTest {
    /** A 1 MiB receive buffer: shift 5 (2^20 >> 5 = 32768 fits 16 bits, >> 4 does not). */
    private static final TcpConfig SCALED = TcpConfig.builder().windowScaling(true).receiveBuffer(1 << 20).build();

    private static LadderDriver client(TcpConfig c) {
        return LadderDriver.client(c).strict().open(1000);
    }

    @Test
    void the_syn_offers_the_smallest_shift_that_fits_the_buffer_with_an_unscaled_window_rfc7323_2_2() {
        client(SCALED).expectOut("SYN seq=1000 win=65535 wscale=5");
    }

    @Test
    void without_the_knob_the_syn_offers_no_window_scale() {
        client(TcpConfig.DEFAULTS).expectOut("SYN seq=1000 wscale=-1");
    }

    @Test
    void both_syns_carry_it_so_both_directions_scale_rfc7323_2_3() {
        LadderDriver d = client(SCALED).expectOut("SYN seq=1000 wscale=5")
                .atMillis(10).in("SYN|ACK seq=5000 ack=1001 win=65535 mss=1460 wscale=7")
                .expectOut("ACK seq=1001 ack=5001 win=32768"); // 1 MiB >> 5
        assertTrue(d.tcb().windowScaling());
        assertEquals(65535, d.tcb().sndWnd(), "the SYN,ACK's window is never scaled");
        d.in("ACK seq=5001 ack=1001 win=100");
        assertEquals(100 << 7, d.tcb().sndWnd(), "later windows count 2^7 bytes");
    }

    @Test
    void a_peer_that_does_not_answer_with_it_leaves_both_directions_unscaled_rfc7323_1_3() {
        LadderDriver d = client(SCALED).expectOut("SYN seq=1000 wscale=5")
                .atMillis(10).in("SYN|ACK seq=5000 ack=1001 win=65535 mss=1460")
                .expectOut("ACK seq=1001 ack=5001 win=65535"); // the 1 MiB buffer, capped at 16 bits
        assertFalse(d.tcb().windowScaling());
        d.in("ACK seq=5001 ack=1001 win=100");
        assertEquals(100, d.tcb().sndWnd());
    }

    @Test
    void a_shift_above_14_is_taken_as_14_rfc7323_2_3() {
        LadderDriver d = client(SCALED).expectOut("SYN seq=1000")
                .atMillis(10).in("SYN|ACK seq=5000 ack=1001 win=65535 mss=1460 wscale=14")
                .expectOut("ACK seq=1001");
        assertEquals(14, d.tcb().sendWindowShift());
    }

    @Test
    void a_syn_ack_answers_with_window_scale_only_when_the_syn_offered_it_rfc7323_2_2() {
        LadderDriver.server(SCALED).strict().listen(7000)
                .in("SYN seq=5000 mss=1460 wscale=2").expectOut("SYN|ACK seq=7000 ack=5001 wscale=5");
        LadderDriver.server(SCALED).strict().listen(7000)
                .in("SYN seq=5000 mss=1460").expectOut("SYN|ACK seq=7000 ack=5001 wscale=-1");
    }

    @Test
    void a_scaled_window_lets_more_than_64_kib_fly() {
        TcpConfig big = SCALED.toBuilder().congestionControl(CongestionControl.NONE).build();
        LadderDriver d = client(big).expectOut("SYN seq=1000")
                .atMillis(10).in("SYN|ACK seq=5000 ack=1001 win=65535 mss=1460 wscale=7")
                .expectOut("ACK seq=1001")
                .in("ACK seq=5001 ack=1001 win=2048") // 256 KiB
                .send(Bytes.pattern(200_000));
        int sent = d.takeOut().stream().mapToInt(s -> s.payload().length()).sum();
        assertEquals(200_000, sent);
    }
}
