package io.tcpclose.engine;

import java.util.List;

/**
 * The result of one {@link TcpEngine#step}: the connection's next snapshot and the effects to
 * carry out, in order.
 *
 * <p>Immutable and thread-safe; {@code effects} is unmodifiable.
 *
 * @param tcb     the next snapshot
 * @param effects what to do, in order
 */
public record Step(Tcb tcb, List<Effect> effects) {}
