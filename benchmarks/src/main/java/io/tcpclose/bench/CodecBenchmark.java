package io.tcpclose.bench;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Checksum;
import io.tcpclose.wire.MalformedSegmentException;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The wire codec alone: decode (checksum verified), encode (checksum computed), checksum, round trip. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {
    /** 0: a pure ACK; 1460: a full data segment. */
    @Param({"0", "1460"})
    public int payload;

    PseudoHeader pseudo;
    Segment segment;
    byte[] wire;
    byte[] out;

    @Setup
    public void setUp() {
        pseudo = PseudoHeader.ipv4(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2});
        segment = new Segment(40000, 80, 123456789, 987654321, TcpFlags.ACK | (payload > 0 ? TcpFlags.PSH : 0), 65535,
                TcpOptions.NONE, Bytes.pattern(payload));
        wire = SegmentCodec.encode(segment, pseudo);
        out = new byte[wire.length];
    }

    @Benchmark
    public Segment decode() throws MalformedSegmentException {
        return SegmentCodec.decode(wire, 0, wire.length, pseudo);
    }

    @Benchmark
    public int encode() {
        return SegmentCodec.encode(segment, pseudo, out, 0);
    }

    @Benchmark
    public int checksum() {
        return Checksum.tcp(pseudo, wire, 0, wire.length);
    }

    @Benchmark
    public Segment roundTrip() throws MalformedSegmentException {
        int n = SegmentCodec.encode(segment, pseudo, out, 0);
        return SegmentCodec.decode(out, 0, n, pseudo);
    }
}
