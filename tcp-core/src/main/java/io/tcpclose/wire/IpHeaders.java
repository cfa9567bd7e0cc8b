package io.tcpclose.wire;

import java.nio.ByteBuffer;

/**
 * Frames a TCP segment in an IPv4 (RFC 791) or IPv6 (RFC 8200) header, for captures and for
 * transports that carry raw IP. The IPv4 header has no options, DF set and a correct header
 * checksum; IPv6 has no extension headers. Stateless; thread-safe.
 */
public final class IpHeaders {
    /** The IPv4 header's length without options. */
    public static final int IPV4_HEADER = 20;
    /** The IPv6 fixed header's length. */
    public static final int IPV6_HEADER = 40;
    /** IANA's protocol number for TCP. */
    public static final int PROTOCOL_TCP = 6;

    private IpHeaders() {}

    /**
     * A whole IP packet around {@code tcp}: IPv4 when the addresses are 4 bytes, IPv6 when 16.
     *
     * @param source         the source address, 4 or 16 bytes
     * @param destination    the destination address, the same length
     * @param identification the IPv4 identification field (ignored for IPv6)
     * @param hopLimit       the TTL or hop limit, 1..255
     * @param tcp            the encoded TCP segment
     * @return the packet
     * @throws IllegalArgumentException for addresses of other or mixed lengths, a hop limit out
     *                                  of range, or a packet longer than 65535 bytes (IPv4) or a
     *                                  payload longer than 65535 (IPv6)
     */
    public static byte[] frame(byte[] source, byte[] destination, int identification, int hopLimit, byte[] tcp) {
        if (source.length != destination.length || (source.length != 4 && source.length != 16)) {
            throw new IllegalArgumentException("addresses must both be IPv4 (4 bytes) or IPv6 (16 bytes), were "
                    + source.length + " and " + destination.length);
        }
        if (hopLimit < 1 || hopLimit > 255) {
            throw new IllegalArgumentException("hop limit must be 1..255, was " + hopLimit);
        }
        return source.length == 4 ? ipv4(source, destination, identification, hopLimit, tcp)
                : ipv6(source, destination, hopLimit, tcp);
    }

    private static byte[] ipv4(byte[] src, byte[] dst, int id, int ttl, byte[] tcp) {
        int total = IPV4_HEADER + tcp.length;
        if (total > 0xFFFF) {
            throw new IllegalArgumentException("an IPv4 packet holds at most 65535 bytes, this one " + total);
        }
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) id)
                .putShort((short) 0x4000) // DF, no fragment offset
                .put((byte) ttl).put((byte) PROTOCOL_TCP).putShort((short) 0).put(src).put(dst);
        byte[] a = b.array();
        int cs = headerChecksum(a, 0, IPV4_HEADER);
        a[10] = (byte) (cs >>> 8);
        a[11] = (byte) cs;
        System.arraycopy(tcp, 0, a, IPV4_HEADER, tcp.length);
        return a;
    }

    private static byte[] ipv6(byte[] src, byte[] dst, int hopLimit, byte[] tcp) {
        if (tcp.length > 0xFFFF) {
            throw new IllegalArgumentException("an IPv6 payload holds at most 65535 bytes without a jumbogram, this one "
                    + tcp.length);
        }
        ByteBuffer b = ByteBuffer.allocate(IPV6_HEADER + tcp.length);
        b.putInt(6 << 28).putShort((short) tcp.length).put((byte) PROTOCOL_TCP).put((byte) hopLimit)
                .put(src).put(dst).put(tcp);
        return b.array();
    }

    /**
     * The RFC 791 header checksum of {@code length} bytes at {@code offset}, the checksum field
     * counted as it stands (zero it first to compute, leave it to verify: a valid header gives 0).
     *
     * @param header the bytes
     * @param offset where the header starts
     * @param length its length, even
     * @return the one's complement of the one's complement sum, 16 bits
     */
    public static int headerChecksum(byte[] header, int offset, int length) {
        int sum = 0;
        for (int i = offset; i < offset + length; i += 2) {
            sum += ((header[i] & 0xFF) << 8) | (header[i + 1] & 0xFF);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }
}
