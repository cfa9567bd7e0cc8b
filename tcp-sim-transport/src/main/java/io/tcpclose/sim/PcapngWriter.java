package io.tcpclose.sim;

import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.SegmentCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Exports a simulation as a pcapng capture that Wireshark and tshark read as real TCP: one
 * interface per link direction (named after it, nanosecond timestamps), one packet per segment
 * the network carried, with synthesized IPv4 headers and correct IP and TCP checksums. Segments
 * it corrupted or held carry a comment saying so.
 *
 * <p>Segments the network dropped or let expire were never on the wire beyond their sender, and
 * written as if they were they confuse Wireshark's retransmission analysis, so by default they
 * are left out; {@link #write(Simulator, Path, boolean)} keeps them, each with a comment saying
 * what became of it (the capture point is then the sending end of each link: what each host
 * sent). Stateless; thread-safe.
 */
public final class PcapngWriter {
    private static final int LINKTYPE_RAW = 101;

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
        out.write(sectionHeader());
        int next = 0;
        for (Link l : sim.links()) {
            iface.put(l.name(), next++);
            out.write(interfaceDescription(l.name()));
        }
        for (TraceEvent e : sim.trace().events()) {
            if ((e.kind() != TraceEvent.Kind.SEND && e.kind() != TraceEvent.Kind.INJECT) || e.segment() == null) {
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
            byte[] tcp = SegmentCodec.encode(e.segment(), PseudoHeader.ipv4(src, dst));
            byte[] ip = ipv4(src, dst, (int) e.packet(), tcp);
            String comment = fate.get(e.where() + "#" + e.packet());
            if (e.kind() == TraceEvent.Kind.INJECT) {
                comment = comment == null ? "injected by the simulated network" : comment + "; injected";
            }
            out.write(enhancedPacket(id, e.nanos(), ip, comment));
        }
    }

    static byte[] ipv4(byte[] src, byte[] dst, int id, byte[] tcp) {
        ByteBuffer b = ByteBuffer.allocate(20 + tcp.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcp.length)).putShort((short) id)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(src).put(dst);
        byte[] a = b.array();
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((a[i] & 0xFF) << 8) | (a[i + 1] & 0xFF);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        int cs = ~sum & 0xFFFF;
        a[10] = (byte) (cs >>> 8);
        a[11] = (byte) cs;
        System.arraycopy(tcp, 0, a, 20, tcp.length);
        return a;
    }

    private static byte[] sectionHeader() {
        ByteBuffer b = le(28);
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L).putInt(28);
        return b.array();
    }

    private static byte[] interfaceDescription(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int nameOpt = 4 + pad(n.length);
        int tsresolOpt = 4 + 4;
        int len = 20 + nameOpt + tsresolOpt + 4;
        ByteBuffer b = le(len);
        b.putInt(1).putInt(len).putShort((short) LINKTYPE_RAW).putShort((short) 0).putInt(0);
        b.putShort((short) 2).putShort((short) n.length).put(n);
        b.position(b.position() + pad(n.length) - n.length);
        b.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]); // if_tsresol: 10^-9
        b.putShort((short) 0).putShort((short) 0);
        b.putInt(len);
        return b.array();
    }

    private static byte[] enhancedPacket(int iface, long nanos, byte[] data, String comment) {
        byte[] c = comment == null ? null : comment.getBytes(StandardCharsets.UTF_8);
        int opts = c == null ? 0 : 4 + pad(c.length) + 4;
        int len = 28 + pad(data.length) + opts + 4;
        ByteBuffer b = le(len);
        b.putInt(6).putInt(len).putInt(iface).putInt((int) (nanos >>> 32)).putInt((int) nanos)
                .putInt(data.length).putInt(data.length).put(data);
        b.position(b.position() + pad(data.length) - data.length);
        if (c != null) {
            b.putShort((short) 1).putShort((short) c.length).put(c);
            b.position(b.position() + pad(c.length) - c.length);
            b.putShort((short) 0).putShort((short) 0);
        }
        b.putInt(len);
        return b.array();
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The capture as bytes, for tests. */
    static byte[] toBytes(Simulator sim, boolean withLost) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(sim, out, withLost);
        return out.toByteArray();
    }
}
