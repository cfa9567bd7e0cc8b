package io.tcpclose.stack;

import static io.tcpclose.stack.Net.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import io.tcpclose.spi.Clock;
import io.tcpclose.spi.Transport;
import io.tcpclose.wire.Bytes;
import io.tcpclose.wire.PseudoHeader;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.SegmentCodec;
import io.tcpclose.wire.TcpFlags;
import io.tcpclose.wire.TcpOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** How the driver uses its SPIs: exactly what goes to the Transport, and one Clock read per call. */
class SpiInteractionTest {

    @Test
    void connect_sends_one_checksummed_syn_from_our_address_to_the_peer() throws Exception {
        Transport transport = mock(Transport.class);
        List<byte[]> wire = new ArrayList<>();
        org.mockito.Mockito.doAnswer(inv -> {
            ByteBuffer b = inv.getArgument(4);
            byte[] a = new byte[b.remaining()];
            b.get(a);
            wire.add(a);
            return null;
        }).when(transport).send(any(), anyInt(), any(), anyInt(), any(ByteBuffer.class));
        TcpStack s = TcpStack.builder(transport, () -> 0L).isn(IsnGenerator.fixed(1000)).build();

        s.connect(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, new ConnectionListener() {});

        // The stack sends with the tunnel ports (0: no tunnel); the default of that method
        // reduces it to the two addresses.
        verify(transport, times(1)).send(eq(ip("10.0.0.1")), eq(0), eq(ip("10.0.0.2")), eq(0), any(ByteBuffer.class));
        verifyNoMoreInteractions(transport);
        Segment syn = SegmentCodec.decode(wire.get(0), 0, wire.get(0).length, PseudoHeader.of(ip("10.0.0.1"), ip("10.0.0.2")));
        assertEquals(new Segment(40000, 80, 1000, 0, TcpFlags.SYN, 65535, TcpOptions.mss(1460), Bytes.EMPTY), syn);
    }

    @Test
    void the_clock_is_read_once_per_receive_poll_and_application_call() {
        Clock clock = mock(Clock.class);
        when(clock.nanoTime()).thenReturn(5L);
        TcpStack s = TcpStack.builder((a, b, c) -> { }, clock).isn(IsnGenerator.fixed(1)).build();
        verify(clock, times(1)).nanoTime(); // the timer wheel's origin

        Connection c = s.connect(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, new ConnectionListener() {});
        verify(clock, times(2)).nanoTime();

        s.poll();
        verify(clock, times(3)).nanoTime();

        Segment stray = new Segment(1, 2, 3, 4, TcpFlags.ACK, 0, TcpOptions.NONE, Bytes.EMPTY);
        s.receive(ip("10.0.0.9"), ip("10.0.0.1"), ByteBuffer.wrap(SegmentCodec.encode(stray, PseudoHeader.of(ip("10.0.0.9"), ip("10.0.0.1")))));
        verify(clock, times(4)).nanoTime();

        c.abort();
        verify(clock, times(5)).nanoTime();
    }

    @Test
    void nothing_is_sent_for_a_malformed_segment() {
        Transport transport = mock(Transport.class);
        TcpStack s = TcpStack.builder(transport, () -> 0L).build();
        s.receive(ip("10.0.0.9"), ip("10.0.0.1"), ByteBuffer.wrap(new byte[] {1, 2, 3}));
        verify(transport, never()).send(any(), anyInt(), any(), anyInt(), any());
        verify(transport, never()).send(any(), any(), any());
    }

    @Test
    void an_observer_sees_segments_out_with_the_connections_identity() {
        StackObserver observer = mock(StackObserver.class);
        TcpStack s = TcpStack.builder((a, b, c) -> { }, () -> 42L).isn(IsnGenerator.fixed(7)).observer(observer).build();
        Connection c = s.connect(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80, new ConnectionListener() {});
        ArgumentCaptor<Segment> seg = ArgumentCaptor.forClass(Segment.class);
        verify(observer).segmentOut(eq(42L), eq(c.id()), seg.capture(), eq(io.tcpclose.engine.Effect.Why.SEND));
        assertEquals(7, seg.getValue().seq());
        verify(observer).stateChanged(42L, c.id(), io.tcpclose.engine.TcpState.CLOSED, io.tcpclose.engine.TcpState.SYN_SENT);
    }

    @Test
    void the_default_isn_is_keyed_per_connection_and_moves_with_the_clock_rfc6528() {
        IsnGenerator g = IsnGenerator.rfc6528(11, 22);
        FourTuple a = new FourTuple(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 80);
        FourTuple b = new FourTuple(ip("10.0.0.1"), 40001, ip("10.0.0.2"), 80);
        int a0 = g.isn(a, 0);
        org.junit.jupiter.api.Assertions.assertNotEquals(a0, g.isn(b, 0), "another 4-tuple, another offset");
        assertEquals(a0 + 250, g.isn(a, 1_000_000), "M ticks every 4 microseconds");
        org.junit.jupiter.api.Assertions.assertNotEquals(a0, IsnGenerator.rfc6528(11, 23).isn(a, 0), "the secret matters");
    }
}
