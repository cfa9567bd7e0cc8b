package io.tcpclose.ladder;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.TcpState;
import org.junit.jupiter.api.Test;

/** The ladder as a page: the same rows as the text ladder, drawn as a self-contained sequence diagram. */
class LadderPageTest {
    private static final long MS = 1_000_000L;

    private static String closePage() {
        LadderRenderer r = new LadderRenderer("client", "server");
        r.state(0, true, TcpState.FIN_WAIT_1);
        r.segment(0, true, SegmentSpec.parse("FIN|ACK seq=1006 ack=5001").toSegment(40000, 80), "LOST: loss 20%", null);
        r.segment(1_000 * MS, true, SegmentSpec.parse("FIN|ACK seq=1006 ack=5001").toSegment(40000, 80), null, "retransmission");
        r.segment(1_010 * MS, false, SegmentSpec.parse("ACK seq=5001 ack=1007").toSegment(80, 40000), null, "acks FIN 1006: ack = 1007");
        r.state(1_020 * MS, true, TcpState.TIME_WAIT);
        r.note(1_030 * MS, "a <note> & more");
        r.state(61_020 * MS, true, TcpState.CLOSED);
        return r.renderHtml("lost FIN", "MSL 30 s");
    }

    @Test
    void every_segment_is_an_arrow_with_its_label_and_a_lost_one_ends_at_a_cross_with_why() {
        String page = closePage();
        assertTrue(page.contains(">FIN|ACK seq=1006 ack=5001<"), page);
        assertTrue(page.contains(">ACK seq=5001 ack=1007<"), page);
        assertTrue(page.contains("class=\"lost\"") && page.contains("class=\"x\"") && page.contains(">LOST: loss 20%<"), page);
        assertTrue(page.contains(">acks FIN 1006: ack = 1007<"), "the ACK = FIN + 1 annotation");
    }

    @Test
    void time_wait_is_shaded_along_its_lifeline_with_how_long_it_lasted_rfc9293_3_6_1() {
        String page = closePage();
        assertTrue(page.contains("class=\"tw\""), page);
        assertTrue(page.contains(">TIME-WAIT 60.000 s (2×MSL)<"), page);
    }

    @Test
    void the_page_stands_alone_escapes_its_text_and_runs_no_script() {
        String page = closePage();
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<svg") && page.contains("MSL 30 s"));
        assertTrue(page.contains("a &lt;note&gt; &amp; more"), page);
        assertFalse(page.contains("<script") || page.contains("src=") || page.contains("href=") || page.contains("@import"), page);
    }
}
