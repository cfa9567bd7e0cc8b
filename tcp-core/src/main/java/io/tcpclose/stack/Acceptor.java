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
     *         nothing more of it. If the acceptor throws, the connection is reset (nobody would
     *         ever serve it) and the exception propagates to the caller of {@code receive}.
     */
    ConnectionListener accept(Connection connection);
}
