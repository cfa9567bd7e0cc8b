package io.tcpclose.stack;

import io.tcpclose.engine.TimeWait;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Compacted TIME-WAIT connections between IPv4 addresses, packed into primitive arrays: 64
 * bytes of fields per connection, a 4-byte index slot or two, and a 12-byte expiry record.
 *
 * <p>Entries live in one array, eight words each, with a free list; an open-addressing index (linear probing,
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
    // One entry is eight words side by side in one array (a few large arrays rather than eleven
    // keep the garbage collector's rounding of huge arrays small, and one entry one cache line):
    private static final int STRIDE = 8;
    private static final int ADDRESSES = 0;  // local << 32 | remote
    private static final int PORTS_SND = 1;  // (local << 16 | remote) << 32 | SND.NXT
    private static final int RCV_WND = 2;    // RCV.NXT << 32 | SND.WND (FREE marks a free entry; SND.NXT is then the free-list link)
    private static final int WL = 3;         // SND.WL1 << 32 | SND.WL2
    private static final int MAX_WND = 4;    // flags << 32 | the largest window offered (flags: challenge ACK sent 1, out-of-window ACK sent 2)
    private static final int DEADLINE = 5;
    private static final int CHALLENGE = 6;
    private static final int OUT_OF_WINDOW = 7;
    private static final long LOW = 0xFFFF_FFFFL;

    private long[] words = new long[0];
    private int capacity;
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

    /** Whether the connection between these addresses can be held here (IPv4, no tunnel: the table keeps no tunnel ports). */
    static boolean fits(FourTuple id) {
        return id.localAddress() instanceof Inet4Address && id.remoteAddress() instanceof Inet4Address && !id.tunnelled();
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
            if (words[e * STRIDE + ADDRESSES] == addrs && ports(e) == p) {
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
            freeHead = (int) words[e * STRIDE + PORTS_SND];
        } else {
            if (used == capacity) {
                grow(Math.max(64, 2 * used));
            }
            e = used++;
        }
        words[e * STRIDE + ADDRESSES] = addrs;
        write(e, (tw.localPort() << 16) | tw.remotePort(), tw);
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
        int b = e * STRIDE;
        int p = ports(e);
        long rw = words[b + RCV_WND];
        long wl = words[b + WL];
        return new TimeWait(p >>> 16, p & 0xFFFF, (int) words[b + PORTS_SND], (int) (rw >>> 32), (int) rw,
                (int) (wl >>> 32), (int) wl, (int) words[b + MAX_WND], words[b + DEADLINE], words[b + CHALLENGE],
                words[b + OUT_OF_WINDOW], (words[b + MAX_WND] & (1L << 32)) != 0, (words[b + MAX_WND] & (2L << 32)) != 0);
    }

    private int ports(int e) {
        return (int) (words[e * STRIDE + PORTS_SND] >>> 32);
    }

    private boolean live(int e) {
        return (int) words[e * STRIDE + RCV_WND] != FREE;
    }

    /** Replaces the entry's fields after a step; a moved deadline gets a new expiry record. */
    void update(int e, TimeWait tw) {
        long before = words[e * STRIDE + DEADLINE];
        write(e, ports(e), tw);
        if (tw.deadlineNanos() != before) {
            pushExpiry(tw.deadlineNanos(), e);
        }
    }

    void remove(int e) {
        removeIndex(e);
        words[e * STRIDE + RCV_WND] = FREE & LOW; // SND.WND = FREE (a window is never negative)
        words[e * STRIDE + PORTS_SND] = freeHead;
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
            if (live(e) && words[e * STRIDE + DEADLINE] == d) {
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
        long addrs = words[e * STRIDE + ADDRESSES];
        int p = ports(e);
        return new FourTuple(address((int) (addrs >>> 32)), p >>> 16, address((int) addrs), p & 0xFFFF);
    }

    private static InetAddress address(int v) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private void write(int e, int ports, TimeWait tw) {
        int b = e * STRIDE;
        words[b + PORTS_SND] = ((long) ports << 32) | (tw.sndNxt() & LOW);
        words[b + RCV_WND] = ((long) tw.rcvNxt() << 32) | (tw.sndWnd() & LOW);
        words[b + WL] = ((long) tw.sndWl1() << 32) | (tw.sndWl2() & LOW);
        words[b + MAX_WND] = (tw.maxSndWnd() & LOW) | (tw.challengeAckSent() ? 1L << 32 : 0)
                | (tw.outOfWindowAckSent() ? 2L << 32 : 0);
        words[b + DEADLINE] = tw.deadlineNanos();
        words[b + CHALLENGE] = tw.lastChallengeAckNanos();
        words[b + OUT_OF_WINDOW] = tw.lastOutOfWindowAckNanos();
    }

    private void grow(int n) {
        words = Arrays.copyOf(words, n * STRIDE);
        capacity = n;
    }

    private int slotOf(long addrs, int p) {
        long h = (addrs ^ ((long) p << 17)) * hashSeed;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32)) & (index.length - 1);
    }

    private void insertIndex(int e) {
        int mask = index.length - 1;
        int s = slotOf(words[e * STRIDE + ADDRESSES], ports(e));
        while (index[s] != 0) {
            s = (s + 1) & mask;
        }
        index[s] = e + 1;
    }

    private void removeIndex(int e) {
        int mask = index.length - 1;
        int s = slotOf(words[e * STRIDE + ADDRESSES], ports(e));
        while (index[s] != e + 1) {
            s = (s + 1) & mask;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole.
        int hole = s;
        for (int t = (s + 1) & mask; index[t] != 0; t = (t + 1) & mask) {
            int k = index[t] - 1;
            int home = slotOf(words[k * STRIDE + ADDRESSES], ports(k));
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
            if (live(e)) {
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
