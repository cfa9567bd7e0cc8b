package io.tcpclose.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cwnd plot's y-axis: the steady state stays readable after slow start's overshoot. */
class PlotTest {
    @Test
    void the_axis_fits_what_follows_the_first_loss_and_slow_starts_peak_is_clipped() {
        List<Plot.Sample> samples = new ArrayList<>();
        for (int i = 1; i <= 40; i++) { // slow start overshoots to 4 MiB
            samples.add(new Plot.Sample(i * 1_000_000L, i * 100 * 1024, Integer.MAX_VALUE, i * 100 * 1024));
        }
        for (int i = 0; i < 200; i++) { // then a sawtooth between 100 and 200 KiB
            int cwnd = (100 + i % 100) * 1024;
            samples.add(new Plot.Sample((41 + i) * 1_000_000L, cwnd, 100 * 1024, cwnd));
        }
        Plot p = new Plot("cwnd", samples);
        assertEquals(250, p.yMax, 1e-9, "the sawtooth's 199 KiB, with room, not the 4000 KiB spike");
        assertTrue(p.svg().contains("peaks up to 4000 KiB clipped"));
    }

    @Test
    void without_a_loss_the_axis_fits_everything() {
        List<Plot.Sample> samples = List.of(new Plot.Sample(1, 10 * 1024, Integer.MAX_VALUE, 0),
                new Plot.Sample(2, 90 * 1024, Integer.MAX_VALUE, 80 * 1024));
        Plot p = new Plot("cwnd", samples);
        assertEquals(100, p.yMax, 1e-9);
        assertTrue(!p.svg().contains("clipped"));
    }
}
