package io.tcpclose.sim.cli;

import io.tcpclose.engine.TcpConfig;
import java.nio.file.Path;
import java.time.Duration;

/** Parsed command-line options, validated with messages that name the option. Immutable after parsing. */
final class Options {
    String scenario = "normal-close";
    double loss;
    Duration delay = Duration.ofMillis(10);
    Duration jitter = Duration.ZERO;
    long seed = 1;
    boolean seedGiven;
    Duration msl;
    String preset = "default";
    Path pcap;
    boolean help;
    boolean trace;
    boolean rfc6528Isn;

    /** Thrown for a bad command line; the CLI prints the message and exits with 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        boolean scenarioSeen = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            if (a.startsWith("--") && a.contains("=")) {
                value = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            switch (a) {
                case "--help":
                case "-h":
                    o.help = true;
                    break;
                case "--trace":
                    o.trace = true;
                    break;
                case "--rfc6528-isn":
                    o.rfc6528Isn = true;
                    break;
                case "--loss":
                    o.loss = probability(a, value != null ? value : next(args, ++i, a));
                    break;
                case "--delay":
                    o.delay = millis(a, value != null ? value : next(args, ++i, a));
                    break;
                case "--jitter":
                    o.jitter = millis(a, value != null ? value : next(args, ++i, a));
                    break;
                case "--seed":
                    o.seed = number(a, value != null ? value : next(args, ++i, a));
                    o.seedGiven = true;
                    break;
                case "--msl":
                    o.msl = seconds(a, value != null ? value : next(args, ++i, a));
                    break;
                case "--preset":
                    o.preset = value != null ? value : next(args, ++i, a);
                    if (!o.preset.equals("default") && !o.preset.equals("rfc") && !o.preset.equals("linux")) {
                        throw new UsageException("--preset must be default, rfc or linux, not \"" + o.preset + "\"");
                    }
                    break;
                case "--pcap":
                    o.pcap = Path.of(value != null ? value : next(args, ++i, a));
                    break;
                default:
                    if (a.startsWith("-")) {
                        throw new UsageException("unknown option " + a + " (try --help)");
                    }
                    if (scenarioSeen) {
                        throw new UsageException("one scenario at a time: got \"" + o.scenario + "\" and \"" + a + "\"");
                    }
                    o.scenario = a;
                    scenarioSeen = true;
            }
        }
        return o;
    }

    TcpConfig config() {
        TcpConfig base = preset.equals("rfc") ? TcpConfig.RFC_STRICT : preset.equals("linux") ? TcpConfig.LINUX : TcpConfig.DEFAULTS;
        return msl == null ? base : base.toBuilder().msl(msl).build();
    }

    private static String next(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static double probability(String option, String v) throws UsageException {
        double p;
        try {
            p = Double.parseDouble(v.endsWith("%") ? v.substring(0, v.length() - 1) : v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a probability like 0.05 or 5%, not \"" + v + "\"");
        }
        if (v.endsWith("%")) {
            p /= 100;
        }
        if (!(p >= 0 && p <= 1)) {
            throw new UsageException(option + " must lie between 0 and 1 (or 0% and 100%), was " + v);
        }
        return p;
    }

    private static Duration millis(String option, String v) throws UsageException {
        long n = number(option, v);
        if (n < 0) {
            throw new UsageException(option + " takes milliseconds >= 0, was " + v);
        }
        return Duration.ofMillis(n);
    }

    private static Duration seconds(String option, String v) throws UsageException {
        long n = number(option, v);
        if (n < 0) {
            throw new UsageException(option + " takes seconds >= 0, was " + v);
        }
        return Duration.ofSeconds(n);
    }

    private static long number(String option, String v) throws UsageException {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a whole number, not \"" + v + "\"");
        }
    }
}
