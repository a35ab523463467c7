package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch 1.13's own outputs (written by {@code src/test/resources/golden/generate.py}) reproduced through
 * {@code tconv run}: f32 within 1e-5 of the output's scale, f64 within 1e-12.
 */
class GoldenTest {
    @TempDir Path tmp;

    static Path dir() throws URISyntaxException {
        return Path.of(GoldenTest.class.getResource("/golden/cases.txt").toURI()).getParent();
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        return Files.readAllLines(dir().resolve("cases.txt")).stream().filter(l -> !l.startsWith("#") && !l.isBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesPyTorch(String line) throws Exception {
        String[] f = line.split(" ");
        String name = f[0];
        Path d = dir(), out = tmp.resolve(name + ".out.npy");
        List<String> args = new ArrayList<>(List.of("run", "--input", d.resolve(name + ".x.npy").toString(),
                "--weight", d.resolve(name + ".w.npy").toString(), "--stride", f[2], "--padding", f[3],
                "--dilation", f[5], "--groups", f[6], "--threads", "2", "--output", out.toString()));
        if (f.length > 7 && f[7].startsWith("output_size=")) args.addAll(List.of("--output-size", f[7].substring(12)));   // forward(x, output_size)
        else args.addAll(List.of("--output-padding", f[4]));
        Path bias = d.resolve(name + ".b.npy");
        if (Files.exists(bias)) args.addAll(List.of("--bias", bias.toString()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(0, status, err.toString());
        Npy.Array want = Npy.read(d.resolve(name + ".y.npy")), got = Npy.read(out);
        assertArrayEquals(want.shape(), got.shape(), "shape");
        assertEquals(want.dtype(), got.dtype(), "dtype");
        double[] w = values(want), g = values(got);
        double scale = 0;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        double tol = (want.isDouble() ? 1e-12 : 1e-5) * Math.max(scale, 1e-30);
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(w[i] - g[i]) <= tol, name + " cell " + i + ": torch " + w[i] + ", tconv " + g[i]);
        }
    }

    static double[] values(Npy.Array a) {
        if (a.isDouble()) return a.f64();
        double[] d = new double[a.f32().length];
        for (int i = 0; i < d.length; i++) d[i] = a.f32()[i];
        return d;
    }
}
