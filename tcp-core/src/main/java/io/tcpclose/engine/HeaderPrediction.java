package io.tcpclose.engine;

import static io.tcpclose.engine.Tcb.A_KEEPALIVE;
import static io.tcpclose.engine.Tcb.A_OLDEST;
import static io.tcpclose.engine.Tcb.A_PERSIST;
import static io.tcpclose.engine.Tcb.A_RTT;
import static io.tcpclose.engine.Tcb.A_RTX;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import io.tcpclose.wire.TcpFlags;
import java.util.List;

/**
 * Header prediction (Jacobson's fast path, RFC 1323 Appendix A; Linux's
 * {@code tcp_rcv_established}): the most common segment in ESTABLISHED is a bare ACK, in
 * order, for new data, when every queued byte is already in flight. For it the full RFC 9293
 * §3.10.7.4 walk reduces to the ACK processing of the fifth check, so this builds the next
 * snapshot directly instead of going through the mutable {@link Work} copy.
 *
 * <p>The rule: {@link #ack} either returns exactly the step the full path would return (same
 * snapshot fields, same effects; a property test compares them) or {@code null} to say "not
 * predicted, take the full path". Stateless.
 */
final class HeaderPrediction {
    private HeaderPrediction() {}

    static Step ack(Tcb t, Segment seg, long now) {
        if (t.state != TcpState.ESTABLISHED
                || seg.flags() != TcpFlags.ACK // no SYN, RST, FIN, URG or PSH to consider
                || seg.seq() != t.rcvNxt // in order: acceptable whatever the window (first check)
                || !seg.payload().isEmpty()
                || t.finQueued || t.finSent
                || (t.armed & A_PERSIST) != 0
                || t.sndUna == t.iss
                || t.dupAcks != 0 || t.fastRecovery || t.goBackN // loss recovery takes the full path
                || t.tsOk) { // so do timestamps (PAWS, TS.Recent, RTT from TSecr)
            return null;
        }
        int ack = seg.ack();
        int inFlight = Seq.diff(t.sndNxt, t.sndUna);
        if (!Seq.gt(ack, t.sndUna) || Seq.gt(ack, t.sndNxt) // new data, nothing never sent
                || t.sendQueue.length() != inFlight) { // nothing unsent that the ACK could release
            return null;
        }
        TcpConfig config = t.config;
        // Fifth check: SND.UNA advances, the acknowledged bytes leave the queue (no SYN or FIN
        // among them here), RFC 6298's sample when the timed segment is covered (§5.3: restart
        // the timer, or stop it when everything is acknowledged).
        Bytes queue = t.sendQueue.dropFirst(Seq.diff(ack, t.sndUna));
        long srtt = t.srttNanos;
        long rttvar = t.rttvarNanos;
        long rto = t.rtoNanos;
        int armed = t.armed;
        if ((armed & A_RTT) != 0 && Seq.ge(ack, t.rttSeq)) {
            long r = now - t.rttStartNanos;
            rttvar = Work.rttvarAfter(srtt, rttvar, r);
            srtt = Work.srttAfter(srtt, r);
            rto = Work.rtoFor(config, srtt, rttvar);
            armed &= ~A_RTT;
        }
        long oldestUnacked = t.oldestUnackedNanos;
        long rtx = t.rtxDeadline;
        armed &= ~(A_RTX | A_OLDEST);
        if (ack != t.sndNxt) {
            oldestUnacked = now;
            armed |= A_RTX | A_OLDEST;
            rtx = now + rto;
            if (config.userTimeoutNanos != TcpConfig.NONE && now + config.userTimeoutNanos - rtx < 0) {
                rtx = now + config.userTimeoutNanos; // the user timeout clamps the RTO
            }
        }
        // The window, from a segment newer than the last update.
        int sndWnd = t.sndWnd;
        int wl1 = t.sndWl1;
        int wl2 = t.sndWl2;
        int maxSndWnd = t.maxSndWnd;
        if (Seq.lt(wl1, seg.seq()) || (wl1 == seg.seq() && Seq.le(wl2, ack))) {
            sndWnd = seg.window() << t.sndShift;
            wl1 = seg.seq();
            wl2 = ack;
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
        }
        long keepAlive = t.keepAliveDeadline;
        if (config.keepAlive) {
            keepAlive = now + config.keepAliveIdleNanos;
            armed |= A_KEEPALIVE;
        }
        int cwnd = config.congestionControl.onAck(t.cwnd, t.ssthresh, Seq.diff(ack, t.sndUna), t.sndMss);
        Tcb next = new Tcb(t, ack, queue, sndWnd, wl1, wl2, maxSndWnd, rto, srtt, rttvar, t.rttStartNanos,
                rtx, oldestUnacked, keepAlive, armed, cwnd);
        long d = next.nextDeadline();
        boolean pending = next.hasDeadline();
        if (d == t.nextDeadline() && pending == t.hasDeadline()) {
            return new Step(next, List.of());
        }
        return new Step(next, List.of(pending ? new Effect.NextDeadline(d) : Effect.NO_DEADLINE));
    }
}
