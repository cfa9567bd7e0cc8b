package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import java.util.List;

/**
 * An {@link EffectSink} that builds the {@link Effect} records into a list: the pure step's
 * sink, or a caller's list ({@link EffectSink#into}).
 */
final class EffectList implements EffectSink {
    private List<Effect> out;

    EffectList(List<Effect> out) {
        this.out = out;
    }

    /** For the pure step: the first effect is kept alone, a list made at the second (most ACKs have one or none). */
    EffectList() {}

    private Effect first;

    /** {@return the effects, unmodifiable} */
    List<Effect> effects() {
        if (out != null) {
            return java.util.Collections.unmodifiableList(out);
        }
        return first == null ? List.of() : List.of(first);
    }

    private void add(Effect e) {
        if (out == null) {
            if (first == null) {
                first = e;
                return;
            }
            out = new java.util.ArrayList<>(4);
            out.add(first);
        }
        out.add(e);
    }

    @Override
    public void transmit(Segment segment, Effect.Why why) {
        add(new Effect.Transmit(segment, why));
    }

    @Override
    public void queued(int bytes) {
        add(new Effect.Queued(bytes));
    }

    @Override
    public void deliver(Bytes data) {
        add(new Effect.Deliver(data));
    }

    @Override
    public void peerFinished() {
        add(Effect.PEER_FINISHED);
    }

    @Override
    public void stateChanged(TcpState from, TcpState to) {
        add(new Effect.StateChanged(from, to));
    }

    @Override
    public void closeCompleted() {
        add(Effect.CLOSE_COMPLETED);
    }

    @Override
    public void closed(CloseReason reason) {
        add(new Effect.Closed(reason));
    }

    @Override
    public void rejected(RejectReason reason, Segment segment) {
        add(new Effect.Rejected(reason, segment));
    }

    @Override
    public void nextDeadline(long atNanos, boolean pending) {
        add(pending ? new Effect.NextDeadline(atNanos) : Effect.NO_DEADLINE);
    }

    @Override
    public void newIncarnation(Segment syn, int oldSndNxt) {
        add(new Effect.NewIncarnation(syn, oldSndNxt));
    }
}
