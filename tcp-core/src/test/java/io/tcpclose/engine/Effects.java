package io.tcpclose.engine;

import io.tcpclose.ladder.LadderDriver;
import io.tcpclose.ladder.SegmentSpec;
import io.tcpclose.wire.Segment;
import java.time.Duration;

/** Builders for whole expected effect lists, from the client fixture's point of view. */
final class Effects {
    private Effects() {}

    static Segment clientSegment(String spec) {
        return SegmentSpec.parse(spec).toSegment(LadderDriver.CLIENT_PORT, LadderDriver.SERVER_PORT);
    }

    static Effect.Transmit out(String spec) {
        return new Effect.Transmit(clientSegment(spec), Effect.Why.SEND);
    }

    static Effect.Transmit out(String spec, Effect.Why why) {
        return new Effect.Transmit(clientSegment(spec), why);
    }

    static Effect.StateChanged moved(TcpState from, TcpState to) {
        return new Effect.StateChanged(from, to);
    }

    static Effect.Closed closed(CloseReason reason) {
        return new Effect.Closed(reason);
    }

    static Effect.NextDeadline deadline(long nanos) {
        return new Effect.NextDeadline(nanos);
    }

    static Effect.NextDeadline noDeadline() {
        return Effect.NO_DEADLINE;
    }

    static long ms(long ms) {
        return Duration.ofMillis(ms).toNanos();
    }

    static long s(long s) {
        return Duration.ofSeconds(s).toNanos();
    }
}
