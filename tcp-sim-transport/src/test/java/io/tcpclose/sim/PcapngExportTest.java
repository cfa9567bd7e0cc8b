package io.tcpclose.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpFlags;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pcapng export reads back as real TCP: by our own reader always, and by tshark where installed (CI installs it). */
class PcapngExportTest {
    @TempDir
    Path dir;

    /** A close whose first FIN is lost: 10 segments, one dropped. */
    static Simulator lostFin() {
        Simulator sim = new Simulator(5);
        Host a = sim.addHost("client", "10.0.0.1", TcpConfig.DEFAULTS, IsnGenerator.fixed(1000));
        Host b = sim.addHost("server", "10.0.0.2", TcpConfig.DEFAULTS, IsnGenerator.fixed(5000));
        sim.connect(a, b, LinkConfig.builder().delay(Duration.ofMillis(10)).build());
        sim.addFault(FaultRule.drop("client", "server", FaultRule.Match.FIN, 1));
        b.listen(80, c -> readsThenCloses());
        Connection[] c = new Connection[1];
        sim.at(Duration.ZERO, "connect", () -> c[0] = a.connect(40000, b, 80, new ConnectionListener() {
            @Override
            public void onEstablished(Connection conn) {
                conn.send(io.tcpclose.wire.Bytes.utf8("hello"));
            }
        }));
        sim.at(Duration.ofSeconds(1), "close", () -> c[0].close());
        sim.run();
        return sim;
    }

    record Captured(int iface, long nanos, byte[] ip, String comment) {}

    @Test
    void with_lost_segments_the_capture_holds_every_segment_sent_with_nanosecond_times_valid_checksums_and_drop_comments() throws Exception {
        Simulator sim = lostFin();
        List<Captured> packets = read(PcapngWriter.toBytes(sim, true));
        List<TraceEvent> sends = new ArrayList<>();
        for (TraceEvent e : sim.trace().events()) {
            if (e.kind() == TraceEvent.Kind.SEND) {
                sends.add(e);
            }
        }
        assertEquals(sends.size(), packets.size());
        for (int i = 0; i < sends.size(); i++) {
            Captured p = packets.get(i);
            TraceEvent e = sends.get(i);
            assertEquals(e.nanos(), p.nanos());
            byte[] src = Arrays.copyOfRange(p.ip(), 12, 16);
            byte[] dst = Arrays.copyOfRange(p.ip(), 16, 20);
            Segment s = SegmentCodec.decode(p.ip(), 20, p.ip().length - 20, PseudoHeader.ipv4(src, dst)); // checksum verified
            assertEquals(e.segment(), s);
            assertEquals(0, ipHeaderChecksumResidue(p.ip()), "IPv4 header checksum");
        }
        long commented = packets.stream().filter(p -> p.comment() != null).count();
        assertEquals(1, commented);
        assertTrue(packets.stream().anyMatch(p -> p.comment() != null && p.comment().startsWith("dropped: rule: on client>server, the 1st segment with FIN")));
    }

    @Test
    void by_default_the_capture_leaves_out_what_the_network_dropped() throws Exception {
        Simulator sim = lostFin();
        List<Captured> all = read(PcapngWriter.toBytes(sim, true));
        List<Captured> carried = read(PcapngWriter.toBytes(sim, false));
        assertEquals(all.size() - 1, carried.size(), "the lost FIN is not written as if it crossed the wire");
        assertTrue(carried.stream().noneMatch(p -> p.comment() != null && p.comment().startsWith("dropped")));
    }

    @Test
    void tshark_reads_the_export_as_valid_tcp_with_the_right_flags_and_numbers() throws Exception {
        requireTshark();
        Simulator sim = lostFin();
        Path file = dir.resolve("lost-fin.pcapng");
        PcapngWriter.write(sim, file, true);
        // The lost copies sit on interfaces kept out of TCP analysis; mapped to IP, as a user who
        // wants to read them would, they decode too.
        List<String> rows = tshark(file, "-o", USER_DLT_IS_IP, "-o", "tcp.relative_sequence_numbers:FALSE", "-o", "tcp.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e", "tcp.flags", "-e", "tcp.seq",
                "-e", "tcp.ack", "-e", "tcp.len", "-e", "tcp.checksum.status", "-e", "frame.comment");
        List<TraceEvent> sends = new ArrayList<>();
        for (TraceEvent e : sim.trace().events()) {
            if (e.kind() == TraceEvent.Kind.SEND) {
                sends.add(e);
            }
        }
        assertEquals(sends.size(), rows.size(), String.join("\n", rows));
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split("\\|", -1);
            Segment s = sends.get(i).segment();
            assertEquals(sends.get(i).where() + (rows.get(i).contains("dropped") ? " lost" : ""), f[0]);
            assertEquals(s.flags(), Integer.decode(f[1]), rows.get(i));
            assertEquals(Seq.toUnsigned(s.seq()), Long.parseLong(f[2]), rows.get(i));
            if (s.has(TcpFlags.ACK)) {
                assertEquals(Seq.toUnsigned(s.ack()), Long.parseLong(f[3]), rows.get(i));
            }
            assertEquals(s.payload().length(), Integer.parseInt(f[4]), rows.get(i));
            assertEquals("1", f[5], "tshark: TCP checksum good, " + rows.get(i));
        }
        assertTrue(rows.get(5).contains("dropped: rule"), rows.get(5));
        assertEquals(List.of(), tshark(file, "-Y", "_ws.malformed || _ws.expert.severity >= 8388608"),
                "tshark reports no malformed packets and no errors");
    }

    /** A seed whose run shows tshark overlapping data when lost copies are written among the carried ones (checked). */
    private static final long SEED_WITH_OVERLAPS = 3;

    private static final String USER_DLT_IS_IP = "uat:user_dlts:\"User 0 (DLT=147)\",\"ip\",\"0\",\"\",\"0\",\"\"";

    @Test
    void lost_copies_stay_out_of_tcp_reassembly_so_wireshark_sees_no_overlapping_data() throws Exception {
        requireTshark();
        Simulator sim = lostData();
        Path file = dir.resolve("lost-data.pcapng");
        PcapngWriter.write(sim, file, true);
        assertEquals(List.of(), tshark(file, "-2", "-Y", "_ws.expert.message contains \"overlaps\" || _ws.malformed"),
                "no lost copy is reassembled with its retransmission");
        List<String> lost = tshark(file, "-Y", "frame.interface_name contains \"lost\"", "-T", "fields", "-e", "frame.comment");
        assertTrue(!lost.isEmpty() && lost.stream().allMatch(c -> c.startsWith("dropped: loss")), String.join("\n", lost));
    }

    /**
     * 20 kB from port 80 (which Wireshark reassembles as HTTP) over a link losing 30%: lost
     * segments are resent, some after an RTO in other boundaries, so a lost copy written among
     * the carried ones would overlap its retransmission.
     */
    private static Simulator lostData() {
        Simulator sim = new Simulator(SEED_WITH_OVERLAPS);
        Host a = sim.addHost("client", "10.0.0.1", TcpConfig.DEFAULTS);
        Host b = sim.addHost("server", "10.0.0.2", TcpConfig.DEFAULTS);
        sim.connect(a, b, LinkConfig.builder().delay(Duration.ofMillis(10)).jitter(Duration.ofMillis(5)).loss(0.3).build());
        b.listen(80, c -> new ConnectionListener() {
            @Override
            public void onEstablished(Connection conn) {
                byte[] body = new byte[20_000];
                Arrays.fill(body, (byte) 'x');
                conn.send(io.tcpclose.wire.Bytes.copyOf(body));
                conn.shutdownOutput();
            }

            @Override
            public void onPeerFinished(Connection conn) {
                conn.close();
            }
        });
        a.connect(b, 80, readsThenCloses());
        sim.run();
        return sim;
    }

    /** Reads everything and closes at the peer's end of stream. */
    private static ConnectionListener readsThenCloses() {
        return new ConnectionListener() {
            @Override
            public void onReadable(Connection conn) {
                conn.readAll();
            }

            @Override
            public void onPeerFinished(Connection conn) {
                conn.close();
            }
        };
    }

    /** Skips (naming what is missing) where tshark is not installed; under CI, which installs it, fails instead. */
    private static void requireTshark() {
        boolean tshark = available();
        if (System.getenv("CI") != null) {
            assertTrue(tshark, "CI installs tshark (see .ci/run); it is missing");
        }
        Assumptions.assumeTrue(tshark, "tshark is not installed here (apt-get install tshark); CI runs this test");
    }

    private static boolean available() {
        try {
            Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<String> tshark(Path file, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", file.toString()));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tshark finished");
        assertEquals(0, p.exitValue(), "tshark exit code");
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }

    private static int ipHeaderChecksumResidue(byte[] ip) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((ip[i] & 0xFF) << 8) | (ip[i + 1] & 0xFF);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }

    /** Minimal pcapng reader: section header, interface descriptions, enhanced packets with a comment option. */
    static List<Captured> read(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Captured> out = new ArrayList<>();
        int ifaces = 0;
        int rawIfaces = 0;
        while (b.remaining() >= 12) {
            int start = b.position();
            int type = b.getInt(start);
            int len = b.getInt(start + 4);
            assertEquals(len, b.getInt(start + len - 4), "block trailer repeats its length");
            if (type == 1) {
                short linkType = b.getShort(start + 8);
                assertTrue(linkType == 101 || linkType == 147, "LINKTYPE_RAW, or USER0 for lost copies: " + linkType);
                rawIfaces += linkType == 101 ? 1 : 0;
                ifaces++;
            } else if (type == 6) {
                int iface = b.getInt(start + 8);
                assertTrue(iface < ifaces);
                long ts = ((long) b.getInt(start + 12) << 32) | (b.getInt(start + 16) & 0xFFFF_FFFFL);
                int cap = b.getInt(start + 20);
                byte[] data = Arrays.copyOfRange(file, start + 28, start + 28 + cap);
                int opt = start + 28 + ((cap + 3) & ~3);
                String comment = null;
                while (opt < start + len - 4) {
                    int code = b.getShort(opt) & 0xFFFF;
                    int olen = b.getShort(opt + 2) & 0xFFFF;
                    if (code == 0) {
                        break;
                    }
                    if (code == 1) {
                        comment = new String(file, opt + 4, olen, StandardCharsets.UTF_8);
                    }
                    opt += 4 + ((olen + 3) & ~3);
                }
                out.add(new Captured(iface, ts, data, comment));
            }
            b.position(start + len);
        }
        assertEquals(2, rawIfaces, "one raw-IP interface per link direction (lost copies have their own)");
        return out;
    }

    @Test
    void the_writer_writes_a_file() throws IOException {
        Path f = dir.resolve("x.pcapng");
        PcapngWriter.write(lostFin(), f);
        assertTrue(Files.size(f) > 200);
    }
}
