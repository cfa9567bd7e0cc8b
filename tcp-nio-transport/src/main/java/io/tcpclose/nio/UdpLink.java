package io.tcpclose.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Segments in UDP datagrams, one each, on one non-blocking {@link DatagramChannel} watched by a
 * {@link Selector}. Output the socket cannot take waits for {@code OP_WRITE} in a bounded queue.
 * Socket errors (a full interface) are counted and survived. ICMP errors about our datagrams (a
 * port where nothing listens) reach the stack through the socket's error queue ({@link
 * ErrorQueue}) where the platform has one; elsewhere they are lost, as to any unconnected UDP
 * socket, and {@link #icmpUnavailable} says why. Thread-safety: as {@link PacketLink}.
 */
final class UdpLink implements PacketLink {
    static final int OUTPUT_QUEUE = 4_096;

    private final Selector selector;
    private final DatagramChannel channel;
    private final SelectionKey key;
    private final InetSocketAddress local;
    private final ByteBuffer in = ByteBuffer.allocateDirect(65_535);
    private final ArrayDeque<Pending> blocked = new ArrayDeque<>();

    final AtomicLong datagramsIn = new AtomicLong();
    final AtomicLong datagramsOut = new AtomicLong();
    final AtomicLong socketErrors = new AtomicLong();
    final AtomicLong outputDrops = new AtomicLong();
    final AtomicLong icmpErrors = new AtomicLong();
    /** Reads the socket's ICMP errors; null where that is not possible ({@link #icmpUnavailable}). */
    private final ErrorQueue errors;
    /** Why ICMP errors cannot be read here, or null when they can. */
    final String icmpUnavailable;
    /** The last wait ended with the socket readable: a turn that then finds no datagram drains the error queue. */
    private boolean readable;
    private Sink errorSink;
    private final ErrorQueue.Handler onError = this::icmpError;

    private record Pending(ByteBuffer bytes, InetSocketAddress to) {}

    UdpLink(InetSocketAddress bind) throws IOException {
        selector = Selector.open();
        // The socket's family is the bound address's, so ICMP errors come in that family's form.
        channel = DatagramChannel.open(bind.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            // Room for bursts (a thousand SYNs at once); the kernel may grant less.
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.bind(bind);
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            channel.close();
            selector.close();
            throw e;
        }
        local = (InetSocketAddress) channel.getLocalAddress();
        ErrorQueue q = null;
        String why = null;
        try {
            q = ErrorQueue.open(local);
        } catch (IOException e) {
            why = e.getMessage();
        }
        errors = q;
        icmpUnavailable = why;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean tunnelled() {
        return true;
    }

    @Override
    public int read(Sink sink, int max) throws IOException {
        InetAddress here = local.getAddress();
        int n = 0;
        for (int i = 0; i < max; i++) {
            in.clear();
            SocketAddress from;
            try {
                from = channel.receive(in);
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException e) {
                socketErrors.incrementAndGet();
                continue;
            }
            if (from == null) {
                if (i == 0 && readable && errors != null) {
                    errorSink = sink;
                    errors.drain(onError); // readable with no datagram: errors wait in the queue
                }
                return n;
            }
            n++;
            datagramsIn.incrementAndGet();
            in.flip();
            InetSocketAddress src = (InetSocketAddress) from;
            sink.segment(src.getAddress(), src.getPort(), here, local.getPort(), in);
        }
        return n;
    }

    private void icmpError(InetSocketAddress to, boolean ipv6, int type, int code, ByteBuffer quoted) {
        icmpErrors.incrementAndGet();
        errorSink.icmpError(local.getAddress(), local.getPort(), to.getAddress(), to.getPort(), type, code, quoted);
    }

    @Override
    public void send(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer segment) {
        InetSocketAddress to = new InetSocketAddress(destination, destinationPort);
        if (blocked.isEmpty() && write(segment, to)) {
            return;
        }
        // The socket buffer is full: wait for OP_WRITE in a bounded queue, keeping order.
        if (blocked.size() >= OUTPUT_QUEUE) {
            outputDrops.incrementAndGet(); // the peer's retransmission recovers it, as from a lost datagram
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(segment.remaining()).put(segment).flip();
        blocked.add(new Pending(copy, to));
        SelectionKey k = channel.keyFor(selector);
        if (k != null && k.isValid()) {
            k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    /** True when the datagram left (or failed for good); false when the socket had no room. */
    private boolean write(ByteBuffer segment, InetSocketAddress to) {
        try {
            if (channel.send(segment, to) == 0) {
                return false;
            }
            datagramsOut.incrementAndGet();
        } catch (IOException e) {
            socketErrors.incrementAndGet(); // an unreachable port, a full interface: counted and survived
        }
        return true;
    }

    @Override
    public void flush() {
        while (!blocked.isEmpty()) {
            Pending p = blocked.peek();
            if (!write(p.bytes(), p.to())) {
                return;
            }
            blocked.poll();
        }
        SelectionKey k = channel.keyFor(selector);
        if (k != null && k.isValid() && (k.interestOps() & SelectionKey.OP_WRITE) != 0) {
            k.interestOps(SelectionKey.OP_READ);
        }
    }

    @Override
    public void await(long timeoutNanos) throws IOException {
        if (timeoutNanos == 0) {
            selector.selectNow();
        } else if (timeoutNanos < 0) {
            selector.select();
        } else {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999)));
        }
        readable = key.isValid() && selector.selectedKeys().contains(key) && key.isReadable();
        selector.selectedKeys().clear();
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public String counters() {
        return "datagrams in " + datagramsIn + ", out " + datagramsOut + ", socket errors " + socketErrors
                + ", output drops " + outputDrops + ", ICMP errors " + (errors != null ? icmpErrors : "unread (" + icmpUnavailable + ")");
    }

    @Override
    public void close() {
        try {
            channel.close();
            selector.close();
        } catch (IOException e) {
            socketErrors.incrementAndGet();
        }
    }
}
