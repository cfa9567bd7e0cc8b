package io.tcpclose.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The addresses half of the TCP checksum's pseudo-header (RFC 9293 §3.1 for IPv4, RFC 8200
 * §8.1 for IPv6), pre-summed once per connection so each segment adds only its length.
 *
 * <p>Immutable and thread-safe.
 */
public final class PseudoHeader {
    private static final int PROTOCOL_TCP = 6;

    private final long addressSum;
    private final boolean ipv6;

    private PseudoHeader(long addressSum, boolean ipv6) {
        this.addressSum = addressSum;
        this.ipv6 = ipv6;
    }

    /**
     * IPv4 pseudo-header from two 4-byte addresses.
     *
     * @param source      the source address, 4 bytes in network order
     * @param destination the destination address, 4 bytes in network order
     * @return the pseudo-header
     * @throws IllegalArgumentException if an address is not 4 bytes long
     */
    public static PseudoHeader ipv4(byte[] source, byte[] destination) {
        check(source, 4);
        check(destination, 4);
        return new PseudoHeader(Checksum.sumWords(source, 0, 4) + Checksum.sumWords(destination, 0, 4) + PROTOCOL_TCP, false);
    }

    /**
     * IPv6 pseudo-header from two 16-byte addresses.
     *
     * @param source      the source address, 16 bytes in network order
     * @param destination the destination address, 16 bytes in network order
     * @return the pseudo-header
     * @throws IllegalArgumentException if an address is not 16 bytes long
     */
    public static PseudoHeader ipv6(byte[] source, byte[] destination) {
        check(source, 16);
        check(destination, 16);
        return new PseudoHeader(Checksum.sumWords(source, 0, 16) + Checksum.sumWords(destination, 0, 16) + PROTOCOL_TCP, true);
    }

    /**
     * The pseudo-header for two addresses of the same family.
     *
     * @param source      the source address
     * @param destination the destination address
     * @return the IPv4 or IPv6 pseudo-header
     * @throws IllegalArgumentException if the addresses are of different families
     */
    public static PseudoHeader of(InetAddress source, InetAddress destination) {
        if (source instanceof Inet4Address && destination instanceof Inet4Address) {
            return ipv4(source.getAddress(), destination.getAddress());
        }
        if (source instanceof Inet6Address && destination instanceof Inet6Address) {
            return ipv6(source.getAddress(), destination.getAddress());
        }
        throw new IllegalArgumentException("addresses of different families: " + source + " and " + destination);
    }

    private static void check(byte[] address, int length) {
        if (address.length != length) {
            throw new IllegalArgumentException("address has " + address.length + " bytes, expected " + length);
        }
    }

    /** {@return true for an IPv6 pseudo-header, false for IPv4} */
    public boolean isIpv6() {
        return ipv6;
    }

    /** The unfolded sum of the addresses and protocol; the TCP length is added per segment. */
    long addressSum() {
        return addressSum;
    }
}
