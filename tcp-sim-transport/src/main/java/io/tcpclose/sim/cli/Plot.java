package io.tcpclose.sim.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Draws a transfer's congestion window, slow-start threshold and bytes in flight over time, as
 * SVG or PNG, readable without other tools. One geometry, two back ends: the SVG is text, the
 * PNG is drawn with Java2D (headless). Not thread-safe; one per plot.
 */
final class Plot {
    /** One observation of the sender's connection. */
    record Sample(long nanos, int cwnd, int ssthresh, int inFlight) {}

    private static final int WIDTH = 960;
    private static final int HEIGHT = 480;
    private static final int LEFT = 80;
    private static final int RIGHT = 170;
    private static final int TOP = 40;
    private static final int BOTTOM = 55;
    /** Points per line at most: enough for the eye, small files. */
    private static final int MAX_POINTS = 3000;

    private static final String[] NAMES = {"cwnd", "ssthresh", "in flight"};
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)};
    /** In flight first, so that cwnd, which it mostly follows, stays visible on top. */
    private static final int[] DRAW_ORDER = {2, 1, 0};

    private final String title;
    private final List<Sample> samples;
    private final double tMax;
    /** The y-axis top in KiB: the steady state's range, not slow start's first overshoot. */
    final double yMax;

    Plot(String title, List<Sample> samples) {
        this.samples = samples;
        long last = samples.isEmpty() ? 1 : samples.get(samples.size() - 1).nanos();
        tMax = Math.max(1e-3, last / 1e9);
        // The axis fits the steady state: what follows the first loss (ssthresh set), up to its
        // 99.5th percentile. Slow start's overshoot before it, and the brief inflation of fast
        // recovery, can be many times the steady window and would flatten the rest; they are
        // clipped at the top, and the title says so.
        int firstLoss = 0;
        while (firstLoss < samples.size() && samples.get(firstLoss).ssthresh() == Integer.MAX_VALUE) {
            firstLoss++;
        }
        double[] steady = values(samples, firstLoss < samples.size() ? firstLoss : 0);
        double[] all = values(samples, 0);
        Arrays.sort(steady);
        double top = steady.length == 0 ? 1 : steady[Math.min(steady.length - 1, (int) (steady.length * 0.995))];
        yMax = niceCeil(Math.max(1, top) / 1024.0 * 1.05, AXIS_STEPS);
        double peak = Arrays.stream(all).max().orElse(0) / 1024.0;
        this.title = peak > yMax ? title + String.format(Locale.ROOT, " (peaks up to %.0f KiB clipped)", peak) : title;
    }

    /** Every value drawn from sample {@code from} on, in bytes. */
    private double[] values(List<Sample> samples, int from) {
        double[] v = new double[3 * Math.max(0, samples.size() - from)];
        int n = 0;
        for (int i = from; i < samples.size(); i++) {
            Sample s = samples.get(i);
            v[n++] = finite(s.cwnd());
            v[n++] = s.inFlight();
            if (s.ssthresh() != Integer.MAX_VALUE) {
                v[n++] = s.ssthresh();
            }
        }
        return Arrays.copyOf(v, n);
    }

    /** {@code Integer.MAX_VALUE} means unlimited: drawn at the top of the plot, not off it. */
    private double finite(int v) {
        return v == Integer.MAX_VALUE ? 0 : v;
    }

    /**
     * Writes the plot as SVG or PNG, by the file name's extension.
     *
     * @throws IOException              when the file cannot be written
     * @throws IllegalArgumentException for another extension
     */
    void write(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            Files.writeString(file, svg(), StandardCharsets.UTF_8);
        } else if (name.endsWith(".png")) {
            System.setProperty("java.awt.headless", "true");
            javax.imageio.ImageIO.write(png(), "png", file.toFile());
        } else {
            throw new IllegalArgumentException("the plot is .svg or .png, not " + file);
        }
    }

    private double x(double seconds) {
        return LEFT + seconds / tMax * (WIDTH - LEFT - RIGHT);
    }

    private double y(double bytes) {
        double kib = Math.min(bytes / 1024.0, yMax);
        return HEIGHT - BOTTOM - kib / yMax * (HEIGHT - TOP - BOTTOM);
    }

    /** The polyline of series {@code k} (0 cwnd, 1 ssthresh, 2 in flight), as points; breaks where it is undefined. */
    private List<List<double[]>> series(int k) {
        List<List<double[]>> runs = new ArrayList<>();
        List<double[]> run = null;
        int stride = Math.max(1, samples.size() / MAX_POINTS);
        for (int i = 0; i < samples.size(); i += stride) {
            Sample s = samples.get(i);
            int v = k == 0 ? s.cwnd() : k == 1 ? s.ssthresh() : s.inFlight();
            if (k == 1 && v == Integer.MAX_VALUE) {
                run = null; // no threshold before the first loss
                continue;
            }
            double yy = v == Integer.MAX_VALUE ? y(Double.MAX_VALUE) : y(v);
            if (run == null) {
                run = new ArrayList<>();
                runs.add(run);
            }
            run.add(new double[] {x(s.nanos() / 1e9), yy});
        }
        return runs;
    }

    private List<Double> ticks(double max) {
        double step = niceCeil(max / 5, TICK_STEPS);
        List<Double> t = new ArrayList<>();
        for (double v = 0; v <= max + 1e-9; v += step) {
            t.add(v);
        }
        return t;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    /** Axis tops: fine enough that the data fills most of the height. */
    private static final double[] AXIS_STEPS = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
    /** Tick spacings: round numbers. */
    private static final double[] TICK_STEPS = {1, 2, 2.5, 5, 10};

    private static double niceCeil(double v, double[] steps) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
        for (double m : steps) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }

    String svg() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        for (double t : ticks(tMax)) {
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x(t), TOP, x(t), HEIGHT - BOTTOM, x(t), HEIGHT - BOTTOM + 16, fmt(t)));
        }
        for (double v : ticks(yMax)) {
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT, y(v * 1024), WIDTH - RIGHT, y(v * 1024), LEFT - 6, y(v * 1024) + 4, fmt(v)));
        }
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n",
                LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (s)</text>%n",
                (WIDTH - RIGHT + LEFT) / 2, HEIGHT - 14));
        b.append(String.format(Locale.ROOT, "<text transform=\"translate(22 %d) rotate(-90)\" text-anchor=\"middle\">KiB</text>%n",
                (HEIGHT - BOTTOM + TOP) / 2));
        for (int k : DRAW_ORDER) {
            String color = String.format("#%06x", COLORS[k].getRGB() & 0xFFFFFF);
            for (List<double[]> run : series(k)) {
                b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\"")
                        .append(k == 1 ? " stroke-dasharray=\"6 3\"" : "").append(" points=\"");
                for (double[] p : run) {
                    b.append(String.format(Locale.ROOT, "%.1f,%.1f ", p[0], p[1]));
                }
                b.append("\"/>\n");
            }
            int ly = TOP + 14 + 20 * k;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 40, ly, color,
                    k == 1 ? " stroke-dasharray=\"6 3\"" : "", WIDTH - RIGHT + 46, ly + 4, NAMES[k]));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    BufferedImage png() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (double t : ticks(tMax)) {
                g.setColor(new Color(0xdddddd));
                g.drawLine((int) x(t), TOP, (int) x(t), HEIGHT - BOTTOM);
                g.setColor(Color.BLACK);
                String s = fmt(t);
                g.drawString(s, (int) x(t) - g.getFontMetrics().stringWidth(s) / 2, HEIGHT - BOTTOM + 16);
            }
            for (double v : ticks(yMax)) {
                g.setColor(new Color(0xdddddd));
                g.drawLine(LEFT, (int) y(v * 1024), WIDTH - RIGHT, (int) y(v * 1024));
                g.setColor(Color.BLACK);
                String s = fmt(v);
                g.drawString(s, LEFT - 6 - g.getFontMetrics().stringWidth(s), (int) y(v * 1024) + 4);
            }
            g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
            g.drawString("time (s)", (WIDTH - RIGHT + LEFT) / 2 - 20, HEIGHT - 14);
            g.drawString("KiB", 10, TOP - 8);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
            g.drawString(title, LEFT, 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int k : DRAW_ORDER) {
                g.setColor(COLORS[k]);
                g.setStroke(k == 1 ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {6, 3}, 0)
                        : new BasicStroke(1.5f));
                for (List<double[]> run : series(k)) {
                    Path2D.Double path = new Path2D.Double();
                    for (int i = 0; i < run.size(); i++) {
                        if (i == 0) {
                            path.moveTo(run.get(i)[0], run.get(i)[1]);
                        } else {
                            path.lineTo(run.get(i)[0], run.get(i)[1]);
                        }
                    }
                    g.draw(path);
                }
                int ly = TOP + 14 + 20 * k;
                g.drawLine(WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 40, ly);
                g.setColor(Color.BLACK);
                g.drawString(NAMES[k], WIDTH - RIGHT + 46, ly + 4);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
