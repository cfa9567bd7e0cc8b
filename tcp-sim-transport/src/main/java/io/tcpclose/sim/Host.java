package io.tcpclose.sim;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.stack.Acceptor;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.TcpStack;
import java.net.InetAddress;

/**
 * A simulated host: a name, an IPv4 address, and a {@link TcpStack} whose Clock is the
 * simulator's virtual clock and whose Transport is the simulated network.
 *
 * <p>Owned by its {@link Simulator}; not thread-safe.
 */
public final class Host {
    private final String name;
    private final InetAddress address;
    private final TcpStack stack;
    private final TcpConfig config;
    long wakeAt = io.tcpclose.engine.Tcb.NO_DEADLINE;
    /** Why the stack's next transport send goes out (from its observer), for the trace. */
    io.tcpclose.engine.Effect.Why pendingWhy;
    /** The ISN generator it was added with, or null when it comes from the seed (a reset derives a new one). */
    io.tcpclose.stack.IsnGenerator ownIsn;
    /** Outgoing links by destination address: one lookup per segment sent. */
    final java.util.Map<InetAddress, Link> routes = new java.util.HashMap<>();

    Host(String name, InetAddress address, TcpStack stack, TcpConfig config) {
        this.name = name;
        this.address = address;
        this.stack = stack;
        this.config = config;
    }

    /** {@return the host's name, unique in its simulator} */
    public String name() {
        return name;
    }

    /** {@return the host's IPv4 address, unique in its simulator} */
    public InetAddress address() {
        return address;
    }

    /** {@return the host's TCP stack} */
    public TcpStack stack() {
        return stack;
    }

    /** {@return the configuration the host's stack was built with} */
    public TcpConfig config() {
        return config;
    }

    /**
     * Accepts connections on {@code port}, with the stack's default backlog
     * ({@link TcpStack#listen(int, Acceptor)}).
     *
     * @param port     the port, 1..65535
     * @param acceptor called for each connection that reaches ESTABLISHED
     * @throws IllegalStateException if the port already has a listener
     */
    public void listen(int port, Acceptor acceptor) {
        stack.listen(port, acceptor);
    }

    /**
     * Accepts connections on {@code port} with at most {@code backlog} half-open at once; a SYN
     * beyond them gets a SYN cookie ({@link TcpStack#listen(int, int, Acceptor)}).
     *
     * @param port     the port, 1..65535
     * @param backlog  the most half-open connections, at least 1
     * @param acceptor called for each connection that reaches ESTABLISHED
     * @throws IllegalArgumentException if the port or backlog is out of range
     * @throws IllegalStateException    if the port already has a listener
     */
    public void listen(int port, int backlog, Acceptor acceptor) {
        stack.listen(port, backlog, acceptor);
    }

    /**
     * Connects from an ephemeral port to {@code server:port} (active OPEN).
     *
     * @param server   the host to connect to
     * @param port     the server's port
     * @param listener what hears the connection's events, from now on
     * @return the connection, its SYN already sent
     * @throws IllegalStateException if no ephemeral port towards {@code server:port} is free, or
     *                               the stack holds its maximum of connections already
     */
    public Connection connect(Host server, int port, ConnectionListener listener) {
        return stack.connect(address, 0, server.address(), port, listener);
    }

    /**
     * Connects from {@code localPort} to {@code server:port} (active OPEN). The arguments come
     * in {@link io.tcpclose.stack.TcpStack#connect}'s order: the local end, then the remote end,
     * then the listener (this host's address is the local address).
     *
     * @param localPort our port; 0 picks a free ephemeral port
     * @param server    the host to connect to
     * @param port      the server's port
     * @param listener  what hears the connection's events, from now on
     * @return the connection, its SYN already sent
     * @throws IllegalStateException if a connection with this 4-tuple exists, TIME-WAIT included,
     *                               or the stack holds its maximum of connections already
     */
    public Connection connect(int localPort, Host server, int port, ConnectionListener listener) {
        return stack.connect(address, localPort, server.address(), port, listener);
    }

    @Override
    public String toString() {
        return name + " " + address.getHostAddress();
    }
}
