package io.tcpclose.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The codec against real bytes from Linux (RFC 9293 §3.1 layout, RFC 1071 checksum). */
class SegmentCodecTest {
    private static final PseudoHeader PH = PseudoHeader.ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2});

    @ParameterizedTest
    @ValueSource(strings = {"linux-normal.pcapng", "linux-halfclose.pcapng", "linux-abort.pcapng",
            "linux-unread.pcapng", "linux-keepalive.pcapng", "linux-keepalive-dead.pcapng",
            "linux-fin-retransmit.pcapng"})
    void every_kernel_segment_decodes_with_a_verified_checksum_and_re_encodes_identically(String file)
            throws Exception {
        List<Pcapng.Packet> packets = Pcapng.readResource(file);
        assertTrue(packets.size() >= 3, file + " holds TCP packets");
        for (Pcapng.Packet p : packets) {
            Segment s = SegmentCodec.decode(p.tcp(), 0, p.tcp().length, p.pseudoHeader());
            assertEquals(s, SegmentCodec.decodeSharing(p.tcp().clone(), 0, p.tcp().length, p.pseudoHeader()),
                    "decoding with a shared payload gives the same segment");
            byte[] again = SegmentCodec.encode(s, p.pseudoHeader());
            if (!s.has(TcpFlags.SYN)) {
                // Linux lays out non-SYN options (NOP NOP timestamps) exactly as we do.
                assertArrayEquals(p.tcp(), again, file + " packet " + p.index() + ": " + s);
            } else {
                assertEquals(s, SegmentCodec.decode(again, 0, again.length, p.pseudoHeader()),
                        file + " SYN packet " + p.index());
            }
        }
    }

    @Test
    void linux_normal_close_has_the_rfc_9293_shape() throws IOException, MalformedSegmentException {
        List<Pcapng.Packet> packets = Pcapng.readResource("linux-normal.pcapng");
        Segment syn = decode(packets.get(0));
        assertEquals(TcpFlags.SYN, syn.flags() & (TcpFlags.SYN | TcpFlags.ACK));
        assertTrue(syn.options().mss() > 0, "the SYN carries an MSS option");
        // Find the client's FIN and the ACK that covers it: FIN seq + 1 (RFC 9293 §3.4).
        Segment fin = null;
        for (Pcapng.Packet p : packets) {
            Segment s = decode(p);
            if (fin == null && s.has(TcpFlags.FIN)) {
                fin = s;
            } else if (fin != null && s.srcPort() == fin.dstPort() && s.has(TcpFlags.ACK)) {
                assertEquals(Seq.add(fin.seq(), 1), s.ack(), "the FIN's ACK is FIN seq + 1");
                return;
            }
        }
        throw new AssertionError("no FIN followed by its ACK in the capture");
    }

    @Test
    void a_single_flipped_bit_fails_the_checksum() throws Exception {
        Pcapng.Packet p = Pcapng.readResource("linux-normal.pcapng").get(3);
        byte[] bytes = p.tcp().clone();
        bytes[bytes.length - 1] ^= 0x04;
        MalformedSegmentException e = assertThrows(MalformedSegmentException.class,
                () -> SegmentCodec.decode(bytes, 0, bytes.length, p.pseudoHeader()));
        assertEquals(MalformedSegmentException.Reason.BAD_CHECKSUM, e.reason());
    }

    @Test
    void a_corrupted_checksum_field_names_the_value_that_would_verify() throws Exception {
        Pcapng.Packet p = Pcapng.readResource("linux-normal.pcapng").get(3);
        byte[] bytes = p.tcp().clone();
        bytes[17] ^= 0x10;
        MalformedSegmentException e = assertThrows(MalformedSegmentException.class,
                () -> SegmentCodec.decode(bytes, 0, bytes.length, p.pseudoHeader()));
        String kernels = String.format("expected 0x%02x%02x", p.tcp()[16] & 0xFF, p.tcp()[17] & 0xFF);
        assertTrue(e.getMessage().contains(kernels), e.getMessage() + " should say " + kernels);
    }

    @Test
    void header_shorter_than_20_bytes_is_truncated_header() {
        assertReason(MalformedSegmentException.Reason.TRUNCATED_HEADER, new byte[19]);
    }

    @Test
    void data_offset_below_5_words_is_bad_data_offset() {
        byte[] b = new byte[20];
        b[12] = 0x40;
        assertReason(MalformedSegmentException.Reason.BAD_DATA_OFFSET, b);
    }

    @Test
    void data_offset_past_the_end_is_truncated_header() {
        byte[] b = new byte[24];
        b[12] = (byte) 0xF0;
        assertReason(MalformedSegmentException.Reason.TRUNCATED_HEADER, b);
    }

    @Test
    void option_running_past_the_header_is_truncated_option() {
        byte[] b = new byte[24];
        b[12] = 0x60;
        b[20] = 2; // MSS
        b[21] = 8; // claims 8 bytes but only 4 remain
        assertReason(MalformedSegmentException.Reason.TRUNCATED_OPTION, b);
    }

    @Test
    void option_kind_without_length_byte_is_truncated_option() {
        byte[] b = new byte[24];
        b[12] = 0x60;
        b[20] = 1;
        b[21] = 1;
        b[22] = 1;
        b[23] = 30; // unknown kind, no room for its length
        assertReason(MalformedSegmentException.Reason.TRUNCATED_OPTION, b);
    }

    @Test
    void option_length_below_2_is_bad_option_length() {
        byte[] b = new byte[24];
        b[12] = 0x60;
        b[20] = 30;
        b[21] = 1;
        assertReason(MalformedSegmentException.Reason.BAD_OPTION_LENGTH, b);
    }

    @Test
    void mss_option_of_wrong_length_is_bad_option_length() {
        byte[] b = new byte[24];
        b[12] = 0x60;
        b[20] = 2;
        b[21] = 3;
        assertReason(MalformedSegmentException.Reason.BAD_OPTION_LENGTH, b);
    }

    @Test
    void unknown_options_are_skipped_by_length() throws MalformedSegmentException {
        byte[] b = new byte[28];
        b[12] = 0x70;
        b[20] = 30;
        b[21] = 4; // unknown kind 30, 4 bytes
        b[24] = 2;
        b[25] = 4;
        b[26] = 0x05;
        b[27] = (byte) 0xb4; // MSS 1460
        Segment s = SegmentCodec.decode(b, 0, b.length, null);
        assertEquals(1460, s.options().mss());
    }

    @Test
    void ipv6_pseudo_header_checksum_round_trips() throws MalformedSegmentException {
        byte[] a = new byte[16];
        byte[] c = new byte[16];
        a[15] = 1;
        c[15] = 2;
        PseudoHeader v6 = PseudoHeader.ipv6(a, c);
        Segment s = new Segment(1, 2, 3, 4, TcpFlags.ACK | TcpFlags.PSH, 100, TcpOptions.NONE, Bytes.utf8("hello"));
        byte[] wire = SegmentCodec.encode(s, v6);
        assertEquals(s, SegmentCodec.decode(wire, 0, wire.length, v6));
        assertThrows(MalformedSegmentException.class, () -> SegmentCodec.decode(wire, 0, wire.length, PH),
                "the same bytes do not verify under another pseudo-header");
    }

    private static Segment decode(Pcapng.Packet p) throws MalformedSegmentException {
        return SegmentCodec.decode(p.tcp(), 0, p.tcp().length, p.pseudoHeader());
    }

    private static void assertReason(MalformedSegmentException.Reason reason, byte[] bytes) {
        MalformedSegmentException e = assertThrows(MalformedSegmentException.class,
                () -> SegmentCodec.decode(bytes, 0, bytes.length, null));
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
