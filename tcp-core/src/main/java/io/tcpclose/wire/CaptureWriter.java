package io.tcpclose.wire;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes a pcapng capture (draft-ietf-opsawg-pcapng) of TCP segments that Wireshark and tshark
 * read as real traffic: one section, interfaces of link type RAW (IPv4 or IPv6 packets, no
 * link layer) with nanosecond timestamps, one enhanced packet block per segment with correct IP
 * and TCP checksums and an optional comment. The simulator's export and the NIO command line
 * both write through it.
 *
 * <p>Not thread-safe: confine a writer to one thread (a stack's loop thread, say).
 */
public final class CaptureWriter implements Closeable {
    private static final int LINKTYPE_RAW = 101;
    private static final int LINKTYPE_USER0 = 147;

    private final OutputStream out;
    private int interfaces;
    private int packets;

    /**
     * Starts a capture on {@code out} by writing its section header.
     *
     * @param out where the capture goes; closed by {@link #close()}
     * @throws IOException when {@code out} fails
     */
    public CaptureWriter(OutputStream out) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        ByteBuffer b = le(28);
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0)
                .putLong(-1L).putInt(28);
        out.write(b.array());
    }

    /**
     * Declares an interface: a capture point, named (a link direction, a host).
     *
     * @param name the name tshark shows as the interface
     * @return the interface's number, for {@link #segment}
     * @throws IOException when the stream fails
     */
    public int addInterface(String name) throws IOException {
        return addInterface(name, LINKTYPE_RAW);
    }

    /**
     * Declares an interface whose packets are the same raw IP but which Wireshark and tshark do
     * not dissect unless asked ({@code LINKTYPE_USER0}): for copies that must stay out of TCP
     * analysis and reassembly, such as segments the network lost, which would otherwise overlap
     * their retransmissions. Wireshark decodes them when {@code DLT_USER} 147 is mapped to the
     * {@code ip} protocol (tshark: {@code -o "uat:user_dlts:\"User 0 (DLT=147)\",\"ip\",\"0\",\"\",\"0\",\"\""}).
     *
     * @param name the interface's name
     * @return its id, for {@link #packet}
     * @throws IOException when the stream fails
     */
    public int addInterfaceOutsideAnalysis(String name) throws IOException {
        return addInterface(name, LINKTYPE_USER0);
    }

    private int addInterface(String name, int linkType) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int len = 20 + 4 + pad(n.length) + 8 + 4;
        ByteBuffer b = le(len);
        b.putInt(1).putInt(len).putShort((short) linkType).putShort((short) 0).putInt(0);
        b.putShort((short) 2).putShort((short) n.length).put(n); // if_name
        b.position(b.position() + pad(n.length) - n.length);
        b.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]); // if_tsresol: 10^-9 s
        b.putShort((short) 0).putShort((short) 0);
        b.putInt(len);
        out.write(b.array());
        return interfaces++;
    }

    /**
     * Writes one segment as an IP packet between {@code source} and {@code destination}.
     *
     * @param iface       an interface from {@link #addInterface}
     * @param epochNanos  when it was seen, nanoseconds since 1970 (tshark shows it as a date)
     * @param source      the IP source, 4 or 16 bytes
     * @param destination the IP destination, the same length
     * @param segment     the segment; its checksum is computed over these addresses
     * @param comment     a packet comment, or null
     * @throws IOException              when the stream fails
     * @throws IllegalArgumentException for an unknown interface or unusable addresses
     */
    public void segment(int iface, long epochNanos, byte[] source, byte[] destination, Segment segment, String comment)
            throws IOException {
        PseudoHeader pseudo = source.length == 4 ? PseudoHeader.ipv4(source, destination)
                : PseudoHeader.ipv6(source, destination);
        byte[] ip = IpHeaders.frame(source, destination, packets + 1, 64, SegmentCodec.encode(segment, pseudo));
        packet(iface, epochNanos, ip, comment);
    }

    /**
     * Writes one IP packet as it is.
     *
     * @param iface      an interface from {@link #addInterface}
     * @param epochNanos when it was seen, nanoseconds since 1970
     * @param ip         the packet, from its IP header on
     * @param comment    a packet comment, or null
     * @throws IOException              when the stream fails
     * @throws IllegalArgumentException for an unknown interface
     */
    public void packet(int iface, long epochNanos, byte[] ip, String comment) throws IOException {
        if (iface < 0 || iface >= interfaces) {
            throw new IllegalArgumentException("no interface " + iface + " (" + interfaces + " declared)");
        }
        byte[] c = comment == null ? null : comment.getBytes(StandardCharsets.UTF_8);
        int opts = c == null ? 0 : 4 + pad(c.length) + 4;
        int len = 28 + pad(ip.length) + opts + 4;
        ByteBuffer b = le(len);
        b.putInt(6).putInt(len).putInt(iface).putInt((int) (epochNanos >>> 32)).putInt((int) epochNanos)
                .putInt(ip.length).putInt(ip.length).put(ip);
        b.position(b.position() + pad(ip.length) - ip.length);
        if (c != null) {
            b.putShort((short) 1).putShort((short) c.length).put(c); // opt_comment
            b.position(b.position() + pad(c.length) - c.length);
            b.putShort((short) 0).putShort((short) 0);
        }
        b.putInt(len);
        out.write(b.array());
        packets++;
    }

    /** {@return how many packets were written} */
    public int packets() {
        return packets;
    }

    /**
     * Flushes what was written to the underlying stream.
     *
     * @throws IOException when the stream fails
     */
    public void flush() throws IOException {
        out.flush();
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        out.close();
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
