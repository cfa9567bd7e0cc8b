package io.tcpclose.ladder;

import java.util.List;
import java.util.Locale;

/**
 * {@link LadderRenderer}'s rows drawn as a page: one self-contained HTML file with an inline
 * SVG sequence diagram, readable in any browser without scripts or network. Stateless.
 */
final class LadderPage {
    private LadderPage() {}

    /** What a row draws. */
    enum Kind { STATE, SEGMENT, NOTE }

    /**
     * One row of the diagram: a state written beside a lifeline, a segment's arrow (with its
     * fate when it was lost, and a remark), or a note across the page.
     */
    record Row(Kind kind, long nanos, boolean left, String text, String fate, String remark) {}

    private static final int WIDTH = 1040;
    private static final int LEFT_X = 250;
    private static final int RIGHT_X = 790;
    private static final int TOP = 70;
    private static final int ROW = 36;
    /** How far an arrow falls while it crosses: the segment takes time to arrive. */
    private static final int FALL = 22;

    static String html(String left, String right, List<Row> rows, String title, String caption) {
        // Each row's y: a row whose arrow carries a line under it takes more room.
        int[] ys = new int[rows.size() + 1];
        int y = TOP + 14;
        for (int i = 0; i < rows.size(); i++) {
            ys[i] = y;
            y += ROW + (below(rows.get(i)) != null ? 22 : 0);
        }
        ys[rows.size()] = y;
        int height = y + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, height, WIDTH, height, escape(title)));
        svg.append("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
                + "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f3a5f\"/></marker></defs>\n");
        shadeTimeWait(svg, rows, ys, true, height);
        shadeTimeWait(svg, rows, ys, false, height);
        for (int x : new int[] {LEFT_X, RIGHT_X}) {
            svg.append(String.format(Locale.ROOT, "<line class=\"life\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n",
                    x, TOP - 16, x, height - 20));
        }
        svg.append(text(LEFT_X, TOP - 26, "middle", "side", left));
        svg.append(text(RIGHT_X, TOP - 26, "middle", "side", right));
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            y = ys[i];
            svg.append(text(12, y + 4, "start", "time", String.format(Locale.ROOT, "%.3f s", r.nanos() / 1e9)));
            switch (r.kind()) {
                case STATE:
                    svg.append(String.format(Locale.ROOT, "<circle class=\"tick\" cx=\"%d\" cy=\"%d\" r=\"3\"/>%n",
                            r.left() ? LEFT_X : RIGHT_X, y));
                    svg.append(r.left() ? text(LEFT_X - 10, y + 4, "end", "state", r.text())
                            : text(RIGHT_X + 10, y + 4, "start", "state", r.text()));
                    break;
                case SEGMENT:
                    arrow(svg, r, y);
                    break;
                default:
                    svg.append(text((LEFT_X + RIGHT_X) / 2, y + 4, "middle", "note", r.text()));
            }
        }
        svg.append("</svg>\n");
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;margin:24px;color:#1b1b1b}h1{font-size:20px}"
                + ".life{stroke:#5a6b7d;stroke-width:2}.seg{stroke:#1f3a5f;stroke-width:1.6;fill:none}"
                + ".lost{stroke:#b3261e;stroke-width:1.6;stroke-dasharray:5 3;fill:none}.x{stroke:#b3261e;stroke-width:2.4}"
                + "text{font-size:12px}.label{font-family:monospace;fill:#1f3a5f}.fate{fill:#b3261e}.remark{fill:#5f4b00}"
                + ".state{font-weight:bold}.time{fill:#777}.note{fill:#555;font-style:italic}.side{font-size:15px;font-weight:bold}"
                + ".tw{fill:#f6d9a8}.twlabel{fill:#7a4b00}.tick{fill:#5a6b7d}.caption{color:#444;font-size:13px;max-width:1000px}"
                + "</style></head>\n<body>\n<h1>" + escape(title) + "</h1>\n" + svg
                + (caption == null ? "" : "<p class=\"caption\">" + escape(caption) + "</p>\n") + "</body></html>\n";
    }

    /** A segment's arrow: across the page and falling a little; a lost one stops at a cross. */
    private static void arrow(StringBuilder svg, Row r, int y) {
        int from = r.left() ? LEFT_X : RIGHT_X;
        int to = r.left() ? RIGHT_X : LEFT_X;
        boolean lost = r.fate() != null;
        int endX = lost ? from + (to - from) * 3 / 5 : to;
        int endY = y + (lost ? FALL * 3 / 5 : FALL);
        if (lost) {
            svg.append(String.format(Locale.ROOT, "<line class=\"lost\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n", from, y, endX, endY));
            svg.append(String.format(Locale.ROOT, "<path class=\"x\" d=\"M%d,%d L%d,%d M%d,%d L%d,%d\"/>%n",
                    endX - 6, endY - 6, endX + 6, endY + 6, endX - 6, endY + 6, endX + 6, endY - 6));
        } else {
            svg.append(String.format(Locale.ROOT, "<line class=\"seg\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#head)\"/>%n",
                    from, y, endX, endY));
        }
        int mid = (LEFT_X + RIGHT_X) / 2;
        svg.append(text(mid, y - 3, "middle", "label", r.text()));
        String below = below(r);
        if (below != null) {
            svg.append(text(mid, y + FALL + 14, "middle", r.fate() != null ? "fate" : "remark", below));
        }
    }

    /** The line under a segment's arrow (its fate, then its remark), or null. */
    private static String below(Row r) {
        if (r.kind() != Kind.SEGMENT) {
            return null;
        }
        return r.fate() == null ? r.remark() : r.remark() == null ? r.fate() : r.fate() + "; " + r.remark();
    }

    /** Each TIME-WAIT of one side, shaded along its lifeline from entering it to leaving it, with how long it lasted. */
    private static void shadeTimeWait(StringBuilder svg, List<Row> rows, int[] ys, boolean left, int height) {
        int x = left ? LEFT_X : RIGHT_X;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.kind() != Kind.STATE || r.left() != left || !r.text().startsWith("TIME-WAIT")) {
                continue;
            }
            int end = i + 1;
            while (end < rows.size() && !(rows.get(end).kind() == Kind.STATE && rows.get(end).left() == left)) {
                end++;
            }
            int y0 = ys[i];
            int y1 = end < rows.size() ? ys[end] : height - 20;
            svg.append(String.format(Locale.ROOT, "<rect class=\"tw\" x=\"%d\" y=\"%d\" width=\"14\" height=\"%d\"/>%n", x - 7, y0, y1 - y0));
            String span = end < rows.size()
                    ? String.format(Locale.ROOT, "TIME-WAIT %.3f s (2×MSL)", (rows.get(end).nanos() - r.nanos()) / 1e9)
                    : "TIME-WAIT, still waiting at the end";
            int ly = (y0 + y1) / 2;
            svg.append(left ? text(x - 12, ly, "end", "twlabel", span) : text(x + 12, ly, "start", "twlabel", span));
        }
    }

    private static String text(int x, int y, String anchor, String cls, String s) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"%s\">%s</text>%n",
                x, y, anchor, cls, escape(s));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
