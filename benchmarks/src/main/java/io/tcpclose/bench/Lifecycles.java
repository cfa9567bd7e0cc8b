package io.tcpclose.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The lifecycle benchmarks' shared steps: the kernel-to-kernel lifecycle they compare against,
 * and blocking whole-buffer reads and writes. Stateless; thread-safe.
 */
final class Lifecycles {
    private Lifecycles() {}

    /**
     * One lifecycle on the kernel's TCP: connect, {@code out} each way, the client shuts down its
     * output first, both read the end of stream.
     *
     * @return the first byte of the reply, so the work cannot be elided
     */
    static int kernel(InetSocketAddress server, ServerSocketChannel listener, byte[] out, byte[] in) throws IOException {
        try (SocketChannel c = SocketChannel.open(server); SocketChannel s = listener.accept()) {
            write(c, out);
            read(s, in);
            write(s, out);
            read(c, in);
            c.shutdownOutput();
            if (s.read(ByteBuffer.allocate(1)) != -1) {
                throw new IllegalStateException("expected the end of stream");
            }
            s.close();
            if (c.read(ByteBuffer.allocate(1)) != -1) {
                throw new IllegalStateException("expected the end of stream");
            }
        }
        return in[0];
    }

    static void readFully(InputStream s, byte[] b) throws IOException {
        for (int n = 0; n < b.length; ) {
            int r = s.read(b, n, b.length - n);
            if (r < 0) {
                throw new IllegalStateException("end of stream after " + n + " bytes");
            }
            n += r;
        }
    }

    static void write(SocketChannel c, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            c.write(buf);
        }
    }

    static void read(SocketChannel c, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            if (c.read(buf) < 0) {
                throw new IllegalStateException("end of stream");
            }
        }
    }
}
