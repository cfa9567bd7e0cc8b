package io.tcpclose.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link Bytes} stays immutable although {@code concat} appends in place: every version ever
 * made, from any branch of a history of appends, slices and drops, keeps showing exactly the
 * bytes it showed when it was made (a snapshot's send queue must never change under it).
 */
class BytesProperties {
    @Property(seed = "20261202", tries = 500)
    void every_version_keeps_its_bytes_whatever_is_appended_to_it_or_its_relatives(
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 999) Integer> ops) {
        List<Bytes> versions = new ArrayList<>(List.of(Bytes.EMPTY, Bytes.utf8("seed")));
        List<byte[]> model = new ArrayList<>(List.of(new byte[0], "seed".getBytes()));
        int counter = 0;
        for (int op : ops) {
            int from = op % versions.size(); // any earlier version: histories branch
            Bytes v = versions.get(from);
            byte[] m = model.get(from);
            Bytes next;
            byte[] expected;
            switch (op % 3) {
                case 0 -> {
                    byte[] add = new byte[1 + op % 300];
                    Arrays.fill(add, (byte) counter++);
                    next = v.concat(Bytes.copyOf(add));
                    expected = new byte[m.length + add.length];
                    System.arraycopy(m, 0, expected, 0, m.length);
                    System.arraycopy(add, 0, expected, m.length, add.length);
                }
                case 1 -> {
                    int n = m.length == 0 ? 0 : op % (m.length + 1);
                    next = v.dropFirst(n);
                    expected = Arrays.copyOfRange(m, n, m.length);
                }
                default -> {
                    int len = m.length == 0 ? 0 : op % (m.length + 1);
                    next = v.slice(0, len);
                    expected = Arrays.copyOf(m, len);
                }
            }
            versions.add(next);
            model.add(expected);
            for (int i = 0; i < versions.size(); i++) {
                assertArrayEquals(model.get(i), versions.get(i).toArray(), "version " + i);
            }
        }
    }
}
