package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch 1.13 autograd's gradients (written by {@code src/test/resources/grad/generate.py}) reproduced through
 * {@code tconv grad}: f32 within 2e-5 of each gradient's scale, f64 within 1e-12; and its bad inputs.
 */
class GradGoldenTest extends CliTestBase {
    static Path golden() throws URISyntaxException {
        return Path.of(GradGoldenTest.class.getResource("/grad/cases.txt").toURI()).getParent();
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        return Files.readAllLines(golden().resolve("cases.txt")).stream().filter(l -> !l.startsWith("#") && !l.isBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesPyTorchAutograd(String line) throws Exception {
        String[] f = line.split(" ");
        String name = f[0];
        Path g = golden();
        List<String> args = new ArrayList<>(List.of("grad", "--input", g.resolve(name + ".x.npy").toString(),
                "--weight", g.resolve(name + ".w.npy").toString(), "--grad-output", g.resolve(name + ".gy.npy").toString(),
                "--stride", f[2], "--padding", f[3], "--output-padding", f[4], "--dilation", f[5], "--groups", f[6],
                "--threads", "2", "--grad-input", dir.resolve("gx.npy").toString(), "--grad-weight", dir.resolve("gw.npy").toString()));
        boolean bias = Files.exists(g.resolve(name + ".gb.npy"));
        if (bias) args.addAll(List.of("--bias", g.resolve(name + ".b.npy").toString(), "--grad-bias", dir.resolve("gb.npy").toString()));
        assertEquals(0, tconv(args.toArray(String[]::new)), err.toString());
        double tol = f[1].equals("f64") ? 1e-12 : 2e-5;
        compare(name + " gx", Npy.read(g.resolve(name + ".gx.npy")), Npy.read(dir.resolve("gx.npy")), tol);
        compare(name + " gw", Npy.read(g.resolve(name + ".gw.npy")), Npy.read(dir.resolve("gw.npy")), tol);
        if (bias) compare(name + " gb", Npy.read(g.resolve(name + ".gb.npy")), Npy.read(dir.resolve("gb.npy")), tol);
    }

    static void compare(String what, Npy.Array want, Npy.Array got, double tol) {
        assertArrayEquals(want.shape(), got.shape(), what + " shape");
        double[] w = GoldenTest.values(want), g = GoldenTest.values(got);
        double scale = 0;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(w[i] - g[i]) <= tol * Math.max(scale, 1e-30), what + " cell " + i + ": torch " + w[i] + ", tconv " + g[i]);
        }
    }

    @Test
    void badInputs() throws Exception {
        Path g = golden(), x = g.resolve("g2_k4s2p1_f32.x.npy"), w = g.resolve("g2_k4s2p1_f32.w.npy"), gy = g.resolve("g2_k4s2p1_f32.gy.npy");
        Path gx = dir.resolve("gx.npy"), gw = dir.resolve("gw.npy");
        refused(gx, "must have run's output shape", "grad", "--input", x.toString(), "--weight", w.toString(), "--grad-output", gy.toString(),
                "--stride", "1", "--grad-input", gx.toString(), "--grad-weight", gw.toString());
        refused(gx, "is given for two gradients", "grad", "--input", x.toString(), "--weight", w.toString(), "--grad-output", gy.toString(),
                "--stride", "2", "--padding", "1", "--grad-input", gx.toString(), "--grad-weight", gx.toString());
        refused(gx, "is the --grad-output file", "grad", "--input", x.toString(), "--weight", w.toString(), "--grad-output", gy.toString(),
                "--stride", "2", "--padding", "1", "--grad-input", gy.toString(), "--grad-weight", gw.toString());
        refused(gx, "--grad-weight FILE is required", "grad", "--input", x.toString(), "--weight", w.toString(), "--grad-output",
                gy.toString(), "--grad-input", gx.toString());
        refused(gx, "dtype f8 does not match", "grad", "--input", x.toString(), "--weight", w.toString(), "--grad-output",
                g.resolve("g2_k4s2p1_f64.gy.npy").toString(), "--stride", "2", "--padding", "1", "--grad-input", gx.toString(),
                "--grad-weight", gw.toString());
        assertTrue(!Files.exists(gw));
    }
}
