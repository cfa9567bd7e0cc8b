package io.tcpclose.nio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.engine.CloseReason;
import io.tcpclose.engine.TcpConfig;
import io.tcpclose.nio.NioConnection;
import io.tcpclose.nio.NioTcpStack;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The peer is another process, and it dies: killed with SIGKILL it says nothing, so keep-alive
 * must find out (RFC 1122 4.2.3.6); restarted on the same UDP port it knows nothing of the old
 * connection and answers it with a reset (RFC 9293 §3.10.7.1), which the survivor reports.
 */
class ProcessPeerTest {
    private NioTcpStack client;
    private Process server;

    @AfterEach
    void cleanUp() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroyForcibly();
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** {@code serve} in a second JVM, waiting for the peer's FIN (so it never closes by itself). */
    private static Process serve(int port) throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", String.valueOf(port), "--wait", "--timeout", "60")
                .redirectErrorStream(true).start();
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(first != null && first.startsWith("listening on"), "serve said: " + first);
        return p;
    }

    private NioConnection connect(int port, TcpConfig config) throws Exception {
        client = NioTcpStack.open(new InetSocketAddress("127.0.0.1", 0), config);
        NioConnection c = client.connect(new InetSocketAddress("127.0.0.1", port), 80).get(20, TimeUnit.SECONDS);
        byte[] hello = new byte["hello from the server\n".length()];
        for (int n = 0; n < hello.length; ) {
            n += c.inputStream().read(hello, n, hello.length - n);
        }
        return c;
    }

    @Test
    void keep_alive_finds_out_that_the_peer_process_was_killed_rfc1122_4_2_3_6() throws Exception {
        int port = freeUdpPort();
        server = serve(port);
        TcpConfig keepAlive = TcpConfig.builder().keepAlive(Duration.ofMillis(500), Duration.ofMillis(200), 3).build();
        NioConnection c = connect(port, keepAlive);
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no FIN, no RST
        assertEquals(CloseReason.TIMED_OUT_KEEPALIVE, c.closed().get(20, TimeUnit.SECONDS));
        assertEquals(3, client.stats().keepAliveProbesSent());
    }

    @Test
    void a_restarted_peer_answers_the_old_connection_with_a_reset_and_the_survivor_reports_it_rfc9293_3_10_7_1() throws Exception {
        int port = freeUdpPort();
        server = serve(port);
        NioConnection c = connect(port, TcpConfig.DEFAULTS);
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        server = serve(port); // the same UDP port, a new process: it knows nothing of c
        c.outputStream().write("are you there?".getBytes(StandardCharsets.UTF_8));
        assertEquals(CloseReason.RESET_BY_PEER, c.closed().get(20, TimeUnit.SECONDS));
        SocketException e = assertThrows(SocketException.class, () -> c.inputStream().read());
        assertEquals("Connection reset", e.getMessage());
    }
}
