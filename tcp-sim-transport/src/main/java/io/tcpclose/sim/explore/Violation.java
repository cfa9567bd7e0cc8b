package io.tcpclose.sim.explore;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.ladder.LadderRenderer;
import io.tcpclose.sim.FaultPlan;
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
    private final FaultPlan plan;
    private final Model model;

    Violation(String message, int depth, String ladder, List<String> notes, LadderRenderer renderer, FaultPlan plan,
              Model model) {
        this.message = message;
        this.depth = depth;
        this.ladder = ladder;
        this.notes = List.copyOf(notes);
        this.renderer = renderer;
        this.plan = plan;
        this.model = model;
    }

    /**
     * What the network did on the path, as fault rules the simulator applies ({@link
     * FaultPlan#applyTo}; {@link FaultPlan#toJava} writes them as code): the n-th segment each way
     * lost, delayed or copied, on hosts named {@code client} and {@code server}.
     *
     * @return the plan
     */
    public FaultPlan faultPlan() {
        return plan;
    }

    /**
     * Runs the path again on the simulator: two hosts with the explored configurations, ports and
     * initial sequence numbers, a link with the explored latency, {@link #faultPlan()}, and
     * applications that make the same calls as promptly. Moments the explorer ordered one way may
     * come in another order in the simulator (it runs what happens at one instant first come,
     * first served), so the replay shows the same violation when the path does not hang on such
     * an order.
     *
     * @return how the replay ended
     */
    public Replayed replay() {
        Replay.Outcome o = new Replay(model, plan).run();
        return new Replayed(o.client(), o.server(), o.clientRead(), o.serverRead(), o.foreignBytes(), o.ladder());
    }

    /**
     * How a {@link #replay()} ended.
     *
     * @param client       why the client's last connection closed, or null if it did not
     * @param server       why the server's last connection closed, or null if it did not (or never opened)
     * @param clientRead   bytes the client's application read in the last incarnation
     * @param serverRead   bytes the server's application read in the last incarnation
     * @param foreignBytes whether an application read a byte its peer never sent there
     * @param ladder       the simulator's ladder of the run
     */
    public record Replayed(CloseReason client, CloseReason server, int clientRead, int serverRead,
                           boolean foreignBytes, String ladder) {}

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
