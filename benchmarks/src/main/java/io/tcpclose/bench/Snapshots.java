package io.tcpclose.bench;

import io.tcpclose.engine.Effect;
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

/**
 * Connection snapshots in each state the segment benchmarks start from, built through real
 * engine steps (our ISS 1000, the peer's 5000), and the peer's segments. Stateless.
 */
final class Snapshots {
    static final long T0 = 1_000_000_000L;

    private Snapshots() {}

    static Segment peer(int seq, int ack, int flags, Bytes payload) {
        return new Segment(80, 40000, seq, ack, flags, 65535, TcpOptions.NONE, payload);
    }

    static Tcb step(Tcb t, Event e) {
        Step s = TcpEngine.step(t, e, T0);
        return s.tcb();
    }

    /** ESTABLISHED, nothing in flight. */
    static Tcb established() {
        Tcb t = Tcb.create(TcpConfig.DEFAULTS, 40000, 80);
        t = step(t, new Event.Open(1000));
        t = step(t, new Event.Arrive(new Segment(80, 40000, 5000, 1001, TcpFlags.SYN | TcpFlags.ACK, 65535,
                TcpOptions.mss(1460), Bytes.EMPTY)));
        return expect(t, TcpState.ESTABLISHED);
    }

    /** ESTABLISHED with 1460 bytes in flight at 1001. */
    static Tcb establishedWithDataInFlight() {
        return step(established(), new Event.Send(Bytes.pattern(1460)));
    }

    /** CLOSE-WAIT then LAST-ACK: our FIN at 1001 awaits its ACK. */
    static Tcb lastAck() {
        Tcb t = step(established(), new Event.Arrive(peer(5001, 1001, TcpFlags.FIN | TcpFlags.ACK, Bytes.EMPTY)));
        t = step(t, Event.CLOSE);
        return expect(t, TcpState.LAST_ACK);
    }

    /** TIME-WAIT after an active close: RCV.NXT 5002. */
    static Tcb timeWait() {
        Tcb t = step(established(), Event.CLOSE);
        t = step(t, new Event.Arrive(peer(5001, 1002, TcpFlags.FIN | TcpFlags.ACK, Bytes.EMPTY)));
        return expect(t, TcpState.TIME_WAIT);
    }

    static Tcb expect(Tcb t, TcpState s) {
        if (t.state() != s) {
            throw new IllegalStateException("expected " + s + " but reached " + t);
        }
        return t;
    }

    /** The number of transmit effects, for sanity checks. */
    static int transmits(Step s) {
        int n = 0;
        for (Effect e : s.effects()) {
            if (e instanceof Effect.Transmit) {
                n++;
            }
        }
        return n;
    }
}
