package io.tcpclose.ladder;

import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpFlags;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders an exchange between two endpoints as a text ladder diagram, two columns like a
 * textbook figure: time on the left, each side's state written where it changes, one arrow
 * per segment sent with its flags, sequence and acknowledgment numbers and length, and lost
 * segments marked.
 *
 * <pre>
 *    time     client                                                            server
 *    0.000  SYN-SENT
 *    0.000            --- SYN seq=1000 ------------------------------------&gt;
 *    0.005                                                                      SYN-RECEIVED
 * </pre>
 *
 * <p>The same rows render as a page too ({@link #renderHtml}): the two-column sequence diagram
 * of a textbook, drawn in SVG. Rows are kept in the order they are added, which callers keep
 * chronological. Not thread-safe.
 */
public final class LadderRenderer {
    private static final int STATE_WIDTH = 14;
    private static final int ARROW_WIDTH = 58;

    private final String left;
    private final String right;
    private final List<String> rows = new ArrayList<>();
    /** The same rows as data, for {@link #renderHtml}. */
    private final List<LadderPage.Row> drawn = new ArrayList<>();

    /**
     * An empty diagram.
     *
     * @param leftName  the heading of the left column, for example {@code "client 10.0.0.1"}
     * @param rightName the heading of the right column
     */
    public LadderRenderer(String leftName, String rightName) {
        this.left = leftName;
        this.right = rightName;
    }

    /**
     * A side's state at {@code nanos}.
     *
     * @param nanos    when, in nanoseconds on the clock the diagram's times are read from
     * @param leftSide true for the left column, false for the right
     * @param state    the state, written as RFC 9293 spells it
     */
    public void state(long nanos, boolean leftSide, TcpState state) {
        state(nanos, leftSide, state.rfcName());
    }

    /**
     * A side's state, or any short label, at {@code nanos}.
     *
     * @param nanos    when, in nanoseconds on the clock the diagram's times are read from
     * @param leftSide true for the left column, false for the right
     * @param s        the label
     */
    public void state(long nanos, boolean leftSide, String s) {
        drawn.add(new LadderPage.Row(LadderPage.Kind.STATE, nanos, leftSide, s, null, null));
        rows.add(time(nanos) + (leftSide ? pad(s, STATE_WIDTH) + " ".repeat(ARROW_WIDTH + 2) : " ".repeat(STATE_WIDTH + ARROW_WIDTH + 2) + s));
    }

    /**
     * A segment sent at {@code nanos}; {@code note} (e.g. "LOST") is written after the arrow, or null.
     * An arrow with a note is drawn crossed out near its head.
     *
     * @param nanos    when, in nanoseconds on the clock the diagram's times are read from
     * @param fromLeft true for an arrow from left to right, false for right to left
     * @param seg      the segment, labelled as {@link #label} does
     * @param note     a remark written after the arrow, or null for none
     */
    public void segment(long nanos, boolean fromLeft, Segment seg, String note) {
        segment(nanos, fromLeft, seg, note, null);
    }

    /**
     * A segment sent at {@code nanos}, with what became of it and a remark, each written after
     * the arrow when not null; only a {@code fate} crosses the arrow out.
     *
     * @param nanos    when, in nanoseconds on the clock the diagram's times are read from
     * @param fromLeft true for an arrow from left to right, false for right to left
     * @param seg      the segment, labelled as {@link #label} does
     * @param fate     why it never arrived (e.g. "LOST: ..."), or null when it did
     * @param remark   what it is, for the reader (e.g. "retransmission"), or null
     */
    public void segment(long nanos, boolean fromLeft, Segment seg, String fate, String remark) {
        String note = fate == null ? remark : remark == null ? fate : fate + "; " + remark;
        String label = label(seg);
        drawn.add(new LadderPage.Row(LadderPage.Kind.SEGMENT, nanos, fromLeft, label, fate, remark));
        String arrow;
        if (fromLeft) {
            arrow = "--- " + label + " ";
            arrow = arrow + "-".repeat(Math.max(1, ARROW_WIDTH - arrow.length() - 1)) + ">";
        } else {
            arrow = "<" + "-".repeat(Math.max(1, ARROW_WIDTH - label.length() - 6)) + " " + label + " ---";
        }
        if (fate != null) {
            arrow = fromLeft ? arrow.substring(0, Math.max(0, arrow.length() - 4)) + " X  " : "  X " + arrow.substring(Math.min(4, arrow.length()));
        }
        rows.add(time(nanos) + " ".repeat(STATE_WIDTH) + " " + arrow + (note == null ? "" : "  " + note));
    }

    /**
     * A free-form line at {@code nanos}.
     *
     * @param nanos when, in nanoseconds on the clock the diagram's times are read from
     * @param text  the line, written after a {@code #}
     */
    public void note(long nanos, String text) {
        drawn.add(new LadderPage.Row(LadderPage.Kind.NOTE, nanos, false, text, null, null));
        rows.add(time(nanos) + "  # " + text);
    }

    /** {@return the diagram: a heading row, then one row per call in order, each ending in a newline} */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%9s  ", "time (s)")).append(pad(left, STATE_WIDTH + ARROW_WIDTH + 2)).append(right).append('\n');
        for (String r : rows) {
            sb.append(r.stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The diagram as a self-contained HTML page (inline SVG, no scripts, nothing fetched): both
     * sides' states down their lifelines, each segment an arrow labelled as {@link #label} does,
     * a lost one ending mid-way at a cross with why, each remark (which ACK acknowledges a FIN,
     * retransmissions) beside its arrow, and each side's TIME-WAIT shaded with how long it
     * lasted.
     *
     * @param title   the page's heading
     * @param caption what the run was, under the diagram (settings, seed), or null
     * @return the page
     */
    public String renderHtml(String title, String caption) {
        return LadderPage.html(left, right, drawn, title, caption);
    }

    /**
     * "FIN|ACK seq=1006 ack=5011 len=5" (len only when non-zero, win only when zero).
     *
     * @param s the segment
     * @return its label, as an arrow in the diagram carries it
     */
    public static String label(Segment s) {
        StringBuilder sb = new StringBuilder(TcpFlags.toString(s.flags()));
        sb.append(" seq=").append(Seq.toUnsigned(s.seq()));
        if (s.has(TcpFlags.ACK)) {
            sb.append(" ack=").append(Seq.toUnsigned(s.ack()));
        }
        if (s.payload().length() > 0) {
            sb.append(" len=").append(s.payload().length());
        }
        if (s.window() == 0 && !s.has(TcpFlags.RST)) {
            sb.append(" win=0");
        }
        return sb.toString();
    }

    private static String time(long nanos) {
        return String.format("%9.3f  ", nanos / 1e9);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
