package io.tcpclose.nio;

import io.tcpclose.stack.TcpStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread that owns a {@link TcpStack} and the {@link PacketLink} its segments ride on (UDP
 * datagrams, or raw IP through a TUN device). Each turn it reads the clock once, runs the tasks
 * other threads handed it, drains waiting packets (at most {@value #READS_PER_TURN} a turn),
 * fires due timers, flushes output the link could not take, and sleeps until the stack's next
 * deadline or a wake-up: never a busy spin, never a periodic tick when nothing is due.
 *
 * <p>Thread-safety: {@link #call} and {@link #execute} may be called from any thread; everything
 * else runs on the loop thread, which is the only one to touch the stack.
 */
final class EventLoop implements Runnable {
    static final int READS_PER_TURN = 256;
    static final int TASK_QUEUE = 65_536;

    private final PacketLink link;
    private final ArrayBlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(TASK_QUEUE);
    private final Thread thread;
    private long turnNanos = System.nanoTime();
    private volatile boolean running = true;
    private TcpStack stack;
    private final PacketLink.Sink sink = new PacketLink.Sink() {
        @Override
        public void segment(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer segment) {
            deliver(source, sourcePort, destination, destinationPort, segment);
        }

        @Override
        public void icmpError(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
                              int type, int code, ByteBuffer quoted) {
            try {
                stack.icmpError(source, sourcePort, destination, destinationPort, type, code, quoted);
            } catch (RuntimeException e) {
                callbackFailures.incrementAndGet(); // a listener's onClosed threw; the loop goes on
                System.getLogger(EventLoop.class.getName()).log(System.Logger.Level.WARNING, "a callback failed", e);
            }
        }
    };

    final AtomicLong callbackFailures = new AtomicLong();

    EventLoop(PacketLink link) {
        this.link = link;
        thread = new Thread(this, "tcpclose-loop " + link.localAddress());
        thread.setDaemon(true);
    }

    /** The link's local address: ours, and our tunnel port (0 on a raw IP link). */
    InetSocketAddress localAddress() {
        return link.localAddress();
    }

    PacketLink link() {
        return link;
    }

    /** The clock the stack reads: the loop's reading for this turn. */
    long turnNanos() {
        return turnNanos;
    }

    void start(TcpStack s) {
        stack = s;
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on the loop thread soon.
     *
     * @throws IllegalStateException      when the stack is closed
     * @throws RejectedExecutionException when the loop's task queue is full (a bound, counted by the caller's failure)
     */
    void execute(Runnable task) {
        if (!running) {
            throw new IllegalStateException("the stack is closed");
        }
        if (!tasks.offer(task)) {
            throw new RejectedExecutionException("the loop's task queue is full (" + TASK_QUEUE + " tasks)");
        }
        link.wakeup();
    }

    /**
     * Runs {@code task} on the loop and returns its result: at once when called from the loop
     * thread (a callback), otherwise by handing it over and waiting up to {@code timeoutMillis}.
     */
    <T> T call(Callable<T> task, long timeoutMillis) throws Exception {
        if (inLoop()) {
            return task.call();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the loop did not answer within " + timeoutMillis + " ms", e);
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                turnNanos = System.nanoTime();
                runTasks();
                link.read(sink, READS_PER_TURN);
                stack.poll();
                link.flush();
                sleep();
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // the link was closed under us by close(): the loop ends
        } finally {
            running = false;
            runTasks(); // fail nobody silently: tasks left see a closed stack
        }
    }

    private void runTasks() {
        for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                callbackFailures.incrementAndGet();
                System.getLogger(EventLoop.class.getName()).log(System.Logger.Level.WARNING, "a task on the loop failed", e);
            }
        }
    }

    private void deliver(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer segment) {
        try {
            stack.receive(source, sourcePort, destination, destinationPort, segment);
        } catch (RuntimeException e) {
            callbackFailures.incrementAndGet(); // a listener threw; the loop goes on
            System.getLogger(EventLoop.class.getName()).log(System.Logger.Level.WARNING, "a callback failed", e);
        }
    }

    private void sleep() throws IOException {
        if (!tasks.isEmpty()) {
            link.await(0);
        } else if (stack.hasDeadline()) {
            long wait = stack.nextDeadlineNanos() - System.nanoTime();
            link.await(Math.max(0, wait));
        } else {
            link.await(-1);
        }
    }

    /** Stops the loop and releases the link and the thread; waits up to {@code millis} for the thread. */
    void close(long millis) {
        running = false;
        link.wakeup();
        if (!inLoop()) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        link.close();
    }

    boolean running() {
        return running;
    }
}
