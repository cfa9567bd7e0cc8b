package io.tcpclose.sim;

import java.util.Arrays;

/**
 * The simulator's pending events: a binary min-heap on (time, insertion order) kept in parallel
 * arrays, so scheduling an event allocates nothing once the arrays have grown. Ties in time go
 * in insertion order, which keeps a run deterministic. Not thread-safe; one simulator owns it.
 */
final class EventQueue {
    private long[] times = new long[64];
    private long[] orders = new long[64];
    private int[] types = new int[64];
    private Object[] payloads = new Object[64];
    private int size;
    private long nextOrder;

    /** Set by {@link #poll}: the removed event's type and payload. */
    int polledType;
    Object polledPayload;

    /** Drops every event; the arrays keep their size. */
    void clear() {
        Arrays.fill(payloads, 0, size, null);
        size = 0;
        nextOrder = 0;
        polledPayload = null;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The earliest event's time; only when not empty. */
    long peekTime() {
        return times[0];
    }

    void add(long time, int type, Object payload) {
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            orders = Arrays.copyOf(orders, n);
            types = Arrays.copyOf(types, n);
            payloads = Arrays.copyOf(payloads, n);
        }
        long order = nextOrder++;
        int i = size++;
        while (i > 0) { // sift up: move parents down until the new event's place is found
            int parent = (i - 1) >>> 1;
            if (!before(time, order, times[parent], orders[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, time, order, type, payload);
    }

    /** Removes the earliest event, leaving its type and payload in the polled fields; returns its time. */
    long poll() {
        long time = times[0];
        polledType = types[0];
        polledPayload = payloads[0];
        int last = --size;
        long t = times[last];
        long o = orders[last];
        int ty = types[last];
        Object p = payloads[last];
        payloads[last] = null;
        if (last > 0) {
            int i = 0;
            while (true) { // sift down the former last event from the root
                int child = 2 * i + 1;
                if (child >= last) {
                    break;
                }
                if (child + 1 < last && before(times[child + 1], orders[child + 1], times[child], orders[child])) {
                    child++;
                }
                if (!before(times[child], orders[child], t, o)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            set(i, t, o, ty, p);
        }
        return time;
    }

    private static boolean before(long t1, long o1, long t2, long o2) {
        return t1 != t2 ? t1 < t2 : o1 < o2;
    }

    private void move(int from, int to) {
        times[to] = times[from];
        orders[to] = orders[from];
        types[to] = types[from];
        payloads[to] = payloads[from];
    }

    private void set(int i, long time, long order, int type, Object payload) {
        times[i] = time;
        orders[i] = order;
        types[i] = type;
        payloads[i] = payload;
    }
}
