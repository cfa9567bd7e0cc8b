package io.tcpclose.packetdrill;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A parsed packetdrill script: its events in order, each with its timing, and the options the
 * script sets for itself. Comments ({@code //}, {@code /* *}{@code /}) and {@code #ifdef NAME /
 * #ifndef / #else / #endif} (with the caller's defines) are handled here. Immutable; thread-safe.
 *
 * @param name             the script's name
 * @param events           the events, in order
 * @param toleranceNanos   how far a packet's time may be from the script's ({@code
 *                         --tolerance_usecs}, 4 ms by default as packetdrill's)
 */
public record Script(String name, List<Event> events, long toleranceNanos) {
    /** packetdrill's default tolerance. */
    public static final long DEFAULT_TOLERANCE_NANOS = 4_000_000L;

    /**
     * When an event happens.
     *
     * @param relative    {@code +t}: after the previous event
     * @param any         {@code *}: whenever it does
     * @param fromNanos   the time, or the start of a range {@code a~b}
     * @param toNanos     the end of the range (equal to {@code fromNanos} without one)
     * @param returnNanos for a blocking call written {@code a...b}: when it returns ({@code b},
     *                    counted from the same base as {@code a}: the previous event for
     *                    {@code +a...b}); -1 otherwise
     */
    public record Timing(boolean relative, boolean any, long fromNanos, long toNanos, long returnNanos) {}

    /**
     * One line that does something.
     *
     * @param line   its line number, 1-based
     * @param timing when
     * @param body   what, as written after the time
     */
    public record Event(int line, Timing timing, String body) {}

    /**
     * Parses a script.
     *
     * @param name    a name for messages
     * @param text    the script
     * @param defines the names {@code #ifdef} sees as defined
     * @return the script
     * @throws ScriptSyntaxException          naming the line that is not packetdrill
     * @throws UnsupportedConstructException  for a script option the runner does not know
     */
    public static Script parse(String name, String text, Set<String> defines) {
        return parse(name, text, defines, DEFAULT_TOLERANCE_NANOS);
    }

    /**
     * Parses a script with another default tolerance (the command line's {@code
     * --tolerance_usecs}); a {@code --tolerance_usecs} line in the script still wins.
     *
     * @param name             a name for messages
     * @param text             the script
     * @param defines          the names {@code #ifdef} sees as defined
     * @param toleranceNanos   the tolerance unless the script sets its own
     * @return the script
     * @throws ScriptSyntaxException         naming the line that is not packetdrill
     * @throws UnsupportedConstructException for a script option the runner does not know
     */
    public static Script parse(String name, String text, Set<String> defines, long toleranceNanos) {
        List<Event> events = new ArrayList<>();
        List<Integer> timeless = new ArrayList<>();
        long tolerance = toleranceNanos;
        String[] lines = stripBlockComments(text).split("\n", -1);
        List<Boolean> active = new ArrayList<>();
        List<Integer> ifdefLines = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            int no = i + 1;
            String l = lines[i];
            int c = l.indexOf("//");
            if (c >= 0) {
                l = l.substring(0, c);
            }
            l = l.trim();
            if (l.isEmpty()) {
                continue;
            }
            if (l.startsWith("#")) {
                String[] w = l.split("\\s+");
                switch (w[0]) {
                    case "#ifdef":
                    case "#ifndef":
                        if (w.length < 2) {
                            throw new ScriptSyntaxException(no, w[0] + " needs a name");
                        }
                        active.add(defines.contains(w[1]) == w[0].equals("#ifdef"));
                        ifdefLines.add(no);
                        continue;
                    case "#else":
                        if (active.isEmpty()) {
                            throw new ScriptSyntaxException(no, "#else without #ifdef");
                        }
                        active.set(active.size() - 1, !active.get(active.size() - 1));
                        continue;
                    case "#endif":
                        if (active.isEmpty()) {
                            throw new ScriptSyntaxException(no, "#endif without #ifdef");
                        }
                        active.remove(active.size() - 1);
                        ifdefLines.remove(ifdefLines.size() - 1);
                        continue;
                    default:
                        throw new UnsupportedConstructException(no, "directive " + w[0]);
                }
            }
            if (active.contains(Boolean.FALSE)) {
                continue;
            }
            if (backticks(l) % 2 == 1) {
                // A command whose backtick closes on a later line (packetdrill allows newlines in one).
                StringBuilder joined = new StringBuilder(l);
                do {
                    if (++i >= lines.length) {
                        throw new ScriptSyntaxException(no, "a backtick command that is never closed");
                    }
                    joined.append('\n').append(lines[i]);
                } while (backticks(lines[i]) % 2 == 0);
                l = joined.toString().trim();
            }
            if (l.startsWith("`")) {
                // packetdrill's init command (before the first event) or cleanup command (after
                // the last), which take no time: run as "+0" where they stand (checked below).
                timeless.add(events.size());
                events.add(new Event(no, new Timing(true, false, 0, 0, -1), l));
                continue;
            }
            if (l.startsWith("--")) {
                String[] kv = l.substring(2).split("=", 2);
                switch (kv[0]) {
                    case "tolerance_usecs":
                        tolerance = Long.parseLong(kv[1].trim()) * 1000;
                        continue;
                    case "ip_version":
                        if (!kv[1].trim().equals("ipv4")) {
                            throw new UnsupportedConstructException(no, l);
                        }
                        continue;
                    default:
                        throw new UnsupportedConstructException(no, "script option " + l);
                }
            }
            int sp = indexOfSpace(l);
            if (sp < 0) {
                throw new ScriptSyntaxException(no, "an event is a time and what happens: \"" + l + "\"");
            }
            events.add(new Event(no, timing(no, l.substring(0, sp)), l.substring(sp).trim()));
        }
        if (!active.isEmpty()) {
            throw new ScriptSyntaxException(ifdefLines.get(ifdefLines.size() - 1), "#ifdef without #endif");
        }
        if (events.isEmpty()) {
            throw new ScriptSyntaxException(1, "the script has no events");
        }
        for (int k : timeless) {
            boolean init = timeless.containsAll(range(0, k));
            boolean cleanup = timeless.containsAll(range(k + 1, events.size()));
            if (!init && !cleanup) {
                throw new ScriptSyntaxException(events.get(k).line(),
                        "a command without a time may only open or close the script (packetdrill's init and cleanup commands)");
            }
        }
        return new Script(name, Collections.unmodifiableList(events), tolerance);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i < to; i++) {
            r.add(i);
        }
        return r;
    }

    private static int backticks(String l) {
        int n = 0;
        for (int i = 0; i < l.length(); i++) {
            if (l.charAt(i) == '`') {
                n++;
            }
        }
        return n;
    }

    private static int indexOfSpace(String l) {
        for (int i = 0; i < l.length(); i++) {
            if (Character.isWhitespace(l.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Timing timing(int line, String t) {
        if (t.equals("*")) {
            return new Timing(false, true, 0, 0, -1);
        }
        boolean relative = t.startsWith("+");
        long returns = -1;
        int dots = t.indexOf("...");
        if (dots >= 0) {
            returns = seconds(line, t.substring(dots + 3).replace("+", ""));
            t = t.substring(0, dots);
        }
        String[] range = t.split("~", 2);
        long from = seconds(line, range[0].replace("+", ""));
        long to = range.length > 1 ? seconds(line, range[1].replace("+", "")) : from;
        if (to < from || (returns >= 0 && returns < from)) {
            throw new ScriptSyntaxException(line, "a time range must not run backwards: " + t);
        }
        return new Timing(relative, false, from, to, returns);
    }

    private static long seconds(int line, String s) {
        if (s.startsWith("-")) {
            throw new ScriptSyntaxException(line, "a time cannot be negative: " + s);
        }
        try {
            return Math.round(Double.parseDouble(s) * 1e9);
        } catch (NumberFormatException e) {
            throw new ScriptSyntaxException(line, "\"" + s + "\" is not a time in seconds");
        }
    }

    /** Blank out block comments, keeping their newlines so line numbers stay right. */
    private static String stripBlockComments(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                int stop = end < 0 ? text.length() : end + 2;
                for (int j = i; j < stop; j++) {
                    sb.append(text.charAt(j) == '\n' ? '\n' : ' ');
                }
                i = stop;
            } else {
                sb.append(text.charAt(i++));
            }
        }
        return sb.toString();
    }
}
