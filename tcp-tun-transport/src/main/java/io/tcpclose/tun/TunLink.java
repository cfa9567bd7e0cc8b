package io.tcpclose.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import io.tcpclose.nio.PacketLink;
import io.tcpclose.wire.IpHeaders;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Raw IP through a {@link TunDevice}: IPv4 and IPv6 headers read and written here, TCP handed to
 * the stack with the pseudo-header's addresses, everything else dropped and counted by reason.
 * The loop sleeps in {@code poll(2)} on the device and an {@code eventfd} that {@link #wakeup()}
 * writes, so other threads can wake it. Output the device cannot take waits in a bounded queue.
 * Thread-safety: as {@link PacketLink}.
 */
final class TunLink implements PacketLink {
    static final int OUTPUT_QUEUE = 4_096;
    static final int MAX_PACKET = 65_535;

    private final TunDevice device;
    private final InetAddress local;
    private final byte[] localBytes;
    private final int wakeFd;
    private final byte[] in = new byte[MAX_PACKET];
    private final byte[] pollFds = new byte[16];
    private final byte[] eight = new byte[8];
    private final ArrayDeque<byte[]> blocked = new ArrayDeque<>();
    private int identification;

    final AtomicLong packetsIn = new AtomicLong();
    final AtomicLong packetsOut = new AtomicLong();
    final AtomicLong outputDrops = new AtomicLong();
    final AtomicLong deviceErrors = new AtomicLong();
    private volatile String lastDeviceError;
    final AtomicLongArray drops = new AtomicLongArray(IpPacket.Drop.values().length);

    TunLink(TunDevice device, InetAddress local) throws IOException {
        this.device = device;
        this.local = local;
        this.localBytes = local.getAddress();
        try {
            wakeFd = LibC.INSTANCE.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("eventfd: " + TunDevice.errno(e), e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress(local, 0);
    }

    @Override
    public boolean tunnelled() {
        return false;
    }

    @Override
    public int read(Sink sink, int max) throws IOException {
        int n = 0;
        while (n < max) {
            int len = device.read(in);
            if (len < 0) {
                return n;
            }
            n++;
            packetsIn.incrementAndGet();
            IpPacket.Parsed p = IpPacket.parse(in, len);
            if (p.drop() == null && !Arrays.equals(p.destination(), localBytes)) {
                p = new IpPacket.Parsed(IpPacket.Drop.NOT_FOR_US, 0, 0, 0, null, null);
            }
            if (p.drop() != null) {
                drops.incrementAndGet(p.drop().ordinal());
                continue;
            }
            InetAddress src;
            try {
                src = InetAddress.getByAddress(p.source());
            } catch (UnknownHostException e) {
                drops.incrementAndGet(IpPacket.Drop.BAD_HEADER_LENGTH.ordinal());
                continue;
            }
            sink.segment(src, 0, local, 0, ByteBuffer.wrap(in, p.offset(), p.length()));
        }
        return n;
    }

    @Override
    public void send(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer segment) {
        byte[] tcp = new byte[segment.remaining()];
        segment.get(tcp);
        byte[] packet;
        try {
            packet = IpHeaders.frame(source.getAddress(), destination.getAddress(), identification++, 64, tcp);
        } catch (IllegalArgumentException e) {
            deviceErrors.incrementAndGet(); // mixed address families: no packet to send
            return;
        }
        if (blocked.isEmpty() && write(packet)) {
            return;
        }
        if (blocked.size() >= OUTPUT_QUEUE) {
            outputDrops.incrementAndGet(); // as a lost packet: retransmission recovers it
            return;
        }
        blocked.add(packet);
    }

    /** True when the packet left (or failed for good); false when the device had no room. */
    private boolean write(byte[] packet) {
        try {
            if (!device.write(packet)) {
                return false;
            }
            packetsOut.incrementAndGet();
        } catch (IOException e) {
            deviceErrors.incrementAndGet();
            lastDeviceError = e.getMessage(); // named in counters(), e.g. a device that is down
        }
        return true;
    }

    @Override
    public void flush() {
        while (!blocked.isEmpty()) {
            if (!write(blocked.peek())) {
                return;
            }
            blocked.poll();
        }
    }

    @Override
    public void await(long timeoutNanos) throws IOException {
        int millis = timeoutNanos < 0 ? -1
                : (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
        pollFd(0, device.fd(), (short) (LibC.POLLIN | (blocked.isEmpty() ? 0 : LibC.POLLOUT)));
        pollFd(8, wakeFd, LibC.POLLIN);
        try {
            LibC.INSTANCE.poll(pollFds, new NativeLong(2), millis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != LibC.EINTR) {
                throw new IOException("poll on " + device.name() + ": " + TunDevice.errno(e), e);
            }
        }
        if ((pollFds[14] | pollFds[15]) != 0) { // the eventfd's revents: drain the wake-ups
            try {
                LibC.INSTANCE.read(wakeFd, eight, new NativeLong(8));
            } catch (LastErrorException ignored) {
                // another turn drained it
            }
        }
    }

    private void pollFd(int at, int fd, short events) {
        pollFds[at] = (byte) fd;
        pollFds[at + 1] = (byte) (fd >>> 8);
        pollFds[at + 2] = (byte) (fd >>> 16);
        pollFds[at + 3] = (byte) (fd >>> 24);
        pollFds[at + 4] = (byte) events;
        pollFds[at + 5] = (byte) (events >>> 8);
        pollFds[at + 6] = 0;
        pollFds[at + 7] = 0;
    }

    @Override
    public void wakeup() {
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
        try {
            LibC.INSTANCE.write(wakeFd, one, new NativeLong(8));
        } catch (LastErrorException ignored) {
            // the counter is full: the loop is awake anyway
        }
    }

    @Override
    public String counters() {
        StringBuilder sb = new StringBuilder("packets in " + packetsIn + ", out " + packetsOut + ", output drops "
                + outputDrops + ", device errors " + deviceErrors
                + (lastDeviceError == null ? "" : " (last: " + lastDeviceError + ")"));
        for (IpPacket.Drop d : IpPacket.Drop.values()) {
            long c = drops.get(d.ordinal());
            if (c > 0) {
                sb.append(", dropped ").append(d.name().toLowerCase().replace('_', ' ')).append(' ').append(c);
            }
        }
        return sb.toString();
    }

    /** How many packets were dropped for {@code reason}. */
    long dropped(IpPacket.Drop reason) {
        return drops.get(reason.ordinal());
    }

    @Override
    public void close() {
        device.close();
        try {
            LibC.INSTANCE.close(wakeFd);
        } catch (LastErrorException ignored) {
            // already gone
        }
    }
}
