package io.tcpclose.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tcpclose.engine.MutableTcb;
import io.tcpclose.engine.TcpConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The connection table against a HashMap model: every find, add and remove, IPv4 (keyed
 * exactly) and IPv6 (keyed by hash, confirmed by address) and tunnel ports, with probe runs
 * that wrap and deletions that shift them back; every connection keeps the slot a timer finds
 * it by.
 */
class ConnectionTableProperties {
    private static final InetAddress[] ADDRESSES = {
        ip(10, 0, 0, 1), ip(10, 0, 0, 2), ip(192, 0, 2, 7), ip6("2001:db8::1"), ip6("2001:db8::2"), ip6("fe80::1"),
    };

    @Property(seed = "20261207", tries = 300)
    void the_table_agrees_with_a_map_of_four_tuples(@ForAll("ops") List<Integer> ops, @ForAll("hashKeys") long hashKey) {
        ConnectionTable t = new ConnectionTable(hashKey);
        Map<FourTuple, Connection> model = new HashMap<>();
        for (int op : ops) {
            FourTuple id = tuple(op >>> 1);
            Connection found = t.find(id);
            assertSame(model.get(id), found, "find " + id);
            if ((op & 1) == 0 && found == null) {
                Connection c = new Connection(null, id, MutableTcb.create(TcpConfig.DEFAULTS, id.localPort(), id.remotePort()), null);
                t.add(c);
                model.put(id, c);
            } else if ((op & 1) == 1 && found != null) {
                t.remove(found);
                model.remove(id);
                assertEquals(-1, found.slot);
            }
            assertEquals(model.size(), t.size());
        }
        assertEquals(new HashSet<>(model.values()), new HashSet<>(t.all()));
        for (Connection c : model.values()) {
            assertSame(c, t.atSlot(c.slot), "slot " + c.slot);
            assertSame(c, t.find(c.id));
        }
    }

    /** Same family on both sides; a few ports, so keys repeat and probe runs form. */
    private static FourTuple tuple(int k) {
        boolean v6 = (k & 1) != 0;
        int local = v6 ? 3 + (k >> 1) % 3 : (k >> 1) % 3;
        int remote = v6 ? 3 + (k >> 3) % 3 : (k >> 3) % 3;
        int tunnel = (k >> 5) % 2 == 0 ? 0 : 4000 + (k >> 6) % 3;
        return new FourTuple(ADDRESSES[local], 80, ADDRESSES[remote], 1024 + (k >> 8) % 40, tunnel, tunnel);
    }

    @Provide
    Arbitrary<List<Integer>> ops() {
        return Arbitraries.integers().between(0, 1 << 16).list().ofMaxSize(600);
    }

    @Provide
    Arbitrary<Long> hashKeys() {
        return Arbitraries.of(1L, 42L, 0x9E3779B97F4A7C15L);
    }

    private static InetAddress ip(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress ip6(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
