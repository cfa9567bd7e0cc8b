package io.tcpclose.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * Sends whole IPv4 packets through the kernel's raw socket ({@code SOCK_RAW, IPPROTO_RAW}, which
 * implies {@code IP_HDRINCL}), so a test can put a forged segment on the wire from the kernel's
 * side of a TUN device: the packet leaves by the route to its destination and our stack reads it
 * from the device as if the kernel's TCP had sent it. Needs {@code CAP_NET_RAW}; test-only.
 * Not thread-safe.
 */
final class RawIpSender implements AutoCloseable {
    private interface Sockets extends Library {
        Sockets INSTANCE = Native.load("c", Sockets.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_RAW = 255;
    private final int fd;

    RawIpSender() {
        fd = Sockets.INSTANCE.socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    }

    /** Sends one IPv4 packet (header included) to the destination address in its header. */
    void send(byte[] packet) {
        byte[] sin = new byte[16]; // struct sockaddr_in: family in host order (x86/arm little-endian), port 0, address
        sin[0] = AF_INET;
        System.arraycopy(packet, 16, sin, 4, 4);
        long n = Sockets.INSTANCE.sendto(fd, packet, new NativeLong(packet.length), 0, sin, sin.length).longValue();
        if (n != packet.length) {
            throw new IllegalStateException("raw socket sent " + n + " of " + packet.length + " bytes");
        }
    }

    @Override
    public void close() {
        Sockets.INSTANCE.close(fd);
    }
}
