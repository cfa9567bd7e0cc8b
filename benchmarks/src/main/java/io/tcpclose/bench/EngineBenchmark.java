package io.tcpclose.bench;

import io.tcpclose.engine.Event;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.wire.Bytes;
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
