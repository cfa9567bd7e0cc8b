package io.tcpclose.stack;

/**
 * Accepts connections arriving on a listening port. Called on the driver's thread once a
 * passive connection is ESTABLISHED; returns the listener that will receive its events.
 */
@FunctionalInterface
public interface Acceptor {
    /**
     * Takes one new connection.
     *
     * @param connection the connection, just ESTABLISHED
     * @return the listener for its events; null leaves it without one, so the application hears
     *         nothing more of it
     */
    ConnectionListener accept(Connection connection);
}
