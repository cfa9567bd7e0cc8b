package io.tcpclose.engine;

import io.tcpclose.engine.TcpConfig.TimeWaitRst;
import java.time.Duration;

/**
 * The named configurations: what a standard or a kernel chooses, knob by knob, each with the
 * rule or the kernel setting it follows. {@link TcpConfig#RFC_STRICT} and {@link
 * TcpConfig#LINUX} are built here. Stateless.
 */
final class Presets {
    private Presets() {}

    /** RFC 9293 to the letter: MSL 120 s (§3.4.2), RST closes TIME-WAIT, no FIN-WAIT-2 limit, the FIN in its own segment. */
    static TcpConfig rfcStrict() {
        return TcpConfig.builder()
                .msl(Duration.ofSeconds(120))
                .timeWaitRst(TimeWaitRst.CLOSE)
                .orphanFinWait2Timeout(null)
                .finOnLastData(false)
                .nagle(TcpConfig.Nagle.RFC_896) // RFC 1122 4.2.3.4: a TCP SHOULD implement it
                .build();
    }

    /** Linux's choices (6.x defaults), each knob with the sysctl or function it follows. */
    static TcpConfig linux() {
        return TcpConfig.builder()
                .msl(Duration.ofSeconds(30))
                .timeWaitRst(TimeWaitRst.CLOSE)
                .rtoMin(Duration.ofMillis(200))
                .windowScaling(true)
                .timestamps(true)
                .receiveBuffer(131_072) // tcp_rmem's default
                .reassemblySegments(256) // Linux bounds its out-of-order queue by the buffer, not a count
                .delayedAck(Duration.ofMillis(40)) // TCP_DELACK_MIN
                .quickAcks(16) // TCP_MAX_QUICKACKS
                .silentAfterFin(true) // tcp_rcv_state_process drops them
                .timeWaitRestartOnAck(true) // tcp_timewait_state_process reschedules on any ACK
                .maxSynAckRetransmissions(5) // tcp_synack_retries
                .rtoMinOnVariance(true) // tcp_set_rto
                .nagle(TcpConfig.Nagle.MINSHALL) // tcp_nagle_check with tcp_minshall_check; TCP_NODELAY off
                .build();
    }
}
