package io.tcpclose.nio.cli;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.ladder.LadderRenderer;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.StackObserver;
import io.tcpclose.wire.Segment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./tcpclose-nio}: a real close between two processes. {@code serve --port 7000} waits for
 * one connection, {@code connect 127.0.0.1:7000} opens it; each prints a live ladder of the real
 * segments (with their timestamps) and state changes, then the close reason. By default the
 * client sends a line and closes first (FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT), and the server closes
 * when it reads the end of stream (CLOSE-WAIT, LAST-ACK). A bad command line exits 2.
 */
@Command(name = "tcpclose-nio", mixinStandardHelpOptions = true, version = "tcpclose-nio 0.1.0",
        subcommands = {Main.Serve.class, Main.Connect.class},
        description = "A real TCP close over UDP between two processes, printed as a live ladder.",
        footer = "Each side's options: tcpclose-nio serve --help, tcpclose-nio connect --help.")
public final class Main implements Runnable {
    private PrintStream out;
    private PrintStream err;

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
     * @param out  where the ladder goes
     * @param err  where errors go
     * @return 0 when the connection ran (whatever its outcome), 1 when it could not, 2 for a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Main m = new Main();
        m.out = out;
        m.err = err;
        CommandLine cl = new CommandLine(m);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("tcpclose-nio: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cl.getErr());
            cl.getErr().flush();
            err.println("(try --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, p) -> {
            err.println("tcpclose-nio: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "say serve or connect (see --help)");
    }

    /** Options both ends take. */
    abstract static class End implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        Main parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--tcp-port", paramLabel = "N", defaultValue = "80", description = "the TCP port (default ${DEFAULT-VALUE})")
        int tcpPort;

        @Option(names = "--send", paramLabel = "BYTES", defaultValue = "-1",
                description = "send this many bytes, 0..100000000 (default: a line of text)")
        long send; // a long, so that a number past int's range is refused by its range, not its type

        @Option(names = "--close-first", description = "close as soon as the data is written, before the peer does")
        boolean closeFirst;

        @Option(names = "--wait", description = "wait for the peer's FIN before closing")
        boolean waitForPeer;

        @Option(names = "--abort", description = "abort (RST) instead of closing")
        boolean abort;

        @Option(names = "--keepalive", paramLabel = "S", description = "keep-alive after S idle seconds (1 s apart, 3 probes)")
        Integer keepAlive;

        @Option(names = "--msl", paramLabel = "S", defaultValue = "2", description = "MSL in seconds, 0..120 (TIME-WAIT = 2 x MSL; default ${DEFAULT-VALUE})")
        int msl;

        @Option(names = "--timeout", paramLabel = "S", defaultValue = "60", description = "give up after S seconds (default ${DEFAULT-VALUE})")
        int timeout;

        @Option(names = "--pcap", paramLabel = "FILE",
                description = "write the real segments, in and out, to FILE as pcapng (tshark and Wireshark read it)")
        java.nio.file.Path pcap;

        abstract boolean closesFirstByDefault();

        /** The live ladder, capturing to {@code --pcap} when given; a file that cannot be created is a bad argument. */
        Ladder ladder(CommandLine cl, String me, String peer) {
            io.tcpclose.wire.CaptureWriter capture = null;
            if (pcap != null) {
                try {
                    capture = new io.tcpclose.wire.CaptureWriter(new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(pcap)));
                    capture.addInterface(me);
                } catch (IOException e) {
                    java.nio.file.Path parent = pcap.toAbsolutePath().getParent();
                    String why = java.nio.file.Files.isDirectory(pcap) ? "is a directory; give a file name"
                            : e instanceof java.nio.file.NoSuchFileException ? "no such directory " + parent
                            : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                            : e.getMessage();
                    throw new CommandLine.ParameterException(cl, "cannot write --pcap " + pcap + ": " + why);
                }
            }
            return new Ladder(parent.out, me, peer, capture, pcap == null ? null : pcap.toString());
        }

        TcpConfig config(CommandLine cl) {
            if (tcpPort < 1 || tcpPort > 65535) {
                throw new CommandLine.ParameterException(cl, "--tcp-port must lie between 1 and 65535, was " + tcpPort);
            }
            if (msl < 0 || msl > 120) {
                throw new CommandLine.ParameterException(cl, "--msl must lie between 0 and 120 seconds, was " + msl);
            }
            if (send < -1 || send > 100_000_000) {
                throw new CommandLine.ParameterException(cl, "--send must lie between 0 and 100000000 bytes, was " + send);
            }
            if (timeout < 1 || timeout > 3600) {
                throw new CommandLine.ParameterException(cl, "--timeout must lie between 1 and 3600 seconds, was " + timeout);
            }
            if ((closeFirst ? 1 : 0) + (waitForPeer ? 1 : 0) + (abort ? 1 : 0) > 1) {
                throw new CommandLine.ParameterException(cl, "--close-first, --wait and --abort exclude each other: give one");
            }
            TcpConfig.Builder b = TcpConfig.builder().msl(Duration.ofSeconds(msl));
            if (keepAlive != null) {
                if (keepAlive < 1 || keepAlive > 7200) {
                    throw new CommandLine.ParameterException(cl, "--keepalive must lie between 1 and 7200 seconds, was " + keepAlive);
                }
                b.keepAlive(Duration.ofSeconds(keepAlive), Duration.ofSeconds(1), 3);
            }
            return b.build();
        }

        /** Talks on an established connection: send, close or wait, read to the end, report. */
        int talk(NioConnection c, Ladder ladder) throws Exception {
            PrintStream out = parent.out;
            // The exchange, up to the close handshake, runs apart so that --timeout bounds all of
            // it: a peer that never closes (or died) cannot hang the command.
            java.util.concurrent.CompletableFuture<String[]> exchange = java.util.concurrent.CompletableFuture.supplyAsync(() -> exchange(c));
            String[] result;
            try {
                result = exchange.get(timeout, TimeUnit.SECONDS);
                // The close handshake (or the connection's end) within the same deadline ...
                java.util.concurrent.CompletableFuture.anyOf(c.closeCompleted(), c.closed()).get(timeout, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                c.abort();
                ladder.flush();
                out.println("gave up after " + timeout + " s: the connection was still open; reset it");
                return 1;
            }
            // ... and then TIME-WAIT, if we hold it, runs its 2×MSL.
            CloseReason reason = c.closed().get(2L * msl + 10, TimeUnit.SECONDS);
            ladder.flush();
            out.println();
            String got = result[0];
            out.println("received " + got.length() + " bytes" + (got.length() > 0 && got.length() <= 80 ? ": " + got.strip() : ""));
            if (result[1] != null) {
                out.println(result[1]);
            }
            out.println("closed: " + reason);
            return 0;
        }

        /** Send, close or wait, read to the end; returns what arrived and the error that ended it, if any. */
        private String[] exchange(NioConnection c) {
            String error = null;
            byte[] data = send < 0 ? ("hello from " + (closesFirstByDefault() ? "the client" : "the server") + "\n")
                    .getBytes(StandardCharsets.UTF_8) : new byte[(int) send];
            try {
                c.outputStream().write(data);
            } catch (IOException e) {
                error = "write failed: " + e.getMessage();
            }
            boolean first = closeFirst || (!waitForPeer && closesFirstByDefault());
            if (abort) {
                c.abort();
            } else if (first && error == null) {
                // Our FIN now; we still read what the peer sends until its FIN (a full close here
                // would answer its data with a reset, RFC 2525 §2.17).
                try {
                    c.shutdownOutput();
                } catch (IOException e) {
                    error = "shutdown failed: " + e.getMessage();
                }
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                byte[] buf = new byte[8192];
                InputStream in = c.inputStream();
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    got.write(buf, 0, n);
                }
            } catch (IOException e) {
                error = error == null ? "read ended: " + e.getMessage() : error;
            }
            if (!abort) {
                c.close();
            }
            return new String[] {got.toString(StandardCharsets.UTF_8), error};
        }
    }

    /** {@code serve}: wait for one connection. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "wait for one connection on a UDP port and close it")
    static final class Serve extends End {
        @Option(names = "--port", paramLabel = "UDP", required = true, description = "the UDP port to listen on")
        int port;

        @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "the address, a specific one: a wildcard such as 0.0.0.0 is refused (default ${DEFAULT-VALUE})")
        String bind;

        @Override
        boolean closesFirstByDefault() {
            return false;
        }

        @Override
        public Integer call() throws Exception {
            TcpConfig config = config(spec.commandLine());
            if (port < 1 || port > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--port must lie between 1 and 65535, was " + port);
            }
            InetAddress at = address(spec, bind);
            if (at.isAnyLocalAddress()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--bind needs a specific address, not " + bind
                        + ": the TCP checksum covers the address datagrams arrive at, which a wildcard socket does not learn");
            }
            Ladder ladder = ladder(spec.commandLine(), "server", "client");
            InetSocketAddress where = new InetSocketAddress(at, port);
            NioTcpStack opened;
            try {
                opened = NioTcpStack.open(where, config, ladder);
            } catch (IOException e) {
                ladder.finish();
                parent.err.println("tcpclose-nio: cannot listen on " + show(where) + ": " + e.getMessage());
                return 1;
            }
            try (ladder; NioTcpStack stack = opened) {
                stack.listen(tcpPort, 16);
                parent.out.println("listening on " + show(stack.localAddress()) + ", TCP port " + tcpPort);
                NioConnection c;
                try {
                    c = stack.accept(tcpPort).get(timeout, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    parent.out.println("nobody connected within " + timeout + " s");
                    return 1;
                }
                return talk(c, ladder);
            }
        }
    }

    /** {@code connect HOST:PORT}: open one connection. */
    @Command(name = "connect", mixinStandardHelpOptions = true, description = "connect to a tcpclose-nio server and close")
    static final class Connect extends End {
        @Parameters(paramLabel = "HOST:PORT", description = "the server's address and UDP port")
        String target;

        @Override
        boolean closesFirstByDefault() {
            return true;
        }

        @Override
        public Integer call() throws Exception {
            TcpConfig config = config(spec.commandLine());
            int colon = target.lastIndexOf(':');
            int udp;
            try {
                udp = colon < 0 ? -1 : Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException e) {
                udp = -1;
            }
            if (colon < 0 || udp < 1 || udp > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give the server as HOST:PORT with a UDP port 1..65535, not \"" + target + "\"");
            }
            String hostName = target.substring(0, colon).replace("[", "").replace("]", "");
            if (hostName.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give the server as HOST:PORT, with a host, not \"" + target + "\"");
            }
            InetAddress host = address(spec, hostName);
            Ladder ladder = ladder(spec.commandLine(), "client", "server");
            InetAddress local = host.isLoopbackAddress() ? host : InetAddress.getLocalHost();
            try (ladder; NioTcpStack stack = NioTcpStack.open(new InetSocketAddress(local, 0), config, ladder)) {
                NioConnection c;
                try {
                    c = stack.connect(new InetSocketAddress(host, udp), tcpPort).get(timeout, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    ladder.flush();
                    parent.out.println("connect failed: " + e.getCause().getMessage());
                    return 1;
                } catch (TimeoutException e) {
                    ladder.flush();
                    parent.out.println("connect failed: no answer from " + target + " within " + timeout + " s");
                    return 1;
                }
                return talk(c, ladder);
            }
        }
    }

    /** host:port, with IPv6 in brackets, without Java's leading slash. */
    static String show(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private static InetAddress address(CommandLine.Model.CommandSpec spec, String name) {
        try {
            return InetAddress.getByName(name);
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown host \"" + name + "\"");
        }
    }


    /** The live ladder: each real segment and state change as it happens, on the loop thread. */
    static final class Ladder implements StackObserver, AutoCloseable {
        private final PrintStream out;
        private final String me;
        private final String peer;
        private final long start = System.nanoTime();
        private final long startEpochNanos;
        private final io.tcpclose.wire.CaptureWriter capture;
        private final String captureName;
        private String captureError;
        private boolean header;

        Ladder(PrintStream out, String me, String peer, io.tcpclose.wire.CaptureWriter capture, String captureName) {
            this.out = out;
            this.captureName = captureName;
            this.me = me;
            this.peer = peer;
            this.capture = capture;
            java.time.Instant now = java.time.Instant.now();
            startEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        /** Writes one real segment to the capture; a failing file is reported once, at the end. */
        private synchronized void capture(long nanos, InetAddress from, InetAddress to, Segment segment) {
            if (capture == null || captureError != null) {
                return;
            }
            try {
                capture.segment(0, startEpochNanos + (nanos - start), from.getAddress(), to.getAddress(), segment, null);
            } catch (IOException | IllegalArgumentException e) {
                captureError = e.getMessage();
            }
        }

        /** Closes the capture and says where it went (the stack is closed first, so nothing more arrives). */
        synchronized void finish() {
            if (capture == null) {
                return;
            }
            try {
                capture.close();
            } catch (IOException e) {
                captureError = captureError == null ? e.getMessage() : captureError;
            }
            out.println(captureError == null ? "wrote " + capture.packets() + " segments to " + captureName
                    : "the capture is incomplete: " + captureError);
            out.flush();
        }

        @Override
        public void close() {
            finish();
        }

        private synchronized void line(long nanos, String s) {
            if (!header) {
                out.printf("%9s  %-14s %s%n", "time (s)", me, "segments with " + peer);
                header = true;
            }
            out.printf("%9.3f  %s%n", (nanos - start) / 1e9, s);
        }

        @Override
        public void segmentIn(long nanos, FourTuple id, Segment segment) {
            capture(nanos, id.remoteAddress(), id.localAddress(), segment);
            line(nanos, String.format("%-14s <-- %s", "", LadderRenderer.label(segment)));
        }

        @Override
        public void segmentOut(long nanos, FourTuple id, Segment segment, io.tcpclose.engine.Effect.Why why) {
            capture(nanos, id.localAddress(), id.remoteAddress(), segment);
            line(nanos, String.format("%-14s --> %s%s", "", LadderRenderer.label(segment),
                    why == io.tcpclose.engine.Effect.Why.SEND ? "" : "  (" + why.name().toLowerCase().replace('_', ' ') + ")"));
        }

        @Override
        public void stateChanged(long nanos, FourTuple id, TcpState from, TcpState to) {
            line(nanos, to.toString());
        }

        synchronized void flush() {
            out.flush();
        }
    }
}
