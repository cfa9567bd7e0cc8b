package io.tcpclose.nio;

import io.tcpclose.stack.TcpStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread that owns a {@link TcpStack}, a {@link Selector} and the UDP socket the stack's
 * segments ride in, one segment per datagram. Each turn it reads the clock once, runs the tasks
 * other threads handed it, drains readable datagrams (at most {@value #READS_PER_TURN} a turn,
 * into one reused buffer), fires due timers, flushes output the socket could not take, and
 * sleeps in {@code select} until the stack's next deadline or a wake-up: never a busy spin,
 * never a periodic tick when nothing is due.
 *
 * <p>Thread-safety: {@link #call} and {@link #execute} may be called from any thread; everything
 * else runs on the loop thread, which is the only one to touch the stack.
 */
final class EventLoop implements Runnable {
    static final int READS_PER_TURN = 256;
    static final int TASK_QUEUE = 65_536;
    static final int OUTPUT_QUEUE = 4_096;

    private final Selector selector;
    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final ArrayBlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(TASK_QUEUE);
    private final ByteBuffer in = ByteBuffer.allocateDirect(65_535);
    private final ArrayDeque<Pending> blocked = new ArrayDeque<>();
    private final Thread thread;
    private long turnNanos = System.nanoTime();
    private volatile boolean running = true;
    private TcpStack stack;

    final AtomicLong datagramsIn = new AtomicLong();
    final AtomicLong datagramsOut = new AtomicLong();
    final AtomicLong socketErrors = new AtomicLong();
    final AtomicLong outputDrops = new AtomicLong();
    final AtomicLong callbackFailures = new AtomicLong();

    private record Pending(ByteBuffer bytes, InetSocketAddress to) {}

    EventLoop(InetSocketAddress bind) throws IOException {
        selector = Selector.open();
        channel = DatagramChannel.open();
        try {
            // Room for bursts (a thousand SYNs at once); the kernel may grant less.
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.bind(bind);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            channel.close();
            selector.close();
            throw e;
        }
        local = (InetSocketAddress) channel.getLocalAddress();
        thread = new Thread(this, "tcpclose-loop " + local);
        thread.setDaemon(true);
    }

    /** The socket address the stack's datagrams leave from and arrive at. */
    InetSocketAddress localAddress() {
        return local;
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

    /** Runs {@code task} on the loop thread soon; fails when the loop is closed or its queue full. */
    void execute(Runnable task) {
        if (!running) {
            throw new RejectedExecutionException("the stack is closed");
        }
        if (!tasks.offer(task)) {
            throw new RejectedExecutionException("the loop's task queue is full (" + TASK_QUEUE + " tasks)");
        }
        selector.wakeup();
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

    /** The stack's transport: one segment per datagram to the peer's tunnel port. */
    void send(InetAddress destination, int destinationPort, ByteBuffer segment) {
        InetSocketAddress to = new InetSocketAddress(destination, destinationPort);
        if (blocked.isEmpty() && write(segment, to)) {
            return;
        }
        // The socket buffer is full: wait for OP_WRITE in a bounded queue, keeping order.
        if (blocked.size() >= OUTPUT_QUEUE) {
            outputDrops.incrementAndGet(); // the peer's retransmission recovers it, as from a lost datagram
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(segment.remaining()).put(segment).flip();
        blocked.add(new Pending(copy, to));
        SelectionKey k = channel.keyFor(selector);
        if (k != null && k.isValid()) {
            k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    /** True when the datagram left (or failed for good); false when the socket had no room. */
    private boolean write(ByteBuffer segment, InetSocketAddress to) {
        try {
            if (channel.send(segment, to) == 0) {
                return false;
            }
            datagramsOut.incrementAndGet();
        } catch (IOException e) {
            socketErrors.incrementAndGet(); // an unreachable port, a full interface: counted and survived
        }
        return true;
    }

    @Override
    public void run() {
        try {
            while (running) {
                turnNanos = System.nanoTime();
                runTasks();
                readDatagrams();
                stack.poll();
                flush();
                sleep();
            }
        } catch (ClosedChannelException | java.nio.channels.ClosedSelectorException e) {
            // closed under us by close(): the loop ends
        } catch (IOException e) {
            socketErrors.incrementAndGet();
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

    private void readDatagrams() throws IOException {
        InetAddress here = local.getAddress();
        for (int i = 0; i < READS_PER_TURN; i++) {
            in.clear();
            SocketAddress from;
            try {
                from = channel.receive(in);
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException e) {
                socketErrors.incrementAndGet();
                continue;
            }
            if (from == null) {
                return;
            }
            datagramsIn.incrementAndGet();
            in.flip();
            InetSocketAddress src = (InetSocketAddress) from;
            try {
                stack.receive(src.getAddress(), src.getPort(), here, local.getPort(), in);
            } catch (RuntimeException e) {
                callbackFailures.incrementAndGet(); // a listener threw; the loop goes on
                System.getLogger(EventLoop.class.getName()).log(System.Logger.Level.WARNING, "a callback failed", e);
            }
        }
    }

    private void flush() {
        while (!blocked.isEmpty()) {
            Pending p = blocked.peek();
            if (!write(p.bytes(), p.to())) {
                return;
            }
            blocked.poll();
        }
        SelectionKey k = channel.keyFor(selector);
        if (k != null && k.isValid() && (k.interestOps() & SelectionKey.OP_WRITE) != 0) {
            k.interestOps(SelectionKey.OP_READ);
        }
    }

    private void sleep() throws IOException {
        if (!tasks.isEmpty()) {
            selector.selectNow();
        } else if (stack.hasDeadline()) {
            long wait = stack.nextDeadlineNanos() - System.nanoTime();
            if (wait <= 0) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
            }
        } else {
            selector.select();
        }
        selector.selectedKeys().clear();
    }

    /** Stops the loop and releases the socket and the thread; waits up to {@code millis} for the thread. */
    void close(long millis) {
        running = false;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            channel.close();
            selector.close();
        } catch (IOException e) {
            socketErrors.incrementAndGet();
        }
    }

    boolean running() {
        return running;
    }
}
