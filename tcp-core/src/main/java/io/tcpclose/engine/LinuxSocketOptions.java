package io.tcpclose.engine;

import java.time.Duration;
import java.util.Set;

/**
 * The per-connection socket options, by their Linux names and in Linux's units and ranges, onto
 * the {@link TcpConfig} knobs an open connection may change ({@link Event.Configure}): the one
 * mapping the NIO transport's {@code setOption} and the packetdrill runner's {@code setsockopt}
 * both use.
 *
 * <p>{@code SO_KEEPALIVE} (0 for off, any other value for on, as Linux reads it), {@code TCP_KEEPIDLE} and {@code TCP_KEEPINTVL} (seconds,
 * 1..32,767, Linux's {@code MAX_TCP_KEEPIDLE}/{@code MAX_TCP_KEEPINTVL}), {@code TCP_KEEPCNT}
 * (1..127, {@code MAX_TCP_KEEPCNT}), {@code TCP_USER_TIMEOUT} (milliseconds, 0 for none; RFC
 * 5482), {@code SO_SNDBUF} (bytes, capped at 1 GiB) and {@code TCP_NODELAY} (non-zero switches
 * Nagle's algorithm off; 0 switches it on, as Linux's {@link TcpConfig.Nagle#MINSHALL} unless
 * the configuration already names a variant). As on Linux, the keep-alive timings are
 * kept whether keep-alive is on or off. Stateless and thread-safe.
 */
public final class LinuxSocketOptions {
    private LinuxSocketOptions() {}

    /** The options this class maps, by Linux's names. */
    public static final Set<String> NAMES = Set.of("SO_KEEPALIVE", "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT",
            "TCP_USER_TIMEOUT", "SO_SNDBUF", "TCP_NODELAY");
    /** Linux's {@code MAX_TCP_KEEPIDLE} and {@code MAX_TCP_KEEPINTVL}, in seconds. */
    public static final int MAX_KEEPALIVE_SECONDS = 32_767;
    /** Linux's {@code MAX_TCP_KEEPCNT}. */
    public static final int MAX_KEEPALIVE_PROBES = 127;

    /**
     * {@code config} with one option set.
     *
     * @param config the configuration now
     * @param name   the option's Linux name, one of {@link #NAMES}
     * @param value  its value in Linux's unit
     * @return the new configuration
     * @throws IllegalArgumentException for a name not in {@link #NAMES}, or a value outside Linux's
     *                                  range (Linux answers {@code EINVAL}); the message names both
     */
    public static TcpConfig with(TcpConfig config, String name, long value) {
        java.util.Objects.requireNonNull(config, "config");
        java.util.Objects.requireNonNull(name, "name");
        TcpConfig.Builder b = config.toBuilder();
        switch (name) {
            case "SO_KEEPALIVE":
                return (value != 0 ? keepAlive(b, config, true, config.keepAliveIdleNanos, config.keepAliveIntervalNanos,
                        config.keepAliveProbes) : b.keepAliveOff()).build();
            case "TCP_KEEPIDLE":
                return keepAlive(b, config, config.keepAlive, seconds(name, value), config.keepAliveIntervalNanos,
                        config.keepAliveProbes).build();
            case "TCP_KEEPINTVL":
                return keepAlive(b, config, config.keepAlive, config.keepAliveIdleNanos, seconds(name, value),
                        config.keepAliveProbes).build();
            case "TCP_KEEPCNT":
                return keepAlive(b, config, config.keepAlive, config.keepAliveIdleNanos, config.keepAliveIntervalNanos,
                        (int) within(name, value, 1, MAX_KEEPALIVE_PROBES, "")).build();
            case "TCP_USER_TIMEOUT":
                long millis = within(name, value, 0, Integer.MAX_VALUE, " milliseconds");
                return b.userTimeout(millis == 0 ? null : Duration.ofMillis(millis)).build();
            case "SO_SNDBUF":
                return b.sendBuffer((int) Math.min(within(name, value, 1, Integer.MAX_VALUE, " bytes"), 1 << 30)).build();
            case "TCP_NODELAY":
                return b.nagle(value != 0 ? TcpConfig.Nagle.OFF
                        : config.nagle == TcpConfig.Nagle.OFF ? TcpConfig.Nagle.MINSHALL : config.nagle).build();
            default:
                throw new IllegalArgumentException("'" + name + "' is not a per-connection option; these are " + NAMES);
        }
    }

    /**
     * The value {@code getsockopt} reads back for an option, in Linux's unit.
     *
     * @param config the configuration
     * @param name   the option's Linux name, one of {@link #NAMES}
     * @return the value
     * @throws IllegalArgumentException for a name not in {@link #NAMES}
     */
    public static long get(TcpConfig config, String name) {
        java.util.Objects.requireNonNull(config, "config");
        switch (java.util.Objects.requireNonNull(name, "name")) {
            case "SO_KEEPALIVE":
                return config.keepAlive ? 1 : 0;
            case "TCP_KEEPIDLE":
                return Duration.ofNanos(config.keepAliveIdleNanos).toSeconds();
            case "TCP_KEEPINTVL":
                return Duration.ofNanos(config.keepAliveIntervalNanos).toSeconds();
            case "TCP_KEEPCNT":
                return config.keepAliveProbes;
            case "TCP_USER_TIMEOUT":
                return config.userTimeoutNanos == TcpConfig.NONE ? 0 : Duration.ofNanos(config.userTimeoutNanos).toMillis();
            case "SO_SNDBUF":
                return config.sendBuffer;
            case "TCP_NODELAY":
                return config.nagle == TcpConfig.Nagle.OFF ? 1 : 0;
            default:
                throw new IllegalArgumentException("'" + name + "' is not a per-connection option; these are " + NAMES);
        }
    }

    /**
     * {@code base} with every option of {@link #NAMES} as {@code from} has it: what a socket's
     * options give a connection whose other knobs come from elsewhere (an accepted connection,
     * a stack configured apart).
     *
     * @param base the configuration whose other knobs stay
     * @param from the configuration the options are read from
     * @return the merged configuration
     */
    public static TcpConfig withOptionsOf(TcpConfig base, TcpConfig from) {
        TcpConfig c = base;
        for (String name : NAMES) {
            if (!name.equals("TCP_NODELAY")) {
                c = with(c, name, get(from, name)); // each sets its own knob only, so the order is free
            }
        }
        return c.toBuilder().nagle(from.nagle).build(); // the variant itself: TCP_NODELAY's 0 or 1 would lose it
    }

    private static TcpConfig.Builder keepAlive(TcpConfig.Builder b, TcpConfig config, boolean on, long idle, long interval,
                                               int probes) {
        b.keepAlive(Duration.ofNanos(idle), Duration.ofNanos(interval), probes);
        return on ? b : b.keepAliveOff();
    }

    private static long seconds(String name, long value) {
        return Duration.ofSeconds(within(name, value, 1, MAX_KEEPALIVE_SECONDS, " seconds")).toNanos();
    }

    private static long within(String name, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + unit + ", was " + value);
        }
        return value;
    }
}
