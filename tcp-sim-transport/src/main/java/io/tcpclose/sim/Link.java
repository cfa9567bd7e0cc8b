package io.tcpclose.sim;

import io.tcpclose.wire.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One direction of a simulated link, from one host to another: its configuration, its own
 * random stream (so one link's draws never shift another's), its queue and its counters.
 * Also where partitions and holds are switched.
 *
 * <p>Owned by its {@link Simulator}; not thread-safe.
 */
public final class Link {
    final Simulator sim;
    final Host from;
    final Host to;
    final String name;
    LinkConfig config;
    /** The configuration it was built with, which a reset restores. */
    private final LinkConfig initial;
    SplittableRandom random;
    final boolean[] gilbertBad = new boolean[1];
    long busyUntil;
    long lastArrival;
    long packets;
    /** Departure times of the packets still waiting to leave (serialization at the link's rate), oldest first. */
    final java.util.ArrayDeque<Long> departures = new java.util.ArrayDeque<>();
    boolean partitioned;
    boolean holding;
    final List<long[]> scheduledPartitions = new ArrayList<>();
    final List<Packet> held = new ArrayList<>();

    long sent;
    long dropped;
    long delivered;
    long duplicated;
    long corrupted;
    long expired;

    Link(Simulator sim, Host from, Host to, LinkConfig config, SplittableRandom random) {
        this.sim = sim;
        this.from = from;
        this.to = to;
        this.name = from.name() + ">" + to.name();
        this.config = config;
        this.initial = config;
        this.random = random;
    }

    /** As built, with a new random stream: for {@link Simulator#reset}. */
    void reset(SplittableRandom random) {
        this.random = random;
        config = initial;
        gilbertBad[0] = false;
        busyUntil = 0;
        lastArrival = 0;
        packets = 0;
        departures.clear();
        partitioned = false;
        holding = false;
        scheduledPartitions.clear();
        held.clear();
        sent = 0;
        dropped = 0;
        delivered = 0;
        duplicated = 0;
        corrupted = 0;
        expired = 0;
    }

    /** {@return the link's name, {@code "client>server"} for the link from client to server} */
    public String name() {
        return name;
    }

    /** {@return the configuration the link applies now} */
    public LinkConfig config() {
        return config;
    }

    /**
     * Replaces the configuration from now on: packets already in flight keep their fate.
     *
     * @param c the new configuration
     */
    public void configure(LinkConfig c) {
        config = c;
    }

    /**
     * Manual partition: while on, every packet put on this link is dropped; packets already in
     * flight are still delivered. Noted in the trace.
     *
     * @param on true to partition, false to heal
     */
    public void partition(boolean on) {
        partitioned = on;
        sim.note(name, on ? "partitioned" : "healed");
    }

    /** Holds every packet that would be delivered from now on, until {@link #release()}. */
    public void hold() {
        holding = true;
        sim.note(name, "hold");
    }

    /** Releases held packets for delivery now (those older than the MSL expire instead). */
    public void release() {
        holding = false;
        sim.release(this);
    }

    boolean partitionedAt(long now) {
        if (partitioned) {
            return true;
        }
        for (long[] p : scheduledPartitions) {
            if (now >= p[0] && now < p[1]) {
                return true;
            }
        }
        return false;
    }

    /** {@return how many segments hosts put on this link so far (injected ones not counted)} */
    public long sent() {
        return sent;
    }

    /** {@return how many drops so far: partition, rule, MTU, loss or full queue} */
    public long dropped() {
        return dropped;
    }

    /** {@return how many packets, copies and injected ones included, reached the receiving host so far} */
    public long delivered() {
        return delivered;
    }

    /** {@return how many extra copies the link made so far, by its configuration or by rules} */
    public long duplicated() {
        return duplicated;
    }

    /** {@return how many segments had a bit flipped so far} */
    public long corrupted() {
        return corrupted;
    }

    /** {@return how many packets were discarded so far for being older than the network's MSL} */
    public long expired() {
        return expired;
    }

    @Override
    public String toString() {
        return name + " (" + config + "): sent " + sent + ", delivered " + delivered + ", dropped " + dropped
                + ", duplicated " + duplicated + ", corrupted " + corrupted + ", expired " + expired;
    }

    /** A packet on this link: the bytes, its number, its birth time, and its decoded segment for matching. */
    record Packet(Link link, long number, byte[] bytes, long birthNanos, Segment segment, boolean corrupted,
                  java.net.InetAddress source) {
        Packet(Link link, long number, byte[] bytes, long birthNanos, Segment segment, boolean corrupted) {
            this(link, number, bytes, birthNanos, segment, corrupted, link.from.address());
        }
    }
}
