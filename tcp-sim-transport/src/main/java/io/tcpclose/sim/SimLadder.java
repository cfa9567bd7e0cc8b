package io.tcpclose.sim;

import io.tcpclose.ladder.LadderRenderer;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders a simulation's {@link Trace} between two hosts as a text ladder diagram: arrows with
 * flags, seq, ack and length; lost, expired and held segments marked with why; duplicates and
 * injected segments noted; each side's state written where it changes; virtual time on the
 * left. Stateless; thread-safe.
 */
public final class SimLadder {
    private SimLadder() {}

    /** The ladder of everything between {@code left} and {@code right}. */
    public static String render(Trace trace, String left, String right) {
        String ab = left + ">" + right;
        String ba = right + ">" + left;
        Map<String, String> fate = new HashMap<>();
        for (TraceEvent e : trace.events()) {
            if (e.kind() == TraceEvent.Kind.DROP || e.kind() == TraceEvent.Kind.EXPIRE) {
                fate.merge(e.where() + "#" + e.packet(), (e.kind() == TraceEvent.Kind.DROP ? "LOST: " : "EXPIRED: ") + e.detail(),
                        (x, y) -> x);
            }
        }
        LadderRenderer r = new LadderRenderer(left, right);
        Map<String, Integer> deliveries = new HashMap<>();
        for (TraceEvent e : trace.events()) {
            boolean fromLeft = e.where().equals(ab);
            boolean onLink = fromLeft || e.where().equals(ba);
            switch (e.kind()) {
                case SEND:
                case INJECT:
                    if (onLink) {
                        String note = fate.get(e.where() + "#" + e.packet());
                        if (e.kind() == TraceEvent.Kind.INJECT) {
                            note = note == null ? "(injected by the network)" : note + " (injected)";
                        }
                        r.segment(e.nanos(), fromLeft, e.segment(), note);
                    }
                    break;
                case DUPLICATE:
                case CORRUPT:
                case HOLD:
                case RELEASE:
                    if (onLink) {
                        r.note(e.nanos(), e.where() + " #" + e.packet() + " " + e.kind().name().toLowerCase()
                                + (e.detail().isEmpty() ? "" : " (" + e.detail() + ")"));
                    }
                    break;
                case EXPIRE:
                    break; // shown on the arrow
                case DELIVER:
                    if (onLink && deliveries.merge(e.where() + "#" + e.packet(), 1, Integer::sum) > 1) {
                        r.note(e.nanos(), "copy of " + e.where() + " #" + e.packet() + " arrives: " + LadderRenderer.label(e.segment()));
                    }
                    break;
                case STATE:
                    if (e.where().equals(left) || e.where().equals(right)) {
                        String d = e.detail();
                        r.state(e.nanos(), e.where().equals(left), d.substring(d.lastIndexOf("-> ") + 3));
                    }
                    break;
                case MALFORMED:
                    if (e.where().equals(left) || e.where().equals(right)) {
                        r.note(e.nanos(), e.where() + " rejected a malformed segment: " + e.detail());
                    }
                    break;
                case APP:
                    r.note(e.nanos(), e.detail());
                    break;
                default:
                    break;
            }
        }
        return r.render();
    }
}
