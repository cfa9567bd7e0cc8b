package io.tcpclose.stack;

import io.tcpclose.engine.Effect;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.MutableTcb;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;

/**
 * A stack's listening ports and how it admits passive connections: each port's backlog of
 * half-open connections, and past it SYN cookies (RFC 4987 §3.6) that keep no state until the
 * peer's ACK returns one. Part of {@link TcpStack}; confined to its thread.
 */
final class Listeners {
    private final TcpStack stack;
    /** Listeners by port, in pages of 256 made on first use: no boxed key per arriving segment. */
    private final Listener[][] byPort = new Listener[256][];
    /** Null when cookies are off: a SYN beyond the backlog is dropped. */
    private final SynCookies cookies;

    Listeners(TcpStack stack, SynCookies cookies) {
        this.stack = stack;
        this.cookies = cookies;
    }

    /** A listening port: its acceptor, its backlog of half-open connections, its overflow clock. */
    static final class Listener {
        final Acceptor acceptor;
        final int backlog;
        int halfOpen;
        /** When the backlog last overflowed; cookies are taken only within their lifetime of it. */
        long lastOverflowNanos;
        boolean overflowed;

        Listener(Acceptor acceptor, int backlog) {
            this.acceptor = acceptor;
            this.backlog = backlog;
        }
    }

    /** How long after an overflow returning cookies are checked: a cookie lives at most 128 s. */
    private static final long COOKIE_WINDOW_NANOS = 128_000_000_000L;

    /** Adds a listener; false when the port already has one. */
    boolean add(int port, int backlog, Acceptor acceptor) {
        Listener[] page = byPort[port >>> 8];
        if (page == null) {
            page = byPort[port >>> 8] = new Listener[256];
        }
        if (page[port & 0xFF] != null) {
            return false;
        }
        page[port & 0xFF] = new Listener(acceptor, backlog);
        return true;
    }

    void remove(int port) {
        if (port < 0 || port > 0xFFFF) {
            return; // nobody listens there
        }
        Listener[] page = byPort[port >>> 8];
        if (page != null) {
            page[port & 0xFF] = null;
        }
    }

    /** {@return the listener on {@code port} (0..65535), or null} */
    Listener get(int port) {
        if (port < 0 || port > 0xFFFF) {
            return null;
        }
        Listener[] page = byPort[port >>> 8];
        return page == null ? null : page[port & 0xFF];
    }

    /** {@return whether anyone listens on {@code port}} */
    boolean has(int port) {
        return get(port) != null;
    }

    /**
     * A segment for a 4-tuple with no connection: a SYN to a listener opens a half-open
     * connection (or, past the backlog, is answered with a cookie), and an ACK returning a
     * cookie opens an established one. True when it was taken so.
     */
    boolean arrive(FourTuple id, Segment seg, long now) {
        Listener listener = get(seg.dstPort());
        if (listener == null) {
            return false;
        }
        if (seg.has(TcpFlags.SYN) && !seg.has(TcpFlags.ACK) && !seg.has(TcpFlags.RST)) {
            if (listener.halfOpen >= listener.backlog || stack.connectionCount() >= stack.maxConnections) {
                overflow(listener, id, seg, now);
                return true;
            }
            Connection fresh = new Connection(stack, id, MutableTcb.create(stack.config, seg.dstPort(), seg.srcPort()), null);
            stack.register(fresh);
            stack.counters.connectionsOpened++;
            halfOpen(fresh, listener);
            stack.step(fresh, new Event.Listen(stack.isn.isn(id, now), stack.isn.timestampOffset(id)), now);
            stack.step(fresh, new Event.Arrive(seg), now);
            return true;
        }
        return mayReturnCookie(listener, seg, now) && cookieReturns(listener, id, seg, now);
    }

    /** Whether a bare ACK (or ACK,PSH) to this listener may be returning one of our cookies. */
    boolean mayReturnCookie(Listener listener, Segment seg, long now) {
        return listener.overflowed && cookies != null && seg.flags() == (seg.flags() & (TcpFlags.ACK | TcpFlags.PSH))
                && seg.has(TcpFlags.ACK) && now - listener.lastOverflowNanos <= COOKIE_WINDOW_NANOS;
    }

    /**
     * A SYN beyond the backlog (or the connection limit): counted, and answered with a SYN
     * cookie, or dropped when cookies are off. The SYN,ACK is the engine's own, built from a
     * snapshot that is thrown away at once: nothing about this SYN is kept.
     */
    void overflow(Listener listener, FourTuple id, Segment syn, long now) {
        stack.counters.listenOverflows++;
        listener.overflowed = true;
        listener.lastOverflowNanos = now;
        if (cookies == null) {
            stack.counters.listenDrops++;
            return;
        }
        int cookie = cookies.make(id, syn.seq(), syn.options().mss() > 0 ? syn.options().mss() : 536, now);
        Step listening = TcpEngine.step(Tcb.create(stack.config, syn.dstPort(), syn.srcPort()), new Event.Listen(cookie), now);
        // Only the MSS survives in a cookie: the SYN,ACK must not agree to window scaling or
        // timestamps that the connection rebuilt from the ACK would not know of (RFC 4987 §3.6).
        Segment mssOnly = syn.options().windowScale() >= 0 || syn.options().hasTimestamps()
                ? new Segment(syn.srcPort(), syn.dstPort(), syn.seq(), syn.ack(), syn.flags(), syn.window(),
                        syn.options().mss() >= 0 ? TcpOptions.mss(syn.options().mss()) : TcpOptions.NONE, syn.payload())
                : syn;
        Step answered = TcpEngine.step(listening.tcb(), new Event.Arrive(mssOnly), now);
        PseudoHeader outbound = PseudoHeader.of(id.localAddress(), id.remoteAddress());
        for (Effect e : answered.effects()) {
            if (e instanceof Effect.Transmit) {
                stack.counters.synCookiesSent++;
                stack.transmit(id, outbound, ((Effect.Transmit) e).segment(), Effect.Why.SEND, now);
            }
        }
    }

    /**
     * An ACK for no connection on a port whose backlog overflowed lately: if it returns one of
     * our cookies, the connection is built as if its SYN had been kept (the engine's own
     * SYN-RECEIVED, its SYN,ACK not sent again) and the ACK completes it. False when it is no
     * cookie of ours: the caller answers it as any stray segment.
     */
    boolean cookieReturns(Listener listener, FourTuple id, Segment ack, long now) {
        int peerIsn = ack.seq() - 1;
        int cookie = ack.ack() - 1;
        int mss = cookies.check(id, peerIsn, cookie, now);
        if (mss < 0) {
            stack.counters.synCookiesRejected++;
            return false;
        }
        if (stack.connectionCount() >= stack.maxConnections) {
            stack.counters.connectionLimitHits++;
            return true; // a valid cookie, but no room: dropped, as a full accept queue drops it
        }
        stack.counters.synCookiesValidated++;
        Segment syn = new Segment(ack.srcPort(), ack.dstPort(), peerIsn, 0, TcpFlags.SYN, ack.window(),
                TcpOptions.mss(mss), Bytes.EMPTY);
        Tcb rebuilt = TcpEngine.step(TcpEngine.step(Tcb.create(stack.config, ack.dstPort(), ack.srcPort()),
                new Event.Listen(cookie), now).tcb(), new Event.Arrive(syn), now).tcb();
        Connection fresh = new Connection(stack, id, MutableTcb.of(rebuilt), null);
        stack.register(fresh);
        stack.counters.connectionsOpened++;
        stack.observer.stateChanged(now, id, TcpState.LISTEN, TcpState.SYN_RECEIVED);
        stack.step(fresh, new Event.Arrive(ack), now);
        return true;
    }

    /** Counts a passive connection against its listener's backlog until it leaves SYN-RECEIVED. */
    static void halfOpen(Connection c, Listener listener) {
        c.backlogOf = listener;
        listener.halfOpen++;
    }

    /** Releases a connection's place in its listener's backlog, once. */
    static void leftBacklog(Connection c) {
        Object l = c.backlogOf;
        if (l != null) {
            ((Listener) l).halfOpen--;
            c.backlogOf = null;
        }
    }
}
