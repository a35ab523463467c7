package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code tconv run} and {@code tconv bench} end to end, in process: results, and every kind of bad input. */
class CliTest extends CliTestBase {
    Path x, w, b, y;

    @BeforeEach
    void files() throws IOException {
        x = dir.resolve("x.npy");
        w = dir.resolve("w.npy");
        b = dir.resolve("b.npy");
        y = dir.resolve("y.npy");
        Npy.write(x, new long[] {1, 1, 2, 2}, new float[] {0, 1, 2, 3});
        Npy.write(w, new long[] {1, 1, 2, 2}, new float[] {0, 1, 2, 3});
        Npy.write(b, new long[] {1}, new float[] {10});
    }

    String[] runArgs(String... extra) {
        List<String> a = new ArrayList<>(List.of("run", "--input", x.toString(), "--weight", w.toString(), "--output", y.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    /** Refused without creating Y; see {@link CliTestBase#refused(Path, String, String...)}. */
    void refused(String fragment, String... args) throws IOException {
        refused(y, fragment, args);
    }

    @Test
    void computesTheWorkedExample() throws IOException {
        assertEquals(0, tconv(runArgs("--stride", "2", "--bias", b.toString())), err.toString());
        Npy.Array r = Npy.read(y);
        assertArrayEquals(new long[] {1, 1, 4, 4}, r.shape());
        float[] expected = {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9};
        for (int i = 0; i < 16; i++) expected[i] += 10;
        assertArrayEquals(expected, r.f32());
    }

    @Test
    void perDimensionListsAndDoubles() throws IOException {
        Npy.write(x, new long[] {1, 1, 2, 2}, new double[] {0, 1, 2, 3});
        Npy.write(w, new long[] {1, 1, 2, 2}, new double[] {0, 1, 2, 3});
        assertEquals(0, tconv(runArgs("--stride", "2,1", "--padding", "0,1", "--threads", "1")), err.toString());
        Npy.Array r = Npy.read(y);
        assertEquals("f8", r.dtype());
        // H: stride 2, no crop -> 4 rows; W: stride 1, crop 1 on both ends of 3 -> 1 column (the centre),
        // which sums x[ih][0]·w[th][1] + x[ih][1]·w[th][0] over the row pair ih·2 + th = oh.
        assertArrayEquals(new long[] {1, 1, 4, 1}, r.shape());
        assertArrayEquals(new double[] {0 * 1 + 1 * 0, 0 * 3 + 1 * 2, 2 * 1 + 3 * 0, 2 * 3 + 3 * 2}, r.f64());
    }

    @Test
    void replacesAnExistingOutputOnlyOnSuccess() throws IOException {
        Files.writeString(y, "old");
        assertEquals(2, tconv(runArgs("--stride", "0")));
        assertEquals("old", Files.readString(y), "a failed run must leave the old output alone");
        assertEquals(0, tconv(runArgs()));
        assertEquals(4, Npy.read(y).shape().length);
    }

    @Test void missingInput() throws IOException { Files.delete(x); refused("x.npy: no such file", runArgs()); }
    @Test void missingRequiredFlag() throws IOException { refused("--output FILE is required", "run", "--input", x.toString(), "--weight", w.toString()); }
    @Test void unknownFlag() throws IOException { refused("unknown flag --strides", runArgs("--strides", "2")); }
    @Test void unknownCommand() throws IOException { refused("unknown command 'walk'", "walk"); }
    @Test void notANumber() throws IOException { refused("--stride expects an integer, got 'two'", runArgs("--stride", "two")); }
    @Test void wrongListLength() throws IOException { refused("--padding has 3 values, but the input has 2 spatial dimensions", runArgs("--padding", "1,1,1")); }
    @Test void invalidGeometry() throws IOException { refused("output_padding must be smaller than either stride or dilation", runArgs("--output-padding", "1")); }
    @Test void outputTooSmall() throws IOException { refused("Output size is too small", runArgs("--padding", "2")); }
    @Test void groupsNotDividing() throws IOException { refused("in_channels must be divisible by groups", runArgs("--groups", "2")); }

    @Test
    void notAnNpyFile() throws IOException {
        Files.writeString(x, "hello, I am text");
        refused("not an .npy file", runArgs());
    }

    @Test
    void truncatedData() throws IOException {
        byte[] all = Files.readAllBytes(x);
        Files.write(x, Arrays.copyOf(all, all.length - 3));
        refused("truncated data", runArgs());
    }

    @Test
    void headerPromisesMoreThanTheFileHolds() throws IOException {
        rewriteHeader(x, "(1, 1, 2, 2)", "(1, 1, 200, 2000)");
        refused("the header promises 1600000 bytes", runArgs());
    }

    @Test
    void absurdShape() throws IOException {
        rewriteHeader(x, "(1, 1, 2, 2)", "(99999, 99999, 99999, 99)");
        refused("more elements than a Java array can hold", runArgs());
    }

    @Test void unsupportedDtype() throws IOException { rewriteHeader(x, "<f4", "<i4"); refused("unsupported dtype '<i4'", runArgs()); }
    @Test void bigEndian() throws IOException { rewriteHeader(x, "<f4", ">f4"); refused("big-endian", runArgs()); }
    @Test void fortranOrder() throws IOException { rewriteHeader(x, "False", "True "); refused("Fortran-order", runArgs()); }

    @Test
    void wrongRank() throws IOException {
        Npy.write(x, new long[] {4}, new float[4]);
        refused("input must have 3 to 5 dimensions", runArgs());
    }

    @Test
    void weightRankMismatch() throws IOException {
        Npy.write(w, new long[] {1, 1, 4}, new float[4]);
        refused("weight must have 4 dimensions", runArgs());
    }

    @Test
    void channelMismatch() throws IOException {
        Npy.write(w, new long[] {2, 1, 1, 2}, new float[4]);
        refused("weight dimension 0 (Cin, layout iok) is 2 but the input has 1 channels", runArgs());
    }

    @Test
    void biasLength() throws IOException {
        Npy.write(b, new long[] {2}, new float[2]);
        refused("bias must have shape [1]", runArgs("--bias", b.toString()));
    }

    @Test
    void dtypeMismatch() throws IOException {
        Npy.write(w, new long[] {1, 1, 2, 2}, new double[4]);
        refused("dtype f8 does not match the input's f4", runArgs());
    }

    @Test
    void outputFolderMissing() throws IOException {
        refused("output folder does not exist", "run", "--input", x.toString(), "--weight", w.toString(), "--output",
                dir.resolve("no/such/y.npy").toString());
    }

    @Test
    void helpTexts() {
        assertEquals(0, tconv("--help"));
        assertTrue(out.toString().contains("tconv run --help"));
        assertEquals(0, tconv("run", "--help"));
        assertTrue(out.toString().contains("--output-padding OP"));
        assertEquals(0, tconv("bench", "--help"));
        assertTrue(out.toString().contains("--workloads FILE"));
    }

    @Test
    void infoNamesTheProviderAndThePeak() {
        assertEquals(0, tconv("info"), err.toString());
        String text = out.toString();
        assertTrue(text.contains("JDK: " + Runtime.version()), text);
        assertTrue(text.contains("provider: " + io.tconv.ConvTranspose.provider()), text);
        if (io.tconv.ConvTranspose.providerFallbackReason() == null) {
            assertTrue(text.contains("hardware FMA: yes") && text.contains("GFLOP/s f32"), text);
        }
        assertEquals(2, tconv("info", "--verbose"));
    }

    @Test
    void paddingConventionsAndWeightLayouts() throws IOException {
        // the worked example (x, w 2x2 each, stride 2 → 4x4) through ONNX SAME_UPPER: total 0, same output
        assertEquals(0, tconv(runArgs("--stride", "2", "--auto-pad", "same_upper")), err.toString());
        float[] plain = {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9};
        assertArrayEquals(plain, Npy.read(y).f32());
        // ONNX output_shape 5x5: one bias-only row and column at the end (total −1, floor-halved)
        assertEquals(0, tconv(runArgs("--stride", "2", "--output-shape", "5,5")), err.toString());
        Npy.Array r = Npy.read(y);
        assertArrayEquals(new long[] {1, 1, 5, 5}, r.shape());
        assertEquals(0f, r.f32()[4]);
        assertEquals(9f, r.f32()[3 * 5 + 3]);
        // PyTorch output_size 5 = min 4 + output_padding 1
        assertEquals(0, tconv(runArgs("--stride", "2", "--output-size", "5")), err.toString());
        assertArrayEquals(new long[] {1, 1, 5, 5}, Npy.read(y).shape());
        // TensorFlow VALID, output 5 (in 4..5); ONNX pads crop one cell at each end
        assertEquals(0, tconv(runArgs("--stride", "2", "--tf-padding", "valid", "--output-shape", "5")), err.toString());
        assertArrayEquals(new long[] {1, 1, 5, 5}, Npy.read(y).shape());
        assertEquals(0, tconv(runArgs("--stride", "2", "--pads", "1,1,1,1")), err.toString());
        assertArrayEquals(new float[] {0, 2, 2, 0}, Npy.read(y).f32());   // the middle 2x2 of the 4x4 above
        // the same weights as [k, k, Cout, Cin] (koi): w is 1x1x2x2 in iok, so 2x2x1x1 in koi, same values
        Path koi = dir.resolve("koi.npy");
        Npy.write(koi, new long[] {2, 2, 1, 1}, new float[] {0, 1, 2, 3});
        assertEquals(0, tconv("run", "--input", x.toString(), "--weight", koi.toString(), "--weight-layout", "koi", "--stride", "2",
                "--output", y.toString()), err.toString());
        assertArrayEquals(plain, Npy.read(y).f32());
    }

    @Test
    void channelsLastLayout() throws IOException {
        // 2 input channels, 3 output channels, 2x3 input: the same data as NCHW and as NHWC must give the same Y
        float[] xFirst = new float[12], wData = new float[2 * 3 * 2 * 2];
        for (int i = 0; i < xFirst.length; i++) xFirst[i] = i - 5;
        for (int i = 0; i < wData.length; i++) wData[i] = (i % 7) * 0.5f - 1;
        float[] xLast = new float[12];
        for (int c = 0; c < 2; c++) for (int p = 0; p < 6; p++) xLast[p * 2 + c] = xFirst[c * 6 + p];
        Path xf = dir.resolve("xf.npy"), xl = dir.resolve("xl.npy"), w2 = dir.resolve("w2.npy"), yl = dir.resolve("yl.npy");
        Npy.write(xf, new long[] {1, 2, 2, 3}, xFirst);
        Npy.write(xl, new long[] {1, 2, 3, 2}, xLast);
        Npy.write(w2, new long[] {2, 3, 2, 2}, wData);
        assertEquals(0, tconv("run", "--input", xf.toString(), "--weight", w2.toString(), "--stride", "2", "--output", y.toString()));
        assertEquals(0, tconv("run", "--input", xl.toString(), "--weight", w2.toString(), "--stride", "2", "--layout", "nhwc",
                "--output", yl.toString()), err.toString());
        Npy.Array first = Npy.read(y), last = Npy.read(yl);
        assertArrayEquals(new long[] {1, 4, 6, 3}, last.shape());
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 24; p++) assertEquals(first.f32()[c * 24 + p], last.f32()[p * 3 + c], "channel " + c + " pixel " + p);
        }
    }

    @Test void badLayout() throws IOException { refused("--layout must be nchw|nhwc", runArgs("--layout", "chw")); }
    @Test void padsWithPadding() throws IOException { refused("conflicting padding conventions: padding, pads", runArgs("--padding", "1", "--pads", "1,1,1,1")); }
    @Test void outputSizeWithOutputPadding() throws IOException { refused("conflicting padding conventions: output_padding, output_size", runArgs("--stride", "2", "--output-padding", "1", "--output-size", "5")); }
    @Test void tfPaddingWithoutShape() throws IOException { refused("--tf-padding needs --output-shape", runArgs("--tf-padding", "same")); }
    @Test void badAutoPad() throws IOException { refused("--auto-pad must be notset|same_upper|same_lower|valid, got 'same'", runArgs("--auto-pad", "same")); }
    @Test void badWeightLayout() throws IOException { refused("--weight-layout must be iok|koi|iko|oki", runArgs("--weight-layout", "hwio")); }
    @Test void outputSizeOutOfRange() throws IOException { refused("valid sizes range from 4 to 5", runArgs("--stride", "2", "--output-size", "7")); }
    @Test void tfShapeOutOfRange() throws IOException { refused("must be in 4..5, got 7", runArgs("--stride", "2", "--tf-padding", "valid", "--output-shape", "7")); }

    @Test
    void benchTimesAWorkloadsFileAndWritesJson() throws IOException {
        Path wl = dir.resolve("w.txt"), json = dir.resolve("r.json");
        Files.writeString(wl, "# tiny\ntiny 2 2 3 4 1 5x6 3x3 2x2 1x1 1x1 1x1\n");
        assertEquals(0, tconv("bench", "--workloads", wl.toString(), "--json", json.toString()), err.toString());
        String table = out.toString();
        assertTrue(table.contains("tiny"), table);
        assertTrue(err.toString().contains("[1/1] tiny"), "progress line on stderr");
        String j = Files.readString(json);
        // FLOPs = 2 * N * Cin * Cout * prod(in) * prod(k) = 2 * 2 * 3 * 4 * 30 * 9 = 12960
        assertTrue(j.contains("\"name\": \"tiny\"") && j.contains("\"mflop\": 0.013,") && j.contains("\"median_ms\"")
                && j.contains("\"gflops\""), j);
    }

    @Test
    void benchRefusesABadWorkloadsLine() throws IOException {
        Path wl = dir.resolve("w.txt");
        Files.writeString(wl, "bad 2 1 3 4 1 5x6 3x3 0x2 1x1 1x1 1x1\n");
        refused("line 1 (bad): stride must be >= 1", "bench", "--workloads", wl.toString());
    }

    /** Replaces text in an .npy header in place, keeping its length (so the rest of the file stays valid). */
    static void rewriteHeader(Path file, String from, String to) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int headerLength = ByteBuffer.wrap(all, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(all, 10, headerLength, StandardCharsets.ISO_8859_1);
        String changed = header.replace(from, to);
        int pad = header.length() - changed.length();
        changed = pad >= 0 ? changed.replace("}", "}" + " ".repeat(pad)) : changed.replaceFirst(" {" + -pad + "}\n$", "\n");
        assertEquals(header.length(), changed.length(), "header rewrite must keep the length");
        System.arraycopy(changed.getBytes(StandardCharsets.ISO_8859_1), 0, all, 10, headerLength);
        Files.write(file, all);
    }
}
