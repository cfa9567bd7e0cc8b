package io.tcpclose.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@link TcpConfig}'s knobs read as a list: its one-line summary, its full description, and
 * which knob differs between two configurations. Read from the fields themselves, so each
 * knob is declared once, in {@link TcpConfig}, and every knob added later is described and
 * compared too. Stateless.
 */
final class ConfigText {
    private ConfigText() {}

    /** The knobs an open connection may change ({@link Event.Configure}). */
    private static final Set<String> PER_CONNECTION = Set.of("userTimeoutNanos", "keepAlive", "keepAliveIdleNanos",
            "keepAliveIntervalNanos", "keepAliveProbes", "sendBuffer", "nagle");

    private static final List<Field> KNOBS = knobs();

    private static List<Field> knobs() {
        List<Field> out = new ArrayList<>();
        for (Field f : TcpConfig.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }

    /** The builder's name of a knob: its field without a unit ("msl" for mslNanos, "initialWindow"). */
    static String knobName(Field f) {
        String n = f.getName();
        return n.endsWith("Nanos") ? n.substring(0, n.length() - 5)
                : n.endsWith("Segments") && !n.equals("reassemblySegments") ? n.substring(0, n.length() - 8) : n;
    }

    static String firstFixedDifference(TcpConfig a, TcpConfig b) {
        for (Field f : KNOBS) {
            if (!PER_CONNECTION.contains(f.getName()) && !Objects.equals(get(f, a), get(f, b))) {
                return knobName(f);
            }
        }
        return null;
    }

    static String all(TcpConfig c) {
        StringBuilder sb = new StringBuilder("TcpConfig{");
        for (Field f : KNOBS) {
            Object v = get(f, c);
            if (f.getName().endsWith("Nanos")) {
                long n = (Long) v;
                v = n == TcpConfig.NONE ? "off" : Duration.ofNanos(n);
            } else if (v instanceof CongestionControl) {
                v = ((CongestionControl) v).name();
            }
            sb.append(sb.length() > 10 ? ", " : "").append(knobName(f)).append('=').append(v);
        }
        return sb.append('}').toString();
    }

    static String summary(TcpConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append("MSL ").append(human(c.mslNanos)).append(" (TIME-WAIT ").append(human(c.timeWaitNanos())).append(")");
        sb.append(", RTO ").append(human(c.rtoInitialNanos)).append(" initial, ").append(human(c.rtoMinNanos))
                .append("..").append(human(c.rtoMaxNanos));
        if (c.keepAlive) {
            sb.append(", keep-alive idle ").append(human(c.keepAliveIdleNanos)).append(" interval ")
                    .append(human(c.keepAliveIntervalNanos)).append(" probes ").append(c.keepAliveProbes);
        }
        if (c.userTimeoutNanos != TcpConfig.NONE) {
            sb.append(", user timeout ").append(human(c.userTimeoutNanos));
        }
        sb.append(", congestion control ").append(c.congestionControl.name());
        if (c.windowScaling) {
            sb.append(", window scaling");
        }
        if (c.timestamps) {
            sb.append(", timestamps");
        }
        if (c.delayedAckNanos != TcpConfig.NONE) {
            sb.append(", delayed ACKs ").append(human(c.delayedAckNanos));
        }
        return sb.toString();
    }

    /** Whole seconds as "30 s", anything finer as "200 ms". */
    private static String human(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        if (d.toMillisPart() == 0 && d.toNanosPart() == 0) {
            return d.getSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }

    private static Object get(Field f, TcpConfig c) {
        try {
            return f.get(c);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    // The builder's checks: each names the knob and the value it refused.

    static long nonNegative(String knob, Duration d) {
        Objects.requireNonNull(d, knob);
        if (d.isNegative()) {
            throw new IllegalArgumentException(knob + " must not be negative, was " + d);
        }
        return representable(knob, d);
    }

    static long positive(String knob, Duration d) {
        Objects.requireNonNull(d, knob);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(knob + " must be positive, was " + d);
        }
        return representable(knob, d);
    }

    /** Nanoseconds of {@code d}, refusing what a deadline could not hold (overflow included). */
    private static long representable(String knob, Duration d) {
        if (d.compareTo(TcpConfig.MAX_DURATION) > 0) {
            throw new IllegalArgumentException(knob + " must be at most " + TcpConfig.MAX_DURATION.toDays()
                    + " days, was " + d);
        }
        return d.toNanos();
    }

    static int atLeast(String knob, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(knob + " must be at least " + min + ", was " + v);
        }
        return v;
    }

    static int between(String knob, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(knob + " must lie in [" + min + ", " + max + "], was " + v);
        }
        return v;
    }

    /** rtoMin ≤ rtoInitial ≤ rtoMax, or an IllegalArgumentException naming the knob that breaks it. */
    static void checkRtoBounds(long min, long initial, long max) {
        if (min > max) {
            throw new IllegalArgumentException("rtoMin " + Duration.ofNanos(min) + " is above rtoMax " + Duration.ofNanos(max));
        }
        if (initial < min || initial > max) {
            throw new IllegalArgumentException("rtoInitial " + Duration.ofNanos(initial) + " lies outside [rtoMin "
                    + Duration.ofNanos(min) + ", rtoMax " + Duration.ofNanos(max) + "]");
        }
    }
}
