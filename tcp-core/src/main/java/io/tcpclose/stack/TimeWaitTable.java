package io.tcpclose.stack;

import io.tcpclose.engine.TimeWait;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Compacted TIME-WAIT connections between IPv4 addresses, packed into primitive arrays: about
 * 60 bytes of fields per connection, a 4-byte index slot or two, and a 12-byte expiry record.
 *
 * <p>Entries live in parallel arrays with a free list; an open-addressing index (linear probing,
 * backward-shift deletion, so no tombstones) maps a 4-tuple to its entry. Expiry needs no timer
 * per entry: every TIME-WAIT lasts the same 2×MSL, so entries expire in the order they were
 * added, and a FIFO of (deadline, entry) records is already sorted. A restarted wait (a repeated
 * FIN) appends a new record, which is again the latest; the old record is recognised as stale
 * because the entry's deadline no longer matches it.
 *
 * <p>Not thread-safe: the stack's driver thread owns it.
 */
final class TimeWaitTable {
    private static final int FREE = -1;

    /** Odd multiplier keying the index hash: random per table so peers cannot aim at one probe run. */
    private final long hashSeed;
    private long[] addresses = new long[0]; // local << 32 | remote
    private int[] ports = new int[0];       // local << 16 | remote
    private int[] sndNxt = new int[0];      // doubles as the free-list link of a free entry
    private int[] rcvNxt = new int[0];
    private int[] sndWnd = new int[0];      // FREE marks a free entry (a window is never negative)
    private int[] sndWl1 = new int[0];
    private int[] sndWl2 = new int[0];
    private int[] maxSndWnd = new int[0];
    private long[] deadline = new long[0];
    private long[] lastChallengeAck = new long[0];
    private long[] lastOutOfWindowAck = new long[0];
    private int used;
    private int size;
    private int freeHead = FREE;

    private int[] index = new int[16];      // entry + 1, or 0 for an empty slot
    private long[] fifoDeadline = new long[16];
    private int[] fifoEntry = new int[16];
    private int fifoHead;
    private int fifoCount;

    TimeWaitTable() {
        this(new SplittableRandom().nextLong());
    }

    /** With a fixed hash key, for reproducible tests; the key changes the layout, never the behaviour. */
    TimeWaitTable(long hashKey) {
        this.hashSeed = hashKey | 1;
    }

    int size() {
        return size;
    }

    /** Whether the connection between these addresses can be held here (IPv4 only). */
    static boolean fits(FourTuple id) {
        return id.localAddress() instanceof Inet4Address && id.remoteAddress() instanceof Inet4Address;
    }

    static long addresses(InetAddress local, InetAddress remote) {
        return (ipv4(local) << 32) | ipv4(remote);
    }

    private static long ipv4(InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    /** The entry for a 4-tuple, or -1. */
    int find(long addrs, int localPort, int remotePort) {
        if (size == 0) {
            return -1;
        }
        int p = (localPort << 16) | remotePort;
        int mask = index.length - 1;
        for (int s = slotOf(addrs, p); ; s = (s + 1) & mask) {
            int e = index[s] - 1;
            if (e < 0) {
                return -1;
            }
            if (addresses[e] == addrs && ports[e] == p) {
                return e;
            }
        }
    }

    int find(FourTuple id) {
        if (size == 0 || !fits(id)) {
            return -1;
        }
        return find(addresses(id.localAddress(), id.remoteAddress()), id.localPort(), id.remotePort());
    }

    /** Adds a connection; the 4-tuple must not be present. */
    int add(long addrs, TimeWait tw) {
        int e = freeHead;
        if (e != FREE) {
            freeHead = sndNxt[e];
        } else {
            if (used == addresses.length) {
                grow(Math.max(64, 2 * used));
            }
            e = used++;
        }
        addresses[e] = addrs;
        ports[e] = (tw.localPort() << 16) | tw.remotePort();
        write(e, tw);
        size++;
        if (2 * size > index.length) {
            rehash(2 * index.length);
        } else {
            insertIndex(e);
        }
        pushExpiry(tw.deadlineNanos(), e);
        return e;
    }

    /** The entry's compact form. */
    TimeWait get(int e) {
        return new TimeWait(ports[e] >>> 16, ports[e] & 0xFFFF, sndNxt[e], rcvNxt[e], sndWnd[e], sndWl1[e], sndWl2[e],
                maxSndWnd[e], deadline[e], lastChallengeAck[e], lastOutOfWindowAck[e]);
    }

    /** Replaces the entry's fields after a step; a moved deadline gets a new expiry record. */
    void update(int e, TimeWait tw) {
        long before = deadline[e];
        write(e, tw);
        if (tw.deadlineNanos() != before) {
            pushExpiry(tw.deadlineNanos(), e);
        }
    }

    void remove(int e) {
        removeIndex(e);
        sndWnd[e] = FREE;
        sndNxt[e] = freeHead;
        freeHead = e;
        size--;
    }

    /**
     * The next entry whose wait has ended by {@code now} (still present; the caller removes or
     * updates it), or -1. Stale expiry records are dropped on the way.
     */
    int nextExpired(long now) {
        while (fifoCount > 0) {
            long d = fifoDeadline[fifoHead];
            if (d - now > 0) {
                return -1;
            }
            int e = fifoEntry[fifoHead];
            fifoHead = (fifoHead + 1) & (fifoDeadline.length - 1);
            fifoCount--;
            if (sndWnd[e] != FREE && deadline[e] == d) {
                return e;
            }
        }
        return -1;
    }

    /** The earliest expiry record's time (perhaps a stale one: a harmless early wake), or Long.MAX_VALUE. */
    long earliestDeadline() {
        return fifoCount == 0 ? Long.MAX_VALUE : fifoDeadline[fifoHead];
    }

    FourTuple tuple(int e) {
        return new FourTuple(address((int) (addresses[e] >>> 32)), ports[e] >>> 16,
                address((int) addresses[e]), ports[e] & 0xFFFF);
    }

    private static InetAddress address(int v) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private void write(int e, TimeWait tw) {
        sndNxt[e] = tw.sndNxt();
        rcvNxt[e] = tw.rcvNxt();
        sndWnd[e] = tw.sndWnd();
        sndWl1[e] = tw.sndWl1();
        sndWl2[e] = tw.sndWl2();
        maxSndWnd[e] = tw.maxSndWnd();
        deadline[e] = tw.deadlineNanos();
        lastChallengeAck[e] = tw.lastChallengeAckNanos();
        lastOutOfWindowAck[e] = tw.lastOutOfWindowAckNanos();
    }

    private void grow(int n) {
        addresses = Arrays.copyOf(addresses, n);
        ports = Arrays.copyOf(ports, n);
        sndNxt = Arrays.copyOf(sndNxt, n);
        rcvNxt = Arrays.copyOf(rcvNxt, n);
        sndWnd = Arrays.copyOf(sndWnd, n);
        sndWl1 = Arrays.copyOf(sndWl1, n);
        sndWl2 = Arrays.copyOf(sndWl2, n);
        maxSndWnd = Arrays.copyOf(maxSndWnd, n);
        deadline = Arrays.copyOf(deadline, n);
        lastChallengeAck = Arrays.copyOf(lastChallengeAck, n);
        lastOutOfWindowAck = Arrays.copyOf(lastOutOfWindowAck, n);
    }

    private int slotOf(long addrs, int p) {
        long h = (addrs ^ ((long) p << 17)) * hashSeed;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32)) & (index.length - 1);
    }

    private void insertIndex(int e) {
        int mask = index.length - 1;
        int s = slotOf(addresses[e], ports[e]);
        while (index[s] != 0) {
            s = (s + 1) & mask;
        }
        index[s] = e + 1;
    }

    private void removeIndex(int e) {
        int mask = index.length - 1;
        int s = slotOf(addresses[e], ports[e]);
        while (index[s] != e + 1) {
            s = (s + 1) & mask;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole.
        int hole = s;
        for (int t = (s + 1) & mask; index[t] != 0; t = (t + 1) & mask) {
            int k = index[t] - 1;
            int home = slotOf(addresses[k], ports[k]);
            // k may move to the hole if its home is not cyclically within (hole, t].
            if (((t - home) & mask) >= ((t - hole) & mask)) {
                index[hole] = index[t];
                hole = t;
            }
        }
        index[hole] = 0;
    }

    private void rehash(int n) {
        index = new int[n];
        for (int e = 0; e < used; e++) {
            if (sndWnd[e] != FREE) {
                insertIndex(e);
            }
        }
    }

    private void pushExpiry(long d, int e) {
        if (fifoCount == fifoDeadline.length) {
            int n = fifoDeadline.length;
            long[] dl = new long[2 * n];
            int[] en = new int[2 * n];
            for (int i = 0; i < n; i++) {
                dl[i] = fifoDeadline[(fifoHead + i) & (n - 1)];
                en[i] = fifoEntry[(fifoHead + i) & (n - 1)];
            }
            fifoDeadline = dl;
            fifoEntry = en;
            fifoHead = 0;
        }
        int tail = (fifoHead + fifoCount) & (fifoDeadline.length - 1);
        fifoDeadline[tail] = d;
        fifoEntry[tail] = e;
        fifoCount++;
    }
}
