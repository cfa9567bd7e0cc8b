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

    /** Each field's kind, read without boxing: the explorer compares and hashes millions of parts. */
    private static final ClassValue<char[]> KINDS = new ClassValue<>() {
        @Override
        protected char[] computeValue(Class<?> type) {
            Field[] fields = FIELDS.get(type);
            char[] k = new char[fields.length];
            for (int i = 0; i < fields.length; i++) {
                Class<?> t = fields[i].getType();
                k[i] = t == int.class ? 'I' : t == long.class ? 'J' : t == boolean.class ? 'Z' : t == long[].class ? '[' : 'L';
            }
            return k;
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
        Field[] fields = FIELDS.get(getClass());
        char[] kinds = KINDS.get(getClass());
        try {
            for (int i = 0; i < fields.length; i++) {
                Field f = fields[i];
                boolean same;
                switch (kinds[i]) {
                    case 'I':
                        same = f.getInt(this) == f.getInt(o);
                        break;
                    case 'J':
                        same = f.getLong(this) == f.getLong(o);
                        break;
                    case 'Z':
                        same = f.getBoolean(this) == f.getBoolean(o);
                        break;
                    case '[':
                        same = Arrays.equals((long[]) f.get(this), (long[]) f.get(o));
                        break;
                    default:
                        same = Objects.equals(f.get(this), f.get(o));
                }
                if (!same) {
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
        Field[] fields = FIELDS.get(getClass());
        char[] kinds = KINDS.get(getClass());
        try {
            for (int i = 0; i < fields.length; i++) {
                Field f = fields[i];
                int v;
                switch (kinds[i]) {
                    case 'I':
                        v = f.getInt(this);
                        break;
                    case 'J':
                        v = Long.hashCode(f.getLong(this));
                        break;
                    case 'Z':
                        v = f.getBoolean(this) ? 1231 : 1237;
                        break;
                    case '[':
                        v = Arrays.hashCode((long[]) f.get(this));
                        break;
                    default:
                        v = Objects.hashCode(f.get(this));
                }
                h = 31 * h + v;
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
