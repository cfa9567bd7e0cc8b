package io.tcpclose.nio;

import io.tcpclose.engine.LinuxSocketOptions;
import io.tcpclose.engine.TcpConfig;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/**
 * The JDK's option names mapped onto a connection's {@link TcpConfig}: one place, so every
 * transport that offers {@link NioConnection} reads and writes them alike. Value ranges are
 * Linux's (RFC 1122 §4.2.3.6 leaves them open). Stateless; thread-safe.
 */
final class SocketOptions {
    /** Linux caps SO_LINGER's seconds like this (the JDK passes larger values through). */
    static final int MAX_LINGER_SECONDS = 65_535;

    static final Set<SocketOption<?>> SUPPORTED = Set.of(StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
            ExtendedSocketOptions.TCP_KEEPIDLE, ExtendedSocketOptions.TCP_KEEPINTERVAL,
            ExtendedSocketOptions.TCP_KEEPCOUNT, TcpSocketOptions.TCP_USER_TIMEOUT, StandardSocketOptions.TCP_NODELAY);

    private SocketOptions() {}

    static void checkSupported(SocketOption<?> name) {
        if (!SUPPORTED.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' is not supported; supported: " + SUPPORTED);
        }
    }

    /** {@return the option's value as {@code config} has it} (SO_LINGER is the connection's, not the config's) */
    static Object get(TcpConfig config, SocketOption<?> name) {
        if (name == StandardSocketOptions.SO_RCVBUF) {
            return config.receiveBuffer();
        }
        long v = LinuxSocketOptions.get(config, linuxName(name));
        return isBoolean(name) ? (Object) (v != 0) : (Object) (int) Math.min(Integer.MAX_VALUE, v);
    }

    /**
     * {@return {@code config} with the option set}, through core's one mapping ({@link
     * LinuxSocketOptions}) under Linux's name for the JDK's option
     *
     * @throws IllegalArgumentException for a null or out-of-range value, or an option that cannot
     *                                  change on an open connection
     */
    static TcpConfig with(TcpConfig config, SocketOption<?> name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " needs a value, was null");
        }
        if (name == StandardSocketOptions.SO_RCVBUF) {
            throw new IllegalArgumentException("SO_RCVBUF is fixed once the window has been advertised;"
                    + " set it in the stack's TcpConfig.receiveBuffer");
        }
        String linux = linuxName(name);
        long v = isBoolean(name) ? ((Boolean) value ? 1 : 0) : (Integer) value;
        return LinuxSocketOptions.with(config, linux, v);
    }

    private static boolean isBoolean(SocketOption<?> name) {
        return name.type() == Boolean.class;
    }

    /** Linux's name for a JDK option that maps onto the configuration. */
    private static String linuxName(SocketOption<?> name) {
        if (name == StandardSocketOptions.SO_KEEPALIVE) {
            return "SO_KEEPALIVE";
        } else if (name == StandardSocketOptions.SO_SNDBUF) {
            return "SO_SNDBUF";
        } else if (name == StandardSocketOptions.TCP_NODELAY) {
            return "TCP_NODELAY";
        } else if (name == ExtendedSocketOptions.TCP_KEEPIDLE) {
            return "TCP_KEEPIDLE";
        } else if (name == ExtendedSocketOptions.TCP_KEEPINTERVAL) {
            return "TCP_KEEPINTVL";
        } else if (name == ExtendedSocketOptions.TCP_KEEPCOUNT) {
            return "TCP_KEEPCNT";
        } else if (name == TcpSocketOptions.TCP_USER_TIMEOUT) {
            return "TCP_USER_TIMEOUT";
        }
        throw new UnsupportedOperationException("'" + name + "' is not a configuration option");
    }

    static int checkLinger(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("SO_LINGER needs a value, was null");
        }
        int s = (Integer) value;
        return s < 0 ? -1 : Math.min(s, MAX_LINGER_SECONDS);
    }
}
