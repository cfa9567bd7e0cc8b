package io.tcpclose.tun.cli;

import io.tcpclose.engine.TcpConfig;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./tcpclose-sim SCENARIO --peer linux}: the simulator's close scenarios with the Linux
 * kernel's TCP as the server, through a TUN device. The {@code tcpclose-sim} script hands a
 * command line with {@code --peer linux} to this class (the simulator's module does not depend on
 * this one). It makes a network namespace of its own, runs the scenario in a JVM inside it (the
 * kernel at 10.77.0.1, tcpclose at 10.77.0.2 on {@code tun0}), prints the same ladder the
 * simulator prints, with the kernel's states sampled from {@code /proc/net/tcp}, and removes the
 * namespace, even when the run fails or is interrupted. Needs root (or {@code CAP_NET_ADMIN} and
 * {@code CAP_NET_RAW}), {@code /dev/net/tun}, iproute2 and iptables. A bad command line exits 2,
 * a missing prerequisite or a failed run 1.
 */
public final class Main {
    /** The simulator's options that mean nothing against a real peer, each with why. */
    private static final java.util.Map<String, String> SIMULATOR_ONLY = java.util.Map.of(
            "--loss", "shapes the simulated network; against linux the path is a real TUN device",
            "--delay", "shapes the simulated network; against linux the path is a real TUN device",
            "--jitter", "shapes the simulated network; against linux the path is a real TUN device",
            "--bandwidth", "shapes the simulated network; against linux the path is a real TUN device",
            "--seed", "replays the simulator's random draws; a real network does not replay",
            "--trace", "prints the simulator's event trace; a real run has none (the ladder shows every segment)",
            "--pcap-lost", "adds the packets the simulator dropped; iptables' drops never reach the capture",
            "--plot", "draws bulk-transfer's window, which runs only on the simulated network",
            "--rfc6528-isn", "fixes the simulator's ISNs; against linux tcpclose always uses RFC 6528's");

    private Main() {}

    /**
     * Runs the CLI and exits with its code.
     *
     * @param args the command line, {@code --peer linux} included
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the CLI.
     *
     * @param args the command line, {@code --peer linux} included
     * @param out  where the run's output goes
     * @param err  where errors go
     * @return 0 when the scenario ran (whatever its outcome), 1 when it could not, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        for (String a : args) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (SIMULATOR_ONLY.containsKey(name)) {
                err.println("tcpclose-sim: " + name + " " + SIMULATOR_ONLY.get(name) + "; with --peer linux only --preset, --msl, --html"
                        + " and --pcap apply");
                return 2;
            }
        }
        Options o = new Options();
        CommandLine cl = new CommandLine(o);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(errWriter);
        cl.getCommandSpec().usageMessage().footer(scenarioList());
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            boolean second = e instanceof CommandLine.UnmatchedArgumentException
                    && ((CommandLine.UnmatchedArgumentException) e).getUnmatched().stream()
                            .anyMatch(a -> LinuxScenario.byName(a) != null || LinuxScenario.whyNot(a) != null);
            err.println("tcpclose-sim: " + (second ? "one scenario at a time ("
                    + String.join(", ", ((CommandLine.UnmatchedArgumentException) e).getUnmatched()) + " given after another)"
                    : e.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, errWriter);
            errWriter.flush();
            err.println("(try --peer linux --help)");
            return 2;
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(cl.getOut());
            return 0;
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(cl.getOut());
            return 0;
        }
        if (o.list) {
            for (String n : new LinuxScenario.Names()) {
                out.println(n);
            }
            return 0;
        }
        String problem = o.problem();
        if (problem != null) {
            err.println("tcpclose-sim: " + problem);
            err.println("(try --peer linux --help)");
            return 2;
        }
        LinuxScenario s = LinuxScenario.byName(o.scenario);
        try {
            if (o.inside != null) {
                LinuxRun run = new LinuxRun(s, o.config(), out);
                out.println("scenario " + s.cliName + " against linux " + System.getProperty("os.version") + ": " + s.description);
                out.println("path tun0 in namespace " + o.inside + ": the kernel's TCP at " + LinuxRun.KERNEL
                        + ", tcpclose at " + LinuxRun.OURS + "; no delay or loss but what the scenario's iptables rules make");
                out.println("TCP " + (o.preset.equals("default") ? "defaults" : o.preset + " preset") + " with --msl " + o.msl
                        + ": " + run.config().summary());
                return run.run(o.pcap == null ? null : Path.of(o.pcap), o.html == null ? null : Path.of(o.html));
            }
            return outside(args, o, out, err);
        } catch (Exception e) {
            err.println("tcpclose-sim: the run against linux failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    /** Makes the namespace, runs this class inside it with the same arguments, and removes it. */
    private static int outside(String[] args, Options o, PrintStream out, PrintStream err) throws Exception {
        String missing = missing();
        if (missing != null) {
            err.println("tcpclose-sim: --peer linux needs " + missing);
            return 1;
        }
        for (String[] file : new String[][] {{"--pcap", o.pcap}, {"--html", o.html}}) {
            if (file[1] == null) {
                continue;
            }
            Path p = Path.of(file[1]).toAbsolutePath();
            if (Files.isDirectory(p) || p.getParent() == null || !Files.isDirectory(p.getParent())) {
                err.println("tcpclose-sim: cannot write " + file[0] + " " + file[1] + ": "
                        + (Files.isDirectory(p) ? "is a directory; give a file name" : "no such directory " + p.getParent()));
                return 2;
            }
        }
        String ns = "tcpclose-peer-" + ProcessHandle.current().pid();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread cleanup = new Thread(() -> {
            if (!done.get()) {
                err.println("tcpclose-sim: interrupted; removing namespace " + ns);
            }
            removeNamespace(ns);
        }, "remove-namespace");
        Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C too
        try {
            LinuxRun.sh("ip", "netns", "add", ns);
            LinuxRun.sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
            LinuxRun.sh("ip", "-n", ns, "link", "set", "lo", "up");
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                    System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--inside", ns));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            Thread copyErr = copy(p.getErrorStream(), err);
            p.getInputStream().transferTo(out);
            copyErr.join();
            int code = p.waitFor();
            done.set(true);
            return code;
        } finally {
            removeNamespace(ns);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
        }
    }

    private static Thread copy(java.io.InputStream from, PrintStream to) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException e) {
                // the child is gone
            }
        }, "child-stderr");
        t.start();
        return t;
    }

    private static void removeNamespace(String ns) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // nothing more to do: it was not there, or ip is gone
        }
    }

    /** {@return what this machine lacks for a run against the kernel, or null} */
    static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "root, to make a network namespace, a TUN device and a raw socket (try sudo)";
        }
        if (!new File("/dev/net/tun").exists()) {
            return "/dev/net/tun (modprobe tun)";
        }
        for (String[] tool : new String[][] {{"ip", "iproute2"}, {"iptables", "iptables"}}) {
            try {
                Process p = new ProcessBuilder(tool[0], "-V").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                return tool[0] + " (apt-get install " + tool[1] + ")";
            }
        }
        return null;
    }

    private static String[] scenarioList() {
        List<String> lines = new ArrayList<>();
        for (LinuxScenario s : LinuxScenario.values()) {
            wrap(lines, s.cliName, s.description);
        }
        lines.add("");
        lines.add("Simulated only (they need a network the simulator fakes):");
        for (String[] s : LinuxScenario.SIMULATED_ONLY) {
            wrap(lines, s[0], s[1]);
        }
        return lines.toArray(new String[0]);
    }

    /** A name and its description, wrapped within picocli's 80 columns, under the description's first column. */
    private static void wrap(List<String> lines, String name, String text) {
        int indent = 30;
        StringBuilder line = new StringBuilder(String.format("  %-" + (indent - 3) + "s ", name));
        for (String word : text.split(" ")) {
            if (line.length() + word.length() > 78 && line.length() > indent) {
                lines.add(line.toString().stripTrailing().replace("%", "%%")); // footers go through String.format
                line = new StringBuilder(" ".repeat(indent));
            }
            line.append(word).append(' ');
        }
        lines.add(line.toString().stripTrailing().replace("%", "%%"));
    }

    /** The command line. Not thread-safe; one per run. */
    @Command(name = "tcpclose-sim --peer linux", mixinStandardHelpOptions = true, version = "tcpclose-sim 0.1.0",
            sortOptions = false, usageHelpAutoWidth = true,
            description = {"Runs a close scenario with the Linux kernel's TCP as the server, through a TUN device in a network "
                    + "namespace of its own, and prints the ladder and each side's outcome. Needs root.", ""},
            footerHeading = "%nScenarios:%n")
    static final class Options {
        @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", defaultValue = "normal-close",
                completionCandidates = LinuxScenario.Names.class,
                description = "what to run (default ${DEFAULT-VALUE}); see the list below or --list")
        String scenario;

        @Option(names = "--peer", paramLabel = "PEER", required = true, description = "linux: the kernel's TCP is the server")
        String peer;

        @Option(names = "--list", description = "print the scenario names that run against linux, one a line, and exit")
        boolean list;

        @Option(names = "--preset", paramLabel = "NAME", defaultValue = "default",
                description = "our TCP configuration: default, rfc or linux (default: ${DEFAULT-VALUE})")
        String preset;

        @Option(names = "--msl", paramLabel = "S", defaultValue = "1",
                description = "our maximum segment lifetime in seconds, 0..120 (TIME-WAIT = 2 x MSL, waited out in real time; default ${DEFAULT-VALUE})")
        int msl;

        @Option(names = "--pcap", paramLabel = "FILE", description = "also write our segments, in and out, to FILE as pcapng")
        String pcap;

        @Option(names = "--html", paramLabel = "FILE", description = "also draw the ladder as a sequence diagram in a self-contained HTML page")
        String html;

        @Option(names = "--inside", hidden = true, paramLabel = "NAMESPACE", description = "(set when re-run inside the namespace)")
        String inside;

        /** {@return what is wrong with the values, or null} */
        String problem() {
            if (!"linux".equals(peer)) {
                return "--peer takes linux (the simulator's own peer needs no --peer), not \"" + peer + "\"";
            }
            if (LinuxScenario.byName(scenario) == null) {
                String why = LinuxScenario.whyNot(scenario);
                return why != null ? scenario + " runs only on the simulated network: " + why
                        : "no scenario \"" + scenario + "\" (--list shows those that run against linux)";
            }
            if (!List.of("default", "rfc", "linux").contains(preset)) {
                return "--preset must be default, rfc or linux, not \"" + preset + "\"";
            }
            if (msl < 0 || msl > 120) {
                return "--msl must lie between 0 and 120 seconds, was " + msl;
            }
            if (html != null && !html.toLowerCase(java.util.Locale.ROOT).matches(".*\\.html?")) {
                return "--html " + html + ": give a file ending in .html";
            }
            return null;
        }

        TcpConfig config() {
            TcpConfig base = preset.equals("rfc") ? TcpConfig.RFC_STRICT : preset.equals("linux") ? TcpConfig.LINUX : TcpConfig.DEFAULTS;
            return base.toBuilder().msl(Duration.ofSeconds(msl)).build();
        }
    }
}
