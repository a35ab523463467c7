package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** Runs the {@code tconv} command in process, in a temporary folder, and checks how it refuses bad input. */
abstract class CliTestBase {
    @TempDir Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    int tconv(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out), new PrintStream(err));
    }

    /**
     * Exit status 2; stderr ends with the one line starting {@code tconv: }, which contains {@code fragment}
     * (progress lines may come before it); {@code output} was not created; no temporary file is left in the folder.
     */
    void refused(Path output, String fragment, String... args) throws IOException {
        int status = tconv(args);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, "status; stderr: " + e);
        assertEquals(1, e.lines().filter(l -> l.startsWith("tconv: ")).count(), "one tconv: line, got: " + e);
        String last = e.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("tconv: ") && e.endsWith("\n"), "the tconv: line comes last, got: " + e);
        assertTrue(last.contains(fragment), "stderr '" + e.strip() + "' lacks '" + fragment + "'");
        assertFalse(Files.exists(output), "the output file must not be created");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left behind");
        }
    }
}
