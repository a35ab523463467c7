package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target (c): the {@code .npy} reader on mutated files. It either returns an array whose shape matches
 * its data, or throws an {@link IOException} with a message naming the file; never anything else, and never
 * an allocation the file's size does not justify. The committed corpus starts from valid files of every
 * supported kind ({@code src/test/resources/io/tconv/cli/NpyFuzzTestInputs}).
 */
class NpyFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void reader(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".npy");
        try {
            Files.write(file, bytes);
            Npy.Array a;
            try {
                a = Npy.read(file);
            } catch (IOException e) {
                assertTrue(e.getMessage() != null && e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
                return;
            }
            long n = 1;
            for (long d : a.shape()) n *= d;
            assertEquals(n, a.f32() != null ? a.f32().length : a.f64().length, "shape and data agree");
            assertTrue(n * (a.f32() != null ? 4 : 8) <= bytes.length, "no more data than the file holds");
        } finally {
            Files.delete(file);
        }
    }
}
