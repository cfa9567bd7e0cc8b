package io.tcpclose.engine;


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
        return new TimeWait(t.id.localPort, t.id.remotePort, t.snd.nxt, t.rcv.nxt, t.snd.wnd, t.snd.wl1, t.snd.wl2,
                t.snd.maxWnd, t.tm.deadline(TimerKind.TIME_WAIT), t.tm.lastChallengeAckNanos, t.tm.lastOutOfWindowAckNanos,
                t.tm.challengeSent, t.tm.outOfWindowAckSent);
    }

    /**
     * Whether {@link #of} accepts {@code t}.
     *
     * @param t the snapshot
     * @return true when {@code t} is an orphan in TIME-WAIT with nothing unread, held, unsent or
     *         unacknowledged, that negotiated neither timestamps nor window scaling
     */
    public static boolean compactable(Tcb t) {
        return t.life.state == TcpState.TIME_WAIT && t.life.appClosed && t.rcv.unread == 0 && t.rcv.held.isEmpty()
                && t.snd.una == t.snd.nxt && t.snd.queued() == 0
                && !t.opt.tsOk && !t.opt.wsOk; // the packed form keeps neither timestamps nor window shifts
    }

    /**
     * A TIME-WAIT snapshot under {@code config} (the one the connection ran with) that behaves as the
     * original did.
     *
     * @param config the configuration the connection ran with
     * @return the rebuilt snapshot
     */
    public Tcb toTcb(TcpConfig config) {
        MutableTcb c = MutableTcb.create(config, localPort, remotePort);
        c.life.state = TcpState.TIME_WAIT;
        c.life.finQueued = true;
        c.life.finSent = true;
        c.life.appClosed = true;
        // ISS and IRS are only consulted while a SYN is unacknowledged; any value away from
        // SND.UNA keeps that test false, as it was.
        c.id.iss = sndNxt - 1;
        c.id.irs = rcvNxt - 2;
        c.snd.una = sndNxt;
        c.snd.nxt = sndNxt;
        c.snd.wnd = sndWnd;
        c.snd.wl1 = sndWl1;
        c.snd.wl2 = sndWl2;
        c.snd.maxWnd = maxSndWnd;
        c.rcv.nxt = rcvNxt;
        c.tm.set(TimerKind.TIME_WAIT, deadlineNanos);
        c.tm.lastChallengeAckNanos = lastChallengeAckNanos;
        c.tm.lastOutOfWindowAckNanos = lastOutOfWindowAckNanos;
        c.tm.challengeSent = challengeAckSent;
        c.tm.outOfWindowAckSent = outOfWindowAckSent;
        return c.snapshot();
    }

    /** The fields, sequence numbers unsigned as RFC 9293 writes them. */
    @Override
    public String toString() {
        return "TimeWait{" + localPort + "->" + remotePort + " snd.nxt=" + Integer.toUnsignedString(sndNxt)
                + " rcv.nxt=" + Integer.toUnsignedString(rcvNxt) + " snd.wnd=" + sndWnd + " until=" + deadlineNanos + "}";
    }
}
