package io.tcpclose.sim.cli;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.sim.PcapngWriter;
import io.tcpclose.sim.SimLadder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The scenario CLI: runs one close scenario on the simulated network and prints its settings,
 * its ladder diagram, each endpoint's outcome (final state, close reason, bytes delivered) and
 * the seed that reproduces it. {@code --help} lists scenarios and options, {@code --list} the
 * scenario names alone; a bad command line prints what was wrong (with a suggestion for a
 * mistyped option) and exits with 2, never with a stack trace.
 */
public final class Main {
    private Main() {}

    /**
     * Runs the CLI and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the CLI.
     *
     * @param args the command line
     * @param out  where the run's output goes
     * @param err  where errors go
     * @return the exit code: 0 when the scenario ran (whatever its outcome), 1 when the capture
     *         could not be written, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("explore")) {
            return ExploreCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        Options o = new Options();
        CommandLine cl = new CommandLine(o);
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        cl.getCommandSpec().usageMessage().footer(scenarioList());
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            boolean secondScenario = e instanceof CommandLine.UnmatchedArgumentException
                    && ((CommandLine.UnmatchedArgumentException) e).getUnmatched().stream().anyMatch(a -> Scenario.byName(a) != null);
            err.println("tcpclose-sim: " + (secondScenario ? "one scenario at a time (" + String.join(", ", ((CommandLine.UnmatchedArgumentException) e).getUnmatched()) + " given after another)" : e.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, errWriter);
            errWriter.flush();
            err.println("(try --help)");
            return 2;
        }
        if (Main.helpOrVersion(cl, outWriter)) {
            return 0;
        }
        if (o.list) {
            for (String name : new Scenario.Names()) {
                out.println(name);
            }
            return out.checkError() ? 1 : 0;
        }
        List<String> problems = o.crossCheck();
        if (!problems.isEmpty()) {
            for (String p : problems) {
                err.println("tcpclose-sim: " + p);
            }
            err.println("(try --help)");
            return 2;
        }
        Scenario s = Scenario.byName(o.scenario);
        if (s == Scenario.RANDOM_LOSSY && !o.seedGiven) {
            o.seed = System.nanoTime() & 0xFFFF_FFFFL; // a fresh run each time; printed below to replay it
        }
        Scenario.Run run = s.run(o);
        out.println("scenario " + s.cliName + ": " + s.description);
        out.println("link " + run.sim.link("client", "server").config());
        out.println("TCP " + (o.preset.equals("default") ? "defaults" : o.preset + " preset")
                + (o.msl != null ? " with --msl " + o.msl.getSeconds() : "")
                + (s == Scenario.BULK_TRANSFER ? " and bulk-transfer's 4 MiB buffers" : "") + ": " + run.clientConfig.summary());
        out.println();
        String ladder = SimLadder.render(run.sim.trace(), "client", "server");
        if (s == Scenario.BULK_TRANSFER && !o.trace) {
            ladder = abridged(ladder, 30);
        }
        out.print(ladder);
        out.println();
        for (String note : run.notes) {
            out.println("note: " + note);
        }
        for (Endpoint e : run.endpoints) {
            out.println(e.outcome());
        }
        out.println();
        out.println("seed " + o.seed + " (replay: --seed " + o.seed + "), trace hash " + run.sim.trace().hash()
                + ", " + run.sim.eventsProcessed() + " events, " + String.format("%.3f", run.sim.now() / 1e9) + " s virtual");
        if (o.trace) {
            out.println();
            out.print(run.sim.trace().render());
        }
        if (o.plot != null) {
            try {
                new Plot(s.cliName + ": cwnd, ssthresh and bytes in flight (client)", run.congestion).write(o.plot);
                out.println("plot written to " + o.plot + " (" + run.congestion.size() + " samples)");
            } catch (IOException e) {
                err.println("tcpclose-sim: cannot write " + o.plot + ": " + e.getMessage());
                return 1;
            }
        }
        if (o.html != null) {
            String caption = "scenario " + s.cliName + ": " + s.description + ". Link " + run.sim.link("client", "server").config()
                    + ". TCP: " + run.clientConfig.summary() + ". Seed " + o.seed + ", trace hash " + run.sim.trace().hash() + ".";
            try {
                java.nio.file.Files.writeString(o.html, SimLadder.renderHtml(run.sim.trace(), "client", "server",
                        "tcpclose-sim " + s.cliName, caption), java.nio.charset.StandardCharsets.UTF_8);
                out.println("ladder page written to " + o.html);
            } catch (IOException e) {
                err.println("tcpclose-sim: cannot write " + o.html + ": " + e.getMessage());
                return 1;
            }
        }
        if (o.pcap != null) {
            try {
                PcapngWriter.write(run.sim, o.pcap, o.pcapLost);
                out.println("pcapng written to " + o.pcap + (o.pcapLost ? " (lost segments included, marked)" : ""));
            } catch (IOException e) {
                err.println("tcpclose-sim: cannot write " + o.pcap + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    /** The first and last {@code keep} lines of a long ladder, with a line saying how many were left out. */
    static String abridged(String ladder, int keep) {
        String[] lines = ladder.split("\n", -1);
        if (lines.length <= 2 * keep + 1) {
            return ladder;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keep; i++) {
            sb.append(lines[i]).append('\n');
        }
        sb.append("          ... ").append(lines.length - 2 * keep).append(" more lines (--trace shows every event) ...\n");
        for (int i = lines.length - keep; i < lines.length; i++) {
            sb.append(lines[i]).append(i < lines.length - 1 ? "\n" : "");
        }
        return sb.toString();
    }

    private static String[] scenarioList() {
        List<String[]> rows = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            rows.add(new String[] {s.cliName, s.description});
        }
        List<String> lines = new ArrayList<>(List.of(table(rows, 28, 80)));
        lines.add("");
        lines.add("Exhaustive exploration instead of one run:");
        lines.add("  tcpclose-sim explore SCENARIO [options]   (see tcpclose-sim explore --help)");
        return lines.toArray(new String[0]);
    }

    /** Prints the help or version the command line asked for; true when it asked for either. */
    static boolean helpOrVersion(CommandLine cl, PrintWriter out) {
        if (cl.isUsageHelpRequested()) {
            cl.usage(out);
            return true;
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(out);
            return true;
        }
        return false;
    }

    /**
     * Two columns for a help footer, each description wrapped under itself (picocli would wrap a
     * long footer line back to the margin); {@code %} doubled, as footers are format strings.
     */
    static String[] table(List<String[]> rows, int nameWidth, int width) {
        List<String> lines = new ArrayList<>();
        String indent = " ".repeat(nameWidth + 3);
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(String.format("  %-" + nameWidth + "s ", row[0]));
            for (String word : row[1].split(" ")) {
                if (line.length() + 1 + word.length() > width && line.length() > indent.length()) {
                    lines.add(line.toString().stripTrailing().replace("%", "%%"));
                    line = new StringBuilder(indent);
                }
                if (line.length() > indent.length() && line.charAt(line.length() - 1) != ' ') {
                    line.append(' ');
                }
                line.append(word);
            }
            lines.add(line.toString().replace("%", "%%"));
        }
        return lines.toArray(new String[0]);
    }
}
