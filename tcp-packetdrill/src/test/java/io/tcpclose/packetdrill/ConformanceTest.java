package io.tcpclose.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcpclose.engine.TcpConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Our conformance suite, written in packetdrill: every script under conformance/ passes in strict mode. */
class ConformanceTest {
    @TestFactory
    Stream<DynamicTest> every_conformance_script_passes_in_strict_mode() throws Exception {
        List<Path> scripts = Drill.scripts(dir());
        return scripts.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            ScriptResult r = Drill.run(p, TcpConfig.DEFAULTS, false, Set.of());
            assertEquals(ScriptResult.Status.PASS, r.status(), r.message() + "\n" + String.join("\n", r.ladder()));
        }));
    }

    static Path dir() throws URISyntaxException {
        return Path.of(ConformanceTest.class.getResource("/conformance").toURI());
    }
}
