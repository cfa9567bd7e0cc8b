package io.tcpclose.sim.explore;

import java.util.List;

/**
 * What the two applications do in an explored scenario: each side's calls, in order, each waiting
 * for its guard. The explorer may take an enabled call at any moment, before or after whatever the
 * network does at that moment, so every interleaving of calls and segments is covered. Reading is
 * not a call: each application reads what is delivered at once. Immutable; thread-safe.
 *
 * @param client the client's calls after its {@code connect}
 * @param server the server's calls after its connection is accepted
 */
record Script(List<Call> client, List<Call> server) {
    /** One application call and when it may happen. */
    record Call(Kind kind, Guard guard, int bytes) {
        @Override
        public String toString() {
            String what = kind == Kind.SEND ? "send(" + bytes + ")" : kind.text;
            return guard == Guard.NONE ? what : what + " once " + guard.text;
        }
    }

    /** The calls. */
    enum Kind {
        SEND("send"), SHUTDOWN_OUTPUT("shutdownOutput()"), CLOSE("close()"), ABORT("abort()"),
        /** The host vanishes: no call, no segment, nothing answers any more. */
        CRASH("host crashes");

        final String text;

        Kind(String text) {
            this.text = text;
        }
    }

    /** When a call may happen. */
    enum Guard {
        NONE("any time"),
        /** The connection is established (the application's connect or accept returned). */
        ESTABLISHED("established"),
        /** The peer's FIN arrived: the application read end of stream. */
        PEER_FINISHED("end of stream read"),
        /** Every byte the peer's script sends has been read. */
        ALL_READ("all the peer's bytes read");

        final String text;

        Guard(String text) {
            this.text = text;
        }

        /**
         * Whether the guard holds for an application whose connection is (or is not) synchronized,
         * has (or has not) read end of stream, and has read {@code read} of the {@code peerBytes}
         * its peer's script sends.
         */
        boolean holds(boolean synchronizedState, boolean peerFinished, int read, int peerBytes) {
            switch (this) {
                case ESTABLISHED:
                    return synchronizedState;
                case PEER_FINISHED:
                    return peerFinished;
                case ALL_READ:
                    return read >= peerBytes;
                default:
                    return true;
            }
        }
    }

    static Call call(Kind kind, Guard guard) {
        return new Call(kind, guard, 0);
    }

    static Call send(int bytes, Guard guard) {
        return new Call(Kind.SEND, guard, bytes);
    }

    /** The bytes a side's script sends in all. */
    static int bytes(List<Call> calls) {
        int n = 0;
        for (Call c : calls) {
            n += c.bytes();
        }
        return n;
    }

    /** Whether the script lets go of the connection gracefully: it closes, and never aborts or crashes. */
    static boolean graceful(List<Call> calls) {
        boolean closes = false;
        for (Call c : calls) {
            if (c.kind() == Kind.ABORT || c.kind() == Kind.CRASH) {
                return false;
            }
            closes |= c.kind() == Kind.CLOSE;
        }
        return closes;
    }
}
