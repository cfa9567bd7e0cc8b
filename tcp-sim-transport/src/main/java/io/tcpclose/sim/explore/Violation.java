package io.tcpclose.sim.explore;

import io.tcpclose.ladder.LadderRenderer;
import java.util.List;

/**
 * A broken rule and a shortest path to it: what was broken, how many moves it took, and the path
 * drawn as the simulator's ladder (each side's states, each segment sent, the network's and the
 * applications' actions as notes). Immutable; thread-safe.
 */
public final class Violation {
    private final String message;
    private final int depth;
    private final String ladder;
    private final List<String> notes;
    private final LadderRenderer renderer;

    Violation(String message, int depth, String ladder, List<String> notes, LadderRenderer renderer) {
        this.message = message;
        this.depth = depth;
        this.ladder = ladder;
        this.notes = List.copyOf(notes);
        this.renderer = renderer;
    }

    /** {@return which rule was broken, and how} */
    public String message() {
        return message;
    }

    /** {@return how many moves the path takes from the start} */
    public int depth() {
        return depth;
    }

    /** {@return the path as a text ladder diagram} */
    public String ladder() {
        return ladder;
    }

    /** {@return the applications', network's and attacker's actions on the path, one line each, timed} */
    public List<String> actions() {
        return notes;
    }

    /**
     * The path as a self-contained HTML page (the ladder as an inline SVG sequence diagram).
     *
     * @param title the page's title
     * @return the page
     */
    public synchronized String renderHtml(String title) {
        return renderer.renderHtml(title, message);
    }

    @Override
    public String toString() {
        return message + " (" + depth + " moves)";
    }
}
