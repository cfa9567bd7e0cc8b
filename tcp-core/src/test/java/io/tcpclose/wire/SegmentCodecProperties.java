package io.tcpclose.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Codec invariants over arbitrary input (RFC 9293 §3.1). */
class SegmentCodecProperties {
    private static final PseudoHeader PH = PseudoHeader.ipv4(new byte[] {(byte) 198, 18, 0, 2}, new byte[] {(byte) 198, 18, 0, 1});

    @Property(seed = SeqProperties.SEED)
    void encode_then_decode_is_the_identity(@ForAll("segments") Segment s) throws MalformedSegmentException {
        byte[] wire = SegmentCodec.encode(s, PH);
        assertEquals(s, SegmentCodec.decode(wire, 0, wire.length, PH));
    }

    @Property(seed = SeqProperties.SEED, tries = 2000)
    void arbitrary_bytes_never_escape_the_typed_decode_error(@ForAll @Size(max = 80) byte[] bytes) {
        try {
            SegmentCodec.decode(bytes, 0, bytes.length, null);
            SegmentCodec.decode(bytes, 0, bytes.length, PH);
        } catch (MalformedSegmentException expected) {
            // the one allowed outcome besides a segment
        }
    }

    @Property(seed = SeqProperties.SEED, tries = 2000)
    void arbitrary_header_bytes_after_a_valid_prefix_never_crash(@ForAll @Size(min = 20, max = 60) byte[] bytes) {
        bytes[12] = (byte) ((bytes.length / 4) << 4);
        try {
            SegmentCodec.decode(bytes, 0, bytes.length, null);
        } catch (MalformedSegmentException expected) {
            // fine
        }
    }

    @Provide
    Arbitrary<Segment> segments() {
        Arbitrary<Integer> port = Arbitraries.integers().between(0, 65535);
        Arbitrary<Integer> seq = Arbitraries.integers();
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, 255);
        Arbitrary<TcpOptions> options = Combinators.combine(
                Arbitraries.integers().between(-1, 65535),
                Arbitraries.integers().between(-1, 14),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL))
                .as((mss, ws, sack, ts, v, e) -> new TcpOptions(mss, ws, sack, ts, ts ? v : 0, ts ? e : 0));
        Arbitrary<Bytes> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(Bytes::copyOf);
        return Combinators.combine(port, port, seq, seq, flags, Arbitraries.integers().between(0, 65535), options, payload)
                .as(Segment::new);
    }
}
