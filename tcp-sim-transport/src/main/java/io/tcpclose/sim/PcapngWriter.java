package io.tcpclose.sim;

import io.tcpclose.wire.CaptureWriter;
import io.tcpclose.wire.IpHeaders;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.SegmentCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Exports a simulation as a pcapng capture that Wireshark and tshark read as real TCP: one
 * interface per link direction (named after it, nanosecond timestamps), one packet per segment
 * the network carried, with synthesized IPv4 headers and correct IP and TCP checksums. Segments
 * it corrupted or held carry a comment saying so; a copy it kept and delivered again (a
 * duplicate, an old duplicate) is written a second time, when it arrived, with a comment.
 *
 * <p>Segments the network dropped or let expire were never on the wire beyond their sender, and
 * written as if they were they confuse Wireshark's retransmission analysis, so by default they
 * are left out; {@link #write(Simulator, Path, boolean)} keeps them, each with a comment saying
 * what became of it, on an interface of their own per link ({@code "client>server lost"}) that
 * Wireshark leaves out of TCP analysis and reassembly (a lost copy reassembled with its
 * retransmission reads as overlapping data): filter them with {@code frame.interface_name
 * contains "lost"}, and see them decoded by mapping {@code DLT_USER} 147 to {@code ip} ({@link
 * CaptureWriter#addInterfaceOutsideAnalysis}). Stateless; thread-safe.
 */
public final class PcapngWriter {
    private PcapngWriter() {}

    /**
     * Writes what the network of {@code sim} carried to {@code file}, lost segments left out.
     *
     * @param sim  a simulation that has run
     * @param file the capture to create or replace
     * @throws IOException when the file cannot be written
     */
    public static void write(Simulator sim, Path file) throws IOException {
        write(sim, file, false);
    }

    /**
     * Writes {@code sim}'s trace to {@code file}.
     *
     * @param sim      a simulation that has run
     * @param file     the capture to create or replace
     * @param withLost also write the segments the network dropped or let expire, each with a
     *                 comment saying so
     * @throws IOException when the file cannot be written
     */
    public static void write(Simulator sim, Path file, boolean withLost) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(sim, out, withLost);
        }
    }

    /**
     * Writes what the network of {@code sim} carried to {@code out}, lost segments left out.
     *
     * @param sim a simulation that has run
     * @param out where the capture goes; not closed
     * @throws IOException when {@code out} fails
     */
    public static void write(Simulator sim, OutputStream out) throws IOException {
        write(sim, out, false);
    }

    /**
     * Writes {@code sim}'s trace to {@code out}.
     *
     * @param sim      a simulation that has run
     * @param out      where the capture goes; not closed
     * @param withLost also write the segments the network dropped or let expire, each with a
     *                 comment saying so
     * @throws IOException when {@code out} fails
     */
    public static void write(Simulator sim, OutputStream out, boolean withLost) throws IOException {
        java.util.Set<String> lost = new java.util.HashSet<>();
        Map<String, Integer> iface = new HashMap<>();
        Map<String, String> fate = new HashMap<>();
        for (TraceEvent e : sim.trace().events()) {
            String key = e.where() + "#" + e.packet();
            switch (e.kind()) {
                case DROP:
                    fate.merge(key, "dropped: " + e.detail(), (a, b) -> a + "; " + b);
                    lost.add(key);
                    break;
                case EXPIRE:
                    fate.merge(key, "expired: " + e.detail(), (a, b) -> a + "; " + b);
                    lost.add(key);
                    break;
                case CORRUPT:
                    fate.merge(key, "corrupted in flight: " + e.detail(), (a, b) -> a + "; " + b);
                    break;
                case HOLD:
                    fate.merge(key, "held", (a, b) -> a);
                    break;
                default:
                    break;
            }
        }
        CaptureWriter capture = new CaptureWriter(out);
        for (Link l : sim.links()) {
            iface.put(l.name(), capture.addInterface(l.name()));
        }
        Map<String, Integer> lostIface = new HashMap<>();
        if (withLost) {
            for (Link l : sim.links()) {
                // Their own interfaces, outside TCP analysis: a lost copy and its retransmission
                // reassembled together would read as overlapping data.
                lostIface.put(l.name(), capture.addInterfaceOutsideAnalysis(l.name() + " lost"));
            }
        }
        Map<String, Integer> deliveries = new HashMap<>();
        for (TraceEvent e : sim.trace().events()) {
            boolean copy = e.kind() == TraceEvent.Kind.DELIVER && e.segment() != null
                    && deliveries.merge(e.where() + "#" + e.packet(), 1, Integer::sum) > 1;
            if (!copy && ((e.kind() != TraceEvent.Kind.SEND && e.kind() != TraceEvent.Kind.INJECT) || e.segment() == null)) {
                continue;
            }
            Integer id = iface.get(e.where());
            if (id == null) {
                continue; // "no route": not on any link
            }
            if (!withLost && lost.contains(e.where() + "#" + e.packet())) {
                continue;
            }
            String[] ends = e.where().split(">", 2);
            Link link = sim.link(ends[0], ends[1]);
            byte[] src = link.from.address().getAddress();
            byte[] dst = link.to.address().getAddress();
            byte[] tcp = SegmentCodec.encode(e.segment(), PseudoHeader.of(link.from.address(), link.to.address()));
            byte[] ip = IpHeaders.frame(src, dst, (int) e.packet(), 64, tcp);
            String comment = copy ? "a copy of packet " + e.packet() + " the network kept, delivered again"
                    : fate.get(e.where() + "#" + e.packet());
            if (e.kind() == TraceEvent.Kind.INJECT) {
                comment = comment == null ? "injected by the simulated network" : comment + "; injected";
            }
            boolean wasLost = !copy && lost.contains(e.where() + "#" + e.packet());
            capture.packet(wasLost ? lostIface.get(e.where()) : id, e.nanos(), ip, comment);
        }
        capture.flush();
    }

    /** The capture as bytes, for tests. */
    static byte[] toBytes(Simulator sim, boolean withLost) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(sim, out, withLost);
        return out.toByteArray();
    }
}
