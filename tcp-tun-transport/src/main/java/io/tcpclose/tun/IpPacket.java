package io.tcpclose.tun;

import io.tcpclose.wire.IpHeaders;

/**
 * Reads the IP header of a packet from the TUN device (RFC 791, RFC 8200) and finds the TCP
 * segment inside, or says why there is none. Options in an IPv4 header are skipped by its IHL;
 * IPv6 extension headers are not followed (such packets count as {@link Drop#NOT_TCP}).
 * Stateless; thread-safe.
 */
final class IpPacket {
    /** Why a packet carried no segment for us; each is counted. */
    enum Drop {
        TOO_SHORT, NOT_IP, BAD_HEADER_LENGTH, BAD_TOTAL_LENGTH, BAD_HEADER_CHECKSUM, FRAGMENT, NOT_TCP, NOT_FOR_US
    }

    private IpPacket() {}

    /** Where the segment is, and between which addresses; or why none. */
    record Parsed(Drop drop, int version, int offset, int length, byte[] source, byte[] destination) {}

    static Parsed parse(byte[] p, int n) {
        if (n < 1) {
            return drop(Drop.TOO_SHORT);
        }
        int version = (p[0] & 0xFF) >>> 4;
        if (version == 4) {
            if (n < IpHeaders.IPV4_HEADER) {
                return drop(Drop.TOO_SHORT);
            }
            int ihl = (p[0] & 0x0F) * 4;
            if (ihl < IpHeaders.IPV4_HEADER || ihl > n) {
                return drop(Drop.BAD_HEADER_LENGTH);
            }
            int total = u16(p, 2);
            if (total < ihl || total > n) {
                return drop(Drop.BAD_TOTAL_LENGTH);
            }
            if (IpHeaders.headerChecksum(p, 0, ihl) != 0) {
                return drop(Drop.BAD_HEADER_CHECKSUM);
            }
            if ((u16(p, 6) & 0x3FFF) != 0) {
                return drop(Drop.FRAGMENT); // MF set or an offset: tcpclose does not reassemble IP
            }
            if ((p[9] & 0xFF) != IpHeaders.PROTOCOL_TCP) {
                return drop(Drop.NOT_TCP);
            }
            return new Parsed(null, 4, ihl, total - ihl, slice(p, 12, 4), slice(p, 16, 4));
        }
        if (version == 6) {
            if (n < IpHeaders.IPV6_HEADER) {
                return drop(Drop.TOO_SHORT);
            }
            int payload = u16(p, 4);
            if (IpHeaders.IPV6_HEADER + payload > n) {
                return drop(Drop.BAD_TOTAL_LENGTH);
            }
            if ((p[6] & 0xFF) != IpHeaders.PROTOCOL_TCP) {
                return drop(Drop.NOT_TCP); // ICMPv6, MLD, or an extension header
            }
            return new Parsed(null, 6, IpHeaders.IPV6_HEADER, payload, slice(p, 8, 16), slice(p, 24, 16));
        }
        return drop(Drop.NOT_IP);
    }

    private static Parsed drop(Drop d) {
        return new Parsed(d, 0, 0, 0, null, null);
    }

    private static int u16(byte[] p, int at) {
        return ((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF);
    }

    private static byte[] slice(byte[] p, int at, int len) {
        byte[] a = new byte[len];
        System.arraycopy(p, at, a, 0, len);
        return a;
    }
}
