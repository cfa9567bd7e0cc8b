package io.tcpclose.engine;

import io.tcpclose.ladder.States;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcpclose.ladder.LadderDriver;
import io.tcpclose.ladder.SegmentSpec;
import io.tcpclose.wire.Segment;
import io.tcpclose.wire.Seq;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * TIME-WAIT reuse is the engine's rule (RFC 9293 §3.6.1, RFC 6191 §2): with a listener waiting,
 * a SYN above everything the old incarnation received may open a new one, whose ISS lies above
 * everything the old one sent. The fixture's TIME-WAIT has RCV.NXT 5002 and SND.NXT 1002.
 */
class NewIncarnationTest {
    private static Segment peer(String spec) {
        return SegmentSpec.parse(spec).toSegment(LadderDriver.SERVER_PORT, LadderDriver.CLIENT_PORT);
    }

    @Test
    void a_newer_syn_with_a_listener_waiting_may_start_a_new_incarnation_rfc6191_2() {
        Tcb tw = States.timeWait().tcb();
        Segment syn = peer("SYN seq=9000");
        Step s = TcpEngine.step(tw, new Event.Arrive(syn, true), Effects.ms(500));
        assertEquals(List.of(new Effect.NewIncarnation(syn, 1002)), s.effects());
        assertEquals(TcpState.TIME_WAIT, s.tcb().state());
        assertEquals(tw.deadline(TimerKind.TIME_WAIT), s.tcb().deadline(TimerKind.TIME_WAIT), "set aside as it was");
    }

    @Test
    void without_a_listener_a_syn_in_time_wait_gets_a_challenge_ack_rfc5961_4() {
        Step s = TcpEngine.step(States.timeWait().tcb(), new Event.Arrive(peer("SYN seq=9000"), false), Effects.ms(500));
        assertEquals(List.of(new Effect.Rejected(RejectReason.SYN_IN_SYNCHRONIZED_STATE, peer("SYN seq=9000")),
                Effects.out("ACK seq=1002 ack=5002", Effect.Why.CHALLENGE_ACK)), s.effects());
    }

    @Test
    void an_older_syn_never_starts_a_new_incarnation_rfc9293_3_6_1() {
        Step s = TcpEngine.step(States.timeWait().tcb(), new Event.Arrive(peer("SYN seq=5002"), true), Effects.ms(500));
        assertTrue(s.effects().stream().noneMatch(e -> e instanceof Effect.NewIncarnation), s.effects().toString());
    }

    @Test
    void reuse_switched_off_in_the_config_is_honoured_by_the_engine() {
        TcpConfig off = TcpConfig.builder().timeWaitReuse(false).build();
        Step s = TcpEngine.step(States.timeWait(off).tcb(), new Event.Arrive(peer("SYN seq=9000"), true), Effects.ms(500));
        assertTrue(s.effects().stream().noneMatch(e -> e instanceof Effect.NewIncarnation), s.effects().toString());
    }

    @Test
    void only_time_wait_admits_a_new_incarnation() {
        Step s = TcpEngine.step(States.finWait2().tcb(), new Event.Arrive(peer("SYN seq=9000"), true), Effects.ms(500));
        assertTrue(s.effects().stream().noneMatch(e -> e instanceof Effect.NewIncarnation), s.effects().toString());
    }

    @Test
    void a_generated_iss_inside_the_old_sequence_space_is_moved_above_it_rfc9293_3_6_1() {
        Effect.NewIncarnation n = new Effect.NewIncarnation(peer("SYN seq=9000"), 1_000_000);
        assertEquals(1_000_000 + 65537, n.iss(500_000));
        assertEquals(1_000_000 + 65537, n.iss(1_000_000));
        assertEquals(5_000_000, n.iss(5_000_000));
    }

    @Property(seed = "6191", tries = 2000)
    void the_new_iss_always_lies_above_the_old_snd_nxt_rfc9293_3_6_1(@ForAll int oldSndNxt, @ForAll int generated) {
        Effect.NewIncarnation n = new Effect.NewIncarnation(peer("SYN seq=9000"), oldSndNxt);
        int iss = n.iss(generated);
        assertTrue(Seq.gt(iss, oldSndNxt), "ISS " + iss + " not above " + oldSndNxt);
        assertTrue(iss == generated || Seq.diff(iss, oldSndNxt) == 65537);
    }

    @Test
    void time_wait_repeats_its_ack_for_a_repeated_fin_after_a_failed_incarnation() {
        // The snapshot the driver set aside is still the TIME-WAIT it was.
        Tcb tw = States.timeWait().tcb();
        Step admitted = TcpEngine.step(tw, new Event.Arrive(peer("SYN seq=9000"), true), Effects.ms(500));
        assertSame(TcpState.TIME_WAIT, admitted.tcb().state());
        LadderDriver.of(admitted.tcb(), Effects.ms(600)).in("FIN|ACK seq=5001 ack=1002")
                .expectOut("ACK seq=1002 ack=5002").expectState(TcpState.TIME_WAIT);
    }
}
