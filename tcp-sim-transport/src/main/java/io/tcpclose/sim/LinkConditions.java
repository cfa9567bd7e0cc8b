package io.tcpclose.sim;

import java.time.Duration;

/**
 * Background link conditions as plain numbers, for generation and shrinking: loss, delay,
 * jitter, duplication and reordering. Prints as Java a user can paste into a test.
 *
 * <p>Immutable and thread-safe.
 *
 * @param loss      independent loss probability
 * @param delayMs   one-way delay in milliseconds
 * @param jitterMs  uniform jitter in milliseconds, up to this much either way
 * @param duplicate duplication probability
 * @param reorder   reordering probability (gap 1)
 */
public record LinkConditions(double loss, int delayMs, int jitterMs, double duplicate, double reorder) {
    /** A clean 10 ms link. */
    public static final LinkConditions CLEAN = new LinkConditions(0, 10, 0, 0, 0);

    /** {@return the link configuration these numbers describe} */
    public LinkConfig toConfig() {
        return LinkConfig.builder().loss(loss).delay(Duration.ofMillis(delayMs)).jitter(Duration.ofMillis(jitterMs))
                .duplicate(duplicate).reorder(reorder, 1).build();
    }

    /** {@return true when nothing but delay and jitter is at work: no loss, duplication or reordering} */
    public boolean isQuiet() {
        return loss == 0 && duplicate == 0 && reorder == 0;
    }

    @Override
    public String toString() {
        return "new LinkConditions(" + loss + ", " + delayMs + ", " + jitterMs + ", " + duplicate + ", " + reorder + ")";
    }
}
