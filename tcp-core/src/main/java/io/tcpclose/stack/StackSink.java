package io.tcpclose.stack;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Effect;
import io.tcpclose.engine.EffectSink;
import io.tcpclose.engine.MutableTcb;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.TcpState;
import io.tcpclose.timer.TimerWheel;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;

/**
 * Steps one connection in place ({@link #step}) and carries out its effects as the engine
 * reports them: segments out, bytes
 * into the receive queue, bookkeeping, and the application's notices, collected to run after
 * the step so a callback that steps a connection again never interleaves with it. One per
 * {@link TcpStack}, re-pointed at each step's connection (the stack saves and restores the
 * pointers around a nested step); confined to the stack's thread.
 */
final class StackSink implements EffectSink {
    private final TcpStack stack;
    Connection c;
    long now;
    Effect.NewIncarnation incarnation;
    /** What the step in progress reported through {@link #queued}, -1 for none. */
    private int queued = -1;
    /** What the last finished step reported through {@link #queued}, -1 for none: read right after {@link #step} returns. */
    int lastQueued = -1;

    @Override
    public void transmit(Segment segment, Effect.Why why) {
        stack.send(c.id, c.outbound, segment, why, now);
    }

    @Override
    public void queued(int bytes) {
        queued = bytes;
    }

    @Override
    public void deliver(Bytes data) {
        if (c.received == null) {
            c.received = new java.util.ArrayDeque<>();
        }
        c.received.add(data);
        c.receivedBytes += data.length();
        notice(c, Notice.READABLE, null);
    }

    @Override
    public void peerFinished() {
        c.peerFinished = true;
        notice(c, Notice.PEER_FINISHED, null);
    }

    @Override
    public void stateChanged(TcpState from, TcpState to) {
        stack.observer.stateChanged(now, c.id, from, to);
        if (to == TcpState.ESTABLISHED && !c.established) {
            c.established = true;
            notice(c, Notice.ESTABLISHED, null);
        }
        if (from == TcpState.SYN_RECEIVED) {
            Listeners.leftBacklog(c);
            if (to.isSynchronized()) {
                stack.timeWaits.retirePredecessor(c, now);
            }
        }
        if (to == TcpState.TIME_WAIT && c.receivedBytes == 0) {
            c.received = null; // TIME-WAIT keeps only the engine state
        }
    }

    @Override
    public void closeCompleted() {
        c.closeCompleted = true;
        notice(c, Notice.CLOSE_COMPLETED, null);
    }

    @Override
    public void closed(CloseReason reason) {
        stack.counters.closed[reason.ordinal()]++;
        stack.unregister(c);
        Listeners.leftBacklog(c);
        if (!c.established) {
            stack.timeWaits.restorePredecessor(c, now);
        }
        // Every connection the application knows of hears it once: an active open from
        // the start, a passive one from its acceptance.
        if (c.established || c.listener != null) {
            notice(c, Notice.CLOSED, reason);
        }
    }

    @Override
    public void rejected(RejectReason reason, Segment segment) {
        stack.rejected(c.id, reason, segment, now);
    }

    @Override
    public void nextDeadline(long atNanos, boolean pending) {
        // The wheel follows MutableTcb.nextDeadline() after the step: derived, not told.
    }

    @Override
    public void newIncarnation(Segment syn, int oldSndNxt) {
        incarnation = new Effect.NewIncarnation(syn, oldSndNxt);
    }

    /** Whether a step or its callbacks are running now. */
    boolean stepping() {
        return c != null || noticeCount > 0;
    }

    StackSink(TcpStack stack) {
        this.stack = stack;
    }

    /**
     * One engine step for a connection, in place; returns the engine's admission of a new
     * incarnation, if any. The effects are carried out as the engine reports them ({@link
     * StackSink}); the application's callbacks run after the step, so a callback that steps a
     * connection again never interleaves with this one.
     */
    Effect.NewIncarnation step(Connection c, Event event, long now) {
        return run(c, event, null, false, now);
    }

    /** {@link #step} of a segment arriving, without an {@link Event.Arrive} per segment. */
    Effect.NewIncarnation arrive(Connection c, Segment segment, boolean listening, long now) {
        return run(c, null, segment, listening, now);
    }

    private Effect.NewIncarnation run(Connection c, Event event, Segment segment, boolean listening, long now) {
        MutableTcb t = c.live;
        int queuedBefore = t.sendQueueLength();
        int cwndBefore = t.cwnd();
        int ssthreshBefore = t.ssthresh();
        int nxtBefore = t.sndNxt();
        int unaBefore = t.sndUna();
        // This step's notices go above the mark; a nested step (a transport handing a segment
        // straight back, a callback calling send) runs its own above ours and pops them.
        int mark = noticeCount;
        Connection outerC = this.c;
        long outerNow = this.now;
        Effect.NewIncarnation outerIncarnation = this.incarnation;
        int outerQueued = this.queued;
        this.c = c;
        this.now = now;
        this.incarnation = null;
        this.queued = -1;
        Effect.NewIncarnation incarnation;
        int taken;
        try {
            try {
                if (event != null) {
                    t.step(event, now, this);
                } else {
                    t.arrive(segment, listening, now, this);
                }
            } finally {
                incarnation = this.incarnation;
                taken = this.queued;
                this.c = outerC;
                this.now = outerNow;
                this.incarnation = outerIncarnation;
                this.queued = outerQueued;
            }
            if (t.cwnd() != cwndBefore || t.ssthresh() != ssthreshBefore || t.sndNxt() != nxtBefore || t.sndUna() != unaBefore) {
                stack.observer.congestion(now, c.id, t.cwnd(), t.ssthresh(), t.sndNxt() - t.sndUna());
            }
            syncTimer(c);
            // Writable again: room freed after a send that did not fit, or everything sent is acknowledged.
            int queued = t.sendQueueLength();
            if ((c.sendBlocked && t.sendRoom() > 0 && t.state().maySend())
                    || (queuedBefore > 0 && queued == 0 && t.state().isSynchronized())) {
                c.sendBlocked = false;
                notice(c, Notice.WRITABLE, null);
            }
            if (t.state() == TcpState.TIME_WAIT && stack.timeWaits.compact(c) && (c.established || c.listener != null)) {
                // The application closed and lets go now; its TIME-WAIT goes on in the stack.
                notice(c, Notice.CLOSED, CloseReason.NORMAL);
            }
            for (int i = mark, end = noticeCount; i < end; i++) {
                tell(noticeConnection[i], noticeKind[i], noticeReason[i]);
            }
        } finally {
            for (int i = mark; i < noticeCount; i++) {
                noticeConnection[i] = null; // nothing kept alive by a finished step
                noticeReason[i] = null;
            }
            noticeCount = mark;
        }
        lastQueued = taken; // after the callbacks, whose own steps set it too
        return incarnation;
    }

    private void syncTimer(Connection c) {
        if (c.slot < 0) {
            return;
        }
        long want = c.live.nextDeadline();
        boolean pending = c.live.hasDeadline();
        if (pending == (c.timerId != TimerWheel.NULL_TIMER) && (!pending || want == c.scheduledDeadline)) {
            return;
        }
        if (!pending) {
            stack.wheel.cancel(c.timerId);
            c.timerId = TimerWheel.NULL_TIMER;
        } else if (!stack.wheel.reschedule(c.timerId, want)) {
            c.timerId = stack.wheel.schedule(want, c.slot);
        }
        c.scheduledDeadline = want;
    }

    /** What the application hears, in the order the step produced it. */
    enum Notice { ESTABLISHED, READABLE, WRITABLE, PEER_FINISHED, CLOSE_COMPLETED, CLOSED }

    // The notices waiting to be told, in order: a stack of (connection, kind, reason) that each
    // step pushes above its mark and pops when it has told them. No allocation per notice.
    private Connection[] noticeConnection = new Connection[16];
    private Notice[] noticeKind = new Notice[16];
    private CloseReason[] noticeReason = new CloseReason[16];
    private int noticeCount;

    /** Queues a notice for the application, told after the step that caused it. */
    void notice(Connection c, Notice kind, CloseReason reason) {
        if (noticeCount == noticeConnection.length) {
            int n = 2 * noticeCount;
            noticeConnection = java.util.Arrays.copyOf(noticeConnection, n);
            noticeKind = java.util.Arrays.copyOf(noticeKind, n);
            noticeReason = java.util.Arrays.copyOf(noticeReason, n);
        }
        noticeConnection[noticeCount] = c;
        noticeKind[noticeCount] = kind;
        noticeReason[noticeCount] = reason;
        noticeCount++;
    }

    /** Tells the application one notice (an ESTABLISHED passive connection is first handed to its acceptor). */
    private void tell(Connection c, Notice kind, CloseReason reason) {
        if (kind == Notice.ESTABLISHED && c.listener == null) {
            Listeners.Listener on = stack.listeners.get(c.id.localPort());
            if (on == null) {
                return;
            }
            try {
                c.listener = on.acceptor.accept(c);
            } catch (RuntimeException | Error e) {
                // Nobody will ever serve this connection: reset it rather than leave it open.
                if (c.slot >= 0) {
                    stack.step(c, Event.ABORT, stack.clock.nanoTime());
                }
                throw e;
            }
        }
        ConnectionListener l = c.listener;
        if (l == null) {
            return;
        }
        switch (kind) {
            case ESTABLISHED:
                l.onEstablished(c);
                break;
            case READABLE:
                l.onReadable(c);
                break;
            case WRITABLE:
                l.onWritable(c);
                break;
            case PEER_FINISHED:
                l.onPeerFinished(c);
                break;
            case CLOSE_COMPLETED:
                l.onCloseCompleted(c);
                break;
            default:
                l.onClosed(c, reason);
        }
    }
}
