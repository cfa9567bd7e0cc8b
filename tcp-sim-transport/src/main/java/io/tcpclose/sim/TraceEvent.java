package io.tcpclose.sim;

import io.tcpclose.wire.Segment;

/**
 * One thing that happened in a simulation, on virtual time.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nanos   virtual time, in nanoseconds from the start
 * @param kind    what happened
 * @param where   a host name, or a link "a>b"
 * @param packet  the packet's number on its link (1-based), or 0 when not about a packet
 * @param segment the segment concerned, or null
 * @param detail  the reason, rule, state change or note
 */
public record TraceEvent(long nanos, Kind kind, String where, long packet, Segment segment, String detail) {

    /** The kinds of event. */
    public enum Kind {
        /** A host put a segment on a link. */
        SEND,
        /** The network dropped it: loss model, rule, partition, queue, MTU, no route. */
        DROP,
        /** The network made an extra copy. */
        DUPLICATE,
        /** The network flipped a bit. */
        CORRUPT,
        /** Held back by a hold on the link. */
        HOLD,
        /** Released from a hold. */
        RELEASE,
        /** Older than the network's MSL: discarded, never delivered. */
        EXPIRE,
        /** Handed to the receiving host. */
        DELIVER,
        /** A segment the network injected (not sent by any host). */
        INJECT,
        /** A connection's state changed. */
        STATE,
        /** The receiving host rejected the bytes as malformed. */
        MALFORMED,
        /** A host's connection did not take a segment, for a reason a ladder explains (detail: the reason). */
        REJECT,
        /** An application action or note. */
        APP
    }

    /**
     * One line: time, kind, place, packet, segment, detail.
     *
     * @return the time in seconds to the microsecond, the kind, the place, then "#" and the packet
     *         number, the segment and the detail when there are any
     */
    public String line() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%14.6f %-9s %-18s", nanos / 1e9, kind, where));
        if (packet > 0) {
            sb.append(" #").append(packet);
        }
        if (segment != null) {
            sb.append(' ').append(segment);
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append("  ").append(detail);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return line();
    }
}
