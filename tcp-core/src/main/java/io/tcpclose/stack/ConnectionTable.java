package io.tcpclose.stack;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The stack's connections, found by 4-tuple and by slot.
 *
 * <p>By 4-tuple: an open-addressing table (linear probing, backward-shift deletion, so no
 * tombstones) whose keys are primitives beside the {@link Connection} references: two words
 * per cell, the addresses and the four ports. A lookup reads the key words and the reference
 * of one cell, both found from the hash, so it needs no {@link FourTuple}, no boxed key and no
 * walk through key objects. An IPv4 address is its 32-bit value (exact); any other address
 * keys by its hash, and a key match is confirmed against the connection's own addresses.
 *
 * <p>By slot: each connection has a small integer, reused after it leaves, that a timer
 * carries as its attachment, so a firing timer finds its connection with one array read.
 *
 * <p>Not thread-safe: the stack's thread owns it.
 */
final class ConnectionTable {
    /** Whether {@code Inet4Address.hashCode()} is the address itself on this JVM (it has been in every JDK; checked, not assumed). */
    private static final boolean V4_HASH_IS_ADDRESS = v4HashIsAddress();
    private static final int MIN_CELLS = 16;

    /** Odd multiplier keying the hash, random per table so peers cannot aim at one probe run. */
    private final long hashSeed;
    private long[] keys = new long[2 * MIN_CELLS];
    private Connection[] cells = new Connection[MIN_CELLS];
    private int size;

    private Connection[] slots = new Connection[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int slotsUsed;

    ConnectionTable() {
        this(new SplittableRandom().nextLong());
    }

    /** With a fixed hash key, for reproducible tests; the key changes the layout, never the behaviour. */
    ConnectionTable(long hashKey) {
        this.hashSeed = hashKey | 1;
    }

    int size() {
        return size;
    }

    /** The connection for these addresses and ports (local side first), or null. */
    Connection find(InetAddress local, int localPort, InetAddress remote, int remotePort, int localTunnelPort, int remoteTunnelPort) {
        long addrs = addresses(local, remote);
        long ports = ports(localPort, remotePort, localTunnelPort, remoteTunnelPort);
        boolean exact = exact(local, remote);
        int mask = cells.length - 1;
        for (int i = cell(addrs, ports, mask); ; i = (i + 1) & mask) {
            Connection c = cells[i];
            if (c == null) {
                return null;
            }
            if (keys[2 * i] == addrs && keys[2 * i + 1] == ports
                    && (exact || (c.id.localAddress().equals(local) && c.id.remoteAddress().equals(remote)))) {
                return c;
            }
        }
    }

    Connection find(FourTuple id) {
        return find(id.localAddress(), id.localPort(), id.remoteAddress(), id.remotePort(), id.localTunnelPort(), id.remoteTunnelPort());
    }

    /** The connection holding a slot, or null. */
    Connection atSlot(int slot) {
        return slot >= 0 && slot < slotsUsed ? slots[slot] : null;
    }

    /** Adds a connection, whose 4-tuple must not be here, and gives it a slot. */
    void add(Connection c) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (slotsUsed == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
                freeSlots = Arrays.copyOf(freeSlots, slots.length);
            }
            slot = slotsUsed++;
        }
        slots[slot] = c;
        c.slot = slot;
        if (4 * (size + 1) > 3 * cells.length) {
            rehash(2 * cells.length);
        }
        insert(c);
        size++;
    }

    /** Removes a connection and frees its slot; it must be here. */
    void remove(Connection c) {
        int mask = cells.length - 1;
        int i = cell(addresses(c.id), ports(c.id), mask);
        while (cells[i] != c) {
            if (cells[i] == null) {
                throw new IllegalStateException("connection " + c.id + " is not in the table");
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole.
        int hole = i;
        for (int j = (hole + 1) & mask; cells[j] != null; j = (j + 1) & mask) {
            int home = cell(keys[2 * j], keys[2 * j + 1], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                cells[hole] = cells[j];
                keys[2 * hole] = keys[2 * j];
                keys[2 * hole + 1] = keys[2 * j + 1];
                hole = j;
            }
        }
        cells[hole] = null;
        size--;
        slots[c.slot] = null;
        freeSlots[freeCount++] = c.slot;
        c.slot = -1;
    }

    /** {@return the connections, in slot order} */
    List<Connection> all() {
        List<Connection> out = new ArrayList<>(size);
        for (int s = 0; s < slotsUsed; s++) {
            if (slots[s] != null) {
                out.add(slots[s]);
            }
        }
        return out;
    }

    /** Forgets every connection (each marked gone); the arrays keep their size. */
    void clear() {
        for (int s = 0; s < slotsUsed; s++) {
            Connection c = slots[s];
            if (c != null) {
                c.discarded = true;
                c.slot = -1;
            }
        }
        Arrays.fill(slots, 0, slotsUsed, null);
        Arrays.fill(cells, null);
        freeCount = 0;
        slotsUsed = 0;
        size = 0;
    }

    private void insert(Connection c) {
        long addrs = addresses(c.id);
        long ports = ports(c.id);
        int mask = cells.length - 1;
        int i = cell(addrs, ports, mask);
        while (cells[i] != null) {
            i = (i + 1) & mask;
        }
        cells[i] = c;
        keys[2 * i] = addrs;
        keys[2 * i + 1] = ports;
    }

    private void rehash(int n) {
        Connection[] old = cells;
        cells = new Connection[n];
        keys = new long[2 * n];
        for (Connection c : old) {
            if (c != null) {
                insert(c);
            }
        }
    }

    private int cell(long addrs, long ports, int mask) {
        long h = (addrs ^ Long.rotateLeft(ports, 31)) * hashSeed;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private static long addresses(InetAddress local, InetAddress remote) {
        return ((long) local.hashCode() << 32) | (remote.hashCode() & 0xFFFF_FFFFL);
    }

    private static long addresses(FourTuple id) {
        return addresses(id.localAddress(), id.remoteAddress());
    }

    private static long ports(FourTuple id) {
        return ports(id.localPort(), id.remotePort(), id.localTunnelPort(), id.remoteTunnelPort());
    }

    private static long ports(int localPort, int remotePort, int localTunnelPort, int remoteTunnelPort) {
        return ((long) localPort << 48) | ((long) remotePort << 32) | ((long) localTunnelPort << 16) | remoteTunnelPort;
    }

    private static boolean exact(InetAddress local, InetAddress remote) {
        return V4_HASH_IS_ADDRESS && local instanceof Inet4Address && remote instanceof Inet4Address;
    }

    private static boolean v4HashIsAddress() {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) 129}).hashCode() == 0xC0000281
                    && InetAddress.getByAddress(new byte[] {10, 1, 2, 3}).hashCode() == 0x0A010203;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
