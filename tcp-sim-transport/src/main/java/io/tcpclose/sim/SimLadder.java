package io.tcpclose.sim;

import io.tcpclose.engine.Effect;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.ladder.LadderNotes;
import io.tcpclose.ladder.LadderRenderer;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders a simulation's {@link Trace} between two hosts as a text ladder diagram: arrows with
 * flags, seq, ack and length; lost, expired and held segments marked with why; duplicates and
 * injected segments noted; each side's state written where it changes (with the reason when a
 * connection gives up or is reset); virtual time on the left. It also answers what a reader of a
 * close ladder asks: which ACK acknowledges a FIN ("acks FIN 1006: ack = 1007", the FIN's one
 * sequence number), retransmissions, challenge ACKs, keep-alive probes (seq = SND.NXT - 1),
 * zero-window probes, and a repeated FIN that restarts TIME-WAIT. Stateless; thread-safe.
 */
public final class SimLadder {
    private SimLadder() {}

    /**
     * The ladder of everything between {@code left} and {@code right}: the segments on the two
     * links joining them, the states of their connections with each other, what either host
     * rejected, and every action and note in the trace, wherever it happened.
     *
     * @param trace the simulation's trace
     * @param left  the name of the host drawn on the left
     * @param right the name of the host drawn on the right
     * @return the diagram as text
     */
    public static String render(Trace trace, String left, String right) {
        return build(trace, left, right).render();
    }

    /**
     * The same ladder as a self-contained HTML page, a two-column sequence diagram ({@link
     * LadderRenderer#renderHtml}): states down both lifelines, an arrow per segment, lost ones
     * ending mid-way, which ACK acknowledges each FIN, each TIME-WAIT shaded with its length.
     *
     * @param trace   the simulation's trace
     * @param left    the name of the host drawn on the left
     * @param right   the name of the host drawn on the right
     * @param title   the page's heading
     * @param caption the settings and seed, under the diagram, or null
     * @return the page
     */
    public static String renderHtml(Trace trace, String left, String right, String title, String caption) {
        return build(trace, left, right).renderHtml(title, caption);
    }

    private static LadderRenderer build(Trace trace, String left, String right) {
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
        LadderNotes.FinAcks finAcks = new LadderNotes.FinAcks();
        for (TraceEvent e : trace.events()) {
            boolean fromLeft = e.where().equals(ab);
            boolean onLink = fromLeft || e.where().equals(ba);
            switch (e.kind()) {
                case SEND:
                case INJECT:
                    if (onLink) {
                        String lost = fate.get(e.where() + "#" + e.packet());
                        String remark = e.kind() == TraceEvent.Kind.INJECT ? "injected by the network" : null;
                        remark = join(remark, LadderNotes.remark(why(e.detail()),
                                e.segment() == null ? null : finAcks.next(e.segment(), fromLeft)));
                        r.segment(e.nanos(), fromLeft, e.segment(), lost, remark);
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
                    // Only the connections between the two: "80>client:40000 LISTEN -> SYN-RECEIVED".
                    if ((e.where().equals(left) && e.detail().contains(">" + right + ":"))
                            || (e.where().equals(right) && e.detail().contains(">" + left + ":"))) {
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
                case REJECT:
                    if (e.where().equals(left) || e.where().equals(right)) {
                        String n = rejectNote(e.detail());
                        if (n != null) {
                            r.note(e.nanos(), e.where() + ": " + n);
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        return r;
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }

    /** The engine's reason for sending, as the trace spells it; null when the detail names none. */
    private static Effect.Why why(String detail) {
        for (Effect.Why w : Effect.Why.values()) {
            if (w.name().equals(detail)) {
                return w;
            }
        }
        return null;
    }

    private static String rejectNote(String reason) {
        for (RejectReason r : RejectReason.values()) {
            if (r.name().equals(reason)) {
                return LadderNotes.rejected(r);
            }
        }
        return null;
    }
}
