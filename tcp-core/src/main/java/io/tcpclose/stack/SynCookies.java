package io.tcpclose.stack;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.net.InetAddress;

/**
 * SYN cookies (RFC 4987 §3.6): when a listener's backlog is full, the SYN,ACK's ISN carries
 * what the connection needs, so no state is kept until the peer's ACK returns it (ACK = ISN + 1).
 * The 32 bits are laid out as RFC 4987 describes: the top 5 bits a counter that ticks every
 * 64 s, the next 3 an index into a table of MSS values (the largest not above the peer's), the
 * low 24 a keyed SipHash-2-4 MAC of the 4-tuple (tunnel ports included), the peer's ISN and the counter. A cookie is
 * good for the tick it was made in and the next, so between 64 and 128 s. Not thread-safe
 * (the stack's driver thread owns it).
 */
final class SynCookies {
    /** MSS values a cookie can carry: 3 bits. */
    static final int[] MSS = {216, 536, 1024, 1200, 1300, 1400, 1440, 1460};
    private static final long TICK_NANOS = 64_000_000_000L;

    private final HashFunction mac;

    SynCookies(long k0, long k1) {
        mac = Hashing.sipHash24(k0, k1);
    }

    /** The ISN for a SYN,ACK answering {@code peerIsn} on {@code id}, whose SYN offered {@code peerMss}. */
    int make(FourTuple id, int peerIsn, int peerMss, long nowNanos) {
        long tick = Math.floorDiv(nowNanos, TICK_NANOS);
        int index = 0;
        for (int i = MSS.length - 1; i >= 0; i--) {
            if (MSS[i] <= peerMss) {
                index = i;
                break;
            }
        }
        return (int) ((tick & 0x1F) << 27) | (index << 24) | (hash(id, peerIsn, tick) & 0xFF_FFFF);
    }

    /** The MSS a returning cookie carries, or -1 when it is not one of ours, or too old. */
    int check(FourTuple id, int peerIsn, int cookie, long nowNanos) {
        long tick = Math.floorDiv(nowNanos, TICK_NANOS);
        int stamp = cookie >>> 27;
        for (long t = tick; t >= tick - 1; t--) {
            if ((t & 0x1F) == stamp && (hash(id, peerIsn, t) & 0xFF_FFFF) == (cookie & 0xFF_FFFF)) {
                return MSS[(cookie >>> 24) & 0x7];
            }
        }
        return -1;
    }

    private int hash(FourTuple id, int peerIsn, long tick) {
        return mac.newHasher()
                .putBytes(address(id.localAddress()))
                .putInt(id.localPort())
                .putBytes(address(id.remoteAddress()))
                .putInt(id.remotePort())
                .putInt(id.localTunnelPort())
                .putInt(id.remoteTunnelPort())
                .putInt(peerIsn)
                .putLong(tick)
                .hash().asInt();
    }

    private static byte[] address(InetAddress a) {
        return a.getAddress();
    }
}
