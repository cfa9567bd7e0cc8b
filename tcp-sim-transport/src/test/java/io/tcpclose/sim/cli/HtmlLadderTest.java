package io.tcpclose.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tcpclose-sim --html FILE}: the run's ladder as a two-column sequence diagram, checked
 * as text and, in headless Chromium (which CI installs), as a rendered page.
 */
class HtmlLadderTest {
    @TempDir
    Path dir;

    /** Every arrow label of the text ladder ("--- SYN seq=1000 ---->", "<---- ACK seq=5001 ack=1007 ---"). */
    private static List<String> arrowLabels(String ladder) {
        List<String> labels = new ArrayList<>();
        Matcher m = Pattern.compile("(?:--- |-- )([A-Z|]+ seq=\\d+(?: ack=\\d+)?(?: len=\\d+)?(?: win=0)?) -").matcher(ladder);
        while (m.find()) {
            labels.add(m.group(1));
        }
        return labels;
    }

    @Test
    void the_page_has_every_segment_of_the_ladder_the_fin_acks_and_the_shaded_time_wait() throws Exception {
        Path page = dir.resolve("close.html");
        MainTest.Result r = MainTest.run("lost-fin", "--html", page.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(page, StandardCharsets.UTF_8);
        List<String> labels = arrowLabels(r.out());
        assertTrue(labels.size() >= 9, r.out());
        for (String label : labels) {
            assertTrue(html.contains(">" + label + "<"), label);
        }
        assertTrue(html.contains("acks FIN 1006: ack = 1007") && html.contains("class=\"lost\"")
                && html.contains("TIME-WAIT 60.000 s (2×MSL)") && html.contains("MSL 30 s"), html);
    }

    @Test
    void a_page_must_be_html() {
        MainTest.Result r = MainTest.run("normal-close", "--html", dir.resolve("x.pdf").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--html"), r.err());
    }

    @Test
    void headless_chromium_renders_the_page_with_every_segment_and_not_blank() throws Exception {
        String chromium = chromium();
        if (System.getenv("CI") != null) {
            assertTrue(chromium != null, "CI installs chromium (see .ci/run); it is missing");
        }
        Assumptions.assumeTrue(chromium != null, "chromium is not installed here (apt-get install chromium); CI runs this test");
        Path page = dir.resolve("close.html");
        MainTest.Result r = MainTest.run("lost-fin", "--html", page.toString());
        assertEquals(0, r.code(), r.err());
        String dom = run(chromium, "--dump-dom", page.toUri().toString());
        for (String label : arrowLabels(r.out())) {
            assertTrue(dom.contains(label), "the rendered page has " + label);
        }
        Path shot = dir.resolve("close.png");
        run(chromium, "--screenshot=" + shot, "--window-size=1100,1200", page.toUri().toString());
        BufferedImage img = javax.imageio.ImageIO.read(shot.toFile());
        long inked = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                inked += rgb != 0xFFFFFF ? 1 : 0;
            }
        }
        long sampled = (long) (img.getHeight() / 2) * (img.getWidth() / 2);
        assertTrue(inked > sampled / 100, "the screenshot is not blank: " + inked + " of " + sampled + " pixels inked");
    }

    private static String chromium() {
        for (String name : new String[] {"chromium", "chromium-browser"}) {
            try {
                Process p = new ProcessBuilder(name, "--version").redirectErrorStream(true).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return name;
                }
            } catch (IOException | InterruptedException e) {
                // not this one
            }
        }
        return null;
    }

    private String run(String chromium, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        return out;
    }
}
