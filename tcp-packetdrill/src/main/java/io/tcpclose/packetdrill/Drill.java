package io.tcpclose.packetdrill;

import io.tcpclose.engine.TcpConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs packetdrill scripts, one file or every {@code .pkt} under a directory, each on a fresh
 * stack. The entry point for the CLI and for tests. Stateless; thread-safe.
 */
public final class Drill {
    private Drill() {}

    /**
     * Runs one script file.
     *
     * @param file    the script
     * @param config  the local stack's configuration
     * @param lenient whether windows and options may differ
     * @param defines names {@code #ifdef} sees as defined
     * @return the result; a script that does not parse is a failure naming its line
     * @throws IOException when the file cannot be read
     */
    public static ScriptResult run(Path file, TcpConfig config, boolean lenient, Set<String> defines) throws IOException {
        return run(file, config, lenient, defines, Script.DEFAULT_TOLERANCE_NANOS);
    }

    /**
     * As {@link #run(Path, TcpConfig, boolean, Set)} with another default tolerance.
     *
     * @param file           the script
     * @param config         the local stack's configuration
     * @param lenient        whether windows and options may differ
     * @param defines        names {@code #ifdef} sees as defined
     * @param toleranceNanos the tolerance unless the script sets its own
     * @return the result
     * @throws IOException when the file cannot be read
     */
    public static ScriptResult run(Path file, TcpConfig config, boolean lenient, Set<String> defines, long toleranceNanos)
            throws IOException {
        String name = file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            return new ScriptResult(name, ScriptResult.Status.FAIL, "not UTF-8 text", List.of(), List.of(), List.of());
        }
        Script script;
        try {
            script = Script.parse(name, text, defines, toleranceNanos);
        } catch (ScriptSyntaxException e) {
            return new ScriptResult(name, ScriptResult.Status.FAIL, e.getMessage(), List.of(), List.of(), List.of());
        } catch (UnsupportedConstructException e) {
            return new ScriptResult(name, ScriptResult.Status.UNSUPPORTED, e.getMessage(), List.of(), List.of(), List.of());
        }
        try {
            return new Runner(script, config, lenient).run();
        } catch (UnsupportedConstructException e) {
            return new ScriptResult(name, ScriptResult.Status.UNSUPPORTED, e.getMessage(), List.of(), List.of(), List.of());
        } catch (IllegalArgumentException e) {
            // A value outside what TCP allows (a 17-bit window, a negative timeout): the script is wrong.
            return new ScriptResult(name, ScriptResult.Status.FAIL, "a value out of range: " + e.getMessage(), List.of(),
                    List.of(), List.of());
        }
    }

    /**
     * The script files a path names: itself, or every {@code .pkt} below it, sorted.
     *
     * @param path a file or a directory
     * @return the scripts
     * @throws IOException when the directory cannot be listed
     */
    public static List<Path> scripts(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> s = Files.walk(path)) {
            return s.filter(p -> p.toString().endsWith(".pkt")).sorted().collect(Collectors.toCollection(ArrayList::new));
        }
    }
}
