package io.tcpclose.packetdrill;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands of a script that mean something to the engine: sysctls that set TCP knobs
 * (Linux's {@code net.ipv4.tcp_*}, FreeBSD's {@code net.inet.tcp.*}) become {@link TcpConfig}
 * settings before the run, and checks of how many connections sit in a state ({@code ss},
 * {@code netstat} or {@code sockstat} piped through {@code grep -c STATE | grep N}) become
 * assertions on the engine's states. Stateless; thread-safe.
 */
final class Sysctls {
    private static final Pattern SETTING = Pattern.compile("([a-z0-9_.]+)\\s*=\\s*(-?\\d+)");
    private static final Pattern COUNT = Pattern.compile("grep\\s+(?:-[a-z]+\\s+)*(\\d+)\\s*$");

    private Sysctls() {}

    /**
     * The configuration with the script's sysctls applied; the lines it took go to {@code applied}.
     *
     * @throws UnsupportedConstructException for a TCP knob the engine has no counterpart for
     */
    static TcpConfig apply(Script script, TcpConfig config, List<Integer> applied) {
        TcpConfig.Builder b = config.toBuilder();
        TcpConfig current = config;
        for (Script.Event e : script.events()) {
            String body = e.body();
            if (!body.startsWith("`") || !body.contains("sysctl")) {
                continue;
            }
            Matcher m = SETTING.matcher(body.replace("`", ""));
            boolean took = false;
            while (m.find()) {
                String key = m.group(1);
                int v = Integer.parseInt(m.group(2));
                took |= set(b, current, key, v, e.line());
                current = b.build();
            }
            if (took) {
                applied.add(e.line());
            }
        }
        return b.build();
    }

    /** One sysctl; false when it is no TCP knob (the command is then skipped and named). */
    private static boolean set(TcpConfig.Builder b, TcpConfig c, String key, int v, int line) {
        switch (key) {
            case "net.ipv4.tcp_fin_timeout":
                b.orphanFinWait2Timeout(Duration.ofSeconds(v));
                return true;
            case "net.ipv4.tcp_keepalive_time":
                b.keepAlive(Duration.ofSeconds(v), Duration.ofNanos(c.keepAliveIntervalNanos()), c.keepAliveProbes());
                restoreKeepAlive(b, c);
                return true;
            case "net.ipv4.tcp_keepalive_intvl":
                b.keepAlive(Duration.ofNanos(c.keepAliveIdleNanos()), Duration.ofSeconds(v), c.keepAliveProbes());
                restoreKeepAlive(b, c);
                return true;
            case "net.ipv4.tcp_keepalive_probes":
                b.keepAlive(Duration.ofNanos(c.keepAliveIdleNanos()), Duration.ofNanos(c.keepAliveIntervalNanos()), v);
                restoreKeepAlive(b, c);
                return true;
            case "net.ipv4.tcp_retries2":
                b.maxRetransmissions(v, c.maxOrphanRetransmissions());
                return true;
            case "net.ipv4.tcp_orphan_retries":
                b.maxRetransmissions(c.maxRetransmissions(), v == 0 ? 8 : v); // 0 means Linux's default, 8
                return true;
            case "net.ipv4.tcp_syn_retries":
                b.maxSynRetransmissions(v).maxSynAckRetransmissions(c.maxSynAckRetransmissions());
                return true;
            case "net.ipv4.tcp_synack_retries":
                b.maxSynAckRetransmissions(v);
                return true;
            case "net.ipv4.tcp_rfc1337":
                b.timeWaitRst(v != 0 ? TcpConfig.TimeWaitRst.IGNORE : TcpConfig.TimeWaitRst.CLOSE);
                return true;
            case "net.ipv4.tcp_timestamps":
                b.timestamps(v != 0);
                return true;
            case "net.ipv4.tcp_window_scaling":
                b.windowScaling(v != 0);
                return true;
            case "net.ipv4.tcp_sack":
            case "net.ipv4.tcp_ecn":
                if (v != 0) {
                    throw new UnsupportedConstructException(line, key + "=" + v + " (tcpclose does neither SACK nor ECN)");
                }
                return true; // off is what tcpclose does already
            case "net.inet.tcp.msl":
                b.msl(Duration.ofMillis(v)); // FreeBSD counts it in milliseconds
                return true;
            case "net.inet.tcp.insecure_rst":
                b.rstValidation(v != 0 ? TcpConfig.RstValidation.ANY_IN_WINDOW : TcpConfig.RstValidation.RFC_5961);
                return true;
            case "net.inet.tcp.keepidle":
                b.keepAlive(Duration.ofMillis(v), Duration.ofNanos(c.keepAliveIntervalNanos()), c.keepAliveProbes());
                restoreKeepAlive(b, c);
                return true;
            case "net.inet.tcp.keepintvl":
                b.keepAlive(Duration.ofNanos(c.keepAliveIdleNanos()), Duration.ofMillis(v), c.keepAliveProbes());
                restoreKeepAlive(b, c);
                return true;
            default:
                if (key.startsWith("net.ipv4.tcp_") || key.startsWith("net.inet.tcp.")) {
                    throw new UnsupportedConstructException(line, "the TCP knob " + key);
                }
                return false;
        }
    }

    /** A keep-alive sysctl sets the times; whether a socket probes is SO_KEEPALIVE's business. */
    private static void restoreKeepAlive(TcpConfig.Builder b, TcpConfig c) {
        if (!c.keepAlive()) {
            b.keepAliveOff();
        }
    }

    /** The state a state-counting command asks about, or null when it is no such check. */
    static TcpState stateCheck(String cmd) {
        if (!cmd.contains("grep") || !COUNT.matcher(cmd).find()) {
            return null;
        }
        String c = cmd.toUpperCase(Locale.ROOT).replace('_', '-');
        for (TcpState s : TcpState.values()) {
            String name = s.toString().toUpperCase(Locale.ROOT).replace('_', '-');
            if (c.contains(" " + name) || c.contains("-C " + name) || c.contains("'" + name) || c.contains("\"" + name)) {
                return s;
            }
        }
        if (c.contains("ESTAB")) {
            return TcpState.ESTABLISHED;
        }
        return null;
    }

    /** The count a state-counting command expects: its final {@code grep N}. */
    static long expectedCount(String cmd) {
        Matcher m = COUNT.matcher(cmd);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
