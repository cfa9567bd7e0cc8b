package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;

/**
 * The part of an orphaned TIME-WAIT connection that still decides anything: a driver holding
 * a million of them keeps these few numbers (packed as it likes) instead of whole snapshots,
 * as kernels keep a small timewait socket in place of the full one.
 *
 * <p>In TIME-WAIT the connection sends nothing new and receives nothing new (RFC 9293
 * §3.10.7.4): it re-acknowledges a repeated FIN and restarts the 2×MSL wait (§3.6.1), answers
 * other segments with an ACK or a rate-limited challenge ACK (RFC 5961 §4, §7), and handles a
 * RST as {@link TcpConfig#timeWaitRst()} says (RFC 1337). For those rules only the fields here
 * matter; {@link #toTcb} rebuilds a snapshot for which {@link TcpEngine#step} produces exactly
 * the effects the original snapshot would have, and {@link #of} compacts the result again.
 *
 * <p>Only an orphan (the application closed, so it reads nothing more) with nothing unread and
 * nothing held compacts; {@link #of} refuses anything else. Immutable and thread-safe.
 *
 * @param localPort            our port
 * @param remotePort           the peer's port
 * @param sndNxt               SND.NXT (equal to SND.UNA: our FIN is acknowledged)
 * @param rcvNxt               RCV.NXT, one past the peer's FIN
 * @param sndWnd               SND.WND
 * @param sndWl1               SND.WL1
 * @param sndWl2               SND.WL2
 * @param maxSndWnd            the largest window the peer offered (RFC 5961 §5.2's ACK check)
 * @param deadlineNanos        when the 2×MSL wait ends
 * @param lastChallengeAckNanos   when the last challenge ACK went out (meaningful when {@code challengeAckSent})
 * @param lastOutOfWindowAckNanos when the last ACK to an unacceptable ACK went out (meaningful when {@code outOfWindowAckSent})
 * @param challengeAckSent        whether a challenge ACK went out at all
 * @param outOfWindowAckSent      whether an ACK to an unacceptable bare ACK went out at all
 */
public record TimeWait(int localPort, int remotePort, int sndNxt, int rcvNxt, int sndWnd, int sndWl1,
                       int sndWl2, int maxSndWnd, long deadlineNanos, long lastChallengeAckNanos,
                       long lastOutOfWindowAckNanos, boolean challengeAckSent, boolean outOfWindowAckSent) {

    /**
     * Compacts a TIME-WAIT snapshot.
     *
     * @param t the snapshot
     * @return the fields of {@code t} that still decide anything
     * @throws IllegalArgumentException if {@code t} is not an orphan in TIME-WAIT with nothing
     *                                  unread and nothing held
     */
    public static TimeWait of(Tcb t) {
        if (!compactable(t)) {
            throw new IllegalArgumentException("only an orphan in TIME-WAIT with nothing unread compacts: " + t);
        }
        return new TimeWait(t.localPort, t.remotePort, t.sndNxt, t.rcvNxt, t.sndWnd, t.sndWl1, t.sndWl2,
                t.maxSndWnd, t.timeWaitDeadline, t.lastChallengeAckNanos, t.lastOutOfWindowAckNanos,
                (t.armed & Tcb.A_CHALLENGE) != 0, (t.armed & Tcb.A_OUT_OF_WINDOW) != 0);
    }

    /**
     * Whether {@link #of} accepts {@code t}.
     *
     * @param t the snapshot
     * @return true when {@code t} is an orphan in TIME-WAIT with nothing unread, held, unsent or
     *         unacknowledged, that negotiated neither timestamps nor window scaling
     */
    public static boolean compactable(Tcb t) {
        return t.state == TcpState.TIME_WAIT && t.appClosed && t.unread == 0 && t.held.isEmpty()
                && t.sndUna == t.sndNxt && t.sendQueue.isEmpty()
                && !t.tsOk && !t.wsOk; // the packed form keeps neither timestamps nor window shifts
    }

    /**
     * A TIME-WAIT snapshot under {@code config} (the one the connection ran with) that behaves as the
     * original did.
     *
     * @param config the configuration the connection ran with
     * @return the rebuilt snapshot
     */
    public Tcb toTcb(TcpConfig config) {
        Work w = new Work(config, localPort, remotePort);
        w.state = TcpState.TIME_WAIT;
        // ISS and IRS are only consulted while a SYN is unacknowledged; any value away from
        // SND.UNA keeps that test false, as it was.
        w.iss = sndNxt - 1;
        w.irs = rcvNxt - 2;
        w.sndUna = sndNxt;
        w.sndNxt = sndNxt;
        w.sndWnd = sndWnd;
        w.sndWl1 = sndWl1;
        w.sndWl2 = sndWl2;
        w.maxSndWnd = maxSndWnd;
        w.sendQueue = Bytes.EMPTY;
        w.finQueued = true;
        w.finSent = true;
        w.appClosed = true;
        w.rcvNxt = rcvNxt;
        w.held = HeldQueue.EMPTY;
        w.timeWaitDeadline = deadlineNanos;
        w.lastChallengeAckNanos = lastChallengeAckNanos;
        w.lastOutOfWindowAckNanos = lastOutOfWindowAckNanos;
        w.armed = Tcb.A_TIME_WAIT | (challengeAckSent ? Tcb.A_CHALLENGE : 0)
                | (outOfWindowAckSent ? Tcb.A_OUT_OF_WINDOW : 0);
        return new Tcb(w);
    }

    /** The fields, sequence numbers unsigned as RFC 9293 writes them. */
    @Override
    public String toString() {
        return "TimeWait{" + localPort + "->" + remotePort + " snd.nxt=" + Integer.toUnsignedString(sndNxt)
                + " rcv.nxt=" + Integer.toUnsignedString(rcvNxt) + " snd.wnd=" + sndWnd + " until=" + deadlineNanos + "}";
    }
}
