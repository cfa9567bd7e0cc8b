package io.tcpclose.wire;

/**
 * The TCP control bits (RFC 9293 §3.1) as bit masks of the header's flags byte, and their
 * conventional rendering ("FIN|ACK").
 *
 * <p>Flags are carried as a plain {@code int} so the hot path never boxes or allocates. Stateless
 * and thread-safe.
 */
public final class TcpFlags {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private static final int[] ORDER = {SYN, FIN, RST, PSH, ACK, URG, ECE, CWR};
    private static final String[] NAMES = {"SYN", "FIN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

    private TcpFlags() {}

    /** "SYN|ACK", "FIN|PSH|ACK", or "none". */
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
