package io.tcpclose.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal pcapng reader for the reference captures: Ethernet frames carrying IPv4 + TCP.
 * Test-only; it understands the section header, interface description and enhanced packet
 * blocks and skips every other block.
 */
final class Pcapng {
    /** One captured TCP segment with its IPv4 addresses and the raw TCP bytes. */
    record Packet(int index, long timestampMicros, byte[] srcIp, byte[] dstIp, byte[] tcp) {
        PseudoHeader pseudoHeader() {
            return PseudoHeader.ipv4(srcIp, dstIp);
        }
    }

    private Pcapng() {}

    static List<Packet> readResource(String name) throws IOException {
        try (InputStream in = Pcapng.class.getResourceAsStream("/captures/" + name)) {
            if (in == null) {
                throw new IOException("no capture resource " + name);
            }
            return read(in.readAllBytes());
        }
    }

    static List<Packet> read(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Packet> out = new ArrayList<>();
        int index = 0;
        while (b.remaining() >= 12) {
            int start = b.position();
            int type = b.getInt();
            if (type == 0x0A0D0D0A) {
                int bom = b.getInt(start + 8);
                b.order(bom == 0x1A2B3C4D ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            }
            int len = b.getInt(start + 4);
            if (type == 6) {
                long ts = ((long) b.getInt(start + 12) << 32) | (b.getInt(start + 16) & 0xFFFF_FFFFL);
                int capLen = b.getInt(start + 20);
                byte[] frame = Arrays.copyOfRange(file, start + 28, start + 28 + capLen);
                Packet p = parseEthernet(++index, ts, frame);
                if (p != null) {
                    out.add(p);
                }
            }
            b.position(start + len);
        }
        return out;
    }

    private static Packet parseEthernet(int index, long ts, byte[] f) {
        int etherType = ((f[12] & 0xFF) << 8) | (f[13] & 0xFF);
        if (etherType != 0x0800) {
            return null;
        }
        int ip = 14;
        int ihl = (f[ip] & 0x0F) * 4;
        int totalLen = ((f[ip + 2] & 0xFF) << 8) | (f[ip + 3] & 0xFF);
        if ((f[ip + 9] & 0xFF) != 6) {
            return null;
        }
        byte[] src = Arrays.copyOfRange(f, ip + 12, ip + 16);
        byte[] dst = Arrays.copyOfRange(f, ip + 16, ip + 20);
        byte[] tcp = Arrays.copyOfRange(f, ip + ihl, ip + totalLen);
        return new Packet(index, ts, src, dst, tcp);
    }
}
