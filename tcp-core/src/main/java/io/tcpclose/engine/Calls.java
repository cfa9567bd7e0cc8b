package io.tcpclose.engine;

import static io.tcpclose.wire.TcpFlags.ACK;
import static io.tcpclose.wire.TcpFlags.RST;
import static io.tcpclose.wire.TcpFlags.SYN;

import io.tcpclose.engine.Effect.Why;
import io.tcpclose.wire.Bytes;

/**
 * The application's calls (RFC 9293 §3.10.1–§3.10.6): OPEN, SEND, RECEIVE's consumption, CLOSE
 * as shutdownOutput() and close(), ABORT, and changes of the live knobs. Each checks for misuse
 * before it changes anything. Stateless: rules over a {@link MutableTcb}.
 */
final class Calls {
    private Calls() {}

    static void open(MutableTcb c, int iss, int tsOffset) {
        if (c.life.state != TcpState.CLOSED || c.life.closeReason != null) {
            throw new TcpApiException("open()", c.life.state, "a connection block opens once");
        }
        if (c.id.localPort == 0 || c.id.remotePort == 0) {
            // RFC 9293 §3.9.1: an active OPEN names both ports; port 0 is no port on the wire.
            throw new TcpApiException("open()", c.life.state, "an active open needs both ports in 1..65535; this block has local port "
                    + c.id.localPort + " and remote port " + c.id.remotePort);
        }
        begin(c, iss, tsOffset);
        c.snd().nxt = iss + 1;
        c.setState(TcpState.SYN_SENT, null);
        c.transmit(Sending.synSegment(c, SYN), Why.SEND);
        Sending.startRtt(c, c.snd.nxt);
        TimerRules.markWaiting(c);
        TimerRules.armRtx(c);
    }

    static void listen(MutableTcb c, int iss, int tsOffset) {
        if (c.life.state != TcpState.CLOSED || c.life.closeReason != null) {
            throw new TcpApiException("listen()", c.life.state, "a connection block opens once");
        }
        if (c.id.localPort == 0) {
            throw new TcpApiException("listen()", c.life.state, "a listener needs a local port in 1..65535, not 0");
        }
        begin(c, iss, tsOffset);
        c.snd().nxt = iss;
        c.id().passive = true;
        c.setState(TcpState.LISTEN, null);
    }

    private static void begin(MutableTcb c, int iss, int tsOffset) {
        c.id().iss = iss;
        c.opt().tsOffset = tsOffset;
        c.snd().una = iss;
        c.snd().sml = iss;
    }

    static void send(MutableTcb c, Bytes data) {
        TcpState state = c.life.state;
        if (!state.maySend()) {
            throw new TcpApiException("send()", state, state == TcpState.CLOSED ? "the connection does not exist"
                    : state == TcpState.LISTEN ? "a listening connection has no peer to send to" : "the sending side is shut down");
        }
        if (c.life.finQueued) {
            throw new TcpApiException("send()", state, "shutdownOutput() was already called");
        }
        // The send buffer bounds what waits: take what fits and say how much (Queued);
        // what is taken is never dropped.
        int room = c.id.config.sendBuffer - c.snd.queued();
        if (room <= 0) {
            c.out.queued(0);
            return;
        }
        int taken = Math.min(room, data.length());
        c.snd().append(taken < data.length() ? data.slice(0, taken) : data);
        c.out.queued(taken);
        Sending.output(c);
    }

    static void shutdownOutput(MutableTcb c) {
        TcpState state = c.life.state;
        switch (state) {
            case CLOSED:
                throw new TcpApiException("shutdownOutput()", state, "the connection does not exist");
            case LISTEN:
                c.setState(TcpState.CLOSED, CloseReason.ABORTED);
                return;
            case SYN_SENT:
                c.life().finQueued = true; // the FIN follows once ESTABLISHED is reached
                return;
            case SYN_RECEIVED:
                c.life().finQueued = true;
                if (c.snd.queued() == 0) {
                    // RFC 9293 §3.10.4: with nothing queued, the FIN goes now, behind our SYN.
                    c.setState(TcpState.FIN_WAIT_1, null);
                    Sending.output(c);
                }
                return; // otherwise it follows the data once ESTABLISHED is reached
            case ESTABLISHED:
                c.life().finQueued = true;
                c.setState(TcpState.FIN_WAIT_1, null);
                Sending.output(c);
                return;
            case CLOSE_WAIT:
                // RFC 9293 §3.10.4: the FIN follows the queued data, then LAST-ACK.
                c.life().finQueued = true;
                c.setState(TcpState.LAST_ACK, null);
                Sending.output(c);
                return;
            default:
                return; // already closing: idempotent
        }
    }

    static void close(MutableTcb c) {
        switch (c.life.state) {
            case CLOSED:
                return; // idempotent, like java.net.Socket.close()
            case LISTEN:
            case SYN_SENT:
                // RFC 9293 §3.10.4: nothing was promised yet; delete the TCB.
                c.setState(TcpState.CLOSED, CloseReason.ABORTED);
                return;
            default:
                break;
        }
        if (c.rcv.unread > 0 && c.id.config.rstOnCloseWithUnreadData && c.life.state != TcpState.TIME_WAIT) {
            // RFC 2525 §2.17, RFC 9293 §3.6.1: closing with unread data must not look like a
            // clean close to the peer, so reset instead of FIN.
            c.transmit(Sending.segment(c, c.snd.nxt, RST | ACK, Bytes.EMPTY), Why.RESET);
            c.setState(TcpState.CLOSED, CloseReason.ABORTED_UNREAD_DATA);
            return;
        }
        c.life().appClosed = true;
        TimerRules.armOrphanFinWait2(c); // already in FIN-WAIT-2: the orphan's limit starts now
        shutdownOutput(c);
    }

    static void abort(MutableTcb c) {
        switch (c.life.state) {
            case CLOSED:
                return;
            case SYN_RECEIVED:
            case ESTABLISHED:
            case FIN_WAIT_1:
            case FIN_WAIT_2:
            case CLOSE_WAIT:
                // RFC 9293 §3.10.5: <SEQ=SND.NXT><CTL=RST>; with ACK, as Linux sends it.
                c.transmit(Sending.segment(c, c.snd.nxt, RST | ACK, Bytes.EMPTY), Why.RESET);
                c.setState(TcpState.CLOSED, CloseReason.ABORTED);
                return;
            default:
                // LISTEN, SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: no RST is owed (RFC 9293 §3.10.5).
                c.setState(TcpState.CLOSED, CloseReason.ABORTED);
        }
    }

    static void configure(MutableTcb c, TcpConfig next) {
        TcpConfig old = c.id.config;
        String fixed = old.fixedKnobChanged(next);
        if (fixed != null) {
            throw new TcpApiException("configure()", c.life.state, fixed + " cannot change on an open connection;"
                    + " only keep-alive, the user timeout, the send buffer and Nagle's algorithm can");
        }
        c.id().config = next;
        Timers t = c.tm();
        t.syncUserTimeout(next); // a new user timeout counts from the waiting data's origin
        if (!next.keepAlive) {
            t.cancel(TimerKind.KEEPALIVE);
            t.keepAliveProbesSent = 0;
        } else if (!old.keepAlive || !t.armed(TimerKind.KEEPALIVE)) {
            t.keepAliveProbesSent = 0;
            TimerRules.armKeepAlive(c);
        } else {
            // Linux tcp_sock_set_keepidle: the new period counts from the last activity the old
            // deadline was measured from; a deadline already past fires at the next tick.
            int probes = t.keepAliveProbesSent;
            long period = probes == 0 ? old.keepAliveIdleNanos : old.keepAliveIntervalNanos;
            long nextPeriod = probes == 0 ? next.keepAliveIdleNanos : next.keepAliveIntervalNanos;
            long at = t.at(TimerKind.KEEPALIVE) - period + nextPeriod;
            t.set(TimerKind.KEEPALIVE, at - c.now < 0 ? c.now : at);
        }
        if (old.nagle != TcpConfig.Nagle.OFF && next.nagle == TcpConfig.Nagle.OFF && c.life.state.isSynchronized()) {
            Sending.output(c); // as Linux's TCP_NODELAY: what Nagle held goes out now
        }
    }

    static void consume(MutableTcb c, int bytes) {
        checkConsume(c, bytes);
        if (bytes == 0) {
            return;
        }
        boolean reopens = reopensWindow(c, bytes);
        c.rcv().unread -= bytes;
        if (reopens) {
            // Reopening a window the peer may be blocked on: tell it (RFC 9293 §3.8.6.2.2).
            c.ackNeeded = true;
            Sending.output(c);
        }
    }

    /**
     * {@link #consume} when it owes the peer nothing (no window reopens): the bytes are taken
     * with no effect and no step. False, and nothing changed, when the full step is needed.
     */
    static boolean consumeQuietly(MutableTcb c, int bytes) {
        checkConsume(c, bytes);
        if (bytes == 0) {
            return true;
        }
        if (reopensWindow(c, bytes)) {
            return false;
        }
        c.rcv().unread -= bytes;
        return true;
    }

    private static void checkConsume(MutableTcb c, int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("consume needs a byte count of zero or more, was " + bytes);
        }
        if (bytes > c.rcv.unread) {
            throw new TcpApiException("consume(" + bytes + ")", c.life.state,
                    "only " + c.rcv.unread + " delivered bytes are unread");
        }
    }

    /** Whether consuming reopens a window shut below one segment while data may still come (sender SWS avoidance's other half). */
    private static boolean reopensWindow(MutableTcb c, int bytes) {
        int mss = Math.min(c.id.config.mss, c.id.config.receiveBuffer / 2);
        int before = Receiving.window(c);
        int after = Math.max(0, c.id.config.receiveBuffer - (c.rcv.unread - bytes));
        TcpState state = c.life.state;
        return state.mayReceive() && state.isSynchronized() && before < mss && after >= mss;
    }
}
