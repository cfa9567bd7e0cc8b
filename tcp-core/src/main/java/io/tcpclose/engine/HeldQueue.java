package io.tcpclose.engine;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reassembly queue of a snapshot: out-of-order segments in sequence order, immutable.
 *
 * <p>After a loss, every later segment arrives out of order and is appended after the last
 * one held; copying the whole queue for each of them made reassembly quadratic in the window.
 * So queues share a backing array: a queue is a view {@code [from, to)} of it, and appending
 * to a view that ends where the array's filled part ends writes in place and returns a longer
 * view. The views older snapshots hold never look past their own end, so they do not change.
 * Claiming the next cell is a compare-and-set: two appends to the same view (two threads
 * stepping one snapshot, or one snapshot stepped twice) cannot both write it; the loser copies.
 * Inserting before the end, a rarer reordering, copies.
 *
 * <p>Immutable and thread-safe as seen through its methods.
 */
final class HeldQueue {
    /** A segment held for reassembly: its data, and whether a FIN follows it. */
    record Held(int seq, io.tcpclose.wire.Bytes data, boolean fin) {
        int end() {
            return seq + data.length() + (fin ? 1 : 0);
        }
    }

    static final HeldQueue EMPTY = new HeldQueue(new Held[0], new AtomicInteger(), 0, 0);

    private final Held[] items;
    /** How many cells of {@code items} some view has claimed. */
    private final AtomicInteger filled;
    private final int from;
    private final int to;

    private HeldQueue(Held[] items, AtomicInteger filled, int from, int to) {
        this.items = items;
        this.filled = filled;
        this.from = from;
        this.to = to;
    }

    int size() {
        return to - from;
    }

    boolean isEmpty() {
        return to == from;
    }

    Held get(int i) {
        return items[from + i];
    }

    /** The queue without its first {@code n} segments. */
    HeldQueue dropFirst(int n) {
        return n == size() ? EMPTY : new HeldQueue(items, filled, from + n, to);
    }

    /** The queue with {@code h} placed before the first segment whose sequence number is above its own. */
    HeldQueue add(Held h) {
        int at = size();
        while (at > 0 && io.tcpclose.wire.Seq.lt(h.seq(), get(at - 1).seq())) {
            at--;
        }
        if (at == size() && to < items.length && filled.compareAndSet(to, to + 1)) {
            items[to] = h;
            return new HeldQueue(items, filled, from, to + 1);
        }
        Held[] copy = new Held[Math.max(8, 2 * (size() + 1))];
        System.arraycopy(items, from, copy, 0, at);
        copy[at] = h;
        System.arraycopy(items, from + at, copy, at + 1, size() - at);
        return new HeldQueue(copy, new AtomicInteger(size() + 1), 0, size() + 1);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HeldQueue)) {
            return false;
        }
        HeldQueue q = (HeldQueue) o;
        return Arrays.equals(items, from, to, q.items, q.from, q.to);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + items[i].hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        return Arrays.toString(Arrays.copyOfRange(items, from, to));
    }
}
