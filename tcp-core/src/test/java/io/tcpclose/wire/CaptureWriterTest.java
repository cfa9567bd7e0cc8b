package io.tcpclose.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IP framing (RFC 791, RFC 8200) and the pcapng blocks around it read back as written. */
class CaptureWriterTest {
    private static final byte[] V4_A = {10, 0, 0, 1};
    private static final byte[] V4_B = {10, 0, 0, 2};
    private static final byte[] V6_A = new byte[16];
    private static final byte[] V6_B = new byte[16];

    static {
        V6_A[15] = 1;
        V6_B[0] = (byte) 0xfd;
        V6_B[15] = 2;
    }

    private static Segment fin() {
        return new Segment(40000, 80, 1000, 5001, TcpFlags.FIN | TcpFlags.ACK, 65535, TcpOptions.NONE,
                Bytes.utf8("bye"));
    }

    @Test
    void an_ipv4_header_carries_df_ttl_tcp_and_a_checksum_that_verifies_rfc791_3_1() {
        byte[] tcp = SegmentCodec.encode(fin(), PseudoHeader.ipv4(V4_A, V4_B));
        byte[] ip = IpHeaders.frame(V4_A, V4_B, 7, 64, tcp);
        assertEquals(0x45, ip[0] & 0xFF);
        assertEquals(20 + tcp.length, ((ip[2] & 0xFF) << 8) | (ip[3] & 0xFF));
        assertEquals(7, ((ip[4] & 0xFF) << 8) | (ip[5] & 0xFF));
        assertEquals(0x40, ip[6] & 0xFF, "DF");
        assertEquals(64, ip[8] & 0xFF);
        assertEquals(6, ip[9]);
        assertEquals(0, IpHeaders.headerChecksum(ip, 0, 20), "a valid header sums to zero");
        assertArrayEquals(tcp, Arrays.copyOfRange(ip, 20, ip.length));
    }

    @Test
    void an_ipv6_header_carries_the_payload_length_and_next_header_tcp_rfc8200_3() {
        byte[] tcp = SegmentCodec.encode(fin(), PseudoHeader.ipv6(V6_A, V6_B));
        byte[] ip = IpHeaders.frame(V6_A, V6_B, 7, 64, tcp);
        assertEquals(6, (ip[0] & 0xFF) >>> 4);
        assertEquals(tcp.length, ((ip[4] & 0xFF) << 8) | (ip[5] & 0xFF));
        assertEquals(6, ip[6]);
        assertEquals(64, ip[7] & 0xFF);
        assertArrayEquals(V6_A, Arrays.copyOfRange(ip, 8, 24));
        assertArrayEquals(V6_B, Arrays.copyOfRange(ip, 24, 40));
        assertArrayEquals(tcp, Arrays.copyOfRange(ip, 40, ip.length));
    }

    @Test
    void mixed_or_odd_address_lengths_and_bad_hop_limits_are_refused_by_name() {
        byte[] tcp = new byte[20];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IpHeaders.frame(V4_A, V6_B, 0, 64, tcp));
        assertTrue(e.getMessage().contains("4 and 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpHeaders.frame(new byte[5], new byte[5], 0, 64, tcp));
        assertThrows(IllegalArgumentException.class, () -> IpHeaders.frame(V4_A, V4_B, 0, 0, tcp));
    }

    @Test
    void each_segment_reads_back_from_its_block_with_timestamp_interface_and_a_valid_tcp_checksum() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CaptureWriter w = new CaptureWriter(bytes)) {
            int v4 = w.addInterface("v4");
            int v6 = w.addInterface("v6");
            w.segment(v4, 1_700_000_000_123_456_789L, V4_A, V4_B, fin(), "first");
            w.segment(v6, 1_700_000_001_000_000_000L, V6_A, V6_B, fin(), null);
            assertEquals(2, w.packets());
        }
        List<long[]> meta = new ArrayList<>();
        List<byte[]> packets = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        int interfaces = 0;
        while (b.remaining() > 0) {
            int start = b.position();
            int type = b.getInt();
            int len = b.getInt();
            assertEquals(len, b.getInt(start + len - 4), "a block's length is repeated at its end");
            if (type == 1) {
                interfaces++;
                assertEquals(101, b.getShort(start + 8), "LINKTYPE_RAW");
            } else if (type == 6) {
                long ts = ((long) b.getInt(start + 12) << 32) | (b.getInt(start + 16) & 0xFFFFFFFFL);
                int captured = b.getInt(start + 20);
                meta.add(new long[] {b.getInt(start + 8), ts});
                packets.add(Arrays.copyOfRange(b.array(), start + 28, start + 28 + captured));
            }
            b.position(start + len);
        }
        assertEquals(2, interfaces);
        assertEquals(0, meta.get(0)[0]);
        assertEquals(1_700_000_000_123_456_789L, meta.get(0)[1]);
        assertEquals(1, meta.get(1)[0]);
        byte[] p4 = packets.get(0);
        Segment s4 = SegmentCodec.decode(p4, 20, p4.length - 20, PseudoHeader.ipv4(V4_A, V4_B));
        assertEquals(fin().seq(), s4.seq());
        byte[] p6 = packets.get(1);
        Segment s6 = SegmentCodec.decode(p6, 40, p6.length - 40, PseudoHeader.ipv6(V6_A, V6_B));
        assertEquals(3, s6.payload().length());
    }

    @Test
    void a_packet_for_an_undeclared_interface_is_refused() throws Exception {
        CaptureWriter w = new CaptureWriter(new ByteArrayOutputStream());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.packet(0, 0, new byte[20], null));
        assertTrue(e.getMessage().contains("no interface 0"), e.getMessage());
    }
}
