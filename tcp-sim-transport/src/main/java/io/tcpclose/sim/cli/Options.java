package io.tcpclose.sim.cli;

import io.tcpclose.engine.TcpConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The command line, parsed by picocli: every value is checked against its limit with a message
 * that names the option, so a bad command line exits 2 and never reaches the simulator. Not
 * thread-safe; one per run.
 */
@Command(name = "tcpclose-sim", mixinStandardHelpOptions = true, version = "tcpclose-sim 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Runs a TCP close scenario between a client (10.0.0.1) and a server (10.0.0.2) on a deterministic "
                + "simulated network and prints the ladder, each endpoint's outcome and the seed that replays it. "
                + "Scenarios act on events (the client closes once its data is acknowledged, the server once it "
                + "has read the request), so they reach the end they describe under any loss, or say why not.",
            ""},
        footerHeading = "%nScenarios:%n")
final class Options {
    /** A one-way delay (or jitter) limit that keeps every segment younger than the network's 30 s MSL. */
    static final long MAX_DELAY_MS = 10_000;
    static final long MAX_MSL_S = 3_600;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", defaultValue = "normal-close",
            completionCandidates = Scenario.Names.class,
            description = "what to run (default ${DEFAULT-VALUE}); see the list below or --list")
    String scenario = "normal-close";

    @Option(names = "--list", description = "print the scenario names, one a line, and exit")
    boolean list;

    double loss;
    boolean lossGiven;
    Duration delay = Duration.ofMillis(10);
    Duration jitter = Duration.ZERO;
    boolean jitterGiven;
    long seed = 1;
    boolean seedGiven;
    Duration msl;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "default",
            completionCandidates = Presets.class,
            description = "TCP configuration: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String preset = "default";

    Path pcap;
    Path plot;
    Path html;
    long bandwidthBits;

    @Option(names = "--pcap-lost", description = "with --pcap, also write the segments the network dropped, with a comment,"
            + " on interfaces of their own (\"client>server lost\") kept out of TCP analysis: Wireshark filter"
            + " frame.interface_name contains \"lost\"; decode them by mapping DLT_USER 147 to ip")
    boolean pcapLost;

    @Option(names = "--trace", description = "also print the raw event trace")
    boolean trace;

    @Option(names = "--rfc6528-isn", description = "keyed-hash initial sequence numbers (from the seed) instead of 1000 and 5000")
    boolean rfc6528Isn;

    /** The preset names, for picocli's completion and the help text. */
    static final class Presets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("default", "rfc", "linux").iterator();
        }
    }

    @Option(names = "--peer", paramLabel = "PEER", order = 0, defaultValue = "sim",
            description = "sim: our engine is the server too (default); linux: the kernel's TCP is, through a TUN device"
                    + " in a namespace of its own (needs root; ./tcpclose-sim --peer linux --help)")
    String peer = "sim";

    @Option(names = "--loss", paramLabel = "P", order = 1,
            description = "independent loss per packet, each direction, 0..1 or 0%%..100%% (default 0; random-lossy: 0.2; bulk-transfer: 1%%)")
    void loss(String v) {
        double p;
        try {
            p = Double.parseDouble(v.endsWith("%") ? v.substring(0, v.length() - 1) : v);
        } catch (NumberFormatException e) {
            throw bad("--loss takes a probability like 0.05 or 5%, not \"" + v + "\"");
        }
        if (v.endsWith("%")) {
            p /= 100;
        }
        if (!(p >= 0 && p <= 1)) {
            throw bad("--loss must lie between 0 and 1 (or 0% and 100%), was " + v);
        }
        loss = p;
        lossGiven = true;
    }

    @Option(names = "--delay", paramLabel = "MS", order = 2,
            description = "one-way delay in milliseconds, 0.." + MAX_DELAY_MS + " (default 10)")
    void delay(String v) {
        delay = Duration.ofMillis(bounded("--delay", v, 0, MAX_DELAY_MS, "milliseconds"));
    }

    @Option(names = "--jitter", paramLabel = "MS", order = 3,
            description = "uniform jitter of up to +-MS milliseconds, 0.." + MAX_DELAY_MS + " (default 0; random-lossy: 5)")
    void jitter(String v) {
        jitter = Duration.ofMillis(bounded("--jitter", v, 0, MAX_DELAY_MS, "milliseconds"));
        jitterGiven = true;
    }

    @Option(names = "--seed", paramLabel = "N", order = 4,
            description = "root seed of every random draw (default 1; random-lossy: a fresh one)")
    void seed(String v) {
        seed = bounded("--seed", v, Long.MIN_VALUE, Long.MAX_VALUE, "");
        seedGiven = true;
    }

    @Option(names = "--msl", paramLabel = "S", order = 5,
            description = "maximum segment lifetime in seconds, 0.." + MAX_MSL_S
                    + " (TIME-WAIT = 2 x MSL; default: the preset's, 30 s, or 120 s for rfc)")
    void msl(String v) {
        msl = Duration.ofSeconds(bounded("--msl", v, 0, MAX_MSL_S, "seconds"));
    }

    @Option(names = "--pcap", paramLabel = "FILE", order = 6,
            description = "also write the run as a pcapng capture (checked before the run)")
    void pcap(String v) {
        pcap = writable("--pcap", v);
    }

    /** {@code v} as a path that can be written now, or a bad-argument error naming {@code option}. */
    private Path writable(String option, String v) {
        return writable(spec, option, v, "", "");
    }

    @Option(names = "--bandwidth", paramLabel = "MBIT", order = 7,
            description = "link rate in Mbit/s each way, 1..100000 (default unlimited; bulk-transfer: 100)")
    void bandwidth(String v) {
        bandwidthBits = bounded("--bandwidth", v, 1, 100_000, "Mbit/s") * 1_000_000L;
    }

    @Option(names = "--plot", paramLabel = "FILE", order = 8,
            description = "draw the client's cwnd, ssthresh and bytes in flight over time to FILE (.svg or .png)")
    void plot(String v) {
        plot = writable("--plot", v, "give a file ending in .svg or .png", ".svg", ".png");
    }

    @Option(names = "--html", paramLabel = "FILE", order = 9,
            description = "also draw the ladder as a two-column sequence diagram in a self-contained HTML page (.html)")
    void html(String v) {
        html = writable("--html", v, "give a file ending in .html", ".html", ".htm");
    }

    /** As {@link #writable(String, String)}, for a file whose name must end in one of {@code endings}. */
    private Path writable(String option, String v, String hint, String... endings) {
        return writable(spec, option, v, hint, endings);
    }

    /**
     * {@code v} as a path that can be written now and whose name ends in one of {@code endings},
     * or a parameter error naming {@code option} and what was wrong.
     */
    static Path writable(CommandSpec spec, String option, String v, String hint, String... endings) {
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        if (java.util.Arrays.stream(endings).noneMatch(lower::endsWith)) {
            throw new ParameterException(spec.commandLine(), option + " " + v + ": " + hint);
        }
        Path p;
        try {
            p = Path.of(v);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), option + " " + v + ": not a valid path");
        }
        String why = unwritable(v, p);
        if (why != null) {
            throw new ParameterException(spec.commandLine(), option + " " + v + ": " + why);
        }
        return p;
    }

    /** Why {@code v} cannot be written, or null: tried now, so the run is not wasted. */
    private static String unwritable(String v, Path p) {
        if (v.isEmpty()) {
            return "an empty path";
        }
        if (Files.isDirectory(p) || v.endsWith("/") || v.endsWith(java.io.File.separator)) {
            return "is a directory; give a file name";
        }
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            return parent + " is not a directory";
        }
        if (parent != null && !Files.isDirectory(parent)) {
            return "no such directory " + parent;
        }
        boolean existed = Files.exists(p);
        try {
            Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        } catch (IOException | SecurityException e) {
            return "cannot be created or written there";
        }
        if (!existed) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return "cannot be written (" + e.getMessage() + ")";
            }
        }
        return null;
    }

    private long bounded(String option, String v, long min, long max, String unit) {
        return bounded(spec, option, v, min, max, unit);
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * A whole number in {@code min..max} from an option's text, or a parameter error naming the
     * option and what it takes (the range, too, for a number too large to read).
     */
    static long bounded(CommandSpec spec, String option, String v, long min, long max, String unit) {
        String range = option + " must lie between " + min + " and " + max + (unit.isEmpty() ? "" : " " + unit) + ", was " + v;
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), v.trim().matches("[-+]?\\d+") ? range
                    : option + " takes a whole number" + (unit.isEmpty() ? "" : " of " + unit) + ", not \"" + v + "\"");
        }
        if (n < min || n > max) {
            throw new ParameterException(spec.commandLine(), range);
        }
        return n;
    }

    /** Checks what the options only mean together; a message for each problem. */
    List<String> crossCheck() {
        List<String> problems = new ArrayList<>();
        if (peer.equals("linux")) {
            problems.add("--peer linux runs through the ./tcpclose-sim script, which hands the run to tcp-tun-transport's CLI"
                    + " (this jar simulates both ends)");
        } else if (!peer.equals("sim")) {
            problems.add("--peer must be sim or linux, not \"" + peer + "\"");
        }
        if (!List.of("default", "rfc", "linux").contains(preset)) {
            problems.add("--preset must be default, rfc or linux, not \"" + preset + "\"");
        }
        if (pcapLost && pcap == null) {
            problems.add("--pcap-lost needs --pcap FILE");
        }
        Scenario named = Scenario.byName(scenario);
        if (named == null) {
            problems.add("unknown scenario \"" + scenario + "\"; scenarios: " + String.join(", ", new Scenario.Names()));
        } else if (msl != null && named.fixesMsl()) {
            problems.add("--msl does not apply to " + scenario + ": the scenario sets its own MSL (" + named.fixedMsl() + ")");
        }
        return problems;
    }

    TcpConfig config() {
        TcpConfig base = preset.equals("rfc") ? TcpConfig.RFC_STRICT : preset.equals("linux") ? TcpConfig.LINUX : TcpConfig.DEFAULTS;
        return msl == null ? base : base.toBuilder().msl(msl).build();
    }
}
