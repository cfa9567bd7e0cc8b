package io.tcpclose.nio;

import io.tcpclose.engine.TcpConfig;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/**
 * The JDK's option names mapped onto a connection's {@link TcpConfig}: one place, so every
 * transport that offers {@link NioConnection} reads and writes them alike. Value ranges are
 * Linux's (RFC 1122 §4.2.3.6 leaves them open). Stateless; thread-safe.
 */
final class SocketOptions {
    /** Linux's MAX_TCP_KEEPIDLE and MAX_TCP_KEEPINTVL, in seconds. */
    static final int MAX_KEEPALIVE_SECONDS = 32_767;
    /** Linux's MAX_TCP_KEEPCNT. */
    static final int MAX_KEEPALIVE_PROBES = 127;
    /** Linux caps SO_LINGER's seconds like this (the JDK passes larger values through). */
    static final int MAX_LINGER_SECONDS = 65_535;

    static final Set<SocketOption<?>> SUPPORTED = Set.of(StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
            ExtendedSocketOptions.TCP_KEEPIDLE, ExtendedSocketOptions.TCP_KEEPINTERVAL,
            ExtendedSocketOptions.TCP_KEEPCOUNT, TcpSocketOptions.TCP_USER_TIMEOUT);

    private SocketOptions() {}

    static void checkSupported(SocketOption<?> name) {
        if (!SUPPORTED.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' is not supported; supported: " + SUPPORTED);
        }
    }

    /** {@return the option's value as {@code config} has it} (SO_LINGER is the connection's, not the config's) */
    static Object get(TcpConfig config, SocketOption<?> name) {
        if (name == StandardSocketOptions.SO_KEEPALIVE) {
            return config.keepAlive();
        } else if (name == StandardSocketOptions.SO_SNDBUF) {
            return config.sendBuffer();
        } else if (name == StandardSocketOptions.SO_RCVBUF) {
            return config.receiveBuffer();
        } else if (name == ExtendedSocketOptions.TCP_KEEPIDLE) {
            return seconds(config.keepAliveIdleNanos());
        } else if (name == ExtendedSocketOptions.TCP_KEEPINTERVAL) {
            return seconds(config.keepAliveIntervalNanos());
        } else if (name == ExtendedSocketOptions.TCP_KEEPCOUNT) {
            return config.keepAliveProbes();
        } else if (name == TcpSocketOptions.TCP_USER_TIMEOUT) {
            return config.userTimeoutNanos() == TcpConfig.NONE ? 0
                    : (int) Math.min(Integer.MAX_VALUE, Duration.ofNanos(config.userTimeoutNanos()).toMillis());
        }
        throw new UnsupportedOperationException("'" + name + "' is not a configuration option");
    }

    /**
     * {@return {@code config} with the option set}
     *
     * @throws IllegalArgumentException for a null or out-of-range value, or an option that cannot
     *                                  change on an open connection
     */
    static TcpConfig with(TcpConfig config, SocketOption<?> name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " needs a value, was null");
        }
        TcpConfig.Builder b = config.toBuilder();
        if (name == StandardSocketOptions.SO_KEEPALIVE) {
            if ((Boolean) value) {
                b.keepAlive(Duration.ofNanos(config.keepAliveIdleNanos()),
                        Duration.ofNanos(config.keepAliveIntervalNanos()), config.keepAliveProbes());
            } else {
                b.keepAliveOff();
            }
        } else if (name == StandardSocketOptions.SO_SNDBUF) {
            int bytes = (Integer) value;
            if (bytes <= 0) {
                throw new IllegalArgumentException("SO_SNDBUF must be positive, was " + bytes);
            }
            b.sendBuffer(Math.min(bytes, 1 << 30));
        } else if (name == StandardSocketOptions.SO_RCVBUF) {
            throw new IllegalArgumentException("SO_RCVBUF is fixed once the window has been advertised;"
                    + " set it in the stack's TcpConfig.receiveBuffer");
        } else if (name == ExtendedSocketOptions.TCP_KEEPIDLE) {
            keepAlive(b, config, nanos(name, value, MAX_KEEPALIVE_SECONDS), config.keepAliveIntervalNanos(),
                    config.keepAliveProbes());
        } else if (name == ExtendedSocketOptions.TCP_KEEPINTERVAL) {
            keepAlive(b, config, config.keepAliveIdleNanos(), nanos(name, value, MAX_KEEPALIVE_SECONDS),
                    config.keepAliveProbes());
        } else if (name == ExtendedSocketOptions.TCP_KEEPCOUNT) {
            int probes = (Integer) value;
            if (probes < 1 || probes > MAX_KEEPALIVE_PROBES) {
                throw new IllegalArgumentException("TCP_KEEPCOUNT must be 1.." + MAX_KEEPALIVE_PROBES + ", was " + probes);
            }
            keepAlive(b, config, config.keepAliveIdleNanos(), config.keepAliveIntervalNanos(), probes);
        } else if (name == TcpSocketOptions.TCP_USER_TIMEOUT) {
            int millis = (Integer) value;
            if (millis < 0) {
                throw new IllegalArgumentException("TCP_USER_TIMEOUT must not be negative, was " + millis);
            }
            b.userTimeout(millis == 0 ? null : Duration.ofMillis(millis));
        } else {
            throw new UnsupportedOperationException("'" + name + "' is not a configuration option");
        }
        return b.build();
    }

    /** Sets the three keep-alive values and leaves keep-alive on or off as it was (Linux stores them either way). */
    private static TcpConfig.Builder keepAlive(TcpConfig.Builder b, TcpConfig config, long idle, long interval, int probes) {
        b.keepAlive(Duration.ofNanos(idle), Duration.ofNanos(interval), probes);
        if (!config.keepAlive()) {
            b.keepAliveOff();
        }
        return b;
    }

    private static long nanos(SocketOption<?> name, Object value, int maxSeconds) {
        int s = (Integer) value;
        if (s < 1 || s > maxSeconds) {
            throw new IllegalArgumentException(name + " must be 1.." + maxSeconds + " seconds, was " + s);
        }
        return Duration.ofSeconds(s).toNanos();
    }

    private static int seconds(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, Duration.ofNanos(nanos).toSeconds());
    }

    static int checkLinger(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("SO_LINGER needs a value, was null");
        }
        int s = (Integer) value;
        return s < 0 ? -1 : Math.min(s, MAX_LINGER_SECONDS);
    }
}
