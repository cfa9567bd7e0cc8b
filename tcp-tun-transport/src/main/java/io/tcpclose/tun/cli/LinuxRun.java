package io.tcpclose.tun.cli;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import io.tcpclose.nio.TcpSocketOptions;
import io.tcpclose.tun.RawIpSocket;
import io.tcpclose.tun.TunDevice;
import io.tcpclose.tun.TunTransport;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.CaptureWriter;
import io.tcpclose.wire.IpHeaders;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One scenario against the kernel, run inside the network namespace {@link Main} made: it brings
 * up {@code tun0} (the kernel at {@value #KERNEL}, tcpclose at {@value #OURS}), listens with a
 * plain {@link ServerSocket} on the kernel's TCP, connects to it with tcpclose, plays the
 * scenario's steps on both sides (iptables rules and a raw socket where the scenario needs the
 * network to misbehave), waits for our connection to end, and prints the ladder and each side's
 * outcome. Not thread-safe; one per run.
 */
final class LinuxRun {
    static final String KERNEL = "10.77.0.1";
    static final String OURS = "10.77.0.2";
    static final int PORT = 8080;
    /** How long any one step may wait for the peer before the run says so and ends. */
    private final long stepSeconds;

    private final LinuxScenario scenario;
    private final TcpConfig config;
    private final PrintStream out;
    private final List<String> notes = new ArrayList<>();
    private LiveLadder ladder;
    private NioTcpStack stack;
    private NioConnection ours;
    private Socket kernel;
    private long oursRead;
    private String kernelSaw = "nothing yet";
    private final AtomicInteger kernelSndNxt = new AtomicInteger();

    LinuxRun(LinuxScenario scenario, TcpConfig config, PrintStream out) {
        this.scenario = scenario;
        this.config = scenario == LinuxScenario.FIN_WAIT_2_TIMEOUT
                ? config.toBuilder().orphanFinWait2Timeout(Duration.ofSeconds(5)).build() : config;
        this.out = out;
        // Under loss without timestamps, Karn's rule keeps a backed-off RTO until a segment gets
        // through at its first try: a recovery can take one or two minutes.
        this.stepSeconds = scenario == LinuxScenario.RANDOM_LOSSY ? 150 : 30;
    }

    /** {@return the configuration the run uses} */
    TcpConfig config() {
        return config;
    }

    /**
     * Runs the scenario and prints its ladder and outcome.
     *
     * @param pcap where to write the capture, or null
     * @param html where to write the ladder as a page, or null
     * @return 0 when the scenario ran (whatever its outcome; a note says when it is not the one
     *         described), 1 when a step waited too long for the peer
     */
    int run(Path pcap, Path html) throws Exception {
        TunDevice tun = TunDevice.open("tun0");
        sh("ip", "addr", "add", KERNEL + "/24", "dev", "tun0");
        sh("ip", "link", "set", "tun0", "up");
        CaptureWriter capture = pcap == null ? null : new CaptureWriter(new java.io.BufferedOutputStream(Files.newOutputStream(pcap)));
        ladder = new LiveLadder(capture);
        int code = 0;
        String stats;
        long t0 = System.nanoTime();
        try (KernelStates states = new KernelStates(PORT, ladder::kernelState);
                ServerSocket server = new ServerSocket()) {
            out.println(states.source());
            ladder.kernelState(System.nanoTime(), "LISTEN");
            server.bind(new InetSocketAddress(KERNEL, PORT));
            server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(stepSeconds));
            stack = TunTransport.open(tun, InetAddress.getByName(OURS), config, new io.tcpclose.stack.StackObserver() {
                @Override
                public void segmentIn(long nanos, io.tcpclose.stack.FourTuple id, Segment s) {
                    if (!s.has(TcpFlags.RST)) {
                        kernelSndNxt.set(s.seq() + s.seqLength());
                    }
                    ladder.segmentIn(nanos, id, s);
                }

                @Override
                public void segmentOut(long nanos, io.tcpclose.stack.FourTuple id, Segment s, io.tcpclose.engine.Effect.Why why) {
                    ladder.segmentOut(nanos, id, s, why);
                }

                @Override
                public void stateChanged(long nanos, io.tcpclose.stack.FourTuple id, io.tcpclose.engine.TcpState from,
                                         io.tcpclose.engine.TcpState to) {
                    ladder.stateChanged(nanos, id, from, to);
                }

                @Override
                public void rejected(long nanos, io.tcpclose.stack.FourTuple id, RejectReason reason, Segment segment) {
                    ladder.rejected(nanos, id, reason, segment);
                }
            });
            try {
                ladder.note("client connects");
                CompletableFuture<NioConnection> connecting = stack.connect(new InetSocketAddress(InetAddress.getByName(KERNEL), 0), PORT);
                kernel = server.accept();
                kernel.setSoTimeout((int) TimeUnit.SECONDS.toMillis(stepSeconds));
                ours = connecting.get(stepSeconds, TimeUnit.SECONDS);
                play();
                CloseReason end = ours.closed().get(config.timeWaitNanos() / 1_000_000_000L + stepSeconds, TimeUnit.SECONDS);
                Thread.sleep(100); // the kernel's last step, for the sampler
                ladder.ended(end);
                if (end != scenario.clientEnd) {
                    notes.add("the client ended " + end + ", not " + scenario.clientEnd + " as the scenario describes");
                }
                notes.add("client (tcpclose):     " + ours.state() + " (" + end + "), " + oursRead + " bytes delivered");
            } catch (java.util.concurrent.TimeoutException e) {
                notes.add("a step waited " + stepSeconds + " s for the peer and the run gave up");
                code = 1;
            } finally {
                if (kernel != null && !kernel.isClosed()) {
                    ladder.note("end of the run: the server closes its socket");
                    kernel.close();
                    Thread.sleep(100); // what that sends, and what it draws, is in the ladder
                }
                notes.add("server (linux):        " + kernelSaw + "; its socket at the end of the run: " + states.now());
                io.tcpclose.stack.StackStats st = stack.stats();
                stats = st.segmentsIn() + " segments in, " + st.segmentsOut() + " out, " + st.retransmissions()
                        + " retransmissions, " + st.challengeAcksSent() + " challenge ACKs";
                stack.close();
            }
        }
        out.println();
        out.print(ladder.render("client (tcpclose " + OURS + ")", "server (linux " + KERNEL + ")"));
        if (html != null) {
            Files.writeString(html, ladder.renderHtml("client (tcpclose " + OURS + ")", "server (linux " + KERNEL + ")",
                    "tcpclose-sim " + scenario.cliName + " --peer linux", "scenario " + scenario.cliName + " against the Linux"
                            + " kernel's TCP through a TUN device. Ours: " + config().summary() + "."),
                    java.nio.charset.StandardCharsets.UTF_8);
            out.println("ladder page written to " + html);
        }
        out.println();
        for (String n : notes) {
            out.println(n.startsWith("client") || n.startsWith("server") ? n : "note: " + n);
        }
        out.println();
        out.printf("%.3f s real time, our stack: %s%n", (System.nanoTime() - t0) / 1e9, stats);
        if (pcap != null) {
            String problem = ladder.finishCapture();
            out.println(problem == null ? "pcapng written to " + pcap + " (" + ladder.captured() + " segments)"
                    : "the capture is incomplete: " + problem);
        }
        return code;
    }

    /** The scenario's steps on both sides. A drop's try block marks our segments lost while its rule stands. */
    @SuppressWarnings("try")
    private void play() throws Exception {
        switch (scenario) {
            case NORMAL_CLOSE:
                write("hello");
                ladder.note("client closes: its FIN follows the data");
                ours.close();
                kernelReadsToEnd();
                kernelCloses();
                break;
            case PASSIVE_CLOSE:
                write("hello");
                kernelSaw = "read \"" + new String(kernel.getInputStream().readNBytes(5), StandardCharsets.UTF_8) + "\"";
                ladder.note("server has read the request and closes");
                kernel.close();
                oursReadsToEnd();
                ladder.note("client read the end of stream and closes");
                ours.close();
                break;
            case SIMULTANEOUS_CLOSE:
                try (LiveLadder.Drop d = hold("-I", "drops every packet")) {
                    ladder.note("iptables drops every packet both ways while both shut down their output (the kernel's FIN,"
                            + " dropped on its way out, never reaches this ladder)");
                    kernel.shutdownOutput();
                    ours.shutdownOutput();
                    Thread.sleep(300);
                    hold("-D", null);
                }
                ladder.note("iptables lets packets through again; each FIN goes again when its sender's timer fires");
                oursReadsToEnd();
                kernelReadsToEnd();
                ours.close();
                ladder.note("server closes its socket (its FIN went at the shutdown)");
                kernel.close();
                break;
            case HALF_CLOSE:
                write("GET /20k");
                ladder.note("client shuts down its output after its request");
                ours.shutdownOutput();
                kernelReadsToEnd();
                ladder.note("server sends 20 kB to the half-closed client, then closes");
                kernel.getOutputStream().write(new byte[20_000]);
                kernel.close();
                oursReadsToEnd();
                ours.close();
                break;
            case LOST_FIN: {
                CompletableFuture<Void> fin = new CompletableFuture<>();
                ladder.onSegmentOut(s -> {
                    if (s.has(TcpFlags.FIN)) {
                        fin.complete(null);
                    }
                });
                String[] rule = {"INPUT", "-i", "tun0", "-p", "tcp", "--tcp-flags", "FIN", "FIN", "-j", "DROP"};
                write("hello");
                iptables("-I", rule);
                try (LiveLadder.Drop d = ladder.dropping("dropped the FIN", s -> s.has(TcpFlags.FIN))) {
                    ladder.note("iptables drops the client's FINs until the first has gone; the client closes");
                    ours.close();
                    fin.get(stepSeconds, TimeUnit.SECONDS);
                    Thread.sleep(20);
                    iptables("-D", rule);
                }
                ladder.note("the rule is gone: the retransmission will get through");
                kernelReadsToEnd();
                kernelCloses();
                break;
            }
            case LOST_LAST_ACK: {
                CompletableFuture<Void> repeated = new CompletableFuture<>();
                ladder.onRejected(r -> {
                    if (r == RejectReason.FIN_REPEATED) {
                        repeated.complete(null);
                    }
                });
                write("hello");
                ours.close();
                kernelReadsToEnd();
                // A bare ACK is 40 bytes of IP and TCP header, 52 with the timestamps option.
                String bare = config.timestamps() ? "52" : "40";
                String[] rule = {"INPUT", "-i", "tun0", "-p", "tcp", "--tcp-flags", "ALL", "ACK", "-m", "length", "--length", bare, "-j", "DROP"};
                iptables("-I", rule);
                try (LiveLadder.Drop d = ladder.dropping("dropped the bare ACK",
                        s -> s.flags() == TcpFlags.ACK && s.payload().length() == 0)) {
                    ladder.note("iptables drops the client's bare ACKs from now on");
                    kernelCloses();
                    repeated.get(stepSeconds, TimeUnit.SECONDS);
                    iptables("-D", rule);
                }
                ladder.note("the kernel repeated its FIN; iptables lets ACKs through again");
                break;
            }
            case RST_ABORT:
                write("hello");
                Thread.sleep(100);
                ladder.note("client aborts");
                ours.abort();
                kernelReadsToEnd();
                break;
            case RST_INJECTION:
                write("hello");
                String first = new String(kernel.getInputStream().readNBytes(5), StandardCharsets.UTF_8);
                Thread.sleep(50);
                try (RawIpSocket raw = RawIpSocket.open()) {
                    ladder.note("a raw socket on the kernel's side forges a RST at the client's RCV.NXT + 1000: in the window, not exact");
                    raw.send(rst(kernelSndNxt.get() + 1000));
                    Thread.sleep(200);
                    ladder.note("and now one exactly at RCV.NXT");
                    raw.send(rst(kernelSndNxt.get()));
                }
                ours.closed().get(stepSeconds, TimeUnit.SECONDS);
                ladder.note("server writes; the client has no connection any more and resets it");
                kernel.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
                kernelReadsToEnd();
                kernelSaw = "read \"" + first + "\", then " + kernelSaw.substring("read ".length());
                break;
            case UNREAD_DATA:
                write("hello");
                Thread.sleep(200);
                ladder.note("server closes without reading the request");
                kernelSaw = "closed with the request unread";
                kernel.close();
                oursReadsToEnd();
                ours.close();
                break;
            case KEEPALIVE_LIVE:
                keepAlive(3);
                ladder.note("client turns keep-alive on (1 s idle, 1 s apart, 3 probes) and stays idle 3.5 s");
                Thread.sleep(3_500);
                ladder.note("client closes");
                ours.close();
                kernelReadsToEnd();
                kernelCloses();
                break;
            case KEEPALIVE_DEAD:
                keepAlive(2);
                try (LiveLadder.Drop d = hold("-I", "cut the path")) {
                    ladder.note("client turns keep-alive on (1 s idle, 1 s apart, 2 probes); iptables cuts the path both ways");
                    ours.closed().get(stepSeconds, TimeUnit.SECONDS);
                    hold("-D", null);
                }
                ladder.note("iptables lets packets through again");
                kernelSaw = "saw nothing while the path was cut";
                break;
            case FIN_WAIT_2_TIMEOUT:
                write("hello");
                ladder.note("client closes; the server reads the end of stream and does not close until the run ends");
                ours.close();
                kernelReadsToEnd();
                ours.closed().get(stepSeconds, TimeUnit.SECONDS);
                break;
            case USER_TIMEOUT:
                ours.setOption(TcpSocketOptions.TCP_USER_TIMEOUT, 5_000);
                try (LiveLadder.Drop d = hold("-I", "cut the path")) {
                    ladder.note("client sets a 5 s user timeout; iptables cuts the path; the client writes");
                    write("hello");
                    ours.closed().get(stepSeconds, TimeUnit.SECONDS);
                    hold("-D", null);
                }
                ladder.note("iptables lets packets through again");
                kernelSaw = "saw nothing while the path was cut";
                break;
            case RANDOM_LOSSY: {
                // Only toward the kernel: a packet netfilter drops on its way out of the kernel
                // fails locally and is sent again at once, which is no loss on the wire (and this
                // path has no netem).
                String[] in = {"INPUT", "-i", "tun0", "-m", "statistic", "--mode", "random", "--probability", "0.2", "-j", "DROP"};
                iptables("-I", in);
                ladder.note("iptables drops 20% of the client's packets to the kernel at random (unmarked: which is not known); both send 20 kB");
                byte[] data = new byte[20_000];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) i;
                }
                ours.outputStream().write(data);
                kernel.getOutputStream().write(data);
                oursRead += ours.inputStream().readNBytes(20_000).length;
                ladder.note("client has all 20 kB and closes");
                ours.close();
                kernelReadsToEnd();
                kernelCloses();
                ours.closed().get(stepSeconds, TimeUnit.SECONDS);
                notes.add("iptables dropped " + dropped("INPUT") + " of the client's " + stackSegmentsOut() + " segments on their way"
                        + " to the kernel; the kernel's own packets are not dropped: netfilter on their way out makes a local"
                        + " failure the kernel repairs at once, not a loss on the wire, and this path has no netem");
                notes.add("a real network does not replay: each run loses different packets");
                break;
            }
            default:
                throw new IllegalStateException("no steps for " + scenario);
        }
    }

    /** Keep-alive on our connection: 1 s idle, probes 1 s apart, {@code probes} of them. */
    private void keepAlive(int probes) throws IOException {
        ours.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 1)
                .setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 1)
                .setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, probes)
                .setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }

    private void write(String s) throws IOException {
        ladder.note("client writes \"" + s + "\"");
        ours.outputStream().write(s.getBytes(StandardCharsets.UTF_8));
    }

    private void kernelCloses() throws IOException {
        ladder.note(kernelSaw.endsWith("then end of stream") ? "server read the end of stream and closes"
                : "server's read ended (" + kernelSaw + "); it closes");
        kernel.close();
    }

    /** The kernel's application reads until the end of stream or an error, and says which. */
    private void kernelReadsToEnd() {
        kernelSaw = readToEnd(kernel::getInputStream);
    }

    private void oursReadsToEnd() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            drain(ours.inputStream(), b);
        } catch (IOException e) {
            ladder.note("client's read failed: " + e.getMessage());
        }
        oursRead += b.size();
    }

    /** Reads {@code in} to its end into {@code b}. */
    private static void drain(InputStream in, ByteArrayOutputStream b) throws IOException {
        byte[] buf = new byte[4096];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            b.write(buf, 0, n);
        }
    }

    private interface Source {
        InputStream get() throws IOException;
    }

    private static String readToEnd(Source source) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            drain(source.get(), b);
            return "read " + shown(b) + " then end of stream";
        } catch (IOException e) {
            return "read " + shown(b) + " then " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static String shown(ByteArrayOutputStream b) {
        String s = b.toString(StandardCharsets.UTF_8);
        return b.size() + " bytes" + (b.size() > 0 && b.size() <= 40 && s.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? " \"" + s + "\"" : "");
    }

    /**
     * Drops every packet both ways on tun0 ({@code -I}), marking ours lost in the ladder as
     * {@code why}; or stops ({@code -D}, why null). The kernel's packets never reach us, so the
     * ladder cannot show them.
     */
    private LiveLadder.Drop hold(String insertOrDelete, String why) throws Exception {
        iptables(insertOrDelete, "INPUT", "-i", "tun0", "-j", "DROP");
        iptables(insertOrDelete, "OUTPUT", "-o", "tun0", "-j", "DROP");
        return why == null ? null : ladder.dropping(why, s -> true);
    }

    private long stackSegmentsOut() {
        return stack.stats().segmentsOut();
    }

    private static void iptables(String op, String... rule) throws Exception {
        String[] cmd = new String[rule.length + 2];
        cmd[0] = "iptables";
        cmd[1] = op;
        System.arraycopy(rule, 0, cmd, 2, rule.length);
        sh(cmd);
    }

    /** Packets the chain's first rule dropped. */
    private static String dropped(String chain) throws Exception {
        String[] lines = sh("iptables", "-L", chain, "-v", "-x", "-n").split("\n");
        return lines.length > 2 ? lines[2].trim().split("\\s+")[0] : "?";
    }

    /** A bare RST from the kernel's address and port to ours, at {@code seq}. */
    private byte[] rst(int seq) throws IOException {
        Segment rst = new Segment(PORT, ours.id().localPort(), seq, 0, TcpFlags.RST, 0, TcpOptions.NONE, Bytes.EMPTY);
        byte[] src = InetAddress.getByName(KERNEL).getAddress();
        byte[] dst = InetAddress.getByName(OURS).getAddress();
        return IpHeaders.frame(src, dst, 0, 64, SegmentCodec.encode(rst, PseudoHeader.ipv4(src, dst)));
    }

    /** Runs a command in this namespace; its output, or an exception naming it and what it said. */
    static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + text.strip());
        }
        return text;
    }
}
