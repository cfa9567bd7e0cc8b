package io.tcpclose.bench;

import io.tcpclose.engine.TcpConfig;
import io.tcpclose.spi.ManualClock;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.stack.TcpStack;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * A server {@link TcpStack} with many connections, opened (and optionally closed into
 * TIME-WAIT) by a scripted peer that writes raw segments: no second stack, so what is measured
 * is one driver. Client i is 10.x.y.z:port with a unique 4-tuple; its ISS is 1000, the
 * server's 5000. Not thread-safe.
 */
final class RawPeer {
    static final InetAddress SERVER = ip("10.255.255.254");

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final TcpStack server;
    final InetAddress[] clientIps;
    final int[] clientPorts;
    final PseudoHeader[] toServer;
    final int[] nextSeq;
    long sentByServer;
    final byte[] scratch = new byte[2048];
    /** One view over {@code scratch}, reused: the peer's own buffer costs the stack nothing per segment. */
    private final ByteBuffer scratchView = ByteBuffer.wrap(scratch);
    final ConnectionListener reader = new ConnectionListener() {
        @Override
        public void onReadable(Connection c) {
            c.readAll();
        }
    };

    RawPeer(int connections, TcpConfig config) {
        this(connections, config, false);
    }

    RawPeer(int connections, TcpConfig config, boolean compactTimeWait) {
        this(connections, config, compactTimeWait, 0);
    }

    /**
     * @param wave 0 opens all connections at once; otherwise they are opened {@code wave} at a
     *             time and each wave is closed into TIME-WAIT before the next opens, as on a
     *             busy server whose TIME-WAITs accumulate while few connections are open at once
     */
    RawPeer(int connections, TcpConfig config, boolean compactTimeWait, int wave) {
        server = TcpStack.builder((src, dst, b) -> sentByServer++, clock).config(config).isn(IsnGenerator.fixed(5000))
                .compactTimeWait(compactTimeWait).build();
        server.listen(80, c -> reader);
        clientIps = new InetAddress[connections];
        clientPorts = new int[connections];
        toServer = new PseudoHeader[connections];
        nextSeq = new int[connections];
        for (int i = 0; i < connections; i++) {
            int host = i / 50_000;
            clientIps[i] = ip("10." + (host >> 8 & 255) + "." + (host & 255) + ".1");
            clientPorts[i] = 10_000 + i % 50_000;
            toServer[i] = PseudoHeader.of(clientIps[i], SERVER);
        }
        int step = wave == 0 ? connections : wave;
        for (int from = 0; from < connections; from += step) {
            int to = Math.min(connections, from + step);
            for (int i = from; i < to; i++) {
                receive(i, TcpFlags.SYN, 1000, 0, Bytes.EMPTY);
                receive(i, TcpFlags.ACK, 1001, 5001, Bytes.EMPTY);
                nextSeq[i] = 1001;
            }
            if (wave != 0) {
                closeIntoTimeWait(from, to);
            }
        }
        if (server.connectionCount() != connections) {
            throw new IllegalStateException("opened " + server.connectionCount() + " of " + connections);
        }
    }

    /** Connections [from, to): the server closes first, the peer ACKs that FIN and sends its own. */
    void closeIntoTimeWait(int from, int to) {
        for (int i = from; i < to; i++) {
            server.connection(new FourTuple(SERVER, 80, clientIps[i], clientPorts[i])).close();
        }
        for (int i = from; i < to; i++) {
            receive(i, TcpFlags.FIN | TcpFlags.ACK, nextSeq[i], 5002, Bytes.EMPTY);
        }
    }

    /** The server closes every connection first; the peer ACKs the FIN and sends its own: server in TIME-WAIT. */
    void closeAllIntoTimeWait() {
        for (Connection c : server.connections()) {
            c.close();
        }
        for (int i = 0; i < clientPorts.length; i++) {
            receive(i, TcpFlags.FIN | TcpFlags.ACK, nextSeq[i], 5002, Bytes.EMPTY);
        }
    }

    /** Connection i's peer sends {@code payload} in order: decode, demux, step, ACK encoded and sent. */
    void sendData(int i, Bytes payload) {
        receive(i, TcpFlags.ACK | TcpFlags.PSH, nextSeq[i], 5001, payload);
        nextSeq[i] += payload.length();
    }

    void receive(int i, int flags, int seq, int ack, Bytes payload) {
        Segment s = new Segment(clientPorts[i], 80, seq, ack, flags, 65535, TcpOptions.NONE, payload);
        int n = SegmentCodec.encode(s, toServer[i], scratch, 0);
        server.receive(clientIps[i], SERVER, scratchView.clear().limit(n));
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
