package io.tcpclose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.stack.FourTuple;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** A misused API says what was wrong, and nothing changes. */
class ApiMisuseTest {

    @Test
    void an_active_open_from_or_to_port_zero_is_refused_rfc9293_3_9_1() {
        TcpApiException from = assertThrows(TcpApiException.class,
                () -> TcpEngine.step(Tcb.create(TcpConfig.DEFAULTS, 0, 80), new Event.Open(1000, 0), 0));
        assertTrue(from.getMessage().contains("local port 0"), from.getMessage());
        TcpApiException to = assertThrows(TcpApiException.class,
                () -> TcpEngine.step(Tcb.create(TcpConfig.DEFAULTS, 40000, 0), new Event.Open(1000, 0), 0));
        assertTrue(to.getMessage().contains("remote port 0"), to.getMessage());
    }

    @Test
    void a_listen_on_port_zero_is_refused() {
        TcpApiException e = assertThrows(TcpApiException.class,
                () -> TcpEngine.step(Tcb.create(TcpConfig.DEFAULTS, 0, 0), new Event.Listen(5000, 0), 0));
        assertTrue(e.getMessage().contains("local port in 1..65535"), e.getMessage());
    }

    @Test
    void a_port_out_of_range_is_named() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FourTuple(a, 0, a, 70000));
        assertEquals("remote port must lie in 0..65535, was 70000", e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> Tcb.create(TcpConfig.DEFAULTS, -1, 80));
        assertEquals("local port must lie in 0..65535, was -1", t.getMessage());
    }
}
