package io.tcpclose.nio;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpApiException;
import io.tcpclose.engine.TcpState;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionFailedException;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.wire.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One connection of a {@link NioTcpStack}, shaped after {@code java.net.Socket}: a blocking
 * {@link #inputStream()} whose {@code read} returns -1 after the peer's FIN and throws {@code
 * SocketException("Connection reset")} after a RST (never a silent end of stream), a blocking
 * {@link #outputStream()} that waits for room in the bounded send buffer, {@link
 * #shutdownOutput()}, {@link #close()}, {@link #abort()} (linger 0), and futures that complete
 * when the close handshake is done ({@link #closeCompleted()}) and when the connection is gone
 * ({@link #closed()}, with its {@link CloseReason}).
 *
 * <p>Thread-safety: every method may be called from any thread; each is handed to the stack's
 * loop thread. One thread at a time should read, and one write, as with a socket's streams.
 */
public final class NioConnection {
    private final NioTcpStack owner;
    private final CompletableFuture<NioConnection> connected;
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> closeCompleted = new CompletableFuture<>();
    private final Object signal = new Object();
    private long events;
    private volatile Connection connection;
    private volatile FourTuple id;
    /** SO_LINGER in seconds; -1 is off (the JDK's "disabled"). */
    private volatile int linger = -1;
    /** close() or abort() was called: options are refused from then on, as on a closed Socket. */
    private volatile boolean closeCalled;

    NioConnection(NioTcpStack owner, CompletableFuture<NioConnection> connected) {
        this.owner = owner;
        this.connected = connected;
    }

    void attach(Connection c) {
        connection = c;
        id = c.id();
    }

    /** {@return the connection's identity: addresses, TCP ports and the UDP (tunnel) ports} */
    public FourTuple id() {
        return id;
    }

    /** {@return the connection's state now, read on the loop} */
    public TcpState state() {
        return owner.call(() -> connection.state());
    }

    /** {@return a future completed with why the connection closed, once it is gone} */
    public CompletableFuture<CloseReason> closed() {
        return closed;
    }

    /**
     * A future completed when the close handshake has completed (our FIN acknowledged, the
     * peer's FIN received); the side that closed first may still wait in TIME-WAIT.
     *
     * @return the future; it never completes for a connection reset, aborted or timed out
     */
    public CompletableFuture<Void> closeCompleted() {
        return closeCompleted;
    }

    /**
     * Shuts down the sending side: our FIN follows the data written so far; reading goes on.
     *
     * @throws SocketException once the connection is closed, as the JDK's: "Connection reset" or
     *                         "Connection timed out" when that ended it, else "Socket closed"
     */
    public void shutdownOutput() throws SocketException {
        boolean closed = owner.call(() -> {
            if (connection.state() == TcpState.CLOSED) {
                return true;
            }
            connection.shutdownOutput();
            return false;
        });
        if (closed) {
            throw closedException();
        }
    }

    /** What the JDK throws at a socket whose connection is over: the cause it reports, else "Socket closed". */
    private SocketException closedException() {
        String why = connection.closeReason() == null ? null : connection.closeReason().socketMessage();
        return new SocketException(why != null ? why : "Socket closed");
    }

    /**
     * Closes fully, like {@code Socket.close()}: unread or later-arriving data resets it.
     * Idempotent. With {@code SO_LINGER} 0 it aborts instead; with {@code SO_LINGER} n &gt; 0 it
     * waits, as Linux does, until our FIN is acknowledged or n seconds pass (not on the loop
     * thread, which must never block), and the close goes on either way.
     */
    public void close() {
        closeCalled = true;
        int seconds = linger;
        if (seconds == 0) {
            abort();
            return;
        }
        owner.call(() -> {
            connection.close();
            return null;
        });
        if (seconds > 0 && !owner.loop().inLoop()) {
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() - until < 0 && owner.call(() -> finUnacknowledged(connection.state()))) {
                try {
                    await(events());
                } catch (IOException interrupted) {
                    return; // the interrupt status is set again; the close goes on
                }
            }
        }
    }

    private static boolean finUnacknowledged(TcpState s) {
        return s == TcpState.FIN_WAIT_1 || s == TcpState.CLOSING || s == TcpState.LAST_ACK;
    }

    /**
     * {@return the options this connection supports, as {@code Socket.supportedOptions()}}:
     * {@code SO_KEEPALIVE}, {@code SO_LINGER}, {@code SO_SNDBUF}, {@code SO_RCVBUF} (read only:
     * it is the stack's {@code TcpConfig.receiveBuffer}), {@code TCP_KEEPIDLE}, {@code
     * TCP_KEEPINTERVAL}, {@code TCP_KEEPCOUNT}, {@code TCP_NODELAY} (Nagle's algorithm off; false
     * switches it on, as Linux's variant unless the configuration names one) and {@link
     * TcpSocketOptions#TCP_USER_TIMEOUT}
     */
    public Set<SocketOption<?>> supportedOptions() {
        return SocketOptions.SUPPORTED;
    }

    /**
     * Sets an option, as {@code Socket.setOption}: keep-alive, the user timeout, the send buffer
     * and {@code TCP_NODELAY} take effect on the open connection at once (switching Nagle off
     * sends what it held) (an idle time counts from the last activity, as on Linux; see
     * {@code Event.Configure}); values outside Linux's ranges are refused. Keep-alive's times are
     * in seconds, the user timeout in milliseconds, {@code SO_LINGER} in seconds (negative: off).
     *
     * @param <T>   the option's type
     * @param name  the option
     * @param value its value
     * @return this connection
     * @throws UnsupportedOperationException when the option is not in {@link #supportedOptions()}
     * @throws IllegalArgumentException      when the value is null, out of range, or the option is
     *                                       read only
     * @throws SocketException               when {@link #close()} or {@link #abort()} was called,
     *                                       or the connection is gone
     */
    public <T> NioConnection setOption(SocketOption<T> name, T value) throws IOException {
        java.util.Objects.requireNonNull(name, "name");
        SocketOptions.checkSupported(name);
        if (closeCalled || closed.isDone()) {
            throw new SocketException("Socket is closed");
        }
        if (value != null && !name.type().isInstance(value)) {
            throw new IllegalArgumentException(name + " takes a " + name.type().getSimpleName() + ", not "
                    + value.getClass().getSimpleName() + " " + value);
        }
        if (name == StandardSocketOptions.SO_LINGER) {
            linger = SocketOptions.checkLinger(value);
            return this;
        }
        callIo(() -> {
            connection.configure(SocketOptions.with(connection.tcb().config(), name, value));
            return null;
        });
        return this;
    }

    /**
     * Reads an option, as {@code Socket.getOption}.
     *
     * @param <T>  the option's type
     * @param name the option
     * @return its value
     * @throws UnsupportedOperationException when the option is not in {@link #supportedOptions()}
     * @throws SocketException               when the connection is closed
     */
    public <T> T getOption(SocketOption<T> name) throws IOException {
        java.util.Objects.requireNonNull(name, "name");
        SocketOptions.checkSupported(name);
        if (closeCalled || closed.isDone()) {
            throw new SocketException("Socket is closed");
        }
        if (name == StandardSocketOptions.SO_LINGER) {
            return name.type().cast(linger);
        }
        return name.type().cast(callIo(() -> SocketOptions.get(connection.tcb().config(), name)));
    }

    /** Resets the connection at once, like {@code SO_LINGER} 0 then close. */
    public void abort() {
        closeCalled = true;
        owner.call(() -> {
            connection.abort();
            return null;
        });
    }

    /**
     * The stream of bytes the peer sent.
     *
     * @return a blocking stream: {@code read} waits for bytes, returns -1 after the peer's FIN,
     *         and throws {@code SocketException} ("Connection reset", "Connection timed out")
     *         after a reset or a timeout, and "Socket closed" once this end aborted (as the
     *         JDK's socket does after {@code close()}), whatever was still unread
     */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                while (true) {
                    long seen = events();
                    Object r = callIo(() -> {
                        try {
                            if (closedHere()) {
                                return "closed";
                            }
                            Bytes got = connection.read(len);
                            if (!got.isEmpty()) {
                                return got;
                            }
                            return connection.peerFinished() || connection.state() == TcpState.CLOSED ? "eof" : null;
                        } catch (ConnectionFailedException e) {
                            return e;
                        }
                    });
                    if (r instanceof Bytes) {
                        Bytes got = (Bytes) r;
                        got.copyTo(b, off);
                        return got.length();
                    }
                    if (r instanceof ConnectionFailedException) {
                        // As the JDK reports ECONNRESET, ECONNREFUSED and ETIMEDOUT from a socket's read.
                        throw new SocketException(((ConnectionFailedException) r).reason().socketMessage());
                    }
                    if ("eof".equals(r)) {
                        return -1;
                    }
                    if ("closed".equals(r)) {
                        throw new SocketException("Socket closed"); // as the JDK's read after close()
                    }
                    await(seen);
                }
            }
        };
    }

    /**
     * The stream of bytes to send.
     *
     * @return a blocking stream: {@code write} waits while the send buffer is full, and throws
     *         {@code SocketException} once the connection cannot send any more: "Connection
     *         reset" or "Connection timed out" when that ended it, as the JDK says
     */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                int done = 0;
                while (done < len) {
                    long seen = events();
                    int from = off + done;
                    int want = len - done;
                    int taken = callIo(() -> {
                        if (connection.state() == TcpState.CLOSED) {
                            return -1;
                        }
                        return connection.send(Bytes.copyOf(b, from, want));
                    });
                    if (taken < 0) {
                        throw closedException();
                    }
                    done += taken;
                    if (done < len) {
                        await(seen);
                    }
                }
            }

            @Override
            public void close() throws IOException {
                if (connection.state() != TcpState.CLOSED) { // closing a stream twice is harmless (Closeable)
                    shutdownOutput();
                }
            }
        };
    }

    /** Whether this end ended the connection with a reset of its own (abort, or close with unread data): reads are over. */
    private boolean closedHere() {
        return connection.state() == TcpState.CLOSED && (connection.closeReason() == CloseReason.ABORTED
                || connection.closeReason() == CloseReason.ABORTED_UNREAD_DATA);
    }

    private <T> T callIo(java.util.concurrent.Callable<T> task) throws IOException {
        try {
            return owner.loop().call(task, 30_000);
        } catch (TcpApiException e) {
            throw new SocketException(e.getMessage());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw e; // a misuse the caller should see as it is

        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private long events() {
        synchronized (signal) {
            return events;
        }
    }

    /** Waits until the loop reports something new (bytes, room, the end), or 100 ms. */
    private void await(long seen) throws IOException {
        synchronized (signal) {
            if (events != seen) {
                return;
            }
            try {
                signal.wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting on " + id);
            }
        }
    }

    private void poke() {
        synchronized (signal) {
            events++;
            signal.notifyAll();
        }
    }

    /** What the loop tells this connection; runs on the loop thread. */
    ConnectionListener listener() {
        return new ConnectionListener() {
            @Override
            public void onEstablished(Connection c) {
                if (connected != null) {
                    connected.complete(NioConnection.this);
                }
                poke();
            }

            @Override
            public void onReadable(Connection c) {
                poke();
            }

            @Override
            public void onWritable(Connection c) {
                poke();
            }

            @Override
            public void onPeerFinished(Connection c) {
                poke();
            }

            @Override
            public void onCloseCompleted(Connection c) {
                closeCompleted.complete(null);
            }

            @Override
            public void onClosed(Connection c, CloseReason reason) {
                owner.forget(NioConnection.this);
                if (connected != null && !connected.isDone()) {
                    connected.completeExceptionally(reason == CloseReason.REFUSED
                            ? new ConnectException("Connection refused")
                            : reason.isTimeout() ? new SocketTimeoutException("connect timed out (" + reason + ")")
                            : new ConnectException("connect failed: " + reason));
                }
                closed.complete(reason);
                poke();
            }
        };
    }

    @Override
    public String toString() {
        return "NioConnection " + id;
    }
}
