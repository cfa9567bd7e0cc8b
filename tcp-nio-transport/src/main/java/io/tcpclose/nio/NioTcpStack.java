package io.tcpclose.nio;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.spi.Transport;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.StackStats;
import io.tcpclose.stack.TcpStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * tcpclose on real sockets: a {@link TcpStack} whose segments ride in UDP datagrams, one segment
 * per datagram (as user-space transports do), driven by one selector loop thread. One UDP socket
 * carries every connection and every listening TCP port of the stack; a connection is told apart
 * by the peer's UDP address and port together with the TCP ports, so two peers on one host that
 * pick the same TCP port never collide. The TCP checksum covers the two UDP endpoints' IP
 * addresses.
 *
 * <p>A peer is named by its stack's UDP socket address and a TCP port: {@code
 * connect(new InetSocketAddress("127.0.0.1", 7000), 80)} reaches the listener on TCP port 80 of
 * the stack bound to 127.0.0.1:7000.
 *
 * <p>The same engine as every other transport: congestion control (NewReno, RFC 5681 and RFC
 * 6582, by default; {@link TcpConfig#congestionControl()}), RTO backoff, keep-alive and the user
 * timeout all run here; {@link #config()} says with which settings.
 *
 * <p>Thread-safety: every method may be called from any thread; calls are handed to the loop
 * thread, which alone touches the stack. Futures complete on the loop thread: keep what runs in
 * their callbacks short and non-blocking, as in Netty.
 */
public final class NioTcpStack implements AutoCloseable {
    private static final long CALL_TIMEOUT_MILLIS = 30_000;

    private final EventLoop loop;
    private final TcpStack stack;
    private final Map<Integer, ArrayDeque<NioConnection>> acceptQueues = new HashMap<>();
    private final Map<Integer, ArrayDeque<CompletableFuture<NioConnection>>> waitingAccepts = new HashMap<>();
    private final Map<Integer, Integer> backlogs = new HashMap<>();
    private final List<NioConnection> open = new ArrayList<>();

    private NioTcpStack(EventLoop loop, TcpConfig config, io.tcpclose.stack.StackObserver observer) {
        this.loop = loop;
        Transport transport = new Transport() {
            @Override
            public void send(InetAddress source, InetAddress destination, ByteBuffer segment) {
                loop.link().send(source, 0, destination, 0, segment); // a raw IP link: no tunnel ports
            }

            @Override
            public void send(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
                             ByteBuffer segment) {
                loop.link().send(source, sourcePort, destination, destinationPort, segment);
            }
        };
        this.stack = TcpStack.builder(transport, loop::turnNanos).config(config).observer(observer).build();
    }

    /**
     * Binds a UDP socket and starts the stack's loop.
     *
     * @param bind   the address and UDP port to bind (port 0 picks one); a specific address, not
     *               the wildcard, since the checksum needs the address datagrams arrive at
     * @param config the TCP configuration of every connection
     * @return the running stack
     * @throws IOException              if the socket cannot be bound
     * @throws IllegalArgumentException if {@code bind} is a wildcard address
     */
    public static NioTcpStack open(InetSocketAddress bind, TcpConfig config) throws IOException {
        return open(bind, config, io.tcpclose.stack.StackObserver.NONE);
    }

    /**
     * As {@link #open(InetSocketAddress, TcpConfig)}, with an observer that sees every segment in
     * and out and every state change, on the loop thread (for a live ladder, a trace, counters).
     *
     * @param bind     the address and UDP port to bind (port 0 picks one), not a wildcard
     * @param config   the TCP configuration of every connection
     * @param observer called on the loop thread, synchronously: keep it short
     * @return the running stack
     * @throws IOException              if the socket cannot be bound
     * @throws IllegalArgumentException if {@code bind} is a wildcard address
     */
    public static NioTcpStack open(InetSocketAddress bind, TcpConfig config, io.tcpclose.stack.StackObserver observer)
            throws IOException {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(config, "config");
        if (bind.isUnresolved() || bind.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("bind to a specific address, not " + bind
                    + ": the TCP checksum covers the address datagrams arrive at, which a wildcard socket does not learn");
        }
        return open(new UdpLink(bind), config, observer);
    }

    /**
     * Runs a stack on another {@link PacketLink} (a TUN device, say) with this class's loop and
     * connection API. On a raw IP link (no tunnel ports) {@link #connect(InetSocketAddress, int)}
     * takes the peer's address with port 0.
     *
     * @param link     the packet I/O, owned by the stack from now on (closed with it)
     * @param config   the TCP configuration of every connection
     * @param observer called on the loop thread, synchronously: keep it short
     * @return the running stack
     */
    public static NioTcpStack open(PacketLink link, TcpConfig config, io.tcpclose.stack.StackObserver observer) {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(config, "config");
        EventLoop loop = new EventLoop(link);
        NioTcpStack s = new NioTcpStack(loop, config, observer);
        loop.start(s.stack);
        return s;
    }

    /** {@return the packet link's counters as text: packets in and out, drops by reason, errors} */
    public String linkCounters() {
        return loop.link().counters();
    }

    /** {@return the UDP socket address peers reach this stack at} */
    public InetSocketAddress localAddress() {
        return loop.localAddress();
    }

    /**
     * Opens a connection to TCP port {@code port} of the stack at {@code peer}.
     *
     * @param peer the peer stack's UDP socket address (on a raw IP link: its IP address, port 0)
     * @param port the TCP port it listens on, 1..65535
     * @return a future of the connection once ESTABLISHED; it fails with {@link
     *         java.net.ConnectException} ("Connection refused") for a RST, or {@link
     *         java.net.SocketTimeoutException} when the SYN is never answered
     */
    public CompletableFuture<NioConnection> connect(InetSocketAddress peer, int port) {
        Objects.requireNonNull(peer, "peer");
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must lie in 1..65535, was " + port);
        }
        if (peer.isUnresolved()) {
            throw new IllegalArgumentException("unresolved peer address " + peer);
        }
        FourTuple id = towards(peer, port);
        CompletableFuture<NioConnection> f = new CompletableFuture<>();
        loop.execute(() -> {
            NioConnection nc = new NioConnection(this, f);
            try {
                nc.attach(stack.connect(id, nc.listener()));
                open.add(nc);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Opens a connection whose events go to {@code listener} on the loop thread, as a Netty
     * handler's do: the fastest way to drive many connections, since no call crosses threads.
     * The listener's methods run on the loop thread and must not block; they may call the
     * {@link Connection} they are given (read, send, close) directly.
     *
     * @param peer     the peer stack's UDP socket address
     * @param port     the TCP port it listens on, 1..65535
     * @param listener what hears the connection's events, on the loop thread
     */
    public void connect(InetSocketAddress peer, int port, io.tcpclose.stack.ConnectionListener listener) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(listener, "listener");
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must lie in 1..65535, was " + port);
        }
        FourTuple id = towards(peer, port);
        loop.execute(() -> {
            try {
                stack.connect(id, listener);
            } catch (RuntimeException e) {
                listener.onClosed(null, io.tcpclose.engine.CloseReason.ABORTED);
            }
        });
    }

    /**
     * Listens on TCP port {@code port} with an acceptor that runs on the loop thread, as {@link
     * #connect(InetSocketAddress, int, io.tcpclose.stack.ConnectionListener)}'s listener does.
     *
     * @param port     the TCP port, 1..65535
     * @param backlog  the most half-open connections, at least 1 (beyond it, SYN cookies)
     * @param acceptor called on the loop thread for each connection that reaches ESTABLISHED
     */
    public void listen(int port, int backlog, io.tcpclose.stack.Acceptor acceptor) {
        Objects.requireNonNull(acceptor, "acceptor");
        call(() -> {
            stack.listen(port, backlog, acceptor);
            return null;
        });
    }

    /**
     * Listens on TCP port {@code port}: connections that complete their handshake wait in an
     * accept queue of at most {@code backlog} (beyond it a new connection is reset and counted),
     * and at most {@code backlog} may be half-open (beyond that, SYN cookies).
     *
     * @param port    the TCP port, 1..65535
     * @param backlog the bound of both queues, at least 1
     */
    public void listen(int port, int backlog) {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, was " + backlog);
        }
        call(() -> {
            stack.listen(port, backlog, c -> {
                NioConnection nc = new NioConnection(this, null);
                nc.attach(c);
                open.add(nc);
                ArrayDeque<CompletableFuture<NioConnection>> waiting = waitingAccepts.get(port);
                if (waiting != null && !waiting.isEmpty()) {
                    waiting.poll().complete(nc);
                } else {
                    ArrayDeque<NioConnection> q = acceptQueues.computeIfAbsent(port, k -> new ArrayDeque<>());
                    if (q.size() >= backlogs.get(port)) {
                        loop.execute(c::abort); // nobody would take it: reset, as a full accept queue
                        return nc.listener();
                    }
                    q.add(nc);
                }
                return nc.listener();
            });
            backlogs.put(port, backlog);
            return null;
        });
    }

    /**
     * The next connection accepted on {@code port}.
     *
     * @param port a port {@link #listen} was called for
     * @return a future of it, completed at once when one is waiting
     */
    public CompletableFuture<NioConnection> accept(int port) {
        CompletableFuture<NioConnection> f = new CompletableFuture<>();
        loop.execute(() -> {
            if (!backlogs.containsKey(port)) {
                f.completeExceptionally(new IllegalStateException("port " + port + " has no listener: call listen() first"));
                return;
            }
            ArrayDeque<NioConnection> q = acceptQueues.get(port);
            if (q != null && !q.isEmpty()) {
                f.complete(q.poll());
            } else {
                waitingAccepts.computeIfAbsent(port, k -> new ArrayDeque<>()).add(f);
            }
        });
        return f;
    }

    /** {@return the configuration every connection of this stack runs with (MSL, timers, buffers, options)} */
    public TcpConfig config() {
        return stack.config();
    }

    /** {@return a snapshot of the stack's counters, taken on the loop} */
    public StackStats stats() {
        return call(stack::stats);
    }

    /** {@return whether any connection of the stack has a timer pending, read on the loop} */
    public boolean hasPendingTimers() {
        return call(stack::hasDeadline);
    }

    /** {@return how many connections the stack holds (any state but CLOSED)} */
    public int connectionCount() {
        return call(stack::connectionCount);
    }

    /**
     * Closes the stack gracefully: every connection is closed (a FIN after its queued data), the
     * stack waits up to {@code grace} for them to finish — TIME-WAIT included, so a lost last ACK
     * can still be repeated — then aborts what is left and releases the socket and the thread.
     *
     * @param grace how long to wait for the connections, zero or more
     * @return how many connections were still open at the deadline and had to be aborted
     */
    public int close(java.time.Duration grace) {
        if (!loop.running()) {
            return 0;
        }
        call(() -> {
            for (Connection c : stack.connections()) {
                c.close();
            }
            return null;
        });
        long deadline = System.nanoTime() + grace.toNanos();
        int left = connectionCount();
        while (left > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(Math.min(20, Math.max(1, millis(deadline - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = connectionCount();
        }
        close();
        return left;
    }

    private static long millis(long nanos) {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /**
     * Closes the stack at once: every connection still open is aborted (a RST where one is owed),
     * the socket is released and the loop thread ends. Idempotent.
     */
    @Override
    public void close() {
        if (!loop.running()) {
            return;
        }
        try {
            call(() -> {
                for (Connection c : stack.connections()) {
                    c.abort();
                }
                return null;
            });
        } catch (RuntimeException e) {
            // the loop is already stopping: nothing left to abort
        }
        loop.close(CALL_TIMEOUT_MILLIS);
    }

    /** A new connection's identity: our address and tunnel port, an ephemeral TCP port, the peer's endpoint. */
    private FourTuple towards(InetSocketAddress peer, int port) {
        InetSocketAddress me = loop.localAddress();
        if (!loop.link().tunnelled()) {
            if (peer.getPort() != 0) {
                throw new IllegalArgumentException("a raw IP link has no tunnel ports: give the peer as " + peer.getAddress()
                        + " with port 0, and the TCP port apart, not " + peer);
            }
            return new FourTuple(me.getAddress(), 0, peer.getAddress(), port);
        }
        if (peer.getPort() <= 0) {
            throw new IllegalArgumentException("give the peer stack's UDP port, not " + peer);
        }
        return new FourTuple(me.getAddress(), 0, peer.getAddress(), port, me.getPort(), peer.getPort());
    }

    EventLoop loop() {
        return loop;
    }

    void forget(NioConnection c) {
        open.remove(c);
    }

    <T> T call(java.util.concurrent.Callable<T> task) {
        try {
            return loop.call(task, CALL_TIMEOUT_MILLIS);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
