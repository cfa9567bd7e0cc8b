package io.tcpclose.wire;

import java.util.Objects;

/**
 * One TCP segment as the engine sees it: the RFC 9293 §3.1 header fields that matter for the
 * state machine, the options, and the payload. Addresses are not part of a segment; the driver
 * keeps them with the connection.
 *
 * <p>Immutable and thread-safe: the payload is an immutable {@link Bytes}. Sequence and
 * acknowledgment numbers are unsigned 32-bit values in an {@code int}; compare them only with
 * {@link Seq}.
 *
 * @param srcPort source port, 0..65535
 * @param dstPort destination port, 0..65535
 * @param seq     sequence number
 * @param ack     acknowledgment number (meaningful when {@link TcpFlags#ACK} is set)
 * @param flags   control bits, see {@link TcpFlags}
 * @param window  advertised window, 0..65535
 * @param options options
 * @param payload data
 */
public record Segment(int srcPort, int dstPort, int seq, int ack, int flags, int window,
                      TcpOptions options, Bytes payload) {

    /**
     * Checks the ports, the flags (8 bits), the window and that options and payload are present.
     *
     * @param srcPort source port, 0..65535
     * @param dstPort destination port, 0..65535
     * @param seq     sequence number
     * @param ack     acknowledgment number
     * @param flags   control bits, at most 8 bits
     * @param window  advertised window, 0..65535
     * @param options options, not null
     * @param payload data, not null
     * @throws IllegalArgumentException if a port, the flags or the window is out of range
     */
    public Segment {
        checkPort(srcPort, "source");
        checkPort(dstPort, "destination");
        if ((flags & ~0xFF) != 0) {
            throw new IllegalArgumentException("flags 0x" + Integer.toHexString(flags) + " do not fit in 8 bits");
        }
        if (window < 0 || window > 0xFFFF) {
            throw new IllegalArgumentException("window " + window + " outside 0..65535");
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(payload, "payload");
    }

    private static void checkPort(int port, String which) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException(which + " port " + port + " outside 0..65535");
        }
    }

    /**
     * True when every bit in {@code flag} is set.
     *
     * @param flag one or more {@link TcpFlags} bits
     * @return whether all of them are set
     */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /**
     * The segment length in sequence space (RFC 9293 §3.4): payload bytes plus one for SYN and
     * one for FIN.
     *
     * @return the number of sequence numbers the segment occupies
     */
    public int seqLength() {
        return payload.length() + ((flags & TcpFlags.SYN) != 0 ? 1 : 0) + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
    }

    /**
     * The same segment with other flags.
     *
     * @param newFlags the control bits to carry instead
     * @return the new segment
     */
    public Segment withFlags(int newFlags) {
        return new Segment(srcPort, dstPort, seq, ack, newFlags, window, options, payload);
    }

    /**
     * The same segment with another sequence number.
     *
     * @param newSeq the sequence number to carry instead
     * @return the new segment
     */
    public Segment withSeq(int newSeq) {
        return new Segment(srcPort, dstPort, newSeq, ack, flags, window, options, payload);
    }

    /** "FIN|ACK seq=1001 ack=5001 win=65535 len=0", in the style of a ladder diagram. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(TcpFlags.toString(flags)).append(" seq=").append(Seq.toUnsigned(seq));
        if ((flags & TcpFlags.ACK) != 0) {
            sb.append(" ack=").append(Seq.toUnsigned(ack));
        }
        sb.append(" win=").append(window).append(" len=").append(payload.length());
        if (!options.isEmpty()) {
            sb.append(" <").append(options).append('>');
        }
        return sb.toString();
    }
}
