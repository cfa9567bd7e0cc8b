package io.tcpclose.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;

/**
 * The kernel's raw IPv4 socket ({@code SOCK_RAW, IPPROTO_RAW}, which implies
 * {@code IP_HDRINCL}): sends whole packets, header included, that the kernel routes by their
 * destination address without looking at what they carry. Put on the kernel's side of a
 * {@link TunDevice}, it forges segments that reach a user-space stack as if the kernel's TCP had
 * sent them, which is how a test plays the blind attacker of RFC 5961 against that stack. (The
 * reverse direction, a forged packet toward the kernel, is a packet written into the TUN device:
 * from a second descriptor on the same device, since a stack owns the one it runs on.) The kernel
 * fills in the header checksum and, when zero, the identification.
 *
 * <p>Needs {@code CAP_NET_RAW} (root, or a user namespace that owns the network namespace). Not
 * thread-safe; close it to release the descriptor.
 */
public final class RawIpSocket implements AutoCloseable {
    private final int fd;
    private boolean closed;

    private RawIpSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a raw IPv4 socket in the calling thread's network namespace.
     *
     * @return the socket
     * @throws IOException with errno's meaning when the kernel refuses (EPERM without
     *                     {@code CAP_NET_RAW})
     */
    public static RawIpSocket open() throws IOException {
        try {
            return new RawIpSocket(LibC.INSTANCE.socket(LibC.AF_INET, LibC.SOCK_RAW, LibC.IPPROTO_RAW));
        } catch (LastErrorException e) {
            throw new IOException("cannot open a raw IPv4 socket: " + TunDevice.errno(e)
                    + (e.getErrorCode() == 1 ? ", it needs CAP_NET_RAW" : ""), e);
        }
    }

    /**
     * Sends one IPv4 packet to the destination address its header names.
     *
     * @param packet the whole packet, from the version nibble on
     * @throws IllegalArgumentException when {@code packet} is no IPv4 header's worth
     * @throws IllegalStateException    when the socket is closed
     * @throws IOException              with errno when the kernel refuses the packet
     */
    public void send(byte[] packet) throws IOException {
        if (packet.length < 20 || (packet[0] >> 4 & 0xF) != 4) {
            throw new IllegalArgumentException("not an IPv4 packet: " + packet.length + " bytes, version "
                    + (packet.length == 0 ? "none" : String.valueOf(packet[0] >> 4 & 0xF)));
        }
        if (closed) {
            throw new IllegalStateException("the raw socket is closed");
        }
        // struct sockaddr_in: sa_family in host order (little-endian on x86 and arm), port 0, address.
        byte[] sin = new byte[16];
        sin[0] = (byte) LibC.AF_INET;
        System.arraycopy(packet, 16, sin, 4, 4);
        try {
            long n = LibC.INSTANCE.sendto(fd, packet, new NativeLong(packet.length), 0, sin, sin.length).longValue();
            if (n != packet.length) {
                throw new IOException("the raw socket sent " + n + " of " + packet.length + " bytes");
            }
        } catch (LastErrorException e) {
            throw new IOException("the kernel refused the packet: " + TunDevice.errno(e)
                    + (e.getErrorCode() == 101 ? ", no route to its destination" : ""), e);
        }
    }

    /** Closes the descriptor; later sends throw. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }
}
