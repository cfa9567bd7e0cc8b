package io.tcpclose.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tcpclose.wire.IpHeaders;
import org.junit.jupiter.api.Test;

/** What reaches the stack from a TUN device and what is dropped, by reason (RFC 791, RFC 8200). */
class IpPacketTest {
    private static final byte[] A = {10, 77, 0, 1};
    private static final byte[] B = {10, 77, 0, 2};
    private static final byte[] TCP = new byte[20];

    private static IpPacket.Parsed parse(byte[] p) {
        return IpPacket.parse(p, p.length);
    }

    @Test
    void an_ipv4_tcp_packet_yields_its_segment_and_addresses_rfc791_3_1() {
        IpPacket.Parsed p = parse(IpHeaders.frame(A, B, 1, 64, TCP));
        assertNull(p.drop());
        assertEquals(20, p.offset());
        assertEquals(20, p.length());
        assertArrayEquals(A, p.source());
        assertArrayEquals(B, p.destination());
    }

    @Test
    void ipv4_options_are_skipped_by_the_header_length_rfc791_3_1() {
        byte[] plain = IpHeaders.frame(A, B, 1, 64, TCP);
        byte[] opts = new byte[plain.length + 4];
        System.arraycopy(plain, 0, opts, 0, 20);
        opts[0] = 0x46; // IHL 6: one word of options (NOPs: 1)
        opts[20] = 1;
        opts[21] = 1;
        opts[22] = 1;
        opts[23] = 1;
        System.arraycopy(plain, 20, opts, 24, TCP.length);
        int total = opts.length;
        opts[2] = (byte) (total >>> 8);
        opts[3] = (byte) total;
        opts[10] = 0;
        opts[11] = 0;
        int cs = IpHeaders.headerChecksum(opts, 0, 24);
        opts[10] = (byte) (cs >>> 8);
        opts[11] = (byte) cs;
        IpPacket.Parsed p = parse(opts);
        assertNull(p.drop());
        assertEquals(24, p.offset());
    }

    @Test
    void malformed_or_foreign_packets_are_dropped_by_reason() {
        byte[] good = IpHeaders.frame(A, B, 1, 64, TCP);
        assertEquals(IpPacket.Drop.TOO_SHORT, IpPacket.parse(good, 10).drop());
        byte[] badSum = good.clone();
        badSum[8] = 1; // TTL changed, checksum not
        assertEquals(IpPacket.Drop.BAD_HEADER_CHECKSUM, parse(badSum).drop());
        assertEquals(IpPacket.Drop.BAD_TOTAL_LENGTH, IpPacket.parse(good, 30).drop());
        byte[] udp = good.clone();
        udp[9] = 17;
        fixChecksum(udp);
        assertEquals(IpPacket.Drop.NOT_TCP, parse(udp).drop());
        byte[] fragment = good.clone();
        fragment[6] = 0x20; // MF
        fixChecksum(fragment);
        assertEquals(IpPacket.Drop.FRAGMENT, parse(fragment).drop());
        byte[] v5 = good.clone();
        v5[0] = 0x55;
        assertEquals(IpPacket.Drop.NOT_IP, parse(v5).drop());
        byte[] shortIhl = good.clone();
        shortIhl[0] = 0x44;
        assertEquals(IpPacket.Drop.BAD_HEADER_LENGTH, parse(shortIhl).drop());
    }

    @Test
    void an_ipv6_tcp_packet_yields_its_segment_and_icmpv6_is_dropped_rfc8200_3() {
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        a[15] = 1;
        b[15] = 2;
        byte[] v6 = IpHeaders.frame(a, b, 0, 64, TCP);
        IpPacket.Parsed p = parse(v6);
        assertNull(p.drop());
        assertEquals(40, p.offset());
        assertArrayEquals(b, p.destination());
        v6[6] = 58; // ICMPv6 (MLD, router solicitations)
        assertEquals(IpPacket.Drop.NOT_TCP, parse(v6).drop());
    }

    private static void fixChecksum(byte[] p) {
        p[10] = 0;
        p[11] = 0;
        int cs = IpHeaders.headerChecksum(p, 0, 20);
        p[10] = (byte) (cs >>> 8);
        p[11] = (byte) cs;
    }
}
