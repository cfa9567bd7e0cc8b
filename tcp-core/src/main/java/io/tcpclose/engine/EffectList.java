package io.tcpclose.engine;

import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import java.util.List;

/** An {@link EffectSink} that builds the {@link Effect} records into a list: the pure step's sink. */
final class EffectList implements EffectSink {
    private final List<Effect> out;

    EffectList(List<Effect> out) {
        this.out = out;
    }

    @Override
    public void transmit(Segment segment, Effect.Why why) {
        out.add(new Effect.Transmit(segment, why));
    }

    @Override
    public void deliver(Bytes data) {
        out.add(new Effect.Deliver(data));
    }

    @Override
    public void peerFinished() {
        out.add(Effect.PEER_FINISHED);
    }

    @Override
    public void stateChanged(TcpState from, TcpState to) {
        out.add(new Effect.StateChanged(from, to));
    }

    @Override
    public void closeCompleted() {
        out.add(Effect.CLOSE_COMPLETED);
    }

    @Override
    public void closed(CloseReason reason) {
        out.add(new Effect.Closed(reason));
    }

    @Override
    public void rejected(RejectReason reason, Segment segment) {
        out.add(new Effect.Rejected(reason, segment));
    }

    @Override
    public void nextDeadline(long atNanos, boolean pending) {
        out.add(pending ? new Effect.NextDeadline(atNanos) : Effect.NO_DEADLINE);
    }

    @Override
    public void newIncarnation(Segment syn, int oldSndNxt) {
        out.add(new Effect.NewIncarnation(syn, oldSndNxt));
    }
}
