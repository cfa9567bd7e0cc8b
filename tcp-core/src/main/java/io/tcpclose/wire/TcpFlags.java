package io.tcpclose.wire;

/**
 * The TCP control bits (RFC 9293 §3.1) as bit masks of the header's flags byte, and their
 * conventional rendering ("FIN|ACK").
 *
 * <p>Flags are carried as a plain {@code int} so the hot path never boxes or allocates. Stateless
 * and thread-safe.
 */
public final class TcpFlags {
    /** FIN: no more data from the sender; occupies one sequence number. */
    public static final int FIN = 0x01;
    /** SYN: synchronize sequence numbers; occupies one sequence number. */
    public static final int SYN = 0x02;
    /** RST: reset the connection. */
    public static final int RST = 0x04;
    /** PSH: push function. */
    public static final int PSH = 0x08;
    /** ACK: the acknowledgment field is significant. */
    public static final int ACK = 0x10;
    /** URG: the urgent pointer field is significant (tcpclose ignores urgent data). */
    public static final int URG = 0x20;
    /** ECE: ECN-Echo (RFC 3168). */
    public static final int ECE = 0x40;
    /** CWR: congestion window reduced (RFC 3168). */
    public static final int CWR = 0x80;

    private static final int[] ORDER = {SYN, FIN, RST, PSH, ACK, URG, ECE, CWR};
    private static final String[] NAMES = {"SYN", "FIN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

    private TcpFlags() {}

    /**
     * Renders flags as "SYN|ACK", "FIN|PSH|ACK", or "none".
     *
     * @param flags the control bits
     * @return their names joined by '|', SYN first, or "none" when no bit is set
     */
    public static String toString(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ORDER.length; i++) {
            if ((flags & ORDER[i]) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(NAMES[i]);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /**
     * Parses "FIN|ACK" (case-insensitive, '|' ',' '+' or spaces between names).
     *
     * @param text flag names, or "none" or nothing for no flags
     * @return the control bits
     *
     * @throws IllegalArgumentException naming the unknown flag
     */
    public static int parse(String text) {
        int flags = 0;
        for (String part : text.trim().split("[|,+\\s]+")) {
            if (part.isEmpty() || part.equalsIgnoreCase("none")) {
                continue;
            }
            int found = -1;
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equalsIgnoreCase(part)) {
                    found = ORDER[i];
                }
            }
            if (found < 0) {
                throw new IllegalArgumentException("unknown TCP flag '" + part + "' in \"" + text + "\"");
            }
            flags |= found;
        }
        return flags;
    }
}
