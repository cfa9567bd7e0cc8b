package io.tcpclose.packetdrill;

import io.tcpclose.wire.TcpFlags;
import java.util.ArrayList;
import java.util.List;

/**
 * One packet line of a script, {@code < S 0:0(0) win 32792 <mss 1460,nop,wscale 7>} or
 * {@code > . 1:1(0) ack 1001}: its direction, flags, sequence range, ack, window and options
 * as written. Immutable; thread-safe.
 *
 * @param inbound true for {@code <} (the script's host sends it to us)
 * @param flags   TCP flags ({@code S . F R P}; {@code E W} parse but are refused by the runner)
 * @param start   the first sequence number, as the script writes it (relative, see the runner)
 * @param end     one past the last
 * @param ack     the ack field, or null when the script gives none
 * @param window  the window field, or null
 * @param options the options as written ({@code "mss 1460"}, {@code "nop"}, ...), or null for none given
 * @param ece     the E flag (ECN) was given
 * @param cwr     the W flag (ECN) was given
 */
record PacketSpec(boolean inbound, int flags, long start, long end, Long ack, Integer window,
                  List<String> options, boolean ece, boolean cwr) {

    static PacketSpec parse(int line, String text) {
        String t = text.trim();
        boolean inbound;
        if (t.startsWith("<")) {
            inbound = true;
        } else if (t.startsWith(">")) {
            inbound = false;
        } else {
            throw new ScriptSyntaxException(line, "a packet starts with < or >: " + text);
        }
        t = t.substring(1).trim();
        List<String> options = null;
        int lt = t.indexOf('<');
        if (lt >= 0) {
            int gt = t.lastIndexOf('>');
            if (gt < lt) {
                throw new ScriptSyntaxException(line, "unterminated options <...>: " + text);
            }
            options = new ArrayList<>();
            String inner = t.substring(lt + 1, gt).trim();
            if (!inner.isEmpty() && !inner.equals("...")) {
                for (String o : inner.split(",")) {
                    options.add(o.trim());
                }
            } else if (inner.equals("...")) {
                options = null; // <...>: any options
            }
            t = t.substring(0, lt).trim();
        }
        String[] w = t.split("\\s+");
        int flags = 0;
        boolean ece = false;
        boolean cwr = false;
        for (char c : w[0].toCharArray()) {
            switch (c) {
                case 'S': flags |= TcpFlags.SYN; break;
                case 'F': flags |= TcpFlags.FIN; break;
                case 'R': flags |= TcpFlags.RST; break;
                case 'P': flags |= TcpFlags.PSH; break;
                case '.': flags |= TcpFlags.ACK; break;
                case 'E': ece = true; break;
                case 'W': cwr = true; break;
                default: throw new ScriptSyntaxException(line, "unknown flag '" + c + "' in " + text);
            }
        }
        if (w.length < 2) {
            throw new ScriptSyntaxException(line, "a packet needs start:end(len) after its flags: " + text);
        }
        String range = w[1];
        int colon = range.indexOf(':');
        int paren = range.indexOf('(');
        if (colon < 0 || paren < colon || !range.endsWith(")")) {
            throw new ScriptSyntaxException(line, "expected start:end(len), found \"" + range + "\"");
        }
        long start = number(line, range.substring(0, colon));
        long end = number(line, range.substring(colon + 1, paren));
        long len = number(line, range.substring(paren + 1, range.length() - 1));
        if (end - start != len) {
            throw new ScriptSyntaxException(line, range + ": end - start is not the length");
        }
        Long ack = null;
        Integer window = null;
        for (int i = 2; i < w.length; i++) {
            switch (w[i]) {
                case "ack":
                    ack = number(line, w[++i]);
                    break;
                case "win":
                    window = (int) number(line, w[++i]);
                    break;
                default:
                    throw new ScriptSyntaxException(line, "unknown packet field \"" + w[i] + "\" (known: ack, win)");
            }
        }
        return new PacketSpec(inbound, flags, start, end, ack, window, options, ece, cwr);
    }

    private static long number(int line, String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new ScriptSyntaxException(line, "\"" + s + "\" is not a number");
        }
    }

    /** The flags in packetdrill's letters. */
    static String letters(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & TcpFlags.SYN) != 0) {
            sb.append('S');
        }
        if ((flags & TcpFlags.FIN) != 0) {
            sb.append('F');
        }
        if ((flags & TcpFlags.RST) != 0) {
            sb.append('R');
        }
        if ((flags & TcpFlags.PSH) != 0) {
            sb.append('P');
        }
        if ((flags & TcpFlags.ACK) != 0) {
            sb.append('.');
        }
        return sb.toString();
    }
}
