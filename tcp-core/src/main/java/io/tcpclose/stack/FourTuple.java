package io.tcpclose.stack;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A connection's identity: local and remote address and port (RFC 9293 §3.3.1 "socket pair").
 *
 * <p>Immutable and thread-safe.
 */
public record FourTuple(InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort) {
    /**
     * Checks that the addresses are present and the ports in range.
     *
     * @param localAddress  our address
     * @param localPort     our port, 0..65535
     * @param remoteAddress the peer's address
     * @param remotePort    the peer's port, 0..65535
     * @throws IllegalArgumentException if a port is out of range
     */
    public FourTuple {
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        if (localPort < 0 || localPort > 0xFFFF || remotePort < 0 || remotePort > 0xFFFF) {
            throw new IllegalArgumentException("ports must lie in 0..65535: " + localPort + ", " + remotePort);
        }
    }

    @Override
    public String toString() {
        return localAddress.getHostAddress() + ":" + localPort + " <-> " + remoteAddress.getHostAddress() + ":" + remotePort;
    }
}
