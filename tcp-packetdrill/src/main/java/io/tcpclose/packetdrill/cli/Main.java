package io.tcpclose.packetdrill.cli;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.packetdrill.Drill;
import io.tcpclose.packetdrill.ScriptResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./tcpclose-drill}: runs packetdrill scripts against the tcpclose engine and prints one
 * line per script ({@code PASS}, {@code FAIL} with the first mismatch, {@code UNSUPPORTED} with
 * the construct), then {@code N passed, M failed, K unsupported}. Exits 0 only when nothing
 * failed; a bad command line exits 2.
 */
@Command(name = "tcpclose-drill", mixinStandardHelpOptions = true, version = "tcpclose-drill 0.1.0",
        description = "Runs packetdrill scripts against the tcpclose engine on a virtual clock.")
public final class Main implements Callable<Integer> {
    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "scripts, or directories of .pkt scripts")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--define", paramLabel = "NAME", description = "a name #ifdef sees as defined (repeatable)")
    List<String> defines = new ArrayList<>();

    @Option(names = "--lenient", description = "let windows and TCP options differ (each relaxation is listed)")
    boolean lenient;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "default",
            description = "TCP configuration: default, rfc or linux (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--verbose", description = "print each script's ladder of segments and calls")
    boolean verbose;

    @Option(names = "--tolerance_usecs", paramLabel = "N", defaultValue = "4000",
            description = "how far a packet may be from its time, in microseconds (default ${DEFAULT-VALUE}; a script's own wins)")
    long toleranceUsecs;

    private PrintStream out;

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
     * @param out  where results go
     * @param err  where errors go
     * @return 0 when no script failed, 1 when one did, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Main m = new Main();
        m.out = out;
        CommandLine cl = new CommandLine(m);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("tcpclose-drill: " + e.getMessage());
            err.println("(try --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, p) -> {
            err.println("tcpclose-drill: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cl = new CommandLine(this);
        TcpConfig config;
        switch (preset) {
            case "default":
                config = TcpConfig.DEFAULTS;
                break;
            case "rfc":
                config = TcpConfig.RFC_STRICT;
                break;
            case "linux":
                config = TcpConfig.LINUX;
                break;
            default:
                throw new CommandLine.ParameterException(cl, "--preset must be default, rfc or linux, not \"" + preset + "\"");
        }
        List<Path> scripts = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new CommandLine.ParameterException(cl, "no such file or directory: " + p);
            }
            scripts.addAll(Drill.scripts(p));
        }
        if (scripts.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "no .pkt scripts in " + paths);
        }
        if (toleranceUsecs < 0 || toleranceUsecs > 60_000_000) {
            throw new CommandLine.ParameterException(cl, "--tolerance_usecs must lie between 0 and 60000000, was " + toleranceUsecs);
        }
        for (String d : defines) {
            if (d.isBlank()) {
                throw new CommandLine.ParameterException(cl, "--define needs a name");
            }
        }
        int passed = 0;
        int failed = 0;
        int unsupported = 0;
        for (Path s : scripts) {
            ScriptResult r;
            try {
                r = Drill.run(s, config, lenient, new HashSet<>(defines), toleranceUsecs * 1000);
            } catch (IOException e) {
                r = new ScriptResult(s.toString(), ScriptResult.Status.FAIL, "cannot read it: "
                        + (e.getMessage() == null ? e.toString() : e.getMessage()), List.of(), List.of(), List.of());
            }
            switch (r.status()) {
                case PASS:
                    passed++;
                    out.println("PASS        " + s + (r.relaxations().isEmpty() ? "" : "  (lenient: " + String.join("; ", r.relaxations()) + ")"));
                    break;
                case FAIL:
                    failed++;
                    out.println("FAIL        " + s + ": " + r.message());
                    if (!verbose && !r.ladder().isEmpty()) {
                        out.println("            the ladder so far:");
                        for (String l : r.ladder()) {
                            out.println("            " + l);
                        }
                    }
                    break;
                default:
                    unsupported++;
                    out.println("UNSUPPORTED " + s + ": " + r.message());
                    break;
            }
            for (String k : r.skipped()) {
                out.println("            skipped shell command, " + k);
            }
            if (verbose) {
                for (String l : r.ladder()) {
                    out.println("            " + l);
                }
            }
        }
        out.println(passed + " passed, " + failed + " failed, " + unsupported + " unsupported");
        return failed == 0 ? 0 : 1;
    }
}
