package io.tcpclose.sim.cli;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.sim.explore.ExploreScenario;
import io.tcpclose.sim.explore.Explorer;
import io.tcpclose.sim.explore.Violation;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tcpclose-sim explore SCENARIO [options]}: every interleaving of the scenario within the
 * fault budget, checked ({@link Explorer}). Prints progress, then the states explored, the depth
 * and the rate, and either "no violation" (exit 0) or the shortest counterexample as a ladder
 * (exit 1); stopped at {@code --max-states} before the end, it says so (exit 3); a bad command
 * line exits 2 with a message.
 */
@Command(name = "tcpclose-sim explore", mixinStandardHelpOptions = true, version = "tcpclose-sim 0.1.0",
        sortOptions = false, usageHelpWidth = 100,
        description = {"Explore every interleaving of a close with a faulty network, within a bound, and check each"
                + " transition (state diagram edges, bytes in order and once, no answer to a RST but a challenge"
                + " ACK, no blind reset) and each state (timers alone close it; an undisturbed close ends NORMAL)."},
        footer = {"", "Exit: 0 no violation, 1 a violation (its shortest path printed), 2 bad usage,"
                + " 3 stopped at --max-states before the end."})
final class ExploreCommand {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", completionCandidates = Names.class,
            description = "one of: ${COMPLETION-CANDIDATES}")
    String scenario;

    int losses;
    int duplicates;
    int delays;
    int attacks;
    int incarnations = 1;
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    long maxStates = 20_000_000;
    int bitstate;
    Duration msl;
    Duration timeWait;
    Duration networkMsl;
    Path html;

    @Option(names = "--losses", order = 1, paramLabel = "N", description = "segments the network may lose, 0..16 (default 0)")
    void losses(String v) {
        losses = (int) Options.bounded(spec, "--losses", v, 0, 16, "");
    }

    @Option(names = "--duplicates", order = 2, paramLabel = "N",
            description = "segments it may duplicate, 0..16; a copy may arrive any time within MSL (default 0)")
    void duplicates(String v) {
        duplicates = (int) Options.bounded(spec, "--duplicates", v, 0, 16, "");
    }

    @Option(names = "--delays", order = 3, paramLabel = "N", description = "segments it may hold back, up to MSL each, 0..16 (default 0)")
    void delays(String v) {
        delays = (int) Options.bounded(spec, "--delays", v, 0, 16, "");
    }

    @Option(names = "--reorder", order = 4, description = "segments may arrive in any order, each up to one latency late")
    boolean reorder;

    @Option(names = "--attacks", order = 5, paramLabel = "N",
            description = "segments an off-path attacker may inject, 0..16: RSTs around the window, a SYN in it, data with a blind ACK (default 0)")
    void attacks(String v) {
        attacks = (int) Options.bounded(spec, "--attacks", v, 0, 16, "");
    }

    @Option(names = "--incarnations", order = 6, paramLabel = "N",
            description = "connections on the same 4-tuple one after the other, 1..8; 2 lets old duplicates meet the next (default 1)")
    void incarnations(String v) {
        incarnations = (int) Options.bounded(spec, "--incarnations", v, 1, 8, "");
    }

    @Option(names = "--preset", order = 7, paramLabel = "NAME", defaultValue = "default",
            description = "TCP configuration of both sides: default, rfc or linux (default: default)")
    String preset = "default";

    @Option(names = "--msl", order = 8, paramLabel = "S",
            description = "MSL in seconds, 1..600, of the endpoints and the network (default: the preset's)")
    void msl(String v) {
        msl = Duration.ofSeconds(Options.bounded(spec, "--msl", v, 1, 600, "seconds"));
    }

    @Option(names = "--time-wait", order = 9, paramLabel = "S",
            description = "TIME-WAIT in seconds, 0..1200, whatever the MSL; 0 switches it off (unsafe: to see why it exists)")
    void timeWait(String v) {
        timeWait = Duration.ofSeconds(Options.bounded(spec, "--time-wait", v, 0, 1200, "seconds"));
    }

    @Option(names = "--lazy-apps", order = 10, description = "applications may put off their calls past timers firing (default: prompt)")
    boolean lazyApps;

    @Option(names = "--threads", order = 11, paramLabel = "N", description = "worker threads, 1..256 (default: the processors)")
    void threads(String v) {
        threads = (int) Options.bounded(spec, "--threads", v, 1, 256, "");
    }

    @Option(names = "--max-states", order = 12, paramLabel = "N", description = "stop after this many distinct states, 1..2000000000 (default 20000000)")
    void maxStates(String v) {
        maxStates = Options.bounded(spec, "--max-states", v, 1, 2_000_000_000L, "");
    }

    @Option(names = "--bitstate", order = 13, paramLabel = "B",
            description = "bounded memory: remember states as bits in a table of 2^B bits, B in 20..36 (2^33 is 1 GiB);"
                    + " a rare new state may be taken for a seen one (default: every state kept exactly)")
    void bitstate(String v) {
        bitstate = (int) Options.bounded(spec, "--bitstate", v, 20, 36, "");
    }

    @Option(names = "--html", order = 14, paramLabel = "FILE", description = "also draw a counterexample as a self-contained HTML page (.html)")
    void html(String v) {
        html = Options.writable(spec, "--html", v, "give a file ending in .html", ".html", ".htm");
    }

    /** The scenario names, for picocli's help and completion. */
    static final class Names extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Names() {
            for (ExploreScenario s : ExploreScenario.values()) {
                add(s.cliName());
            }
        }
    }

    /** The exploration this command line ran, as a test that fails the same way. */
    private static String asTest(ExploreCommand o, ExploreScenario s, String[] args) {
        String preset = o.preset.equals("rfc") ? "RFC_STRICT" : o.preset.equals("linux") ? "LINUX" : "DEFAULTS";
        String config = "TcpConfig." + preset;
        if (o.timeWait != null) {
            config += ".toBuilder().msl(Duration.ofMillis(" + o.timeWait.toMillis() / 2 + ")).build()";
        } else if (o.msl != null) {
            config += ".toBuilder().msl(Duration.ofSeconds(" + o.msl.toSeconds() + ")).build()";
        }
        StringBuilder b = new StringBuilder();
        b.append("    @Example // tcpclose-sim explore ").append(String.join(" ", args)).append('\n');
        b.append("    void ").append(s.name().toLowerCase(java.util.Locale.ROOT)).append("_has_no_violation() {\n");
        b.append("        Explorer.Result r = Explorer.builder(ExploreScenario.").append(s.name()).append(")\n");
        b.append("                .config(").append(config).append(")\n");
        b.append("                .networkMsl(Duration.ofSeconds(").append(o.msl != null ? o.msl.toSeconds()
                : Duration.ofNanos(configOf(o.preset).mslNanos()).toSeconds()).append("))");
        appendIf(b, "losses", o.losses);
        appendIf(b, "duplicates", o.duplicates);
        appendIf(b, "delays", o.delays);
        appendIf(b, "attacks", o.attacks);
        appendIf(b, "incarnations", o.incarnations == 1 ? 0 : o.incarnations);
        if (o.reorder) {
            b.append(".reorder(true)");
        }
        if (o.lazyApps) {
            b.append(".lazyApplications(true)");
        }
        b.append("\n                .build().run();\n");
        b.append("        assertEquals(\"none\", r.violation().map(v -> v.message() + \"\\n\" + v.ladder()).orElse(\"none\"));\n");
        b.append("    }\n");
        return b.toString();
    }

    private static void appendIf(StringBuilder b, String knob, int n) {
        if (n != 0) {
            b.append('.').append(knob).append('(').append(n).append(')');
        }
    }

    private static TcpConfig configOf(String preset) {
        return preset.equals("rfc") ? TcpConfig.RFC_STRICT : preset.equals("linux") ? TcpConfig.LINUX : TcpConfig.DEFAULTS;
    }

    /**
     * Runs the subcommand.
     *
     * @param args the arguments after {@code explore}
     * @param out  where the report goes
     * @param err  where errors go
     * @return the exit code
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ExploreCommand o = new ExploreCommand();
        CommandLine cl = new CommandLine(o);
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        cl.setOut(outWriter);
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        List<String[]> rows = new ArrayList<>();
        for (ExploreScenario s : ExploreScenario.values()) {
            rows.add(new String[] {s.cliName(), s.description()});
        }
        List<String> footer = new ArrayList<>(List.of("Scenarios:"));
        footer.addAll(List.of(Main.table(rows, 19, 100)));
        footer.addAll(List.of(cl.getCommandSpec().usageMessage().footer()));
        cl.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println("tcpclose-sim explore: " + e.getMessage());
            err.println("(try tcpclose-sim explore --help)");
            return 2;
        }
        if (Main.helpOrVersion(cl, outWriter)) {
            return 0;
        }
        List<String> problems = new ArrayList<>();
        ExploreScenario s = ExploreScenario.byName(o.scenario);
        if (s == null) {
            problems.add("unknown scenario \"" + o.scenario + "\"; scenarios: " + String.join(", ", new Names()));
        }
        if (!Arrays.asList("default", "rfc", "linux").contains(o.preset)) {
            problems.add("--preset must be default, rfc or linux, not \"" + o.preset + "\"");
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("tcpclose-sim explore: " + p));
            err.println("(try tcpclose-sim explore --help)");
            return 2;
        }
        TcpConfig base = configOf(o.preset);
        Duration network = o.msl != null ? o.msl : Duration.ofNanos(base.mslNanos());
        TcpConfig.Builder c = base.toBuilder();
        if (o.timeWait != null) {
            c.msl(o.timeWait.dividedBy(2)); // TIME-WAIT is 2 x the endpoints' MSL; the network's stays
        } else if (o.msl != null) {
            c.msl(o.msl);
        }
        TcpConfig config = c.build();
        Explorer.Builder b = Explorer.builder(s).config(config).losses(o.losses).duplicates(o.duplicates)
                .delays(o.delays).reorder(o.reorder).attacks(o.attacks).incarnations(o.incarnations)
                .networkMsl(network).lazyApplications(o.lazyApps).threads(o.threads).maxStates(o.maxStates)
                .bitstate(o.bitstate).progress(out);
        out.println("explore " + s.cliName() + ": " + s.description());
        out.println("budget: " + o.losses + " lost, " + o.duplicates + " duplicated, " + o.delays + " held back"
                + (o.reorder ? ", any order" : ", in order") + ", " + o.attacks + " injected; " + o.incarnations
                + " incarnation" + (o.incarnations > 1 ? "s" : "") + "; network MSL " + network.toSeconds() + " s, TIME-WAIT "
                + Duration.ofNanos(config.timeWaitNanos()).toSeconds() + " s; " + o.threads + " thread" + (o.threads > 1 ? "s" : ""));
        out.println("TCP " + (o.preset.equals("default") ? "defaults" : o.preset + " preset") + ": " + config.summary());
        Explorer.Result r = b.build().run();
        out.printf("%,d states, %,d transitions, depth %d, %.1f s, %,.0f states/s%n", r.states(), r.transitions(), r.depth(),
                r.nanos() / 1e9, r.statesPerSecond());
        if (r.violation().isPresent()) {
            Violation v = r.violation().get();
            out.println();
            out.println("VIOLATION after " + v.depth() + " moves: " + v.message());
            out.println();
            out.print(v.ladder());
            out.println();
            out.println("the network's part, as the simulator's fault rules: " + v.faultPlan());
            Violation.Replayed replay = v.replay();
            out.println();
            out.println("as a test to paste (jqwik's @Example, or JUnit's @Test):");
            out.print(asTest(o, s, args));
            out.println();
            out.println("replayed on the simulator: the client closed " + replay.client() + " (" + replay.clientRead()
                    + " bytes read), the server " + replay.server() + " (" + replay.serverRead() + " bytes read)"
                    + (replay.foreignBytes() ? "; a byte its peer never sent there was read" : ""));
            if (o.html != null) {
                try {
                    Files.writeString(o.html, v.renderHtml("tcpclose-sim explore " + s.cliName()), StandardCharsets.UTF_8);
                    out.println("ladder page written to " + o.html);
                } catch (IOException e) {
                    err.println("tcpclose-sim explore: cannot write " + o.html + ": " + e.getMessage());
                }
            }
            return 1;
        }
        if (!r.complete()) {
            out.println("stopped at --max-states " + o.maxStates + " before the end: no violation so far, nothing proved");
            return 3;
        }
        out.println(r.lossy() ? "no violation among the states explored; bitstate hashing may have left a few unexplored"
                : "no violation: every interleaving within the budget explored");
        return 0;
    }
}
