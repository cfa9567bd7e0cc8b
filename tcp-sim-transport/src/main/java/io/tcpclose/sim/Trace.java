package io.tcpclose.sim;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The structured record of a simulation: every send, drop, duplicate, corruption, expiry,
 * delivery and state change, in the order it happened. Two runs with the same seed, plan and
 * code give the same trace, byte for byte, hence the same {@link #hash()}.
 *
 * <p>Append-only while the simulation runs; not thread-safe.
 */
public final class Trace {
    private final List<TraceEvent> events = new ArrayList<>();

    void add(TraceEvent e) {
        events.add(e);
    }

    /** {@return the events so far, oldest first, as a read-only view that grows with the trace} */
    public List<TraceEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /**
     * SHA-256 over the trace's lines, as 16 hex digits: equal traces, equal hashes.
     *
     * @return the first 16 hex digits (64 bits) of the SHA-256 of {@link #render()}'s text
     */
    public String hash() {
        Hasher h = Hashing.sha256().newHasher();
        for (TraceEvent e : events) {
            h.putString(e.line(), StandardCharsets.UTF_8).putByte((byte) '\n');
        }
        return h.hash().toString().substring(0, 16);
    }

    /**
     * The first event where two traces differ, described, or empty when they are the same.
     *
     * @param other the trace to compare with
     * @return the index and both lines of the first differing event, or where the shorter trace
     *         stops; empty when the traces are the same
     */
    public Optional<String> firstDivergence(Trace other) {
        int n = Math.min(events.size(), other.events.size());
        for (int i = 0; i < n; i++) {
            String a = events.get(i).line();
            String b = other.events.get(i).line();
            if (!a.equals(b)) {
                return Optional.of("event " + i + " differs:\n  first:  " + a + "\n  second: " + b);
            }
        }
        if (events.size() != other.events.size()) {
            return Optional.of("one trace stops after " + n + " events, the other has "
                    + Math.max(events.size(), other.events.size()));
        }
        return Optional.empty();
    }

    /** {@return all lines, one per event, each ended by a newline} */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (TraceEvent e : events) {
            sb.append(e.line()).append('\n');
        }
        return sb.toString();
    }

    /** {@return the number of events so far} */
    public int size() {
        return events.size();
    }
}
