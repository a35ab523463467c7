package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@code tconv upsample}: exact pixels on small images, worked out here from the kernels' definitions (not by
 * the library), the sample image, and bad input.
 */
class UpsampleTest extends CliTestBase {

    static BufferedImage gray(int[][] v) {
        BufferedImage im = new BufferedImage(v[0].length, v.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < v.length; y++) for (int x = 0; x < v[0].length; x++) im.getRaster().setSample(x, y, 0, v[y][x]);
        return im;
    }

    static int at(BufferedImage im, int x, int y) {
        return im.getRaster().getSample(x, y, 0);
    }

    @Test
    void nearestRepeatsEveryPixelAsABlock() {
        BufferedImage in = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        int[] rgb = {0x102030, 0xff0080, 0x00ff00, 0x7f7f7f};
        for (int i = 0; i < 4; i++) in.setRGB(i % 2, i / 2, rgb[i]);
        BufferedImage o = UpsampleCommand.upsample(in, "nearest", 3, 1);
        assertEquals(6, o.getWidth());
        assertEquals(6, o.getHeight());
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) assertEquals(rgb[(y / 3) * 2 + x / 3], o.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
        }
    }

    @Test
    void bilinearBlendsNeighboursWithFcnWeights() {
        // Factor 2: kernel 4, stride 2, padding 1, taps (1/4, 3/4, 3/4, 1/4) per axis. Output 2q takes
        // 3/4 of input q and 1/4 of q - 1; output 2q + 1 takes 3/4 of q and 1/4 of q + 1 (missing neighbours add 0).
        int[][] v = {{0, 96, 16}, {208, 48, 80}};   // multiples of 16: every sum is an exact integer
        BufferedImage o = UpsampleCommand.upsample(gray(v), "bilinear", 2, 2);
        assertEquals(6, o.getWidth());
        assertEquals(4, o.getHeight());
        for (int oy = 0; oy < 4; oy++) {
            for (int ox = 0; ox < 6; ox++) {
                double sum = 0;
                for (int iy = 0; iy < 2; iy++) for (int ix = 0; ix < 3; ix++) sum += tap(oy, iy) * tap(ox, ix) * v[iy][ix];
                assertEquals((int) Math.round(sum), at(o, ox, oy), "pixel " + ox + "," + oy);
            }
        }
    }

    /** Weight of input i in output o along one axis for factor 2. */
    static double tap(int o, int i) {
        int q = o / 2;
        if (o % 2 == 0) return i == q ? 0.75 : i == q - 1 ? 0.25 : 0;
        return i == q ? 0.75 : i == q + 1 ? 0.25 : 0;
    }

    @Test
    void k3s2ShowsTheCheckerboardOfUnevenOverlap() {
        // Kernel 3, stride 2, padding 1: even outputs are reached by one tap per axis, odd ones by two (except
        // the last, whose second tap falls past the input). Weights 1/4: brightness = taps reached / 4.
        int n = 3;
        int[][] v = new int[n][n];
        for (int[] row : v) java.util.Arrays.fill(row, 200);
        BufferedImage o = UpsampleCommand.upsample(gray(v), "k3s2", 2, 1);
        assertEquals(2 * n, o.getWidth());
        for (int oy = 0; oy < 2 * n; oy++) {
            for (int ox = 0; ox < 2 * n; ox++) {
                assertEquals(Math.round(200 * reach(ox, n) * reach(oy, n) / 4f), at(o, ox, oy), "pixel " + ox + "," + oy);
            }
        }
        assertEquals(50, at(o, 0, 0));
        assertEquals(100, at(o, 1, 0));
        assertEquals(200, at(o, 1, 1));
    }

    static int reach(int o, int n) {
        return o % 2 == 0 || o == 2 * n - 1 ? 1 : 2;
    }

    @Test
    void alphaIsUpsampledLikeTheColours() {
        BufferedImage in = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        in.setRGB(0, 0, 0x80402010);
        BufferedImage o = UpsampleCommand.upsample(in, "nearest", 2, 1);
        assertTrue(o.getColorModel().hasAlpha());
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) assertEquals(0x80402010, o.getRGB(x, y));
    }

    @Test
    void sampleImageUpsamplesWithNoInput() throws IOException {
        Path png = dir.resolve("big.png");
        assertEquals(0, tconv("upsample", "--sample", png.toString(), "--factor", "3"), err.toString(StandardCharsets.UTF_8));
        BufferedImage sample = UpsampleCommand.sampleImage(), o = ImageIO.read(png.toFile());
        assertEquals(3 * sample.getWidth(), o.getWidth());
        assertEquals(3 * sample.getHeight(), o.getHeight());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("bilinear x3"));
    }

    @Test
    void fileToFileKeepsGray() throws IOException {
        Path in = dir.resolve("in.png"), o = dir.resolve("out.png");
        ImageIO.write(gray(new int[][] {{10, 20}, {30, 40}}), "png", in.toFile());
        assertEquals(0, tconv("upsample", in.toString(), o.toString(), "--kernel", "nearest"));
        BufferedImage r = ImageIO.read(o.toFile());
        assertEquals(4, r.getWidth());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, r.getType());
        assertEquals(40, at(r, 3, 3));
    }

    @Test
    void badInputExitsTwoWithOneLineAndNoFile() throws IOException {
        Path o = dir.resolve("out.png"), text = dir.resolve("not-an-image.png");
        Files.writeString(text, "hello");
        refused(o, "no such file", "upsample", dir.resolve("missing.png").toString(), o.toString());
        refused(o, "not an image", "upsample", text.toString(), o.toString());
        refused(o, "--factor must be 2 to 8", "upsample", "--sample", o.toString(), "--factor", "9");
        refused(o, "--factor must be >= 2", "upsample", "--sample", o.toString(), "--factor", "1");
        refused(o, "k3s2 has factor 2", "upsample", "--sample", o.toString(), "--kernel", "k3s2", "--factor", "3");
        refused(o, "--kernel must be", "upsample", "--sample", o.toString(), "--kernel", "cubic");
        refused(o, ".png, .bmp or .jpg", "upsample", "--sample", dir.resolve("out.tiff").toString());
        refused(o, "expected IN.png OUT.png", "upsample", o.toString());
        refused(o, "output folder does not exist", "upsample", "--sample", dir.resolve("no/such/dir.png").toString());
    }
}
