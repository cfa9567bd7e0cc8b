package io.tcpclose.sim.explore;

import static io.tcpclose.sim.explore.Script.call;
import static io.tcpclose.sim.explore.Script.send;

import io.tcpclose.sim.explore.Script.Guard;
import io.tcpclose.sim.explore.Script.Kind;
import io.tcpclose.engine.TcpConfig;
import java.time.Duration;
import java.util.List;

/**
 * The closes the explorer knows how to drive: what each application does. Immutable;
 * thread-safe.
 */
public enum ExploreScenario {
    /** The client sends, then closes first; the server closes once it has read the end of stream. */
    NORMAL_CLOSE("normal-close", "the client sends, then closes first; the server closes once it reads end of stream",
            new Script(List.of(send(100, Guard.ESTABLISHED), call(Kind.CLOSE, Guard.NONE)),
                    List.of(call(Kind.CLOSE, Guard.PEER_FINISHED)))),
    /** The server answers and closes first; the client closes once it has read the end of stream. */
    PASSIVE_CLOSE("passive-close", "the server answers the request and closes first; the client closes at end of stream",
            new Script(List.of(send(100, Guard.ESTABLISHED), call(Kind.CLOSE, Guard.PEER_FINISHED)),
                    List.of(send(100, Guard.ALL_READ), call(Kind.CLOSE, Guard.NONE)))),
    /**
     * Both send and, once each has read the other's bytes, both close without waiting for the
     * other's FIN: the FINs may cross. (Closing before the peer's data arrives would reset the
     * connection, as RFC 1122 §4.2.2.13 asks, which is another scenario.)
     */
    SIMULTANEOUS_CLOSE("simultaneous-close", "both send and, once each has read the other's bytes, both close: the FINs may cross",
            new Script(List.of(send(100, Guard.ESTABLISHED), call(Kind.CLOSE, Guard.ALL_READ)),
                    List.of(send(100, Guard.ESTABLISHED), call(Kind.CLOSE, Guard.ALL_READ)))),
    /** The client shuts down its output after its request; the server's answer still flows, then it closes. */
    HALF_CLOSE("half-close", "the client sends and shuts down its output; the server sends after end of stream, then closes",
            new Script(List.of(send(100, Guard.ESTABLISHED), call(Kind.SHUTDOWN_OUTPUT, Guard.NONE),
                    call(Kind.CLOSE, Guard.PEER_FINISHED)),
                    List.of(send(200, Guard.PEER_FINISHED), call(Kind.CLOSE, Guard.NONE)))),
    /** The client sends and aborts: one RST, both sides CLOSED at once. */
    ABORT("abort", "the client sends, then aborts (RST); the server closes if it gets to",
            new Script(List.of(send(100, Guard.ESTABLISHED), call(Kind.ABORT, Guard.NONE)),
                    List.of(call(Kind.CLOSE, Guard.PEER_FINISHED)))),
    /**
     * The server's host vanishes once established; the client's keep-alive must find out. Keep-alive
     * is switched on (10 s idle, 5 s apart, 3 probes) where the configuration has it off.
     */
    KEEPALIVE_DEAD("keepalive-dead", "the server's host vanishes once established; the client's keep-alive must find out",
            new Script(List.of(),
                    List.of(call(Kind.CRASH, Guard.ESTABLISHED))));

    private final String cliName;
    private final String description;
    final Script script;

    ExploreScenario(String cliName, String description, Script script) {
        this.cliName = cliName;
        this.description = description;
        this.script = script;
    }

    /** The configuration the scenario runs with, given the user's. */
    TcpConfig adjust(TcpConfig c) {
        if (this == KEEPALIVE_DEAD && !c.keepAlive()) {
            return c.toBuilder().keepAlive(Duration.ofSeconds(10), Duration.ofSeconds(5), 3).build();
        }
        return c;
    }

    /** {@return the name the CLI takes, for example {@code normal-close}} */
    public String cliName() {
        return cliName;
    }

    /** {@return one line saying what the applications do} */
    public String description() {
        return description;
    }

    /**
     * The scenario a CLI name stands for.
     *
     * @param name the name, for example {@code normal-close}
     * @return the scenario, or null for an unknown name
     */
    public static ExploreScenario byName(String name) {
        for (ExploreScenario s : values()) {
            if (s.cliName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
