package io.tcpclose.bench;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.Effect;
import io.tcpclose.engine.EffectSink;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.MutableTcb;
import io.tcpclose.engine.RejectReason;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The engine step per kind of arriving segment, from a fixed immutable snapshot (so every
 * operation does the same work), and the hand-written mutable baseline of the ACK path.
 *
 * <p>The {@code InPlace} variants step a {@link MutableTcb} the benchmark owns, into a sink that
 * counts effects and keeps each segment (no records). Those marked chained keep stepping one
 * connection, the way a driver does: each ACK acknowledges one more byte of a ten-segment
 * flight, so it releases data and sends nothing, as the baseline's ACK (the flight is refilled
 * from the fixed snapshot once per 14,600 ACKs); the data segment arrives in order and the
 * reader consumes once per 64 segments. The others cannot repeat on one state (a
 * FIN or a RST moves it on), so each operation first re-points the connection at the fixed
 * snapshot ({@link MutableTcb#resetTo}); the parts it then writes are copied once, which is
 * what their allocation shows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmark {
    Tcb inFlight;
    Tcb established;
    Tcb lastAck;
    Tcb timeWait;
    Event ackInWindow;
    Event data;
    Event fin;
    Event finalAck;
    Event retransmittedFin;
    Event rstExact;
    Event rstInWindow;
    Event outOfWindow;
    final MutableAckBaseline baseline = new MutableAckBaseline();
    long now = Snapshots.T0 + 10_000_000;

    /** Counts effects; keeps the last segment, as a driver hands it on (so it is really built). */
    static final class CountingSink implements EffectSink {
        long effects;
        Segment last;

        @Override
        public void transmit(Segment segment, Effect.Why why) {
            effects++;
            last = segment;
        }

        @Override
        public void queued(int bytes) {
            effects++;
        }

        @Override
        public void deliver(Bytes data) {
            effects++;
        }

        @Override
        public void peerFinished() {
            effects++;
        }

        @Override
        public void stateChanged(TcpState from, TcpState to) {
            effects++;
        }

        @Override
        public void closeCompleted() {
            effects++;
        }

        @Override
        public void closed(CloseReason reason) {
            effects++;
        }

        @Override
        public void rejected(RejectReason reason, Segment segment) {
            effects++;
        }

        @Override
        public void nextDeadline(long atNanos, boolean pending) {
            effects++;
        }

        @Override
        public void newIncarnation(Segment syn, int oldSndNxt) {
            effects++;
        }
    }

    final CountingSink sink = new CountingSink();
    /** Chained: a sender whose flight the ACKs drain and a send refills. */
    MutableTcb sender;
    Event.Arrive[] flightAcks;
    int nextAck;
    Event refill;
    /** Chained: a receiver taking in-order data. */
    MutableTcb receiver;
    Event.Arrive[] inOrderData;
    int nextData;
    Event consume64;
    /** Re-pointed at a fixed snapshot before each operation. */
    final MutableTcb scratch = MutableTcb.of(Tcb.create(TcpConfig.DEFAULTS, 40000, 80));
    /** Bytes in the chained senders' flight: the initial window of ten 1460-byte segments. */
    static final int FLIGHT = 10 * 1460;
    /** Chained with timestamps (LINUX preset). */
    Tcb tsEstablished;
    MutableTcb tsSender;
    Event.Arrive[] tsFlightAcks;
    int nextTsAck;

    @Setup
    public void setUp() {
        established = Snapshots.established();
        inFlight = Snapshots.establishedWithDataInFlight();
        lastAck = Snapshots.lastAck();
        timeWait = Snapshots.timeWait();
        ackInWindow = new Event.Arrive(Snapshots.peer(5001, 2461, TcpFlags.ACK, Bytes.EMPTY));
        data = new Event.Arrive(Snapshots.peer(5001, 1001, TcpFlags.ACK | TcpFlags.PSH, Bytes.pattern(100)));
        fin = new Event.Arrive(Snapshots.peer(5001, 1001, TcpFlags.FIN | TcpFlags.ACK, Bytes.EMPTY));
        finalAck = new Event.Arrive(Snapshots.peer(5002, 1002, TcpFlags.ACK, Bytes.EMPTY));
        retransmittedFin = new Event.Arrive(Snapshots.peer(5001, 1002, TcpFlags.FIN | TcpFlags.ACK, Bytes.EMPTY));
        rstExact = new Event.Arrive(Snapshots.peer(5001, 0, TcpFlags.RST, Bytes.EMPTY));
        rstInWindow = new Event.Arrive(Snapshots.peer(5100, 0, TcpFlags.RST, Bytes.EMPTY));
        outOfWindow = new Event.Arrive(Snapshots.peer(900_000, 1001, TcpFlags.ACK, Bytes.pattern(10)));

        // The flight: ten segments of 1460 (the initial window), acknowledged a byte at a time.
        refill = new Event.Send(Bytes.pattern(FLIGHT));
        flightAcks = new Event.Arrive[FLIGHT];
        for (int i = 0; i < FLIGHT; i++) {
            flightAcks[i] = new Event.Arrive(Snapshots.peer(5001, 1001 + 1 + i, TcpFlags.ACK, Bytes.EMPTY));
        }
        sender = MutableTcb.of(established);
        sender.step(refill, now, sink);
        receiver = MutableTcb.of(established);
        inOrderData = new Event.Arrive[1 << 12];
        for (int i = 0; i < inOrderData.length; i++) {
            inOrderData[i] = new Event.Arrive(Snapshots.peer(5001 + i * 100, 1001, TcpFlags.ACK | TcpFlags.PSH, Bytes.pattern(100)));
        }
        consume64 = new Event.Consume(64 * 100);
        tsEstablished = FeatureCostBenchmark.established(TcpConfig.LINUX);
        tsFlightAcks = new Event.Arrive[FLIGHT];
        for (int i = 0; i < FLIGHT; i++) {
            tsFlightAcks[i] = new Event.Arrive(FeatureCostBenchmark.ackWithTimestamps(1001 + 1 + i, i));
        }
        tsSender = MutableTcb.of(tsEstablished);
        tsSender.step(refill, now, sink);
    }

    /** Chained: an in-order ACK of one more byte of the flight (RFC 9293 §3.10.7.4 fifth, header prediction). */
    @Benchmark
    public long ackInWindowInPlace() {
        nextAck = chainedAck(sender, flightAcks, nextAck, established);
        return sink.effects;
    }

    /** Chained, LINUX preset (timestamps, window scaling): the same ACK carrying TSval/TSecr. */
    @Benchmark
    public long ackWithTimestampsInPlace() {
        nextTsAck = chainedAck(tsSender, tsFlightAcks, nextTsAck, tsEstablished);
        return sink.effects;
    }

    /** Steps ACK {@code i} of the flight; once the flight is acknowledged, starts the same one again from {@code start}. */
    private int chainedAck(MutableTcb c, Event.Arrive[] acks, int i, Tcb start) {
        c.step(acks[i], now, sink);
        if (++i < FLIGHT) {
            return i;
        }
        c.resetTo(start);
        c.step(refill, now, sink);
        return 0;
    }

    /** Chained: 100 in-order bytes, delivered and ACKed; the reader consumes every 64 segments. */
    @Benchmark
    public long dataSegmentInPlace() {
        int i = nextData;
        receiver.step(inOrderData[i], now, sink);
        if ((i + 1) % 64 == 0) {
            receiver.step(consume64, now, sink);
        }
        nextData = (i + 1) & (inOrderData.length - 1);
        if (nextData == 0) {
            receiver.resetTo(established);
        }
        return sink.effects;
    }

    /** One in-place step of {@code e} from a fixed snapshot (the parts it writes are copied once). */
    private long fromSnapshot(Tcb snapshot, Event e) {
        scratch.resetTo(snapshot);
        scratch.step(e, now, sink);
        return sink.effects;
    }

    /** From the fixed snapshot: the peer's FIN, ESTABLISHED to CLOSE-WAIT. */
    @Benchmark
    public long finInEstablishedInPlace() {
        return fromSnapshot(established, fin);
    }

    /** From the fixed snapshot: the ACK of our FIN in LAST-ACK, to CLOSED. */
    @Benchmark
    public long finalAckInLastAckInPlace() {
        return fromSnapshot(lastAck, finalAck);
    }

    /** From the fixed snapshot: an exact RST, to CLOSED. */
    @Benchmark
    public long rstAtRcvNxtInPlace() {
        return fromSnapshot(established, rstExact);
    }

    /** From the fixed snapshot: an in-window RST drawing a challenge ACK (RFC 5961 §3.2). */
    @Benchmark
    public long rstInWindowChallengeAckInPlace() {
        return fromSnapshot(established, rstInWindow);
    }

    /** From the fixed snapshot: an out-of-window segment, dropped and ACKed. */
    @Benchmark
    public long outOfWindowSegmentInPlace() {
        return fromSnapshot(established, outOfWindow);
    }

    @Benchmark
    public Step ackInWindowEstablished() {
        return TcpEngine.step(inFlight, ackInWindow, now);
    }

    @Benchmark
    public Step dataSegment() {
        return TcpEngine.step(established, data, now);
    }

    @Benchmark
    public Step finInEstablished() {
        return TcpEngine.step(established, fin, now);
    }

    @Benchmark
    public Step finalAckInLastAck() {
        return TcpEngine.step(lastAck, finalAck, now);
    }

    @Benchmark
    public Step retransmittedFinInTimeWait() {
        return TcpEngine.step(timeWait, retransmittedFin, now);
    }

    @Benchmark
    public Step rstAtRcvNxt() {
        return TcpEngine.step(established, rstExact, now);
    }

    @Benchmark
    public Step rstInWindowChallengeAck() {
        return TcpEngine.step(established, rstInWindow, now);
    }

    @Benchmark
    public Step outOfWindowSegment() {
        return TcpEngine.step(established, outOfWindow, now);
    }

    /** The same ACK through the mutable baseline; the reset (a few field stores) is part of each operation. */
    @Benchmark
    public boolean ackInWindowMutableBaseline() {
        baseline.reset(1001, 2461, 5001);
        return baseline.onAck(5001, 2461, 65535, now);
    }
}
