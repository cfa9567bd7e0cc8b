package io.tcpclose.bench;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.tcpclose.timer.TimerWheel;
import java.util.PriorityQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.agrona.DeadlineTimerWheel;

/**
 * One timer facility behind a common face, so every benchmark drives each peer the same way:
 * timers live in numbered slots (one per "connection"), times are nanoseconds. Each adapter
 * uses its peer's real published API as its documentation recommends; the threaded peers
 * (Netty, the JDK) are measured from the caller's side only. Not thread-safe.
 */
abstract class Timers {
    static final long TICK_NANOS = 1L << 20; // about 1 ms, a power of two for our wheel and Agrona's
    static final int SPOKES = 4096;

    /** Arms slot {@code i} at {@code deadline}. */
    abstract void schedule(int i, long deadline);

    /** Disarms slot {@code i}. */
    abstract void cancel(int i);

    /** Moves slot {@code i} to {@code deadline}: the retransmission timer on every ACK. */
    abstract void rearm(int i, long deadline);

    /** Fires what is due at {@code now}; -1 where the peer fires on its own thread. */
    abstract int poll(long now);

    /** Timers pending. */
    abstract long pending();

    void close() {}

    static Timers create(String impl, int slots) {
        switch (impl) {
            case "tcpclose":
                return new Ours(slots);
            case "agrona":
                return new Agrona(slots);
            case "netty":
                return new Netty(slots);
            case "jdk":
                return new Jdk(slots);
            case "pq":
                return new Pq(slots);
            default:
                throw new IllegalArgumentException("unknown timer implementation " + impl);
        }
    }

    /** Our {@link TimerWheel}: reschedule keeps the id. */
    static final class Ours extends Timers {
        final TimerWheel wheel = new TimerWheel(0, TICK_NANOS, SPOKES, 1024);
        final long[] ids;
        final TimerWheel.Handler handler = (id, a, n) -> { };

        Ours(int slots) {
            ids = new long[slots];
        }

        @Override
        void schedule(int i, long deadline) {
            ids[i] = wheel.schedule(deadline, i);
        }

        @Override
        void cancel(int i) {
            wheel.cancel(ids[i]);
        }

        @Override
        void rearm(int i, long deadline) {
            wheel.reschedule(ids[i], deadline);
        }

        @Override
        int poll(long now) {
            return wheel.poll(now, handler, Integer.MAX_VALUE);
        }

        @Override
        long pending() {
            return wheel.pendingCount();
        }
    }

    /** Agrona's DeadlineTimerWheel: re-arm is cancel plus schedule (it has no reschedule). */
    static final class Agrona extends Timers {
        final DeadlineTimerWheel wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, 0, TICK_NANOS, SPOKES);
        final long[] ids;
        final DeadlineTimerWheel.TimerHandler handler = (unit, now, id) -> true;

        Agrona(int slots) {
            ids = new long[slots];
        }

        @Override
        void schedule(int i, long deadline) {
            ids[i] = wheel.scheduleTimer(deadline);
        }

        @Override
        void cancel(int i) {
            wheel.cancelTimer(ids[i]);
        }

        @Override
        void rearm(int i, long deadline) {
            wheel.cancelTimer(ids[i]);
            ids[i] = wheel.scheduleTimer(deadline);
        }

        @Override
        int poll(long now) {
            return wheel.poll(now, handler, Integer.MAX_VALUE);
        }

        @Override
        long pending() {
            return wheel.timerCount();
        }
    }

    /** A plain java.util.PriorityQueue of deadline entries: remove(Object) is a linear scan. */
    static final class Pq extends Timers {
        static final class Entry implements Comparable<Entry> {
            final long deadline;

            Entry(long deadline) {
                this.deadline = deadline;
            }

            @Override
            public int compareTo(Entry o) {
                return Long.compare(deadline, o.deadline);
            }
        }

        final PriorityQueue<Entry> queue = new PriorityQueue<>();
        final Entry[] entries;

        Pq(int slots) {
            entries = new Entry[slots];
        }

        @Override
        void schedule(int i, long deadline) {
            entries[i] = new Entry(deadline);
            queue.add(entries[i]);
        }

        @Override
        void cancel(int i) {
            queue.remove(entries[i]);
        }

        @Override
        void rearm(int i, long deadline) {
            queue.remove(entries[i]);
            schedule(i, deadline);
        }

        @Override
        int poll(long now) {
            int n = 0;
            while (!queue.isEmpty() && queue.peek().deadline - now <= 0) {
                queue.poll();
                n++;
            }
            return n;
        }

        @Override
        long pending() {
            return queue.size();
        }
    }

    /** Netty's HashedWheelTimer (1 ms tick, 4096 buckets); the caller pays an MPSC enqueue per call. */
    static final class Netty extends Timers {
        final HashedWheelTimer timer = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, "netty-wheel");
            t.setDaemon(true);
            return t;
        }, 1, TimeUnit.MILLISECONDS, SPOKES, false, 0);
        final Timeout[] timeouts;
        final io.netty.util.TimerTask task = t -> { };
        final long origin = System.nanoTime();

        Netty(int slots) {
            timeouts = new Timeout[slots];
        }

        @Override
        void schedule(int i, long deadline) {
            // Deadlines in the benchmarks are virtual; Netty takes a delay from now.
            timeouts[i] = timer.newTimeout(task, Math.max(0, deadline - (System.nanoTime() - origin)), TimeUnit.NANOSECONDS);
        }

        @Override
        void cancel(int i) {
            timeouts[i].cancel();
        }

        @Override
        void rearm(int i, long deadline) {
            timeouts[i].cancel();
            schedule(i, deadline);
        }

        @Override
        int poll(long now) {
            return -1;
        }

        @Override
        long pending() {
            return timer.pendingTimeouts();
        }

        @Override
        void close() {
            timer.stop();
        }
    }

    /** The JDK's ScheduledThreadPoolExecutor (one thread, remove-on-cancel so cancelled tasks leave the heap). */
    static final class Jdk extends Timers {
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jdk-scheduler");
            t.setDaemon(true);
            return t;
        });
        final ScheduledFuture<?>[] futures;
        final Runnable task = () -> { };
        final long origin = System.nanoTime();

        Jdk(int slots) {
            executor.setRemoveOnCancelPolicy(true);
            futures = new ScheduledFuture<?>[slots];
        }

        @Override
        void schedule(int i, long deadline) {
            futures[i] = executor.schedule(task, Math.max(0, deadline - (System.nanoTime() - origin)), TimeUnit.NANOSECONDS);
        }

        @Override
        void cancel(int i) {
            futures[i].cancel(false);
        }

        @Override
        void rearm(int i, long deadline) {
            futures[i].cancel(false);
            schedule(i, deadline);
        }

        @Override
        int poll(long now) {
            return -1;
        }

        @Override
        long pending() {
            return executor.getQueue().size();
        }

        @Override
        void close() {
            executor.shutdownNow();
        }
    }
}
