package io.tcpclose.tun;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpState;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.StackObserver;
import io.tcpclose.wire.CaptureWriter;
import io.tcpclose.wire.Segment;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One interop case of {@link KernelInteropTest}, run in a JVM inside the test's network
 * namespace: it creates {@code tun0} (the kernel's side is 10.77.0.1, ours 10.77.0.2), runs
 * tcpclose on it and a plain {@code java.net} socket on the kernel's TCP, writes a pcapng of our
 * segments, and prints one line per observation for the test to check: {@code STATES ...},
 * {@code KERNEL ...}, {@code OURS ...}, {@code SS ...}, then {@code DONE}.
 */
final class KernelCase {
    static final String KERNEL = "10.77.0.1";
    static final String OURS = "10.77.0.2";
    static final int PORT = 8080;
    /** Our listener's port when the case runs with the roles swapped. */
    static final int OUR_PORT = 9000;
    /** A case name ending in this runs with the kernel as the client and us as the server. */
    static final String AS_SERVER = "-as-server";
    /** The server's port of the case's connection, which {@link #ss()} follows. */
    private static int service = PORT;

    private KernelCase() {}

    public static void main(String[] args) throws Exception {
        String which = args[0];
        Path pcap = Path.of(args[1]);
        TunDevice tun = TunDevice.open("tun0");
        sh("ip", "addr", "add", KERNEL + "/24", "dev", "tun0");
        sh("ip", "link", "set", "tun0", "up");
        List<String> states = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger acksToOld = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger sndNxt = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger rcvNxt = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger fromKernel = new java.util.concurrent.atomic.AtomicInteger();
        List<String> kernelFins = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Segment> kernelRsts = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> ourFins = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> kernelFlags = new java.util.concurrent.CopyOnWriteArrayList<>();
        CaptureWriter capture = new CaptureWriter(Files.newOutputStream(pcap));
        int iface = capture.addInterface("tun0");
        long start = System.nanoTime();
        long epoch = System.currentTimeMillis() * 1_000_000L;
        StackObserver observer = new StackObserver() {
            @Override
            public void stateChanged(long nanos, FourTuple id, TcpState from, TcpState to) {
                synchronized (states) {
                    states.add(to.toString());
                }
            }

            @Override
            public void segmentIn(long nanos, FourTuple id, Segment s) {
                fromKernel.incrementAndGet();
                kernelFlags.add(io.tcpclose.wire.TcpFlags.toString(s.flags()));
                if (!s.has(io.tcpclose.wire.TcpFlags.RST)) {
                    rcvNxt.set(s.seq() + s.seqLength()); // our RCV.NXT once we have this
                }
                if (s.has(io.tcpclose.wire.TcpFlags.RST)) {
                    kernelRsts.add(s);
                }
                if (s.has(io.tcpclose.wire.TcpFlags.FIN)) {
                    kernelFins.add(io.tcpclose.wire.TcpFlags.toString(s.flags()));
                }
                write(nanos, id.remoteAddress(), id.localAddress(), s);
            }

            @Override
            public void segmentOut(long nanos, FourTuple id, Segment s) {
                if (s.has(io.tcpclose.wire.TcpFlags.FIN)) {
                    ourFins.add(nanos);
                }
                if (!s.has(io.tcpclose.wire.TcpFlags.RST)) {
                    sndNxt.set(s.seq() + s.seqLength()); // the kernel's RCV.NXT once it has this
                }
                write(nanos, id.localAddress(), id.remoteAddress(), s);
            }

            @Override
            public void segmentOut(long nanos, FourTuple id, Segment s, io.tcpclose.engine.Effect.Why why) {
                if (why == io.tcpclose.engine.Effect.Why.DUPLICATE_ACK) {
                    acksToOld.incrementAndGet(); // e.g. the answer to a keep-alive probe at RCV.NXT - 1
                }
                segmentOut(nanos, id, s);
            }

            private synchronized void write(long nanos, InetAddress from, InetAddress to, Segment s) {
                try {
                    capture.segment(iface, epoch + (nanos - start), from.getAddress(), to.getAddress(), s, null);
                } catch (java.io.IOException e) {
                    System.out.println("CAPTURE failed: " + e.getMessage());
                }
            }
        };
        TcpConfig config = TcpConfig.builder().msl(Duration.ofMillis(500)).build();
        if (which.equals("time-wait-reuse")) {
            // Timestamps on, so RFC 6191 can admit the kernel's new SYN by its newer TSval.
            config = config.toBuilder().timestamps(true).msl(Duration.ofSeconds(30)).build();
        } else if (which.equals("silent-peer")) {
            config = config.toBuilder().keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 2).build();
        }
        try (NioTcpStack stack = TunTransport.open(tun, InetAddress.getByName(OURS), config, observer);
                ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(KERNEL, PORT), 1024); // room for the thousand at once
            server.setSoTimeout(10_000);
            if (which.equals("time-wait-reuse")) {
                timeWaitReuse(stack);
                return;
            }
            if (which.equals("thousand")) {
                thousand(stack, server);
                return;
            }
            Socket kernel;
            NioConnection ours;
            if (which.endsWith(AS_SERVER)) {
                // The roles swapped: the kernel connects to our listener.
                which = which.substring(0, which.length() - AS_SERVER.length());
                service = OUR_PORT;
                stack.listen(OUR_PORT, 16);
                CompletableFuture<NioConnection> accepting = stack.accept(OUR_PORT);
                kernel = new Socket();
                kernel.connect(new InetSocketAddress(OURS, OUR_PORT), 5_000);
                ours = accepting.get(10, TimeUnit.SECONDS);
            } else {
                CompletableFuture<NioConnection> connecting = stack.connect(
                        new InetSocketAddress(InetAddress.getByName(KERNEL), 0), PORT);
                kernel = server.accept();
                ours = connecting.get(10, TimeUnit.SECONDS);
            }
            kernel.setSoTimeout(10_000);
            switch (which) {
                case "we-close-first": {
                    ours.outputStream().write("hello from tcpclose".getBytes(StandardCharsets.UTF_8));
                    ours.close();
                    String got = readAll(kernel.getInputStream());
                    System.out.println("KERNEL read \"" + got + "\" then end of stream");
                    kernel.close();
                    break;
                }
                case "kernel-closes-first": {
                    OutputStream out = kernel.getOutputStream();
                    out.write("hello from linux".getBytes(StandardCharsets.UTF_8));
                    kernel.close();
                    String got = readAll(ours.inputStream());
                    System.out.println("OURS read \"" + got + "\" then end of stream");
                    Thread.sleep(100); // the kernel has our ACK of its FIN before we close
                    System.out.println("SS " + ss());
                    ours.close();
                    break;
                }
                case "we-abort": {
                    ours.outputStream().write("partial".getBytes(StandardCharsets.UTF_8));
                    Thread.sleep(100);
                    ours.abort();
                    System.out.println("KERNEL " + readOrError(kernel.getInputStream()));
                    kernel.close();
                    break;
                }
                case "kernel-aborts": {
                    kernel.setSoLinger(true, 0);
                    kernel.close(); // linger 0: a RST instead of a FIN
                    System.out.println("OURS " + readOrError(ours.inputStream()));
                    break;
                }
                case "we-close-with-unread-data": {
                    kernel.getOutputStream().write("never read".getBytes(StandardCharsets.UTF_8));
                    Thread.sleep(200); // it has arrived, unread
                    ours.close(); // RFC 2525 2.17: unread data means a RST
                    System.out.println("KERNEL " + readOrError(kernel.getInputStream()));
                    kernel.close();
                    break;
                }
                case "kernel-closes-with-unread-data": {
                    ours.outputStream().write("never read".getBytes(StandardCharsets.UTF_8));
                    Thread.sleep(200);
                    int before = kernelFlags.size();
                    kernel.close(); // Linux resets a close with unread data too
                    System.out.println("OURS " + readOrError(ours.inputStream()));
                    Thread.sleep(100);
                    System.out.println("KERNEL sent " + String.join(" ", kernelFlags.subList(before, kernelFlags.size())));
                    break;
                }
                case "we-half-close": {
                    ours.outputStream().write("request".getBytes(StandardCharsets.UTF_8));
                    ours.shutdownOutput();
                    String got = readAll(kernel.getInputStream());
                    System.out.println("KERNEL read \"" + got + "\" then end of stream");
                    kernel.getOutputStream().write(new byte[20_000]); // still flowing toward the half-closed side
                    kernel.close();
                    System.out.println("OURS read " + readAll(ours.inputStream()).length() + " bytes then end of stream");
                    ours.close();
                    break;
                }
                case "kernel-half-closes": {
                    kernel.getOutputStream().write("request".getBytes(StandardCharsets.UTF_8));
                    kernel.shutdownOutput();
                    String got = readAll(ours.inputStream());
                    System.out.println("OURS read \"" + got + "\" then end of stream");
                    ours.outputStream().write(new byte[20_000]);
                    ours.close();
                    System.out.println("KERNEL read " + readAll(kernel.getInputStream()).length() + " bytes then end of stream");
                    kernel.close();
                    break;
                }
                case "we-probe-the-kernel": {
                    ours.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 1)
                            .setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 1)
                            .setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 3)
                            .setOption(java.net.StandardSocketOptions.SO_KEEPALIVE, true);
                    Thread.sleep(3_500);
                    System.out.println("OURS probes sent " + stack.stats().keepAliveProbesSent() + ", still " + ours.state());
                    ours.close();
                    readAll(kernel.getInputStream());
                    kernel.close();
                    break;
                }
                case "simultaneous-close": {
                    // Hold both directions so that both FINs are in flight at once, then let their
                    // retransmissions cross: each side sees the other's FIN in FIN-WAIT-1.
                    sh("iptables", "-I", "INPUT", "-i", "tun0", "-j", "DROP");
                    sh("iptables", "-I", "OUTPUT", "-o", "tun0", "-j", "DROP");
                    kernel.shutdownOutput();
                    ours.shutdownOutput();
                    Thread.sleep(300);
                    sh("iptables", "-F", "INPUT");
                    sh("iptables", "-F", "OUTPUT");
                    String got = readAll(ours.inputStream());
                    readAll(kernel.getInputStream());
                    System.out.println("OURS read " + got.length() + " bytes then end of stream");
                    ours.close();
                    kernel.close();
                    break;
                }
                case "fin-retransmission": {
                    // The kernel's answers to us are dropped for 3.5 s after our FIN: it is resent
                    // with backoff (RFC 6298 5.5), at 1 s and 3 s, and the kernel's own FIN,ACK
                    // after the outage acknowledges it (before the third, due at 7 s).
                    sh("iptables", "-I", "OUTPUT", "-o", "tun0", "-j", "DROP");
                    long t0 = System.nanoTime();
                    ours.close();
                    Thread.sleep(3_500);
                    sh("iptables", "-F", "OUTPUT");
                    readAll(kernel.getInputStream());
                    kernel.close();
                    ours.closed().get(20, TimeUnit.SECONDS);
                    System.out.println("OURS retransmissions " + stack.stats().retransmissions() + " within "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) / 1000 + " s");
                    StringBuilder gaps = new StringBuilder("OURS FIN gaps");
                    for (int i = 1; i < ourFins.size(); i++) {
                        gaps.append(String.format(" %.3f", (ourFins.get(i) - ourFins.get(i - 1)) / 1e9));
                    }
                    System.out.println(gaps);
                    break;
                }
                case "lost-last-ack": {
                    // We close first; our last ACK (of the kernel's FIN: a bare 40-byte ACK) is dropped
                    // for a while, so the kernel, in LAST-ACK, repeats its FIN and our TIME-WAIT
                    // answers it (RFC 9293 3.6.1).
                    ours.close();
                    readAll(kernel.getInputStream());
                    sh("iptables", "-I", "INPUT", "-i", "tun0", "-p", "tcp", "--tcp-flags", "ALL", "ACK",
                            "-m", "length", "--length", "40", "-j", "DROP");
                    kernel.close();
                    Thread.sleep(800);
                    sh("iptables", "-F", "INPUT");
                    Thread.sleep(600);
                    System.out.println("SS " + ss());
                    System.out.println("OURS repeated FINs answered " + stack.stats().rejected(io.tcpclose.engine.RejectReason.FIN_REPEATED));
                    System.out.println("KERNEL FINs " + String.join(" ", kernelFins));
                    break;
                }
                case "silent-peer": {
                    // Everything between the two is dropped: our keep-alive (1 s idle, 2 probes)
                    // declares the kernel dead, and the kernel's (TCP_KEEPIDLE 1, INTVL 1, CNT 2) us.
                    kernel.setKeepAlive(true);
                    kernel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 1);
                    kernel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
                    kernel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 2);
                    sh("iptables", "-I", "INPUT", "-i", "tun0", "-j", "DROP");
                    sh("iptables", "-I", "OUTPUT", "-o", "tun0", "-j", "DROP");
                    CloseReason r = ours.closed().get(20, TimeUnit.SECONDS);
                    System.out.println("OURS gave up " + r + " after " + stack.stats().keepAliveProbesSent() + " probes");
                    System.out.println("KERNEL " + readOrError(kernel.getInputStream()));
                    sh("iptables", "-F", "INPUT");
                    sh("iptables", "-F", "OUTPUT");
                    kernel.close();
                    break;
                }
                case "rst-toward-the-kernel": {
                    // RFC 5961 3.2 on Linux's side: an in-window RST that is not exactly at its
                    // RCV.NXT draws a challenge ACK and leaves the connection up; an exact one resets it.
                    ours.outputStream().write("x".getBytes(StandardCharsets.UTF_8));
                    kernel.getInputStream().read();
                    Thread.sleep(100);
                    long before = nstat("TcpExtTCPChallengeACK");
                    injectRst(tun, ours.id().localPort(), sndNxt.get() + 1000, capture, iface, epoch + (System.nanoTime() - start));
                    Thread.sleep(200);
                    System.out.println("KERNEL challenge ACKs " + (nstat("TcpExtTCPChallengeACK") - before));
                    kernel.getOutputStream().write("alive".getBytes(StandardCharsets.UTF_8));
                    byte[] five = ours.inputStream().readNBytes(5);
                    System.out.println("OURS read \"" + new String(five, StandardCharsets.UTF_8) + "\" after the inexact RST");
                    injectRst(tun, ours.id().localPort(), sndNxt.get(), capture, iface, epoch + (System.nanoTime() - start));
                    Thread.sleep(200);
                    System.out.println("KERNEL " + readOrError(kernel.getInputStream()));
                    kernel.close();
                    ours.abort();
                    break;
                }
                case "rst-toward-us": {
                    // RFC 5961 3.2 on our side: the kernel's raw socket puts a forged RST on the
                    // wire toward us, as a blind attacker on the path would. In the window but not
                    // at our RCV.NXT, it draws a challenge ACK and the connection stays up; exactly
                    // at RCV.NXT, it resets us. The kernel's next segment then finds no connection.
                    kernel.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
                    ours.inputStream().read();
                    Thread.sleep(100);
                    try (RawIpSocket raw = RawIpSocket.open()) {
                        long before = stack.stats().challengeAcksSent();
                        raw.send(rst(KERNEL, OURS, PORT, ours.id().localPort(), rcvNxt.get() + 1000));
                        Thread.sleep(200);
                        System.out.println("OURS challenge ACKs " + (stack.stats().challengeAcksSent() - before)
                                + ", still " + ours.state());
                        ours.outputStream().write("alive".getBytes(StandardCharsets.UTF_8));
                        byte[] five = kernel.getInputStream().readNBytes(5);
                        System.out.println("KERNEL read \"" + new String(five, StandardCharsets.UTF_8) + "\" after the inexact RST");
                        raw.send(rst(KERNEL, OURS, PORT, ours.id().localPort(), rcvNxt.get()));
                        CloseReason r = ours.closed().get(5, TimeUnit.SECONDS);
                        System.out.println("OURS reset " + r + " by the exact RST");
                    }
                    kernel.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
                    System.out.println("KERNEL " + readOrError(kernel.getInputStream()));
                    kernel.close();
                    break;
                }
                case "data-after-our-fin": {
                    // README's differences table: after our FIN the kernel, in CLOSE-WAIT, drops
                    // data at or beyond its RCV.NXT without a word, and ACKs data below it.
                    ours.shutdownOutput();
                    readAll(kernel.getInputStream());
                    Thread.sleep(100);
                    System.out.println("SS " + ss());
                    int before = fromKernel.get();
                    injectData(tun, ours.id().localPort(), sndNxt.get(), rcvNxt.get(), capture, iface, epoch + (System.nanoTime() - start));
                    Thread.sleep(300);
                    System.out.println("KERNEL answered " + (fromKernel.get() - before) + " segments to in-window data after our FIN");
                    before = fromKernel.get();
                    injectData(tun, ours.id().localPort(), sndNxt.get() - 20, rcvNxt.get(), capture, iface, epoch + (System.nanoTime() - start));
                    Thread.sleep(300);
                    System.out.println("KERNEL answered " + (fromKernel.get() - before) + " segments to data below its RCV.NXT");
                    kernel.close();
                    System.out.println("OURS read " + readAll(ours.inputStream()).length() + " bytes then end of stream");
                    break;
                }
                case "kernel-time-wait-restart": {
                    // README's differences table: in the kernel's TIME-WAIT any segment with an
                    // ACK (here a bare one at its RCV.NXT) restarts the 60 s.
                    kernel.close();
                    readAll(ours.inputStream());
                    ours.close();
                    ours.closed().get(10, TimeUnit.SECONDS);
                    Thread.sleep(2_500);
                    int before = timeWaitSeconds();
                    injectAck(tun, ours.id().localPort(), sndNxt.get(), rcvNxt.get(), io.tcpclose.wire.Bytes.EMPTY, capture, iface,
                            epoch + (System.nanoTime() - start));
                    Thread.sleep(200);
                    int after = timeWaitSeconds();
                    System.out.println("KERNEL time-wait left " + before + " s, after our bare ACK " + after + " s");
                    break;
                }
                case "rst-in-kernel-time-wait": {
                    // README's differences table: with tcp_rfc1337=0 (Linux's default; the test sets it),
                    // a RST at its RCV.NXT ends the kernel's TIME-WAIT at once (RFC 1337's hazard).
                    kernel.close();
                    readAll(ours.inputStream());
                    ours.close();
                    ours.closed().get(10, TimeUnit.SECONDS);
                    Thread.sleep(100);
                    System.out.println("SS before " + ss());
                    injectRst(tun, ours.id().localPort(), sndNxt.get(), capture, iface, epoch + (System.nanoTime() - start));
                    Thread.sleep(200);
                    System.out.println("SS after " + ss());
                    break;
                }
                case "data-after-kernel-close": {
                    // README's differences table: the kernel closed (an orphan now) and our data
                    // arrives: it resets with RST at our data's ACK number, without the ACK flag.
                    kernel.close();
                    readAll(ours.inputStream());
                    Thread.sleep(100);
                    int expectSeq = rcvNxt.get(); // the kernel's SND.NXT, which our data acknowledges
                    ours.outputStream().write("late".getBytes(StandardCharsets.UTF_8));
                    ours.closed().get(10, TimeUnit.SECONDS);
                    Segment r = kernelRsts.get(0);
                    System.out.println("KERNEL reset " + io.tcpclose.wire.TcpFlags.toString(r.flags())
                            + (r.seq() == expectSeq ? " at SND.NXT" : " at " + r.seq() + ", not SND.NXT " + expectSeq));
                    break;
                }
                case "the-kernel-probes-us": {
                    kernel.setKeepAlive(true);
                    kernel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, 1);
                    kernel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
                    kernel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
                    Thread.sleep(3_500);
                    System.out.println("OURS answered " + acksToOld.get() + " probes, still " + ours.state());
                    System.out.println("SS " + ss());
                    ours.close();
                    readAll(kernel.getInputStream());
                    kernel.close();
                    break;
                }
                default:
                    throw new IllegalArgumentException("no case " + which);
            }
            CloseReason reason = ours.closed().get(10, TimeUnit.SECONDS);
            Thread.sleep(100);
            System.out.println("OURS closed " + reason);
            System.out.println("SS " + ss());
            System.out.println("LINK " + stack.linkCounters());
        } finally {
            capture.close();
        }
        synchronized (states) {
            System.out.println("STATES " + String.join(" ", states));
        }
        System.out.println("DONE");
    }

    /**
     * The kernel connects to us from port 40000, we close first and hold TIME-WAIT, and the kernel
     * connects again from the same port: RFC 6191 admits its SYN by the newer timestamp.
     */
    private static void timeWaitReuse(NioTcpStack stack) throws Exception {
        stack.listen(9000, 16);
        for (int round = 1; round <= 2; round++) {
            Socket k = new Socket();
            k.setReuseAddress(true);
            k.bind(new InetSocketAddress(KERNEL, 40000));
            k.setSoTimeout(10_000);
            k.connect(new InetSocketAddress(OURS, 9000), 5_000);
            NioConnection c = stack.accept(9000).get(10, TimeUnit.SECONDS);
            c.outputStream().write(("round " + round).getBytes(StandardCharsets.UTF_8));
            c.close(); // we close first: TIME-WAIT is ours
            System.out.println("KERNEL round " + round + " read \"" + readAll(k.getInputStream()) + "\"");
            k.close();
            c.closeCompleted().get(10, TimeUnit.SECONDS);
            Thread.sleep(100);
        }
        System.out.println("OURS time-wait reused " + stack.stats().timeWaitReused());
        System.out.println("DONE");
    }

    /** 1,000 connections opened and closed at once against the kernel, all clean. */
    private static void thousand(NioTcpStack stack, ServerSocket server) throws Exception {
        int n = 1000;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        Thread acceptor = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    Socket k = server.accept();
                    pool.execute(() -> {
                        try (k) {
                            k.setSoTimeout(20_000);
                            if (readAll(k.getInputStream()).equals("ping")) {
                                served.incrementAndGet();
                            }
                        } catch (java.io.IOException e) {
                            System.out.println("KERNEL error " + e);
                        }
                    });
                }
            } catch (java.io.IOException e) {
                System.out.println("KERNEL accept error " + e);
            }
        });
        acceptor.start();
        List<CompletableFuture<CloseReason>> closes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CompletableFuture<CloseReason> done = new CompletableFuture<>();
            closes.add(done);
            stack.connect(new InetSocketAddress(InetAddress.getByName(KERNEL), 0), PORT, new io.tcpclose.stack.ConnectionListener() {
                @Override
                public void onEstablished(io.tcpclose.stack.Connection c) {
                    c.send("ping".getBytes(StandardCharsets.UTF_8));
                    c.close();
                }

                @Override
                public void onClosed(io.tcpclose.stack.Connection c, CloseReason r) {
                    done.complete(r);
                }
            });
        }
        java.util.Map<CloseReason, Integer> reasons = new java.util.TreeMap<>();
        for (CompletableFuture<CloseReason> f : closes) {
            reasons.merge(f.get(60, TimeUnit.SECONDS), 1, Integer::sum);
        }
        acceptor.join(10_000);
        pool.shutdown();
        pool.awaitTermination(20, TimeUnit.SECONDS);
        System.out.println("OURS closed " + reasons + ", kernel served " + served.get() + ", open now " + stack.connectionCount());
        System.out.println("DONE");
    }

    /** Writes a RST from us to the kernel straight into the device, as a blind attacker would. */
    private static void injectRst(TunDevice tun, int ourPort, int seq, CaptureWriter capture, int iface, long epochNanos)
            throws Exception {
        inject(tun, rst(OURS, KERNEL, ourPort, PORT, seq), capture, iface, epochNanos);
    }

    /** Writes 10 bytes of data (or none) from us to the kernel straight into the device, behind our stack's back. */
    private static void injectData(TunDevice tun, int ourPort, int seq, int ack, CaptureWriter capture, int iface, long epochNanos)
            throws Exception {
        injectAck(tun, ourPort, seq, ack, io.tcpclose.wire.Bytes.utf8("0123456789"), capture, iface, epochNanos);
    }

    private static void injectAck(TunDevice tun, int ourPort, int seq, int ack, io.tcpclose.wire.Bytes text, CaptureWriter capture,
                                  int iface, long epochNanos) throws Exception {
        int flags = io.tcpclose.wire.TcpFlags.ACK | (text.isEmpty() ? 0 : io.tcpclose.wire.TcpFlags.PSH);
        Segment data = new Segment(ourPort, PORT, seq, ack, flags, 65535, io.tcpclose.wire.TcpOptions.NONE, text);
        byte[] src = InetAddress.getByName(OURS).getAddress();
        byte[] dst = InetAddress.getByName(KERNEL).getAddress();
        byte[] tcp = io.tcpclose.wire.SegmentCodec.encode(data, io.tcpclose.wire.PseudoHeader.ipv4(src, dst));
        inject(tun, io.tcpclose.wire.IpHeaders.frame(src, dst, 8, 64, tcp), capture, iface, epochNanos);
    }

    private static void inject(TunDevice tun, byte[] packet, CaptureWriter capture, int iface, long epochNanos) throws Exception {
        if (!tun.write(packet)) {
            throw new IllegalStateException("the device took no packet");
        }
        synchronized (capture) {
            capture.packet(iface, epochNanos, packet, "injected into the device by the test, not sent by the stack");
        }
    }

    /** An IPv4 packet carrying a bare RST from one address and port to another. */
    private static byte[] rst(String from, String to, int fromPort, int toPort, int seq) throws Exception {
        Segment rst = new Segment(fromPort, toPort, seq, 0, io.tcpclose.wire.TcpFlags.RST, 0,
                io.tcpclose.wire.TcpOptions.NONE, io.tcpclose.wire.Bytes.EMPTY);
        byte[] src = InetAddress.getByName(from).getAddress();
        byte[] dst = InetAddress.getByName(to).getAddress();
        byte[] tcp = io.tcpclose.wire.SegmentCodec.encode(rst, io.tcpclose.wire.PseudoHeader.ipv4(src, dst));
        return io.tcpclose.wire.IpHeaders.frame(src, dst, 7, 64, tcp);
    }

    /** One of the kernel's counters in this namespace, as {@code nstat -az} prints it. */
    private static long nstat(String counter) throws Exception {
        Process p = new ProcessBuilder("nstat", "-az", counter).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals(counter)) {
                return Long.parseLong(f[1]);
            }
        }
        throw new IllegalStateException("nstat has no " + counter + ": " + out);
    }

    /** Reads to the end; "read N bytes then end of stream", or the exception that ended it. */
    private static String readOrError(InputStream in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                b.write(buf, 0, n);
            }
            return "read " + b.size() + " bytes then end of stream";
        } catch (java.io.IOException e) {
            return "read " + b.size() + " bytes then " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static String readAll(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            b.write(buf, 0, n);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Seconds left on the kernel's one TIME-WAIT socket, from {@code ss -tano}'s "timer:(timewait,57sec,0)". */
    private static int timeWaitSeconds() throws Exception {
        Process p = new ProcessBuilder("ss", "-tanoH", "state", "time-wait").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("timewait,(\\d+)sec").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no TIME-WAIT timer in: " + out);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The kernel's connections on our port (not its listener), as {@code ss -tan} shows them: "STATE local peer; ...". */
    private static String ss() throws Exception {
        Process p = new ProcessBuilder("ss", "-tanH").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        List<String> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && !f[0].equals("LISTEN") && (f[3].endsWith(":" + service) || f[4].endsWith(":" + service))) {
                rows.add(f[0] + " " + f[3] + " " + f[4]);
            }
        }
        return String.join("; ", rows);
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
    }
}
