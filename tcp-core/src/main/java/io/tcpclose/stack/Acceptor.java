package io.tcpclose.stack;

/**
 * Accepts connections arriving on a listening port. Called on the driver's thread once a
 * passive connection is ESTABLISHED; returns the listener that will receive its events.
 */
@FunctionalInterface
public interface Acceptor {
    ConnectionListener accept(Connection connection);
}
