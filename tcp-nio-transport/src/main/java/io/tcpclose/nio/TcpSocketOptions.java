package io.tcpclose.nio;

import java.net.SocketOption;

/**
 * Socket options of a {@link NioConnection} that neither {@code java.net.StandardSocketOptions}
 * nor {@code jdk.net.ExtendedSocketOptions} names in JDK 17. Constants; thread-safe.
 */
public final class TcpSocketOptions {
    private TcpSocketOptions() {}

    /**
     * The user timeout (RFC 5482, RFC 9293 §3.10.8), Linux's {@code TCP_USER_TIMEOUT}: how many
     * milliseconds sent data may wait for its acknowledgment before the connection gives up
     * ({@code CloseReason.TIMED_OUT_USER}). 0 switches it off, as on Linux.
     */
    public static final SocketOption<Integer> TCP_USER_TIMEOUT = new SocketOption<>() {
        @Override
        public String name() {
            return "TCP_USER_TIMEOUT";
        }

        @Override
        public Class<Integer> type() {
            return Integer.class;
        }

        @Override
        public String toString() {
            return name();
        }
    };
}
