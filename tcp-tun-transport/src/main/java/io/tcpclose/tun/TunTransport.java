package io.tcpclose.tun;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioTcpStack;
import io.tcpclose.stack.StackObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * tcpclose on raw IP through a Linux TUN device, so that any operating system's TCP can be the
 * peer, as a user-space proxy or VPN terminates TCP. The stack is a {@link NioTcpStack} — the
 * same loop and connection API as over UDP — whose packets are the device's: connect with
 * {@code stack.connect(new InetSocketAddress(peer, 0), tcpPort)} (a raw IP link has no tunnel
 * ports) and listen as usual.
 *
 * <p>Set-up and privileges: see {@link TunDevice}. Stateless; thread-safe.
 */
public final class TunTransport {
    private TunTransport() {}

    /**
     * Runs a stack that answers as {@code local} on {@code device}.
     *
     * @param device   the open device; the stack owns it from now on and closes it with itself
     * @param local    our IP address: packets to it are ours, and ours leave from it
     * @param config   the TCP configuration of every connection
     * @param observer sees every segment and state change, on the loop thread
     * @return the running stack
     * @throws IOException when the loop's wake-up descriptor cannot be made
     * @throws IllegalStateException when the device is closed or already carries a stack
     */
    public static NioTcpStack open(TunDevice device, InetAddress local, TcpConfig config, StackObserver observer)
            throws IOException {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(local, "local");
        device.claim();
        return NioTcpStack.open(new TunLink(device, local), config, observer);
    }

    /**
     * As {@link #open(TunDevice, InetAddress, TcpConfig, StackObserver)} without an observer.
     *
     * @param device the open device
     * @param local  our IP address
     * @param config the TCP configuration
     * @return the running stack
     * @throws IOException when the loop's wake-up descriptor cannot be made
     * @throws IllegalStateException when the device is closed or already carries a stack
     */
    public static NioTcpStack open(TunDevice device, InetAddress local, TcpConfig config) throws IOException {
        return open(device, local, config, StackObserver.NONE);
    }
}
