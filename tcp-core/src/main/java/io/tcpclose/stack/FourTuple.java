package io.tcpclose.stack;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A connection's identity: local and remote address and port (RFC 9293 §3.3.1 "socket pair"),
 * and, for a transport that tunnels segments in datagrams (one TCP segment per UDP datagram),
 * the two ends' tunnel ports. Two peers on one host that pick the same TCP port are then still
 * two connections, told apart by the UDP port their datagrams come from. A transport that
 * carries segments as raw IP (the simulator, a TUN device) has no tunnel: both tunnel ports are
 * 0, and the identity is the RFC's four numbers.
 *
 * <p>The TCP checksum's pseudo-header uses the addresses alone, tunnel or not.
 *
 * <p>Immutable and thread-safe.
 *
 * @param localAddress      our address
 * @param localPort         our TCP port, 0..65535
 * @param remoteAddress     the peer's address
 * @param remotePort        the peer's TCP port, 0..65535
 * @param localTunnelPort   our tunnel (UDP) port, 0..65535; 0 without a tunnel
 * @param remoteTunnelPort  the peer's tunnel (UDP) port, 0..65535; 0 without a tunnel
 */
public record FourTuple(InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort,
                        int localTunnelPort, int remoteTunnelPort) {
    /**
     * Checks that the addresses are present and the ports in range.
     *
     * @param localAddress     our address
     * @param localPort        our TCP port, 0..65535
     * @param remoteAddress    the peer's address
     * @param remotePort       the peer's TCP port, 0..65535
     * @param localTunnelPort  our tunnel (UDP) port, 0..65535; 0 without a tunnel
     * @param remoteTunnelPort the peer's tunnel (UDP) port, 0..65535; 0 without a tunnel
     * @throws IllegalArgumentException if a port is out of range
     */
    public FourTuple {
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        port("local port", localPort);
        port("remote port", remotePort);
        port("local tunnel port", localTunnelPort);
        port("remote tunnel port", remoteTunnelPort);
    }

    /**
     * The identity of a connection without a tunnel (segments as raw IP).
     *
     * @param localAddress  our address
     * @param localPort     our TCP port, 0..65535
     * @param remoteAddress the peer's address
     * @param remotePort    the peer's TCP port, 0..65535
     * @throws IllegalArgumentException if a port is out of range
     */
    public FourTuple(InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort) {
        this(localAddress, localPort, remoteAddress, remotePort, 0, 0);
    }

    /** {@return whether segments of this connection travel in a tunnel (a tunnel port is set)} */
    public boolean tunnelled() {
        return localTunnelPort != 0 || remoteTunnelPort != 0;
    }

    /** The same connection with another local TCP port (ephemeral port search). */
    FourTuple withLocalPort(int port) {
        return new FourTuple(localAddress, port, remoteAddress, remotePort, localTunnelPort, remoteTunnelPort);
    }

    @Override
    public String toString() {
        String s = localAddress.getHostAddress() + ":" + localPort + " <-> " + remoteAddress.getHostAddress() + ":" + remotePort;
        return tunnelled() ? s + " (tunnel " + localTunnelPort + " <-> " + remoteTunnelPort + ")" : s;
    }

    private static void port(String which, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException(which + " must lie in 0..65535, was " + port);
        }
    }
}
