package io.tcpclose.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One role's share of a connection's state (send sequence space, receive sequence space, RTT,
 * congestion, options, timers, lifecycle, identity). Each field of the connection is declared
 * once, in exactly one part; a part is copied whole by {@link #copy()} (one line, whatever
 * fields it gains) and compared field by field, so a field added later is copied and compared
 * without another edit.
 *
 * <p>A part is mutable only while one {@link MutableTcb} owns it. Once a {@link Tcb} refers to
 * it, it is frozen: the owner copies it before its next write (copy-on-write), so a step that
 * changes only the send side shares every other part with the snapshot before it. Not
 * thread-safe while owned; safely published, and never changed again, once frozen.
 */
abstract class Part implements Cloneable {

    /** {@return a field-by-field copy, owned by nobody yet} */
    Part copy() {
        try {
            return (Part) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            List<Field> out = new ArrayList<>();
            for (Field f : type.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    out.add(f);
                }
            }
            return out.toArray(new Field[0]);
        }
    };

    /** Value equality over every field (arrays by content). */
    @Override
    public final boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || o.getClass() != getClass()) {
            return false;
        }
        try {
            for (Field f : FIELDS.get(getClass())) {
                Object a = f.get(this);
                Object b = f.get(o);
                if (a instanceof long[] ? !Arrays.equals((long[]) a, (long[]) b) : !Objects.equals(a, b)) {
                    return false;
                }
            }
            return true;
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public final int hashCode() {
        int h = getClass().hashCode();
        try {
            for (Field f : FIELDS.get(getClass())) {
                Object v = f.get(this);
                h = 31 * h + (v instanceof long[] ? Arrays.hashCode((long[]) v) : Objects.hashCode(v));
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return h;
    }

    /** Every field as {@code name=value}, for test failures. */
    @Override
    public final String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('{');
        try {
            for (Field f : FIELDS.get(getClass())) {
                Object v = f.get(this);
                sb.append(f.getName()).append('=').append(v instanceof long[] ? Arrays.toString((long[]) v) : v).append(' ');
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return sb.append('}').toString();
    }
}
