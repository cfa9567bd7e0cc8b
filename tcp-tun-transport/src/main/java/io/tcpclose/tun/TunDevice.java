package io.tcpclose.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A Linux TUN device ({@code IFF_TUN | IFF_NO_PI}): each read and each write is exactly one raw
 * IP packet, IPv4 or IPv6, with no link-layer header. The file descriptor is non-blocking, since
 * a thread blocked in a native {@code read} can be woken neither by {@code close} nor by an
 * interrupt.
 *
 * <p>Privileges: creating the device needs {@code CAP_NET_ADMIN} (root, or a user and network
 * namespace: {@code unshare -rn}). Set it up as any interface, for example {@code ip addr add
 * 10.77.0.1/24 dev tun0 && ip link set tun0 up}: the kernel then routes 10.77.0.0/24 into the
 * device, and tcpclose, reading it, answers as 10.77.0.2. An Android {@code VpnService} or any
 * other owner of an already configured device hands its descriptor to {@link #adopt}.
 *
 * <p>Thread-safety: reads and writes are meant for one thread (the stack's loop); {@link
 * #close()} may be called from any thread, once.
 */
public final class TunDevice implements Closeable {
    private static final int IFNAMSIZ = 16;
    private final int fd;
    private final String name;
    private volatile boolean closed;
    private boolean claimed;
    private static final int EIO = 5;

    private TunDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Creates (or attaches to) the TUN device {@code name}.
     *
     * @param name the interface name, 1..15 ASCII characters, such as {@code "tun0"}, or a pattern
     *             such as {@code "tun%d"} for the kernel to complete
     * @return the open device, non-blocking; {@link #name()} is the name the kernel gave it
     * @throws IOException              when {@code /dev/net/tun} cannot be opened or the device
     *                                  cannot be created (the message names errno: EPERM means
     *                                  CAP_NET_ADMIN is missing)
     * @throws IllegalArgumentException for an empty or too long name
     */
    public static TunDevice open(String name) throws IOException {
        Objects.requireNonNull(name, "name");
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length == 0 || n.length >= IFNAMSIZ || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/')) {
            throw new IllegalArgumentException("a TUN device name is 1 to 15 printable ASCII characters without spaces or '/', not \""
                    + name + "\"");
        }
        int fd;
        try {
            fd = LibC.INSTANCE.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open /dev/net/tun: " + errno(e)
                    + (e.getErrorCode() == 13 || e.getErrorCode() == 1 ? " (it needs CAP_NET_ADMIN and access to the device: root, or unshare -rn)" : ""), e);
        }
        try {
            byte[] ifreq = new byte[40]; // struct ifreq: the name, then the flags as a short at offset 16
            System.arraycopy(n, 0, ifreq, 0, n.length);
            short flags = (short) (LibC.IFF_TUN | LibC.IFF_NO_PI);
            ifreq[16] = (byte) flags;
            ifreq[17] = (byte) (flags >>> 8);
            LibC.INSTANCE.ioctl(fd, new NativeLong(LibC.TUNSETIFF), ifreq);
            nonBlocking(fd);
            // The kernel writes the name it chose back into the request ("tun%d" becomes "tun0").
            int end = 0;
            while (end < IFNAMSIZ && ifreq[end] != 0) {
                end++;
            }
            String actual = new String(ifreq, 0, end, StandardCharsets.US_ASCII);
            return new TunDevice(fd, actual.isEmpty() ? name : actual);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw new IOException("cannot create TUN device " + name + ": " + errno(e)
                    + (e.getErrorCode() == 1 ? " (it needs CAP_NET_ADMIN: root, or unshare -rn)" : ""), e);
        }
    }

    /**
     * Takes over a TUN descriptor opened and configured by someone else (an Android {@code
     * VpnService}, a privileged helper); it is made non-blocking and closed by {@link #close()}.
     *
     * @param fd   the descriptor
     * @param name the interface's name, for messages
     * @return the device
     * @throws IOException when the descriptor cannot be made non-blocking (it is not open)
     */
    public static TunDevice adopt(int fd, String name) throws IOException {
        try {
            nonBlocking(fd);
        } catch (LastErrorException e) {
            throw new IOException("descriptor " + fd + " cannot be made non-blocking: " + errno(e), e);
        }
        return new TunDevice(fd, Objects.requireNonNull(name, "name"));
    }

    private static void nonBlocking(int fd) {
        int flags = LibC.INSTANCE.fcntl(fd, LibC.F_GETFL, 0);
        LibC.INSTANCE.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK);
    }

    /** {@return the interface name} */
    public String name() {
        return name;
    }

    int fd() {
        return fd;
    }

    /**
     * Reads one packet.
     *
     * @param buf where it goes; a packet longer than the buffer is cut (the device's MTU bounds it)
     * @return its length, or -1 when none is waiting
     * @throws IOException when the read fails otherwise (the device went away)
     */
    int read(byte[] buf) throws IOException {
        try {
            return LibC.INSTANCE.read(fd, buf, new NativeLong(buf.length)).intValue();
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) {
                return -1;
            }
            throw new IOException("read from " + name + ": " + errno(e), e);
        }
    }

    /**
     * Writes one packet.
     *
     * @return false when the device has no room now (try again when it is writable)
     * @throws IOException when the write fails otherwise
     */
    boolean write(byte[] packet) throws IOException {
        try {
            LibC.INSTANCE.write(fd, packet, new NativeLong(packet.length));
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) {
                return false;
            }
            throw new IOException("write to " + name + ": " + errno(e)
                    + (e.getErrorCode() == EIO ? " (the device is down: ip link set " + name + " up)" : ""), e);
        }
    }

    /**
     * Takes the device for one stack, which reads and writes it from then on.
     *
     * @throws IllegalStateException when the device is closed, or already carries a stack
     */
    synchronized void claim() {
        if (closed) {
            throw new IllegalStateException(name + " is closed: open the device again");
        }
        if (claimed) {
            throw new IllegalStateException(name + " already carries a stack: one stack per device");
        }
        claimed = true;
    }

    /** Closes the descriptor: the kernel removes a device it created for us. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(fd);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException ignored) {
            // nothing left to release
        }
    }

    static String errno(LastErrorException e) {
        return "errno " + e.getErrorCode() + " (" + e.getMessage() + ")";
    }

    @Override
    public String toString() {
        return "TunDevice " + name + (closed ? " (closed)" : "");
    }
}
