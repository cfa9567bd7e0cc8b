package io.tcpclose.tun.cli;

import io.tcpclose.engine.CloseReason;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's scenarios that make sense with the Linux kernel's TCP as the server: the same
 * names and the same story, told by a real peer. The rest need a network the simulator fakes (an
 * old duplicate held back and delivered later, a SYN flood's spoofed clients, a shaped link), so
 * each of those carries the reason it cannot run here. Immutable.
 */
enum LinuxScenario {
    NORMAL_CLOSE("normal-close", "tcpclose sends, then closes first: FIN, ACK, FIN, ACK; tcpclose holds TIME-WAIT",
            CloseReason.NORMAL),
    PASSIVE_CLOSE("passive-close", "the kernel closes first once it has read the request; tcpclose answers from CLOSE-WAIT and LAST-ACK",
            CloseReason.NORMAL),
    SIMULTANEOUS_CLOSE("simultaneous-close", "both close at once while iptables drops every packet; a side that then gets the other's FIN before the ACK of its own passes CLOSING",
            CloseReason.NORMAL),
    HALF_CLOSE("half-close", "tcpclose shuts down its output after its request; the kernel sends 20 kB to it, then closes",
            CloseReason.NORMAL),
    LOST_FIN("lost-fin", "iptables drops tcpclose's first FIN; it is retransmitted after the RTO",
            CloseReason.NORMAL),
    LOST_LAST_ACK("lost-last-ack", "iptables drops tcpclose's last ACK: the kernel repeats its FIN and TIME-WAIT answers it",
            CloseReason.NORMAL),
    RST_ABORT("rst-abort", "tcpclose aborts: one RST at SND.NXT; the kernel's read says connection reset",
            CloseReason.ABORTED),
    RST_INJECTION("rst-injection", "a raw socket on the kernel's side forges an in-window RST (a challenge ACK answers it), then an exact one (it resets)",
            CloseReason.RESET_BY_PEER),
    UNREAD_DATA("unread-data", "the kernel closes with tcpclose's request unread (RFC 2525 2.17)",
            CloseReason.RESET_BY_PEER),
    KEEPALIVE_LIVE("keepalive-live", "an idle connection with keep-alive on (1 s idle, 1 s apart): the kernel answers each probe, then a normal close",
            CloseReason.NORMAL),
    KEEPALIVE_DEAD("keepalive-dead", "iptables cuts the path; tcpclose's keep-alive probes go unanswered and it gives up",
            CloseReason.TIMED_OUT_KEEPALIVE),
    FIN_WAIT_2_TIMEOUT("fin-wait-2-timeout", "the kernel never closes; orphaned tcpclose leaves FIN-WAIT-2 after 5 s (the simulator's 60 s, shortened for a real-time run)",
            CloseReason.TIMED_OUT_FIN_WAIT_2),
    USER_TIMEOUT("user-timeout", "data sent into a cut path stays unacknowledged; the 5 s user timeout aborts",
            CloseReason.TIMED_OUT_USER),
    RANDOM_LOSSY("random-lossy", "20 kB each way while iptables drops 20% of tcpclose's packets to the kernel; tcpclose closes once it has all",
            CloseReason.NORMAL);

    /** The simulator's scenarios that cannot run against a real peer, and why. */
    static final List<String[]> SIMULATED_ONLY = List.of(
            new String[] {"syn-flood", "it floods the server with spoofed SYNs; with Linux as the server that tests Linux, not tcpclose"},
            new String[] {"old-duplicate", "it needs the network to hold a segment back and deliver it after the connection closed"},
            new String[] {"old-duplicate-no-time-wait", "it needs the network to hold a segment back and deliver it after the connection closed"},
            new String[] {"old-duplicate-paws", "it needs the network to hold a segment back and deliver it after the connection closed"},
            new String[] {"bulk-transfer", "it needs a link of a given rate and delay, which the TUN path does not shape"});

    final String cliName;
    final String description;
    /** How our connection ends when the scenario reaches the end it describes. */
    final CloseReason clientEnd;

    LinuxScenario(String cliName, String description, CloseReason clientEnd) {
        this.cliName = cliName;
        this.description = description;
        this.clientEnd = clientEnd;
    }

    /** {@return the scenario of that name, or null} */
    static LinuxScenario byName(String name) {
        for (LinuxScenario s : values()) {
            if (s.cliName.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** {@return why the simulator's scenario of that name cannot run against Linux, or null} */
    static String whyNot(String name) {
        for (String[] s : SIMULATED_ONLY) {
            if (s[0].equals(name)) {
                return s[1];
            }
        }
        return null;
    }

    /** The names in order, for picocli's completion and the help text. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (LinuxScenario s : values()) {
                names.add(s.cliName);
            }
            return names.iterator();
        }
    }
}
