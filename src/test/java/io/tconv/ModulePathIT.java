package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar on the module path, as the automatic module {@code io.tconv}, in JVMs of their own (an integration
 * test: it needs the jar, so Failsafe runs it after {@code package}): with {@code jdk.incubator.vector}
 * resolved the vector kernels run; without it the module still resolves and the scalar kernels run with the
 * hint; the command line's image demo finds {@code java.desktop}.
 */
class ModulePathIT {
    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static String tconv(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-p", Path.of("target", "tconv.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "exit status of " + cmd + ":\n" + out);
        return out;
    }

    @Test
    void withTheVectorModuleTheVectorKernelsRun() throws Exception {
        String out = tconv("--add-modules", "jdk.incubator.vector", "-m", "io.tconv/io.tconv.cli.Main", "info");
        assertTrue(out.contains("provider: vector-"), out);
    }

    @Test
    void withoutItTheModuleResolvesAndFallsBackWithTheHint() throws Exception {
        String out = tconv("-m", "io.tconv/io.tconv.cli.Main", "info");
        assertTrue(out.contains("provider: scalar (fallback:") && out.contains("--add-modules jdk.incubator.vector"), out);
    }

    @Test
    void theImageDemoRunsFromTheModulePath(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("up.png");
        String out = tconv("--add-modules", "jdk.incubator.vector", "-m", "io.tconv/io.tconv.cli.Main", "upsample", "--sample", png.toString());
        assertTrue(out.contains("48 x 48 -> 96 x 96") && java.nio.file.Files.size(png) > 0, out);
    }
}
