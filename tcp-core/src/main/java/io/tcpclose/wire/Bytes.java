package io.tcpclose.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable sequence of bytes: segment payloads, send queues and delivered data.
 *
 * <p>Invariant: the bytes a sequence shows never change after construction. {@link #copyOf}
 * copies its input once; {@link #slice} shares the backing array, so trimming a send queue
 * after an ACK is O(1). {@link #concat} appends in place, beyond the end of every existing view,
 * when this sequence ends where its array's bytes end and there is room (a send queue growing
 * at its tail costs amortized O(1) per byte instead of a copy of the whole queue); otherwise it
 * copies into an array with room to grow. Thread-safe.
 */
public final class Bytes {
    /** The empty sequence. */
    public static final Bytes EMPTY = new Bytes(new byte[0], 0, 0);

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final byte[] data;
    private final int offset;
    private final int length;
    /** Set for arrays {@link #concat} may append to: how far they are written. */
    private final Tail tail;

    /** How far a growable array is written; appends beyond it never touch a byte a view shows. */
    private static final class Tail {
        int written; // guarded by this
    }

    private Bytes(byte[] data, int offset, int length) {
        this(data, offset, length, null);
    }

    private Bytes(byte[] data, int offset, int length, Tail tail) {
        this.data = data;
        this.offset = offset;
        this.length = length;
        this.tail = tail;
    }

    /**
     * A copy of {@code src}.
     *
     * @param src the bytes to copy
     * @return the copy, or {@link #EMPTY} when {@code src} is empty
     */
    public static Bytes copyOf(byte[] src) {
        return copyOf(src, 0, src.length);
    }

    /**
     * A copy of {@code src[offset, offset + length)}.
     *
     * @param src    the array to copy from
     * @param offset the index of the first byte to copy
     * @param length how many bytes to copy
     * @return the copy, or {@link #EMPTY} when {@code length} is 0
     */
    public static Bytes copyOf(byte[] src, int offset, int length) {
        if (length == 0) {
            return EMPTY;
        }
        return new Bytes(Arrays.copyOfRange(src, offset, offset + length), 0, length);
    }

    /** A view of {@code src} without a copy: only for arrays nobody will write again. */
    static Bytes view(byte[] src, int offset, int length) {
        return length == 0 ? EMPTY : new Bytes(src, offset, length);
    }

    /**
     * A copy of the buffer's remaining bytes; the buffer's position is not moved.
     *
     * @param src the buffer to copy from
     * @return the copy of its bytes from position to limit
     */
    public static Bytes copyOf(ByteBuffer src) {
        byte[] a = new byte[src.remaining()];
        src.duplicate().get(a);
        return a.length == 0 ? EMPTY : new Bytes(a, 0, a.length);
    }

    /**
     * The UTF-8 encoding of {@code text}.
     *
     * @param text the text to encode
     * @return its UTF-8 bytes
     */
    public static Bytes utf8(String text) {
        byte[] a = text.getBytes(StandardCharsets.UTF_8);
        return a.length == 0 ? EMPTY : new Bytes(a, 0, a.length);
    }

    /**
     * {@code n} bytes counting up from 0 (mod 256): handy, recognisable test data.
     *
     * @param n how many bytes
     * @return the bytes 0, 1, 2, ... (mod 256)
     */
    public static Bytes pattern(int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = (byte) i;
        }
        return n == 0 ? EMPTY : new Bytes(a, 0, n);
    }

    /** {@return the number of bytes} */
    public int length() {
        return length;
    }

    /** {@return whether there are no bytes} */
    public boolean isEmpty() {
        return length == 0;
    }

    /**
     * The byte at {@code index}.
     *
     * @param index the index, in {@code [0, length())}
     * @return the byte
     * @throws IndexOutOfBoundsException if {@code index} lies outside the sequence
     */
    public byte get(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " outside [0, " + length + ")");
        }
        return data[offset + index];
    }

    /**
     * The bytes {@code [from, from + len)}, sharing storage with this sequence.
     *
     * @param from the index of the first byte
     * @param len  how many bytes
     * @return the slice, {@link #EMPTY} when {@code len} is 0, or this sequence when the slice is all of it
     * @throws IndexOutOfBoundsException if the slice does not lie inside the sequence
     */
    public Bytes slice(int from, int len) {
        if (from < 0 || len < 0 || from + len > length) {
            throw new IndexOutOfBoundsException(
                    "slice [" + from + ", " + (from + len) + ") outside [0, " + length + ")");
        }
        if (len == 0) {
            return EMPTY;
        }
        if (from == 0 && len == length) {
            return this;
        }
        return new Bytes(data, offset + from, len, tail);
    }

    /**
     * Everything after the first {@code n} bytes, sharing storage with this sequence.
     *
     * @param n how many bytes to drop, in {@code [0, length()]}
     * @return the rest
     */
    public Bytes dropFirst(int n) {
        return slice(n, length - n);
    }

    /**
     * The parts one after another, copied once into a fresh array (or shared when there is one part).
     *
     * @param parts the sequences to join, in order
     * @return their concatenation
     */
    public static Bytes join(List<Bytes> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int total = 0;
        for (Bytes b : parts) {
            total += b.length;
        }
        byte[] a = new byte[total];
        int at = 0;
        for (Bytes b : parts) {
            System.arraycopy(b.data, b.offset, a, at, b.length);
            at += b.length;
        }
        return new Bytes(a, 0, total);
    }

    /**
     * This sequence followed by {@code other}.
     *
     * @param other the bytes to append
     * @return the concatenation (copied, unless one side is empty)
     */
    public Bytes concat(Bytes other) {
        if (other.length == 0) {
            return this;
        }
        if (length == 0) {
            return other;
        }
        int end = offset + length;
        if (tail != null) {
            synchronized (tail) {
                if (tail.written == end && data.length - end >= other.length) {
                    System.arraycopy(other.data, other.offset, data, end, other.length);
                    tail.written = end + other.length;
                    return new Bytes(data, offset, length + other.length, tail);
                }
            }
        }
        long total = (long) length + other.length;
        if (total > MAX_ARRAY) {
            throw new IllegalArgumentException("a concatenation of " + total + " bytes does not fit an array");
        }
        byte[] a = new byte[(int) Math.min(MAX_ARRAY, Math.max(2 * total, 256))];
        System.arraycopy(data, offset, a, 0, length);
        System.arraycopy(other.data, other.offset, a, length, other.length);
        Tail t = new Tail();
        t.written = (int) total;
        return new Bytes(a, 0, (int) total, t);
    }

    /**
     * Copies all bytes into {@code dst} at {@code dstOffset}.
     *
     * @param dst       the array to write
     * @param dstOffset where the first byte goes; {@code length()} bytes must fit from there
     */
    public void copyTo(byte[] dst, int dstOffset) {
        System.arraycopy(data, offset, dst, dstOffset, length);
    }

    /**
     * Writes all bytes into {@code dst} at its position, advancing it.
     *
     * @param dst the buffer to write; it must have {@code length()} bytes remaining
     */
    public void writeTo(ByteBuffer dst) {
        dst.put(data, offset, length);
    }

    /** {@return a fresh array holding these bytes} */
    public byte[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    /** {@return the bytes decoded as UTF-8} */
    public String utf8() {
        return new String(data, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Bytes)) {
            return false;
        }
        Bytes b = (Bytes) o;
        return Arrays.equals(data, offset, offset + length, b.data, b.offset, b.offset + b.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + data[i];
        }
        return h;
    }

    /** How many bytes {@link #toString()} shows. */
    private static final int PREVIEW = 24;

    /**
     * The length and a preview of the content: up to 24 bytes, printable ASCII as itself and
     * anything else as {@code \xNN}, with {@code ...} when there is more; for example
     * {@code 5 bytes "hello"} or {@code 3 bytes "\x00\x01\x02"}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(16 + 4 * Math.min(length, PREVIEW));
        sb.append(length).append(length == 1 ? " byte" : " bytes");
        if (length == 0) {
            return sb.toString();
        }
        sb.append(" \"");
        for (int i = 0; i < Math.min(length, PREVIEW); i++) {
            int b = data[offset + i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        sb.append(length > PREVIEW ? "\"..." : "\"");
        return sb.toString();
    }
}
