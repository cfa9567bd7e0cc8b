package io.tcpclose.engine;

import static io.tcpclose.engine.Tcb.NO_DEADLINE;
import static io.tcpclose.engine.Tcb.UNSET;

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
                || t.persistDeadline != NO_DEADLINE
                || t.sndUna == t.iss) {
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
        long rttStart = t.rttStartNanos;
        if (rttStart != UNSET && Seq.ge(ack, t.rttSeq)) {
            long r = now - rttStart;
            rttvar = Work.rttvarAfter(srtt, rttvar, r);
            srtt = Work.srttAfter(srtt, r);
            rto = Work.rtoFor(config, srtt, rttvar);
            rttStart = UNSET;
        }
        long oldestUnacked = UNSET;
        long rtx = NO_DEADLINE;
        if (ack != t.sndNxt) {
            oldestUnacked = now;
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
            sndWnd = seg.window();
            wl1 = seg.seq();
            wl2 = ack;
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
        }
        long keepAlive = config.keepAlive ? now + config.keepAliveIdleNanos : t.keepAliveDeadline;
        Tcb next = new Tcb(t, ack, queue, sndWnd, wl1, wl2, maxSndWnd, rto, srtt, rttvar, rttStart,
                rtx, oldestUnacked, keepAlive);
        long d = next.nextDeadline();
        return new Step(next, d == t.nextDeadline() ? List.of() : List.of(new Effect.NextDeadline(d)));
    }
}
