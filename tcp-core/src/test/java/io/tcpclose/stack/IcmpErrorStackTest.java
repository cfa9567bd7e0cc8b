package io.tcpclose.stack;

import static io.tcpclose.stack.Net.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpState;
import io.tcpclose.spi.ManualClock;
import io.tcpclose.spi.Transport;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stack finds the connection an ICMP error is about by the quoted segment and lets the
 * engine decide (RFC 1122 §4.2.3.9); an error about nothing of ours is counted and dropped.
 */
class IcmpErrorStackTest {
    private static final InetAddress US = ip("10.0.0.1");
    private static final InetAddress THEM = ip("10.0.0.2");

    private final List<byte[]> sent = new ArrayList<>();
    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final TcpStack stack = TcpStack.builder(new Transport() {
        @Override
        public void send(InetAddress source, InetAddress destination, ByteBuffer segment) {
            send(source, 0, destination, 0, segment);
        }

        @Override
        public void send(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, ByteBuffer segment) {
            byte[] b = new byte[segment.remaining()];
            segment.get(b);
            sent.add(b);
        }
    }, clock).isn(IsnGenerator.fixed(1000)).build();

    private final List<CloseReason> closes = new ArrayList<>();
    private final ConnectionListener recorder = new ConnectionListener() {
        @Override
        public void onClosed(Connection c, CloseReason reason) {
            closes.add(reason);
        }
    };

    @Test
    void port_unreachable_quoting_our_syn_closes_the_connect_refused_rfc1122_4_2_3_9() {
        Connection c = stack.connect(new FourTuple(US, 40000, THEM, 80, 5000, 6000), recorder);
        byte[] syn = sent.get(0);

        stack.icmpError(US, 5000, THEM, 6000, 3, 3, ByteBuffer.wrap(syn, 0, 8));

        assertEquals(List.of(CloseReason.REFUSED), closes);
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(1, stack.stats().icmpErrors());
        assertNull(stack.connection(c.id()), "the connection is gone from the table");
        assertEquals(1, sent.size(), "no retransmission, no RST");
    }

    @Test
    void an_error_quoting_another_tunnel_port_finds_no_connection_and_is_counted() {
        stack.connect(new FourTuple(US, 40000, THEM, 80, 5000, 6000), recorder);
        byte[] syn = sent.get(0);

        stack.icmpError(US, 5000, THEM, 6001, 3, 3, ByteBuffer.wrap(syn, 0, 8));
        stack.icmpError(US, 5000, THEM, 6000, 3, 3, ByteBuffer.wrap(syn, 0, 7));

        assertEquals(List.of(), closes);
        assertEquals(0, stack.stats().icmpErrors());
        assertEquals(2, stack.stats().icmpUnmatched());
    }
}
