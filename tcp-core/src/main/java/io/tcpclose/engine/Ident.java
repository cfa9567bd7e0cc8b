package io.tcpclose.engine;

/**
 * Who the connection is and what it runs with: the configuration, the ports, how it was
 * opened, and both initial sequence numbers (RFC 9293 §3.4). Set by the opening events;
 * afterwards only {@link Event.Configure} changes {@link #config}. See {@link Part}.
 */
final class Ident extends Part {
    TcpConfig config;
    int localPort;
    /** The peer's port; 0 for a listener until a SYN names it. */
    int remotePort;
    /** Opened passively (by a listener). */
    boolean passive;
    /** ISS, our initial sequence number. */
    int iss;
    /** IRS, the peer's initial sequence number (meaningful once its SYN is in). */
    int irs;
}
