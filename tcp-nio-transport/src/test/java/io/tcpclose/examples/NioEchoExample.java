package io.tcpclose.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Quick start: an echo server and its client on real sockets (loopback; segments ride in UDP
 * datagrams), with blocking streams as the JDK's sockets have them: the client closing first,
 * the server closing first, and an abort.
 */
class NioEchoExample {
    /** TIME-WAIT of 200 ms instead of 60 s, so the example ends quickly. */
    private static final TcpConfig QUICK = TcpConfig.builder().msl(Duration.ofMillis(100)).build();

    private NioTcpStack server;
    private NioTcpStack client;

    @BeforeEach
    void open() throws Exception {
        server = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), QUICK);
        client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), QUICK);
        server.listen(7, 16); // TCP port 7 of the server's UDP socket, a backlog of 16
    }

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    /** Echoes one line back, then closes its side when the client has. */
    private Thread echo(boolean closeFirst) throws Exception {
        NioConnection s = server.accept(7).get(5, TimeUnit.SECONDS);
        Thread t = new Thread(() -> {
            try (InputStream in = s.inputStream(); OutputStream out = s.outputStream()) {
                byte[] buf = new byte[64];
                int n = in.read(buf);
                out.write(buf, 0, n);
                if (closeFirst) {
                    s.close();
                } else {
                    while (in.read(buf) >= 0) {
                        // read until the client's FIN
                    }
                    s.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    private static String readAll(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void the_client_closes_first_and_keeps_time_wait() throws Exception {
        NioConnection c = client.connect(server.localAddress(), 7).get(5, TimeUnit.SECONDS);
        Thread echo = echo(false);
        c.outputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
        byte[] back = new byte[5];
        assertEquals(5, c.inputStream().readNBytes(back, 0, 5));
        c.shutdownOutput(); // our FIN: the server reads the end of stream and closes too
        assertEquals("", readAll(c.inputStream()));
        c.close();
        echo.join();
        assertEquals("ping\n", new String(back, StandardCharsets.UTF_8));
        assertEquals(CloseReason.NORMAL, c.closed().get(5, TimeUnit.SECONDS));
    }

    @Test
    void the_server_closes_first_and_the_client_reads_the_end_of_stream() throws Exception {
        NioConnection c = client.connect(server.localAddress(), 7).get(5, TimeUnit.SECONDS);
        Thread echo = echo(true);
        c.outputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("ping\n", readAll(c.inputStream())); // the echo, then -1 at the server's FIN
        c.close();
        echo.join();
        assertEquals(CloseReason.NORMAL, c.closed().get(5, TimeUnit.SECONDS));
    }

    @Test
    void an_abort_resets_the_connection_and_the_peer_reads_connection_reset() throws Exception {
        NioConnection c = client.connect(server.localAddress(), 7).get(5, TimeUnit.SECONDS);
        NioConnection s = server.accept(7).get(5, TimeUnit.SECONDS);
        c.abort(); // an RST at once, no TIME-WAIT (SO_LINGER 0 in the JDK)
        assertEquals(CloseReason.RESET_BY_PEER, s.closed().get(5, TimeUnit.SECONDS));
        SocketException e = assertThrows(SocketException.class, () -> s.inputStream().read());
        assertEquals("Connection reset", e.getMessage());
    }
}
