package io.tcpclose.nio;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The ICMP errors the kernel queues for the link's UDP socket ({@code IP_RECVERR}, Linux), read
 * with {@code recvmsg(MSG_ERRQUEUE)}. An unconnected UDP socket hears nothing of ICMP otherwise:
 * the JDK neither sets the option nor reads the queue, so a connect to a port where nothing
 * listens would retry its SYN for minutes instead of failing as refused (RFC 1122 §4.2.3.9).
 *
 * <p>The JDK does not hand out a channel's descriptor, so {@link #open} finds it by the address it
 * is bound to among the process's sockets. Once the option is on, a queued error makes the socket
 * readable until it is read: the link drains the queue whenever a readable turn brings no
 * datagram. The kernel quotes the datagram it could not deliver — the TCP segment, at least its
 * first bytes — and names where it was going, which is all the stack needs to find the connection.
 *
 * <p>Thread-safety: none; the loop thread only.
 */
final class ErrorQueue {
    /** An ICMP error about a datagram the socket sent. */
    interface Handler {
        /**
         * One queued error.
         *
         * @param destination where the datagram was going
         * @param ipv6        whether the message was ICMPv6
         * @param type        the ICMP type
         * @param code        the ICMP code
         * @param quoted      the start of the datagram's payload, position to limit; valid during the call
         */
        void error(InetSocketAddress destination, boolean ipv6, int type, int code, ByteBuffer quoted);
    }

    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_IP = 0;
    private static final int IP_RECVERR = 11;
    private static final int SOL_IPV6 = 41;
    private static final int IPV6_RECVERR = 25;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_ERRQUEUE = 0x2000;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SO_EE_ORIGIN_ICMP = 2;
    private static final int SO_EE_ORIGIN_ICMP6 = 3;
    /** At most this many errors per drain, so a flood of them cannot starve the loop. */
    static final int PER_DRAIN = 64;

    /** Why the queue is not available here, or null when libc could be bound. */
    private static final String UNAVAILABLE = bind();

    private static String bind() {
        if (!Platform.isLinux() || Native.POINTER_SIZE != 8) {
            return "ICMP errors are read on 64-bit Linux only";
        }
        try {
            Native.register(ErrorQueue.class, "c");
            return null;
        } catch (LinkageError e) {
            return "libc could not be bound through JNA: " + e.getMessage();
        }
    }

    private static native int setsockopt(int fd, int level, int name, int[] value, int length);

    private static native int getsockopt(int fd, int level, int name, int[] value, int[] length);

    private static native int getsockname(int fd, byte[] address, int[] length);

    private static native long recvmsg(int fd, Pointer msghdr, int flags);

    private final int fd;
    // struct msghdr and what it points at, laid out by hand for LP64: one allocation for the link's life.
    private final Memory msg = new Memory(56);
    private final Memory name = new Memory(128);
    private final Memory iov = new Memory(16);
    private final Memory data = new Memory(2048);
    private final Memory control = new Memory(512);

    private ErrorQueue(int fd) {
        this.fd = fd;
        iov.setPointer(0, data);
        iov.setLong(8, data.size());
    }

    /**
     * Switches error reporting on for the UDP socket bound to {@code local}.
     *
     * @param local the socket's bound address and port (not a wildcard)
     * @return the queue
     * @throws IOException naming why not: not Linux, no such socket found, or the option refused
     */
    static ErrorQueue open(InetSocketAddress local) throws IOException {
        if (UNAVAILABLE != null) {
            throw new IOException(UNAVAILABLE);
        }
        int fd = findSocket(local);
        int[] on = {1};
        boolean v6 = local.getAddress() instanceof Inet6Address;
        if (setsockopt(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVERR : IP_RECVERR, on, 4) != 0) {
            throw new IOException("setsockopt(IP_RECVERR) failed: errno " + Native.getLastError());
        }
        return new ErrorQueue(fd);
    }

    /** The one datagram socket of this process bound to exactly {@code local}. */
    private static int findSocket(InetSocketAddress local) throws IOException {
        byte[] want = sockaddr(local);
        int found = -1;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
            for (Path p : fds) {
                int fd;
                try {
                    fd = Integer.parseInt(p.getFileName().toString());
                    if (!Files.readSymbolicLink(p).toString().startsWith("socket:")) {
                        continue;
                    }
                } catch (NumberFormatException | IOException e) {
                    continue; // closed since the listing, or not a descriptor
                }
                byte[] got = new byte[128];
                int[] len = {got.length};
                int[] type = {0};
                int[] typeLen = {4};
                if (getsockname(fd, got, len) != 0 || len[0] < want.length
                        || getsockopt(fd, SOL_SOCKET, SO_TYPE, type, typeLen) != 0 || type[0] != SOCK_DGRAM) {
                    continue;
                }
                if (java.util.Arrays.equals(got, 0, want.length, want, 0, want.length)) {
                    if (found >= 0) {
                        throw new IOException("two datagram sockets are bound to " + local);
                    }
                    found = fd;
                }
            }
        }
        if (found < 0) {
            throw new IOException("no datagram socket of this process is bound to " + local);
        }
        return found;
    }

    /** The significant bytes of a {@code sockaddr_in} or {@code sockaddr_in6} (not its scope id). */
    private static byte[] sockaddr(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        byte[] sa = new byte[ip.length == 4 ? 8 : 24];
        int family = ip.length == 4 ? AF_INET : AF_INET6;
        sa[0] = (byte) family; // host order, little-endian on every 64-bit Linux JNA runs on but s390x
        sa[1] = (byte) (family >> 8);
        sa[2] = (byte) (a.getPort() >> 8);
        sa[3] = (byte) a.getPort();
        System.arraycopy(ip, 0, sa, ip.length == 4 ? 4 : 8, ip.length);
        return sa;
    }

    /**
     * Reads what is queued, at most {@link #PER_DRAIN} errors, each handed to {@code h}.
     *
     * @return how many were read
     */
    int drain(Handler h) {
        int n = 0;
        while (n < PER_DRAIN) {
            msg.clear();
            msg.setPointer(0, name);
            msg.setInt(8, (int) name.size());
            msg.setPointer(16, iov);
            msg.setLong(24, 1);
            msg.setPointer(32, control);
            msg.setLong(40, control.size());
            long r = recvmsg(fd, msg, MSG_ERRQUEUE | MSG_DONTWAIT);
            if (r < 0) {
                return n; // EAGAIN: the queue is empty (or the socket closed under us)
            }
            n++;
            InetSocketAddress to = destination();
            int ee = extendedError();
            if (to == null || ee < 0) {
                continue;
            }
            int origin = control.getByte(ee + 4);
            if (origin != SO_EE_ORIGIN_ICMP && origin != SO_EE_ORIGIN_ICMP6) {
                continue; // a local error (EMSGSIZE and the like): nothing the peer said
            }
            h.error(to, origin == SO_EE_ORIGIN_ICMP6, control.getByte(ee + 5) & 0xFF, control.getByte(ee + 6) & 0xFF,
                    data.getByteBuffer(0, Math.min(r, data.size())));
        }
        return n;
    }

    /** Where the failed datagram was going, from {@code msg_name}. */
    private InetSocketAddress destination() {
        int len = msg.getInt(8);
        int family = (name.getByte(0) & 0xFF) | (name.getByte(1) & 0xFF) << 8;
        int port = (name.getByte(2) & 0xFF) << 8 | (name.getByte(3) & 0xFF);
        try {
            if (family == AF_INET && len >= 8) {
                return new InetSocketAddress(InetAddress.getByAddress(name.getByteArray(4, 4)), port);
            }
            if (family == AF_INET6 && len >= 24) {
                return new InetSocketAddress(InetAddress.getByAddress(name.getByteArray(8, 16)), port);
            }
        } catch (UnknownHostException impossible) {
            return null;
        }
        return null;
    }

    /** The offset in {@code control} of the {@code sock_extended_err}, or -1. */
    private int extendedError() {
        long used = msg.getLong(40);
        for (long at = 0; at + 16 <= used; ) {
            long len = control.getLong(at);
            int level = control.getInt(at + 8);
            int type = control.getInt(at + 12);
            if (len < 16) {
                return -1;
            }
            if ((level == SOL_IP && type == IP_RECVERR) || (level == SOL_IPV6 && type == IPV6_RECVERR)) {
                return len >= 16 + 16 ? (int) at + 16 : -1;
            }
            at += (len + 7) & ~7L;
        }
        return -1;
    }
}
