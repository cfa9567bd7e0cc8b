package io.tcpclose.packetdrill;

import io.tcpclose.engine.LinuxSocketOptions;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.spi.ManualClock;
import io.tcpclose.spi.Transport;
import io.tcpclose.stack.Connection;
import io.tcpclose.stack.ConnectionFailedException;
import io.tcpclose.stack.ConnectionListener;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.IsnGenerator;
import io.tcpclose.stack.TcpStack;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one {@link Script} against a {@link TcpStack} on a {@link ManualClock}: the script plays
 * the remote host (192.0.2.1), tcpclose is the local one (192.168.0.1, listening on or
 * connecting to port 8080, as packetdrill's defaults). Inbound sequence numbers are the remote's
 * own, inbound acks count from our ISN; outbound sequence numbers count from our ISN, outbound
 * acks are the remote's own, as packetdrill writes them.
 *
 * <p>Timing: before each inbound packet and each call the clock moves to the event's time,
 * firing timers at their exact deadlines; an expected outbound packet must have been sent within
 * the tolerance of its time, and any packet sent that the script does not expect fails it.
 * Strict by default; {@code lenient} lets a differing window or option list pass and names
 * each such relaxation. A blocking call that cannot complete yet waits, as packetdrill's
 * syscall thread does, while the script goes on; it returns (and is checked, against {@code
 * a...b}'s return time when given) once the engine lets it. Not
 * thread-safe; one per run.
 */
public final class Runner {
    static final InetAddress LOCAL = address("192.168.0.1");
    static final InetAddress REMOTE = address("192.0.2.1");
    static final int LOCAL_PORT = 8080;
    static final int REMOTE_EPHEMERAL = 49_152;
    /** The clock starts here, so that times before the script's 0 exist. */
    static final long T0 = 1_000_000_000L;

    private final Script script;
    private final TcpConfig config;
    private final boolean lenient;
    private final ManualClock clock = new ManualClock(T0);
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private final List<String> ladder = new ArrayList<>();
    private final List<String> relaxations = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    /** The sysctl settings mapped onto the configuration, by line. */
    private final List<Integer> applied = new ArrayList<>();
    private final TcpStack stack;
    private final Map<Integer, Socket> fds = new HashMap<>();
    private final ArrayDeque<Connection> acceptQueue = new ArrayDeque<>();
    private int nextFd = 3;
    private Integer ourIss;
    private int remotePort = REMOTE_EPHEMERAL;
    private int localPort = LOCAL_PORT;
    private long scriptTime;
    /** The previous event's time: {@code +a...b} counts both a and b from it, as packetdrill does. */
    private long previousTime;
    private int currentLine;

    private record Sent(long nanos, Segment segment) {}

    /** A blocking call waiting for the engine, as packetdrill's syscall thread waits. */
    private record Pending(int line, String name, List<String> args, String expected, long wantRet, String wantErrno,
                           long returnAt) {}

    private Pending pending;

    /** A descriptor's socket: nothing yet, a listener, or a connection. */
    private static final class Socket {
        boolean listening;
        boolean nonBlocking;
        Connection connection;
        // Options set with setsockopt, as the configuration they give (core's LinuxSocketOptions),
        // applied to the connection (accepted ones inherit the listener's).
        TcpConfig options;
        boolean lingerZero;
        boolean optionsSet;

        void copyOptions(Socket from) {
            options = from.options;
            lingerZero = from.lingerZero;
            optionsSet = from.optionsSet;
        }

        /** Gives the connection the options set on this socket (RFC 1122 4.2.3.6, RFC 5482). */
        void apply() {
            if (connection == null || !optionsSet) {
                return;
            }
            connection.configure(LinuxSocketOptions.withOptionsOf(connection.tcb().config(), options));
        }
    }

    /**
     * Prepares a run.
     *
     * @param script  the script
     * @param config  the TCP configuration of the local stack
     * @param lenient whether windows and options may differ (each difference is reported)
     * @throws UnsupportedConstructException when a sysctl in the script sets a TCP knob the
     *                                       engine has no counterpart for
     */
    public Runner(Script script, TcpConfig config, boolean lenient) {
        this.script = script;
        this.lenient = lenient;
        this.config = Sysctls.apply(script, config, applied);
        Transport transport = (src, dst, buf) -> {
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            Segment s;
            try {
                s = SegmentCodec.decode(b, 0, b.length, PseudoHeader.of(src, dst));
            } catch (io.tcpclose.wire.MalformedSegmentException e) {
                throw new IllegalStateException("the stack sent a segment that does not decode", e);
            }
            if (s.has(TcpFlags.SYN)) {
                ourIss = s.seq(); // each connection's own ISN is its 0, as packetdrill maps them per socket
            }
            sent.add(new Sent(clock.nanoTime(), s));
            ladder.add(String.format(Locale.ROOT, "%8.3f > %s", seconds(clock.nanoTime()), show(s, false)));
        };
        stack = TcpStack.builder(transport, clock).config(this.config).isn(IsnGenerator.rfc6528(20261202L, 7L)).build();
    }

    /**
     * Runs the script.
     *
     * @return what happened
     */
    public ScriptResult run() {
        try {
            for (Script.Event e : script.events()) {
                currentLine = e.line();
                step(e);
                tryPending();
            }
            if (pending != null && pending.returnAt >= 0) {
                advanceTo(pending.returnAt + script.toleranceNanos());
                tryPending();
            }
            if (pending != null) {
                fail(pending.line, pending.name + "() never returned: it is still waiting at the end of the script");
            }
            if (!sent.isEmpty()) {
                return fail(script.events().isEmpty() ? 0 : script.events().get(script.events().size() - 1).line(),
                        "the script ended, but tcpclose sent " + show(sent.peek().segment(), false)
                                + " at " + fmt(sent.peek().nanos()));
            }
            return result(ScriptResult.Status.PASS, "");
        } catch (Mismatch m) {
            return result(ScriptResult.Status.FAIL, m.getMessage());
        } catch (UnsupportedConstructException u) {
            return result(ScriptResult.Status.UNSUPPORTED, u.getMessage());
        } catch (ScriptSyntaxException s) {
            return result(ScriptResult.Status.FAIL, s.getMessage());
        } catch (IllegalArgumentException v) {
            // A value outside what TCP allows (a window above 16 bits, an MSS above 65535, a bad timeout).
            return result(ScriptResult.Status.FAIL, "line " + currentLine + ": a value out of range: " + v.getMessage());
        }
    }

    private ScriptResult result(ScriptResult.Status status, String message) {
        return new ScriptResult(script.name(), status, message, List.copyOf(ladder), List.copyOf(relaxations),
                List.copyOf(skipped));
    }

    private static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }

    private ScriptResult fail(int line, String message) {
        throw new Mismatch("line " + line + ": " + message);
    }

    // ------------------------------------------------------------------ events

    private void step(Script.Event e) {
        Script.Timing t = e.timing();
        long at = t.any() ? scriptTime : (t.relative() ? scriptTime : 0) + t.fromNanos();
        long atEnd = t.any() ? Long.MAX_VALUE / 4 : (t.relative() ? scriptTime : 0) + t.toNanos();
        String body = e.body();
        if (body.startsWith(">")) {
            expect(e, PacketSpec.parse(e.line(), body), at, atEnd);
            return;
        }
        advanceTo(at);
        if (!sent.isEmpty()) {
            fail(e.line(), "before this event tcpclose sent " + show(sent.peek().segment(), false) + " at "
                    + fmt(sent.peek().nanos()) + ", which the script does not expect");
        }
        previousTime = scriptTime;
        scriptTime = at;
        if (body.startsWith("<")) {
            inject(e, PacketSpec.parse(e.line(), body));
        } else if (body.startsWith("`")) {
            shell(e);
        } else {
            syscall(e);
        }
    }

    /** Moves the clock to {@code target} (script time), firing every timer at its own deadline. */
    private void advanceTo(long target) {
        long until = T0 + target;
        while (stack.hasDeadline() && stack.nextDeadlineNanos() - until <= 0) {
            long d = Math.max(clock.nanoTime(), stack.nextDeadlineNanos());
            clock.set(d);
            stack.poll();
            tryPending();
        }
        if (until - clock.nanoTime() > 0) {
            clock.set(until);
        }
        stack.poll();
    }

    /** Moves the clock toward {@code limit}, stopping at the first timer that sends something. */
    private void advanceUntilSent(long limit) {
        long until = T0 + limit;
        while (sent.isEmpty() && stack.hasDeadline() && stack.nextDeadlineNanos() - until <= 0) {
            clock.set(Math.max(clock.nanoTime(), stack.nextDeadlineNanos()));
            stack.poll();
        }
    }

    private void expect(Script.Event e, PacketSpec want, long at, long atEnd) {
        long tol = script.toleranceNanos();
        if (sent.isEmpty()) {
            advanceUntilSent(atEnd + tol);
        }
        if (sent.isEmpty()) {
            advanceUntilSent(atEnd + tol + 3_600_000_000_000L); // only to say when it did come, if ever
            if (sent.isEmpty()) {
                fail(e.line(), "expected " + e.body() + " at " + fmt(T0 + at) + ", but tcpclose sent nothing");
            }
            fail(e.line(), "expected " + e.body() + " at " + fmt(T0 + at) + ", tcpclose sent " + show(sent.peek().segment(), false)
                    + " only at " + fmt(sent.peek().nanos()) + " (tolerance " + tol / 1000 + " us)");
        }
        Sent s = sent.poll();
        long when = s.nanos() - T0;
        if (when < at - tol || when > atEnd + tol) {
            fail(e.line(), "expected " + e.body() + " at " + fmt(T0 + at) + ", tcpclose sent " + show(s.segment(), false)
                    + " at " + fmt(s.nanos()) + " (tolerance " + tol / 1000 + " us)");
        }
        String why = differs(want, s.segment());
        if (why != null) {
            fail(e.line(), "expected " + e.body() + ", tcpclose sent " + show(s.segment(), false) + " at "
                    + fmt(s.nanos()) + ": " + why);
        }
        scriptTime = t(at, when);
    }

    private static long t(long at, long when) {
        return Math.max(at, when);
    }

    /** Why {@code got} is not {@code want}, or null; relaxations recorded in lenient mode. */
    private String differs(PacketSpec want, Segment got) {
        if (want.ece() || want.cwr()) {
            throw new UnsupportedConstructException(0, "ECN flags E/W (tcpclose does not do ECN)");
        }
        if (got.flags() != want.flags()) {
            return "flags " + PacketSpec.letters(got.flags()) + " instead of " + PacketSpec.letters(want.flags());
        }
        if (ourIss == null) {
            return "no ISN known";
        }
        long seq = Seq.toUnsigned(got.seq() - ourIss);
        if (seq != want.start() || got.seqLength() - (got.has(TcpFlags.SYN) ? 1 : 0) - (got.has(TcpFlags.FIN) ? 1 : 0)
                != want.end() - want.start()) {
            return "sequence " + seq + ":" + (seq + got.payload().length()) + "(" + got.payload().length() + ")";
        }
        if (want.ack() != null && got.has(TcpFlags.ACK) && Seq.toUnsigned(got.ack()) != want.ack()) {
            return "ack " + Seq.toUnsigned(got.ack());
        }
        if (want.window() != null && got.window() != want.window()) {
            if (!lenient) {
                return "win " + got.window();
            }
            relaxations.add("window " + got.window() + " for " + want.window());
        }
        if (want.options() != null) {
            String mine = options(got.options());
            String theirs = String.join(",", want.options());
            if (!mine.equals(normalize(want.options()))) {
                if (!lenient) {
                    return "options <" + mine + "> instead of <" + theirs + ">";
                }
                relaxations.add("options <" + mine + "> for <" + theirs + ">");
            }
        }
        return null;
    }

    /** Options in a comparable form: the kinds and values a segment carries, NOPs and EOL aside. */
    private static String options(TcpOptions o) {
        List<String> l = new ArrayList<>();
        if (o.mss() >= 0) {
            l.add("mss " + o.mss());
        }
        if (o.sackPermitted()) {
            l.add("sackOK");
        }
        if (o.hasTimestamps()) {
            l.add("TS");
        }
        if (o.windowScale() >= 0) {
            l.add("wscale " + o.windowScale());
        }
        return String.join(",", l);
    }

    private static String normalize(List<String> written) {
        List<String> l = new ArrayList<>();
        String mss = null;
        boolean sack = false;
        boolean ts = false;
        String ws = null;
        for (String w : written) {
            String o = w.trim();
            if (o.startsWith("mss")) {
                mss = o.replaceAll("\\s+", " ");
            } else if (o.equals("sackOK")) {
                sack = true;
            } else if (o.startsWith("TS")) {
                ts = true; // our TSval is our clock's; not compared
            } else if (o.startsWith("wscale")) {
                ws = o.replaceAll("\\s+", " ");
            }
        }
        if (mss != null) {
            l.add(mss);
        }
        if (sack) {
            l.add("sackOK");
        }
        if (ts) {
            l.add("TS");
        }
        if (ws != null) {
            l.add(ws);
        }
        return String.join(",", l);
    }

    private void inject(Script.Event e, PacketSpec p) {
        if (p.ece() || p.cwr()) {
            throw new UnsupportedConstructException(e.line(), "ECN flags E/W");
        }
        int ack = p.ack() == null ? 0 : (int) (p.ack() + (ourIss == null ? 0 : ourIss));
        if (p.ack() != null && ourIss == null && p.ack() != 0) {
            throw new ScriptSyntaxException(e.line(), "an ack before tcpclose sent anything");
        }
        int flags = p.flags();
        TcpOptions opts = inboundOptions(e.line(), p.options());
        int len = (int) (p.end() - p.start());
        Segment s = new Segment(remotePort, localPort, (int) p.start(), ack, flags, p.window() == null ? 65535 : p.window(),
                opts, Bytes.pattern(len));
        ladder.add(String.format(Locale.ROOT, "%8.3f < %s", seconds(clock.nanoTime()), show(s, true)));
        byte[] b = SegmentCodec.encode(s, PseudoHeader.of(REMOTE, LOCAL));
        stack.receive(REMOTE, LOCAL, ByteBuffer.wrap(b));
    }

    private static TcpOptions inboundOptions(int line, List<String> written) {
        if (written == null) {
            return TcpOptions.NONE;
        }
        int mss = -1;
        int ws = -1;
        boolean sack = false;
        boolean ts = false;
        long val = 0;
        long ecr = 0;
        for (String w : written) {
            String[] f = w.trim().split("\\s+");
            switch (f[0]) {
                case "mss":
                    mss = Integer.parseInt(f[1]);
                    break;
                case "wscale":
                    ws = Integer.parseInt(f[1]);
                    break;
                case "sackOK":
                    sack = true;
                    break;
                case "TS":
                    ts = true;
                    val = Long.parseLong(f[2]);
                    ecr = Long.parseLong(f[4]);
                    break;
                case "nop":
                case "eol":
                    break;
                case "sack":
                case "md5":
                case "FO":
                    throw new UnsupportedConstructException(line, "option " + w.trim());
                default:
                    throw new ScriptSyntaxException(line, "unknown TCP option \"" + w.trim() + "\"");
            }
        }
        return new TcpOptions(mss, ws, sack, ts, val, ecr);
    }

    private void shell(Script.Event e) {
        String cmd = e.body().replace("`", "").trim();
        if (applied.contains(e.line())) {
            return; // a sysctl the configuration already took
        }
        io.tcpclose.engine.TcpState state = Sysctls.stateCheck(cmd);
        if (state != null) {
            // "... | grep -c TIME_WAIT | grep 1": how many connections the host holds in a state.
            long expected = Sysctls.expectedCount(cmd);
            long actual = stack.connections().stream().filter(c -> c.state() == state).count();
            if (actual != expected) {
                fail(e.line(), "the host holds " + actual + " connection(s) in " + state + ", the script's check (" + cmd
                        + ") wants " + expected);
            }
            return;
        }
        if (cmd.startsWith("tcpdrop") || cmd.contains(" tcpdrop ")) {
            for (Connection c : new ArrayList<>(stack.connections())) {
                c.abort(); // drops the connection with a RST, as tcpdrop(8)
            }
            return;
        }
        // Commands that only set up the host the script runs on have no meaning for the engine.
        skipped.add("line " + e.line() + ": " + cmd);
    }

    // ------------------------------------------------------------------ system calls

    /** A script's integer: decimal, hex ({@code 0x2}) or octal ({@code 0755}), signed. */
    static long number(int line, String text) {
        String t = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        try {
            long v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16)
                    : t.length() > 1 && t.startsWith("0") ? Long.parseLong(t.substring(1), 8) : Long.parseLong(t);
            return text.startsWith("-") ? -v : v;
        } catch (NumberFormatException ex) {
            throw new ScriptSyntaxException(line, "\"" + text + "\" is not a number");
        }
    }

    private void syscall(Script.Event e) {
        String body = e.body();
        int open = body.indexOf('(');
        int eq = body.lastIndexOf('=');
        int close = body.lastIndexOf(')', eq);
        if (open < 0 || eq < 0 || close < open) {
            throw new ScriptSyntaxException(e.line(), "expected name(args) = result: " + body);
        }
        String name = body.substring(0, open).trim();
        List<String> args = splitArgs(body.substring(open + 1, close));
        // "= 3", "= -1 ECONNREFUSED (Connection refused)", "= 0x2 (flags O_RDWR)": a number in any
        // of C's forms, an errno name, and packetdrill's note in parentheses, which checks nothing.
        String[] want = body.substring(eq + 1).trim().split("\\s+");
        long wantRet = number(e.line(), want[0]);
        String wantErrno = want.length > 1 && want[1].matches("[A-Z][A-Z0-9_]*") ? want[1] : null;
        ladder.add(String.format(Locale.ROOT, "%8.3f   %s", seconds(clock.nanoTime()), body));
        if (pending != null) {
            throw new UnsupportedConstructException(e.line(), "a second call while " + pending.name + "() at line "
                    + pending.line + " still blocks");
        }
        long returnAt = e.timing().returnNanos() < 0 ? -1
                : (e.timing().relative() ? previousTime : 0) + e.timing().returnNanos();
        Outcome got = call(e.line(), name, args);
        if (got == null) {
            // It blocks: the script goes on, as packetdrill's does, and the call returns when it can.
            pending = new Pending(e.line(), name, args, body.substring(eq + 1).trim(), wantRet, wantErrno, returnAt);
            return;
        }
        check(e.line(), name, got, wantRet, wantErrno, body.substring(eq + 1).trim(), returnAt);
    }

    private void check(int line, String name, Outcome got, long wantRet, String wantErrno, String expected, long returnAt) {
        if (got.ret != wantRet || (wantErrno != null && !wantErrno.equals(got.errno))) {
            fail(line, name + " returned " + got.ret + (got.errno == null ? "" : " " + got.errno) + ", the script says "
                    + expected);
        }
        long tol = script.toleranceNanos();
        long now = clock.nanoTime() - T0;
        if (returnAt >= 0 && (now < returnAt - tol || now > returnAt + tol)) {
            fail(line, name + " returned at " + fmt(clock.nanoTime()) + ", the script says " + fmt(T0 + returnAt));
        }
    }

    /** Completes the blocking call when the engine lets it. */
    private void tryPending() {
        if (pending == null) {
            return;
        }
        Outcome got = call(pending.line, pending.name, pending.args);
        if (got != null) {
            Pending p = pending;
            pending = null;
            ladder.add(String.format(Locale.ROOT, "%8.3f   %s() returns %d%s", seconds(clock.nanoTime()), p.name, got.ret,
                    got.errno == null ? "" : " " + got.errno));
            check(p.line, p.name, got, p.wantRet, p.wantErrno, p.expected, p.returnAt);
        }
    }

    private record Outcome(long ret, String errno) {
        static Outcome of(long ret) {
            return new Outcome(ret, null);
        }

        static Outcome error(String errno) {
            return new Outcome(-1, errno);
        }
    }

    /** The call's outcome, or null when it blocks (a blocking socket and nothing to return yet). */
    private Outcome call(int line, String name, List<String> args) {
        switch (name) {
            case "socket": {
                int fd = nextFd++;
                Socket s = new Socket();
                s.options = config;
                fds.put(fd, s);
                return Outcome.of(fd);
            }
            case "setsockopt":
                return setsockopt(line, args);
            case "getsockopt":
                return getsockopt(line, args);
            case "fcntl": {
                Socket s = socket(line, args);
                if (args.size() >= 3 && args.get(1).equals("F_SETFL") && args.get(2).contains("O_NONBLOCK")) {
                    s.nonBlocking = true;
                    return Outcome.of(0);
                }
                if (args.size() >= 2 && args.get(1).equals("F_GETFL")) {
                    return Outcome.of(s.nonBlocking ? 0x802 : 0x2);
                }
                throw new UnsupportedConstructException(line, "fcntl(" + String.join(", ", args) + ")");
            }
            case "bind":
                socket(line, args);
                localPort = LOCAL_PORT;
                return Outcome.of(0);
            case "listen": {
                Socket s = socket(line, args);
                s.listening = true;
                stack.listen(localPort, Math.max(1, Integer.parseInt(args.get(1).trim())), c -> {
                    acceptQueue.add(c);
                    return null;
                });
                return Outcome.of(0);
            }
            case "accept": {
                socket(line, args);
                Connection c = acceptQueue.poll();
                if (c == null) {
                    if (socket(line, args).nonBlocking) {
                        return Outcome.error("EAGAIN");
                    }
                    return null; // blocks until a connection is established
                }
                int fd = nextFd++;
                Socket s = new Socket();
                s.copyOptions(socket(line, args));
                s.connection = c;
                s.apply();
                fds.put(fd, s);
                return Outcome.of(fd);
            }
            case "connect": {
                Socket s = socket(line, args);
                if (s.connection == null) {
                    remotePort = LOCAL_PORT;
                    s.connection = stack.connect(new FourTuple(LOCAL, 0, REMOTE, LOCAL_PORT), new ConnectionListener() {});
                    localPort = s.connection.id().localPort();
                    s.apply();
                    if (s.nonBlocking) {
                        return Outcome.error("EINPROGRESS");
                    }
                }
                // A blocking connect returns once the handshake is done, or failed.
                io.tcpclose.engine.TcpState st = s.connection.state();
                if (st == io.tcpclose.engine.TcpState.SYN_SENT || st == io.tcpclose.engine.TcpState.SYN_RECEIVED) {
                    return null;
                }
                io.tcpclose.engine.CloseReason r = s.connection.closeReason();
                if (r == io.tcpclose.engine.CloseReason.REFUSED || (r != null && r.isTimeout())) {
                    return Outcome.error(r.errno());
                }
                return Outcome.of(0);
            }
            case "write":
            case "send": {
                Connection c = connection(line, args);
                int n = Integer.parseInt(args.get(2).trim());
                try {
                    if (c.state() == io.tcpclose.engine.TcpState.CLOSED || !c.state().maySend()) {
                        return Outcome.error(c.closeReason() == io.tcpclose.engine.CloseReason.RESET_BY_PEER ? "ECONNRESET" : "EPIPE");
                    }
                    return Outcome.of(c.send(Bytes.pattern(n)));
                } catch (io.tcpclose.engine.TcpApiException ex) {
                    return Outcome.error("EPIPE");
                }
            }
            case "read":
            case "recv": {
                Connection c = connection(line, args);
                int n = Integer.parseInt(args.get(2).trim());
                try {
                    Bytes b = c.read(n);
                    if (b.isEmpty() && !c.peerFinished() && c.state() != io.tcpclose.engine.TcpState.CLOSED) {
                        if (fds.get(Integer.parseInt(args.get(0).trim())).nonBlocking) {
                            return Outcome.error("EAGAIN");
                        }
                        return null; // blocks until data, the end of stream or a reset
                    }
                    return Outcome.of(b.length());
                } catch (ConnectionFailedException ex) {
                    return Outcome.error(ex.reason().errno());
                }
            }
            case "shutdown": {
                Connection c = connection(line, args);
                String how = args.get(1).trim();
                if (how.equals("SHUT_WR") || how.equals("SHUT_RDWR")) {
                    c.shutdownOutput();
                }
                return Outcome.of(0);
            }
            case "close": {
                Socket s = fds.remove(Integer.parseInt(args.get(0).trim()));
                if (s == null) {
                    return Outcome.error("EBADF");
                }
                if (s.connection != null) {
                    if (s.lingerZero) {
                        s.connection.abort(); // SO_LINGER 0: close resets (RFC 9293 3.10.5)
                    } else {
                        s.connection.close();
                    }
                }
                if (s.listening) {
                    stack.unlisten(localPort);
                }
                return Outcome.of(0);
            }
            default:
                throw new UnsupportedConstructException(line, "system call " + name + "()");
        }
    }

    private Outcome setsockopt(int line, List<String> args) {
        Socket s = socket(line, args);
        String opt = args.get(2).trim();
        String value = args.size() > 3 ? args.get(3).replaceAll("\\s", "") : "";
        switch (opt) {
            case "SO_REUSEADDR":
                return Outcome.of(0); // tcpclose binds no ports a TIME-WAIT could hold
            case "SO_LINGER":
                s.lingerZero = value.contains("l_onoff=1") && value.contains("l_linger=0");
                if (value.contains("l_onoff=1") && !s.lingerZero) {
                    throw new UnsupportedConstructException(line, "SO_LINGER with a timeout (only 0 is supported)");
                }
                return Outcome.of(0);
            case "SO_KEEPALIVE":
            case "TCP_KEEPIDLE":
            case "TCP_KEEPINTVL":
            case "TCP_KEEPCNT":
            case "TCP_USER_TIMEOUT":
            case "TCP_NODELAY":
                try {
                    s.options = LinuxSocketOptions.with(s.options, opt, intValue(line, value));
                } catch (IllegalArgumentException outOfRange) {
                    return Outcome.error("EINVAL"); // as Linux answers a value outside its range
                }
                break;
            default:
                throw new UnsupportedConstructException(line, "setsockopt " + opt);
        }
        s.optionsSet = true;
        s.apply();
        return Outcome.of(0);
    }

    /**
     * packetdrill's {@code getsockopt(fd, level, OPT, [value], [len])}: the value read back must
     * be the script's (an errno name for {@code SO_ERROR}); buffer sizes differ from Linux's
     * by design and pass only in lenient mode, named.
     */
    private Outcome getsockopt(int line, List<String> args) {
        Socket s = socket(line, args);
        String opt = args.get(2).trim();
        String want = args.size() > 3 ? args.get(3).replaceAll("[\\[\\]\\s]", "") : "";
        String got;
        switch (opt) {
            case "SO_ERROR":
                got = soError(s);
                break;
            case "SO_KEEPALIVE":
            case "TCP_KEEPIDLE":
            case "TCP_KEEPINTVL":
            case "TCP_KEEPCNT":
            case "TCP_USER_TIMEOUT":
            case "TCP_NODELAY":
                got = String.valueOf(LinuxSocketOptions.get(s.options, opt));
                break;
            case "SO_RCVBUF":
            case "SO_SNDBUF": {
                got = String.valueOf(opt.equals("SO_RCVBUF") ? config.receiveBuffer() : config.sendBuffer());
                if (!got.equals(want)) {
                    if (!lenient) {
                        fail(line, "getsockopt " + opt + " is " + got + ", the script says " + want);
                    }
                    relaxations.add(opt + " " + got + " for " + want);
                }
                return Outcome.of(0);
            }
            default:
                throw new UnsupportedConstructException(line, "getsockopt " + opt);
        }
        if (!got.equals(want) && !(want.equals("0") && got.equals("0"))) {
            fail(line, "getsockopt " + opt + " is [" + got + "], the script says [" + want + "]");
        }
        return Outcome.of(0);
    }

    /** The socket's pending error, as {@code SO_ERROR} names it (0 for none). */
    private static String soError(Socket s) {
        if (s.connection == null || s.connection.closeReason() == null) {
            return "0";
        }
        String errno = s.connection.closeReason().errno();
        return errno == null ? "0" : errno;
    }

    /** {@code [n]} as packetdrill writes an int option. */
    private static int intValue(int line, String v) {
        try {
            return Integer.parseInt(v.replace("[", "").replace("]", ""));
        } catch (NumberFormatException e) {
            throw new UnsupportedConstructException(line, "option value " + v);
        }
    }

    private Socket socket(int line, List<String> args) {
        Socket s = args.isEmpty() ? null : fds.get(parseFd(line, args.get(0)));
        if (s == null) {
            throw new ScriptSyntaxException(line, "no such descriptor " + (args.isEmpty() ? "" : args.get(0)));
        }
        return s;
    }

    private Connection connection(int line, List<String> args) {
        Socket s = socket(line, args);
        if (s.connection == null) {
            throw new ScriptSyntaxException(line, "descriptor " + args.get(0) + " is not connected");
        }
        return s.connection;
    }

    private static int parseFd(int line, String a) {
        try {
            return Integer.parseInt(a.trim());
        } catch (NumberFormatException e) {
            throw new ScriptSyntaxException(line, "\"" + a + "\" is not a descriptor");
        }
    }

    /** Arguments split at top-level commas (braces and brackets nest). */
    private static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '}' || c == ']' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(from, i).trim());
                from = i + 1;
            }
        }
        if (!s.isBlank()) {
            out.add(s.substring(from).trim());
        }
        return out;
    }

    // ------------------------------------------------------------------ rendering

    private String show(Segment s, boolean inbound) {
        long seq = inbound || ourIss == null ? Seq.toUnsigned(s.seq()) : Seq.toUnsigned(s.seq() - ourIss);
        long ack = inbound && ourIss != null ? Seq.toUnsigned(s.ack() - ourIss) : Seq.toUnsigned(s.ack());
        int len = s.payload().length();
        StringBuilder b = new StringBuilder(PacketSpec.letters(s.flags())).append(' ').append(seq).append(':')
                .append(seq + len).append('(').append(len).append(')');
        if (s.has(TcpFlags.ACK)) {
            b.append(" ack ").append(ack);
        }
        b.append(" win ").append(s.window());
        String o = options(s.options());
        if (!o.isEmpty()) {
            b.append(" <").append(o).append('>');
        }
        return b.toString();
    }

    private static String fmt(long nanos) {
        return String.format(Locale.ROOT, "%.6f s", seconds(nanos));
    }

    private static double seconds(long nanos) {
        return (nanos - T0) / 1e9;
    }

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
