package io.tcpclose.ladder;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Effect;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Drives one endpoint through a scripted exchange on a manual clock, so a protocol test reads
 * like a ladder diagram:
 *
 * <pre>{@code
 * LadderDriver.client(TcpConfig.DEFAULTS)
 *     .open(1000).expectOut("SYN seq=1000")
 *     .atMillis(10).in("SYN|ACK seq=5000 ack=1001").expectOut("ACK seq=1001 ack=5001")
 *     .expectState(TcpState.ESTABLISHED)
 *     .close().expectOut("FIN|ACK seq=1001 ack=5001").expectState(TcpState.FIN_WAIT_1)
 *     .atMillis(20).in("ACK seq=5001 ack=1002").expectState(TcpState.FIN_WAIT_2);
 * }</pre>
 *
 * <p>Rules: time only moves forward; moving it fires every timer that falls due, each at its
 * own deadline, in order. {@link #expectOut} claims transmitted segments in order; segments
 * left unclaimed when the next segment or application call comes are dropped from the queue
 * (they stay in the transcript), so expectations always speak of the latest output. In
 * {@link #strict()} mode an unclaimed segment fails the test instead, so the test accounts for
 * every segment. On every step the driver also checks the engine's universal promises: each state
 * change is an edge of RFC 9293's diagram, a RST is never answered (but for RFC 5961's
 * challenge ACK), and CLOSED is reported once. A failed expectation throws {@link LadderAssertionError} with expected versus actual
 * and the transcript.
 *
 * <p>Uses no test framework. Not thread-safe: one driver per test.
 */
public final class LadderDriver {
    /** The local port of {@link #client}, and the remote port of {@link #server}'s peer. */
    public static final int CLIENT_PORT = 40000;
    /** The server's port. */
    public static final int SERVER_PORT = 80;

    private Tcb tcb;
    private long nowNanos;
    private final Deque<Segment> pendingOut = new ArrayDeque<>();
    private final List<String> transcript = new ArrayList<>();
    private final List<Effect> lastEffects = new ArrayList<>();
    private final List<Segment> sentSinceInput = new ArrayList<>();
    /** Set while one clock move fires several timers, so their effects add up. */
    private boolean ticking;
    private final StringBuilder delivered = new StringBuilder();
    private int deliveredBytes;
    private boolean peerFinished;
    private int closedReports;
    private boolean strict;

    private LadderDriver(Tcb tcb) {
        this.tcb = tcb;
    }

    /**
     * An endpoint in CLOSED, port {@value #CLIENT_PORT} to {@value #SERVER_PORT}; call {@link #open}.
     *
     * @param config the configuration the endpoint runs with
     * @return the driver, its clock at 0
     */
    public static LadderDriver client(TcpConfig config) {
        return new LadderDriver(Tcb.create(config, CLIENT_PORT, SERVER_PORT));
    }

    /**
     * An endpoint in CLOSED on port {@value #SERVER_PORT} taking any peer; call {@link #listen}.
     *
     * @param config the configuration the endpoint runs with
     * @return the driver, its clock at 0
     */
    public static LadderDriver server(TcpConfig config) {
        return new LadderDriver(Tcb.create(config, SERVER_PORT, 0));
    }

    /**
     * Drives an existing snapshot, starting the clock at {@code nowNanos}.
     *
     * @param tcb      the snapshot to start from
     * @param nowNanos the clock's first reading, in nanoseconds
     * @return the driver
     */
    public static LadderDriver of(Tcb tcb, long nowNanos) {
        LadderDriver d = new LadderDriver(tcb);
        d.nowNanos = nowNanos;
        return d;
    }

    /**
     * Every transmitted segment must be claimed before the next input; returns this driver.
     *
     * @return this driver
     */
    public LadderDriver strict() {
        strict = true;
        return this;
    }

    // ------------------------------------------------------------------ inputs

    /**
     * Active open with initial sequence number {@code iss}.
     *
     * @param iss our initial sequence number
     * @return this driver
     */
    public LadderDriver open(int iss) {
        return apply("app open(iss=" + Integer.toUnsignedString(iss) + ")", new Event.Open(iss));
    }

    /**
     * Passive open with initial sequence number {@code iss} for the SYN-ACK.
     *
     * @param iss our initial sequence number
     * @return this driver
     */
    public LadderDriver listen(int iss) {
        return apply("app listen(iss=" + Integer.toUnsignedString(iss) + ")", new Event.Listen(iss));
    }

    /**
     * The application sends UTF-8 text.
     *
     * @param text the text, sent as its UTF-8 bytes
     * @return this driver
     */
    public LadderDriver send(String text) {
        return send(Bytes.utf8(text));
    }

    /**
     * The application sends bytes.
     *
     * @param data the bytes
     * @return this driver
     */
    public LadderDriver send(Bytes data) {
        return apply("app send(" + data.length() + " bytes)", new Event.Send(data));
    }

    /**
     * The application shuts down its sending side (RFC CLOSE, half-close).
     *
     * @return this driver
     */
    public LadderDriver shutdownOutput() {
        return apply("app shutdownOutput()", Event.SHUTDOWN_OUTPUT);
    }

    /**
     * The application closes fully.
     *
     * @return this driver
     */
    public LadderDriver close() {
        return apply("app close()", Event.CLOSE);
    }

    /**
     * The application aborts.
     *
     * @return this driver
     */
    public LadderDriver abort() {
        return apply("app abort()", Event.ABORT);
    }

    /**
     * The application changes per-connection options ({@link Event.Configure}).
     *
     * @param config the connection's configuration from now on
     * @return this driver
     */
    public LadderDriver configure(TcpConfig config) {
        return apply("app configure(" + config + ")", new Event.Configure(config));
    }

    /**
     * The application reads {@code n} delivered bytes.
     *
     * @param n how many bytes it takes out of the receive buffer
     * @return this driver
     */
    public LadderDriver consume(int n) {
        return apply("app consume(" + n + ")", new Event.Consume(n));
    }

    /**
     * A segment arrives from the peer, written as a {@link SegmentSpec}.
     *
     * @param spec the segment, for example {@code "FIN|ACK seq=5001 ack=1002"}; the ports are the
     *             connection's
     * @return this driver
     */
    public LadderDriver in(String spec) {
        return in(SegmentSpec.parse(spec).toSegment(tcb.remotePort() == 0 ? CLIENT_PORT : tcb.remotePort(), tcb.localPort()));
    }

    /**
     * A segment arrives from the peer.
     *
     * @param segment the segment, ports included
     * @return this driver
     */
    public LadderDriver in(Segment segment) {
        return apply("<- " + segment, new Event.Arrive(segment));
    }

    /**
     * An ICMP error arrives that quotes one of our segments ({@link Event.IcmpError}).
     *
     * @param ipv6      whether it is ICMPv6
     * @param type      the ICMP type (3, destination unreachable, in ICMPv4)
     * @param code      the ICMP code (3, port unreachable, in ICMPv4)
     * @param quotedSeq the sequence number of the segment it quotes
     * @return this driver
     */
    public LadderDriver icmp(boolean ipv6, int type, int code, int quotedSeq) {
        Event.IcmpError e = Event.IcmpError.of(ipv6, type, code, quotedSeq);
        return apply("<- ICMP" + (ipv6 ? "v6" : "") + " type " + type + " code " + code + (e.hard() ? " (hard)" : " (soft)")
                + " quoting seq=" + Integer.toUnsignedString(quotedSeq), e);
    }

    /**
     * Moves the clock to {@code t} after clock zero, firing due timers on the way: an absolute
     * time, the start of a driver from {@link #client} or {@link #server} (for one made with
     * {@link #of}, use {@link #after} to move relative to its clock).
     *
     * @param t the time to move to, not before the current one
     * @return this driver
     * @throws LadderAssertionError if {@code t} is in the past
     */
    public LadderDriver at(Duration t) {
        return advanceTo(nanos(t));
    }

    /**
     * Moves the clock to {@code ms} milliseconds after clock zero, as {@link #at} does.
     *
     * @param ms the time to move to, not before the current one
     * @return this driver
     * @throws LadderAssertionError if {@code ms} is in the past
     */
    public LadderDriver atMillis(long ms) {
        return advanceTo(nanos(Duration.ofMillis(ms)));
    }

    /**
     * Moves the clock forward by {@code d}.
     *
     * @param d how far to move, zero or more
     * @return this driver
     */
    public LadderDriver after(Duration d) {
        return advanceTo(nowNanos + nanos(d));
    }

    /**
     * Moves the clock forward by {@code ms} milliseconds.
     *
     * @param ms how far to move, zero or more
     * @return this driver
     */
    public LadderDriver afterMillis(long ms) {
        return after(Duration.ofMillis(ms));
    }

    /**
     * Moves the clock to the next deadline and fires it; fails when there is none.
     *
     * @return this driver
     * @throws LadderAssertionError if no timer is armed
     */
    public LadderDriver toNextDeadline() {
        if (!tcb.hasDeadline()) {
            fail("a pending deadline", "none");
        }
        return advanceTo(tcb.nextDeadline());
    }

    /** A duration's nanoseconds, or a failure that says the clock cannot move that far. */
    private long nanos(Duration d) {
        if (d.isNegative() || d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
            fail("a time between 0 and Long.MAX_VALUE ns", d.toString());
        }
        return d.toNanos();
    }

    private LadderDriver advanceTo(long target) {
        if (target - nowNanos < 0) {
            fail("time to move forward from " + fmt(nowNanos), fmt(target));
        }
        lastEffects.clear();
        ticking = true;
        try {
            while (true) {
                long d = tcb.nextDeadline();
                if (!tcb.hasDeadline() || d - target > 0) {
                    break;
                }
                if (d - nowNanos > 0) {
                    nowNanos = d; // by subtraction: the clock may wrap around
                }
                apply("timer", Event.TICK);
            }
        } finally {
            ticking = false;
        }
        nowNanos = target;
        return this;
    }

    private LadderDriver apply(String what, Event event) {
        if (!pendingOut.isEmpty() && !(event instanceof Event.Tick)) {
            if (strict) {
                fail("every transmitted segment expected before the next input (" + what + ")",
                        "unclaimed " + pendingOut);
            }
            pendingOut.clear();
        }
        if (!(event instanceof Event.Tick)) {
            sentSinceInput.clear();
        }
        Step step;
        try {
            step = TcpEngine.step(tcb, event, nowNanos);
        } catch (RuntimeException e) {
            transcript.add(line(what + " threw " + e));
            throw e;
        }
        if (!(event instanceof Event.Tick)) {
            transcript.add(line(what));
        }
        if (!ticking) {
            lastEffects.clear();
        }
        lastEffects.addAll(step.effects());
        boolean inputWasRst = event instanceof Event.Arrive && ((Event.Arrive) event).segment().has(TcpFlags.RST);
        for (Effect e : step.effects()) {
            if (e instanceof Effect.Transmit) {
                Effect.Transmit t = (Effect.Transmit) e;
                transcript.add(line("-> " + t.segment() + (t.why() == Effect.Why.SEND ? "" : "  (" + t.why() + ")")));
                if (inputWasRst && t.why() != Effect.Why.CHALLENGE_ACK) {
                    fail("no segment but a challenge ACK in reply to a RST (RFC 9293 §3.10.7.4, RFC 5961 §3.2)",
                            t.segment().toString());
                }
                pendingOut.add(t.segment());
                sentSinceInput.add(t.segment());
            } else if (e instanceof Effect.StateChanged) {
                Effect.StateChanged c = (Effect.StateChanged) e;
                transcript.add(line("   " + c.from() + " -> " + c.to()));
                if (!c.from().canMoveTo(c.to())) {
                    fail("a transition on RFC 9293's state diagram", c.from() + " -> " + c.to());
                }
            } else if (e instanceof Effect.Deliver) {
                Bytes b = ((Effect.Deliver) e).data();
                delivered.append(b.utf8());
                deliveredBytes += b.length();
                transcript.add(line("   delivered " + b.length() + " bytes"));
            } else if (e instanceof Effect.PeerFinished) {
                peerFinished = true;
                transcript.add(line("   peer finished (EOF)"));
            } else if (e instanceof Effect.Closed) {
                closedReports++;
                transcript.add(line("   closed: " + ((Effect.Closed) e).reason()));
                if (closedReports > 1) {
                    fail("CLOSED reported once", "reported " + closedReports + " times");
                }
            } else if (e instanceof Effect.Rejected) {
                transcript.add(line("   rejected: " + ((Effect.Rejected) e).reason()));
            } else if (e instanceof Effect.Queued && event instanceof Event.Send
                    && ((Effect.Queued) e).bytes() < ((Event.Send) event).data().length()) {
                transcript.add(line("   send buffer took " + ((Effect.Queued) e).bytes() + " of "
                        + ((Event.Send) event).data().length() + " bytes"));
            }
        }
        tcb = step.tcb();
        return this;
    }

    // ------------------------------------------------------------------ expectations

    /**
     * The next transmitted segment matches {@code spec}; it is claimed.
     *
     * @param spec the expected segment as a {@link SegmentSpec}; fields it leaves out match anything
     * @return this driver
     * @throws LadderAssertionError if nothing is pending or the segment does not match
     */
    public LadderDriver expectOut(String spec) {
        SegmentSpec s = SegmentSpec.parse(spec);
        Segment actual = pendingOut.poll();
        if (actual == null) {
            fail("out " + s, "nothing transmitted");
        }
        if (!s.matches(actual)) {
            fail("out " + s, "out " + actual);
        }
        return this;
    }

    /**
     * Nothing transmitted that has not been claimed.
     *
     * @return this driver
     * @throws LadderAssertionError if a segment is pending
     */
    public LadderDriver expectNoOut() {
        if (!pendingOut.isEmpty()) {
            fail("no segment transmitted", pendingOut.toString());
        }
        return this;
    }

    /**
     * Claims every transmitted segment not yet claimed, for tests that count or inspect what a
     * window let out rather than match segments one by one.
     *
     * @return the segments, oldest first (empty when nothing is pending)
     */
    public List<Segment> takeOut() {
        List<Segment> out = new ArrayList<>(pendingOut);
        pendingOut.clear();
        return out;
    }

    /**
     * Drops the next transmitted segment unchecked, returning it.
     *
     * @return the segment
     * @throws LadderAssertionError if nothing is pending
     */
    public Segment skipOut() {
        Segment s = pendingOut.poll();
        if (s == null) {
            fail("a transmitted segment to skip", "nothing transmitted");
        }
        return s;
    }

    /**
     * The connection is in {@code state}.
     *
     * @param state the expected state
     * @return this driver
     * @throws LadderAssertionError if it does not hold
     */
    public LadderDriver expectState(TcpState state) {
        if (tcb.state() != state) {
            fail("state " + state, "state " + tcb.state());
        }
        return this;
    }

    /**
     * The connection is CLOSED for {@code reason}.
     *
     * @param reason the expected close reason
     * @return this driver
     * @throws LadderAssertionError if it does not hold
     */
    public LadderDriver expectClosed(CloseReason reason) {
        if (tcb.state() != TcpState.CLOSED || tcb.closeReason() != reason) {
            fail("CLOSED (" + reason + ")", tcb.state() + (tcb.closeReason() == null ? "" : " (" + tcb.closeReason() + ")"));
        }
        return this;
    }

    /**
     * The application received exactly {@code text} since the last check.
     *
     * @param text the expected bytes, as UTF-8 text
     * @return this driver
     * @throws LadderAssertionError if it does not hold
     */
    public LadderDriver expectDelivered(String text) {
        if (!delivered.toString().equals(text)) {
            fail("delivered \"" + text + "\"", "delivered \"" + delivered + "\"");
        }
        delivered.setLength(0);
        deliveredBytes = 0;
        return this;
    }

    /**
     * The application received {@code n} bytes since the last check.
     *
     * @param n the expected count
     * @return this driver
     * @throws LadderAssertionError if it does not hold
     */
    public LadderDriver expectDeliveredBytes(int n) {
        if (deliveredBytes != n) {
            fail("delivered " + n + " bytes", "delivered " + deliveredBytes + " bytes");
        }
        delivered.setLength(0);
        deliveredBytes = 0;
        return this;
    }

    /**
     * The peer's FIN has been delivered to the application as end of stream.
     *
     * @return this driver
     * @throws LadderAssertionError if it does not hold
     */
    public LadderDriver expectPeerFinished() {
        if (!peerFinished) {
            fail("peer finished (EOF)", "no EOF yet");
        }
        return this;
    }

    /**
     * The last input was rejected for {@code reason}.
     *
     * @param reason the expected reject reason
     * @return this driver
     * @throws LadderAssertionError if it does not hold
     */
    public LadderDriver expectRejected(RejectReason reason) {
        for (Effect e : lastEffects) {
            if (e instanceof Effect.Rejected && ((Effect.Rejected) e).reason() == reason) {
                return this;
            }
        }
        fail("last input rejected: " + reason, "effects " + lastEffects);
        return this;
    }

    /**
     * Timer {@code kind} is due exactly {@code d} from now.
     *
     * @param kind the timer
     * @param d    the expected time to its deadline
     * @return this driver
     * @throws LadderAssertionError if it is not armed or due at another time
     */
    public LadderDriver expectDeadlineIn(io.tcpclose.engine.TimerKind kind, Duration d) {
        long at = tcb.deadline(kind);
        if (!tcb.armed(kind) || at - nowNanos != d.toNanos()) {
            fail(kind + " due in " + d, !tcb.armed(kind) ? "not armed" : kind + " due in " + Duration.ofNanos(at - nowNanos));
        }
        return this;
    }

    /**
     * Timer {@code kind} is not armed.
     *
     * @param kind the timer
     * @return this driver
     * @throws LadderAssertionError if it is armed
     */
    public LadderDriver expectNoDeadline(io.tcpclose.engine.TimerKind kind) {
        if (tcb.armed(kind)) {
            fail(kind + " not armed", kind + " due in " + Duration.ofNanos(tcb.deadline(kind) - nowNanos));
        }
        return this;
    }

    // ------------------------------------------------------------------ views

    /** {@return the current snapshot} */
    public Tcb tcb() {
        return tcb;
    }

    /** {@return the clock, in nanoseconds since the start} */
    public long nowNanos() {
        return nowNanos;
    }

    /**
     * The effects of the most recent input, or of every timer the most recent clock move fired,
     * in order (a move over several deadlines keeps every tick's output).
     *
     * @return an immutable copy
     */
    public List<Effect> lastEffects() {
        return List.copyOf(lastEffects);
    }

    /**
     * Every segment transmitted since the last input (segment or application call), timer
     * output included, claimed by {@link #expectOut} or not.
     *
     * @return an immutable copy, oldest first
     */
    public List<Segment> sentSinceLastInput() {
        return List.copyOf(sentSinceInput);
    }

    /** {@return the exchange so far, one line per input, output and state change} */
    public String transcript() {
        return String.join("\n", transcript);
    }

    private String line(String s) {
        return fmt(nowNanos) + "  " + s;
    }

    private static String fmt(long nanos) {
        return String.format("%10.3fs", nanos / 1e9);
    }

    private void fail(String expected, String actual) {
        throw new LadderAssertionError("expected: " + expected + "\n  actual: " + actual
                + "\ntranscript:\n" + transcript());
    }
}
