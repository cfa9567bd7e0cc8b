package io.tcpclose.tun.cli;

import io.tcpclose.engine.Effect;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.TcpState;
import io.tcpclose.ladder.LadderNotes;
import io.tcpclose.ladder.LadderRenderer;
import io.tcpclose.stack.FourTuple;
import io.tcpclose.stack.StackObserver;
import io.tcpclose.wire.CaptureWriter;
import io.tcpclose.wire.Segment;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects a run against a real peer as the simulator's ladder draws it: our segments and states
 * from the stack (on the loop thread), the kernel's states from {@link KernelStates} (on its
 * thread) and the applications' steps (on the main thread), each stamped with
 * {@link System#nanoTime()} when it is reported (our segments too, rather than with the loop's
 * reading for its turn, so that they fall in the right order with the kernel's changes, which
 * happen while the loop writes; the capture uses the same times); {@link #render} sorts them by time (stably, so one loop turn keeps
 * its order) and draws them with the remarks every ladder uses ({@link LadderNotes}). Writes each
 * segment to a pcapng capture as well when given one. Thread-safe.
 */
final class LiveLadder implements StackObserver {
    private final List<Row> rows = new ArrayList<>();
    private final long start = System.nanoTime();
    private final long startEpochNanos;
    private final CaptureWriter capture;
    private final int iface;
    private String captureError;
    private final List<Consumer<Segment>> outWatchers = new ArrayList<>();
    private final List<Consumer<RejectReason>> rejectWatchers = new ArrayList<>();
    private final List<Drop> drops = new ArrayList<>();
    /** The end of the kernel's highest sequence number so far, to tell its retransmissions. */
    private Integer peerHighest;
    /** Our connection's end, written beside our last CLOSED when it is not NORMAL. */
    private io.tcpclose.engine.CloseReason ourEnd;

    private record Row(long nanos, Consumer<LadderRenderer> draw) {}

    LiveLadder(CaptureWriter capture) throws IOException {
        java.time.Instant now = java.time.Instant.now();
        startEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        this.capture = capture;
        this.iface = capture == null ? -1 : capture.addInterface("tun0");
    }

    /** Calls {@code w} with each segment we send, on the loop thread. */
    synchronized void onSegmentOut(Consumer<Segment> w) {
        outWatchers.add(w);
    }

    /** Calls {@code w} with each rejection, on the loop thread. */
    synchronized void onRejected(Consumer<RejectReason> w) {
        rejectWatchers.add(w);
    }

    /** An application's (or the run's) step, now. */
    synchronized void note(String text) {
        long t = System.nanoTime();
        rows.add(new Row(t, r -> r.note(t - start, text)));
    }

    /** The kernel's socket entered {@code state} at {@code nanos}. */
    synchronized void kernelState(long nanos, String state) {
        rows.add(new Row(nanos, r -> r.state(nanos - start, false, state)));
    }

    @Override
    public synchronized void stateChanged(long loopNanos, FourTuple id, TcpState from, TcpState to) {
        long nanos = System.nanoTime();
        rows.add(new Row(nanos, r -> r.state(nanos - start, true,
                to == TcpState.CLOSED && ourEnd != null && ourEnd != io.tcpclose.engine.CloseReason.NORMAL
                        ? to.rfcName() + " (" + ourEnd + ")" : to.rfcName())));
    }

    /** How our connection ended, for the ladder's last CLOSED. */
    synchronized void ended(io.tcpclose.engine.CloseReason reason) {
        ourEnd = reason;
    }

    @Override
    public synchronized void segmentIn(long loopNanos, FourTuple id, Segment s) {
        long nanos = System.nanoTime();
        write(nanos, id.remoteAddress(), id.localAddress(), s);
        String remark = null;
        if (s.seqLength() > 0) {
            int end = s.seq() + s.seqLength();
            if (peerHighest != null && io.tcpclose.wire.Seq.le(end, peerHighest)) {
                remark = "retransmission (the kernel's)";
            } else {
                peerHighest = end;
            }
        }
        rows.add(new Row(nanos, new Arrow(nanos - start, false, s, null, null, remark)));
    }

    @Override
    public synchronized void segmentOut(long loopNanos, FourTuple id, Segment s, Effect.Why why) {
        long nanos = System.nanoTime();
        write(nanos, id.localAddress(), id.remoteAddress(), s);
        String fate = null;
        for (Drop d : drops) {
            if (d.matches.test(s)) {
                fate = "LOST: iptables " + d.why;
                d.count++;
                break;
            }
        }
        rows.add(new Row(nanos, new Arrow(nanos - start, true, s, why, fate, null)));
        outWatchers.forEach(w -> w.accept(s));
    }

    /**
     * Marks our segments that {@code matches} as lost while the returned drop is open: the scenario
     * calls it as it inserts an iptables rule on the path toward the kernel (which does drop them
     * on the wire) and closes it as it deletes the rule.
     */
    synchronized Drop dropping(String why, java.util.function.Predicate<Segment> matches) {
        Drop d = new Drop(why, matches);
        drops.add(d);
        return d;
    }

    /** One iptables rule's drops, as the ladder marks them. */
    final class Drop implements AutoCloseable {
        final String why;
        final java.util.function.Predicate<Segment> matches;
        /** How many of our segments the ladder marked lost under it. */
        int count;

        Drop(String why, java.util.function.Predicate<Segment> matches) {
            this.why = why;
            this.matches = matches;
        }

        @Override
        public void close() {
            synchronized (LiveLadder.this) {
                drops.remove(this);
            }
        }
    }

    @Override
    public synchronized void rejected(long loopNanos, FourTuple id, RejectReason reason, Segment segment) {
        long nanos = System.nanoTime();
        String n = LadderNotes.rejected(reason);
        if (n != null) {
            rows.add(new Row(nanos, r -> r.note(nanos - start, "tcpclose: " + n)));
        }
        rejectWatchers.forEach(w -> w.accept(reason));
    }

    /** An arrow, whose FIN remark depends on the arrows before it, so it is worked out while drawing. */
    private final class Arrow implements Consumer<LadderRenderer> {
        final long at;
        final boolean fromLeft;
        final Segment s;
        final Effect.Why why;
        final String fate;
        final String extra;

        Arrow(long at, boolean fromLeft, Segment s, Effect.Why why, String fate, String extra) {
            this.at = at;
            this.fromLeft = fromLeft;
            this.s = s;
            this.why = why;
            this.fate = fate;
            this.extra = extra;
        }

        @Override
        public void accept(LadderRenderer r) {
            String remark = LadderNotes.remark(why, finAcks.next(s, fromLeft));
            remark = extra == null ? remark : remark == null ? extra : extra + "; " + remark;
            r.segment(at, fromLeft, s, fate, remark);
        }
    }

    private LadderNotes.FinAcks finAcks;

    /** Draws everything so far. */
    synchronized String render(String left, String right) {
        return build(left, right).render();
    }

    /** Draws everything so far as a page ({@link LadderRenderer#renderHtml}). */
    synchronized String renderHtml(String left, String right, String title, String caption) {
        return build(left, right).renderHtml(title, caption);
    }

    private LadderRenderer build(String left, String right) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(Row::nanos));
        LadderRenderer r = new LadderRenderer(left, right);
        finAcks = new LadderNotes.FinAcks();
        for (Row row : sorted) {
            row.draw().accept(r);
        }
        return r;
    }

    /** Closes the capture; null when it is complete (or there is none), else what went wrong. */
    synchronized String finishCapture() {
        if (capture == null) {
            return null;
        }
        try {
            capture.close();
        } catch (IOException e) {
            captureError = captureError == null ? e.getMessage() : captureError;
        }
        return captureError;
    }

    /** {@return how many packets the capture holds} */
    synchronized long captured() {
        return capture == null ? 0 : capture.packets();
    }

    private void write(long nanos, InetAddress from, InetAddress to, Segment s) {
        if (capture == null || captureError != null) {
            return;
        }
        try {
            capture.segment(iface, startEpochNanos + (nanos - start), from.getAddress(), to.getAddress(), s, null);
        } catch (IOException | IllegalArgumentException e) {
            captureError = e.getMessage();
        }
    }
}
