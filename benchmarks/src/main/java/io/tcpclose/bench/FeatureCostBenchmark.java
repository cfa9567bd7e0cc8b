package io.tcpclose.bench;

import io.tcpclose.engine.CongestionControl;
import io.tcpclose.engine.Event;
import io.tcpclose.engine.Step;
import io.tcpclose.engine.Tcb;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.engine.TcpEngine;
import io.tcpclose.engine.TcpState;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the data-path features cost on the most common step, the ACK of new data in
 * ESTABLISHED: {@code none} (no congestion control, no options: the engine before the features),
 * {@code reno} (congestion control, the default), {@code reno+ts} (with timestamps, which take
 * the full path: PAWS, TS.Recent, an RTT sample from TSecr) and {@code linux} (the LINUX preset:
 * timestamps, window scaling, delayed ACKs). Run with {@code -prof gc} for bytes per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FeatureCostBenchmark {
    /** Which features are on. */
    @Param({"none", "reno", "reno+ts", "linux"})
    public String features;

    Tcb inFlight;
    Event ack;
    final long now = Snapshots.T0 + 10_000_000;

    @Setup
    public void setUp() {
        TcpConfig c;
        switch (features) {
            case "none":
                c = TcpConfig.builder().congestionControl(CongestionControl.NONE).build();
                break;
            case "reno":
                c = TcpConfig.DEFAULTS;
                break;
            case "reno+ts":
                c = TcpConfig.builder().timestamps(true).build();
                break;
            default:
                c = TcpConfig.builder().timestamps(true).windowScaling(true).receiveBuffer(131_072)
                        .delayedAck(Duration.ofMillis(40)).rtoMin(Duration.ofMillis(200)).build();
                break;
        }
        boolean ts = c.timestamps();
        Tcb t = established(c);
        t = TcpEngine.step(t, new Event.Send(Bytes.pattern(1448)), Snapshots.T0).tcb();
        if (t.state() != TcpState.ESTABLISHED) {
            throw new IllegalStateException(t.toString());
        }
        inFlight = t;
        TcpOptions ackOpts = ts ? new TcpOptions(-1, -1, false, true, 7005, 1000) : TcpOptions.NONE;
        ack = new Event.Arrive(new Segment(80, 40000, 5001, 1001 + 1448, TcpFlags.ACK, c.windowScaling() ? 512 : 65535,
                ackOpts, Bytes.EMPTY));
    }

    /**
     * ESTABLISHED under {@code c} (our ISS 1000, the peer's 5000), the peer's SYN,ACK offering
     * whatever {@code c} offers (window shift 7, TSval 7000 echoing our 1000).
     */
    static Tcb established(TcpConfig c) {
        boolean ts = c.timestamps();
        Tcb t = Tcb.create(c, 40000, 80);
        t = TcpEngine.step(t, new Event.Open(1000), Snapshots.T0).tcb();
        TcpOptions synAck = new TcpOptions(1460, c.windowScaling() ? 7 : -1, false, ts, ts ? 7000 : 0, ts ? 1000 : 0);
        return TcpEngine.step(t, new Event.Arrive(new Segment(80, 40000, 5000, 1001, TcpFlags.SYN | TcpFlags.ACK, 65535,
                synAck, Bytes.EMPTY)), Snapshots.T0).tcb();
    }

    /** The peer's ACK of {@code ack} with timestamps (its TSval 7001 + i, echoing our 1000) and a scaled 64 KiB window. */
    static Segment ackWithTimestamps(int ack, int i) {
        return new Segment(80, 40000, 5001, ack, TcpFlags.ACK, 512, new TcpOptions(-1, -1, false, true, 7001 + i, 1000),
                Bytes.EMPTY);
    }

    /** The ACK of the 1448 bytes in flight. */
    @Benchmark
    public Step ackOfNewData() {
        return TcpEngine.step(inFlight, ack, now);
    }
}
