package io.tcpclose.engine;

/**
 * An application call that the connection's current state does not allow, such as sending
 * after {@code shutdownOutput()}. The message names the call and the state.
 *
 * <p>Immutable once thrown.
 */
public final class TcpApiException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient TcpState state;

    /**
     * Creates the exception; the message reads "{@code call} is not allowed in {@code state}: {@code why}".
     *
     * @param call  the application call that was refused, such as {@code "send()"}
     * @param state the state the connection was in
     * @param why   why the state does not allow the call
     */
    public TcpApiException(String call, TcpState state, String why) {
        super(call + " is not allowed in " + state + ": " + why);
        this.state = state;
    }

    /** {@return the state the connection was in} */
    public TcpState state() {
        return state;
    }
}
