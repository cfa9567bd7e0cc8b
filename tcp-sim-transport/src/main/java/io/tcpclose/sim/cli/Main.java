package io.tcpclose.sim.cli;

import io.tcpclose.sim.PcapngWriter;
import io.tcpclose.sim.SimLadder;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The scenario CLI: runs one close scenario on the simulated network and prints its ladder
 * diagram, each endpoint's outcome (final state, close reason, bytes delivered) and the seed
 * that reproduces it. {@code --help} lists scenarios and options; a bad command line prints
 * what was wrong and exits with 2.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (Options.UsageException e) {
            err.println("tcpclose-sim: " + e.getMessage());
            return 2;
        }
        if (o.help) {
            usage(out);
            return 0;
        }
        Scenario s = Scenario.byName(o.scenario);
        if (s == null) {
            err.println("tcpclose-sim: unknown scenario \"" + o.scenario + "\"; scenarios: " + names());
            return 2;
        }
        if (s == Scenario.RANDOM_LOSSY && !o.seedGiven) {
            o.seed = System.nanoTime() & 0xFFFF_FFFFL; // a fresh run each time; printed below to replay it
        }
        Scenario.Run run = s.run(o);
        out.println("scenario " + s.cliName + ": " + s.description);
        out.println("link " + run.sim.link("client", "server").config() + "; TCP "
                + (o.preset.equals("default") ? "defaults" : o.preset + " preset")
                + (o.msl != null ? ", MSL " + o.msl.getSeconds() + " s" : ""));
        out.println();
        out.print(SimLadder.render(run.sim.trace(), "client", "server"));
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
        if (o.pcap != null) {
            try {
                PcapngWriter.write(run.sim, o.pcap);
                out.println("pcapng written to " + o.pcap);
            } catch (IOException e) {
                err.println("tcpclose-sim: cannot write " + o.pcap + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    private static String names() {
        StringBuilder sb = new StringBuilder();
        for (Scenario s : Scenario.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s.cliName);
        }
        return sb.toString();
    }

    private static void usage(PrintStream out) {
        out.println("usage: ./tcpclose-sim [SCENARIO] [OPTIONS]");
        out.println();
        out.println("Runs a TCP close scenario between a client (10.0.0.1) and a server (10.0.0.2) on a");
        out.println("deterministic simulated network and prints the ladder, each endpoint's outcome and the seed.");
        out.println();
        out.println("scenarios (default normal-close):");
        for (Scenario s : Scenario.values()) {
            out.printf("  %-28s %s%n", s.cliName, s.description);
        }
        out.println();
        out.println("options:");
        out.println("  --loss P        independent loss per packet, each direction (0.05 or 5%); default 0");
        out.println("  --delay MS      one-way delay in milliseconds; default 10");
        out.println("  --jitter MS     uniform jitter of up to +-MS milliseconds; default 0");
        out.println("  --seed N        root seed of every random draw; default 1 (random-lossy: fresh)");
        out.println("  --msl S         maximum segment lifetime in seconds (TIME-WAIT = 2 x MSL)");
        out.println("  --preset NAME   TCP configuration: default, rfc or linux");
        out.println("  --pcap FILE     also write the run as a pcapng capture");
        out.println("  --trace         also print the raw event trace");
        out.println("  --rfc6528-isn   keyed-hash initial sequence numbers (from the seed) instead of 1000 and 5000");
        out.println("  --help          this text");
    }
}
