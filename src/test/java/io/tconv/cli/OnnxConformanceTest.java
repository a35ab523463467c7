package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tconv.AutoPad;
import io.tconv.ConvTranspose;
import io.tconv.ConvTransposeSpec;
import io.tconv.Parallelism;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX's own ConvTranspose conformance vectors (ONNX 1.12, written by {@code src/test/resources/onnx/generate.py}):
 * the node's attributes go through the spec's ONNX conventions ({@code pads}, {@code auto_pad},
 * {@code output_shape}, {@code output_padding}, {@code strides}, {@code dilations}, {@code group}), and the
 * output must equal ONNX's exactly (the values are small integers).
 */
class OnnxConformanceTest {
    static Path dir() throws URISyntaxException {
        return Path.of(OnnxConformanceTest.class.getResource("/onnx/cases.txt").toURI()).getParent();
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        return Files.readAllLines(dir().resolve("cases.txt")).stream().filter(l -> !l.startsWith("#") && !l.isBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOnnx(String line) throws Exception {
        String[] f = line.split(" ");
        Map<String, int[]> ints = new HashMap<>();
        String autoPad = null;
        for (int i = 1; i < f.length; i++) {
            String[] kv = f[i].split("=", 2);
            if (kv[0].equals("auto_pad")) autoPad = kv[1];
            else ints.put(kv[0], Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray());
        }
        Npy.Array x = Npy.read(dir().resolve(f[0] + ".x.npy")), w = Npy.read(dir().resolve(f[0] + ".w.npy"));
        Npy.Array y = Npy.read(dir().resolve(f[0] + ".y.npy"));
        int rank = x.rank() - 2, group = ints.containsKey("group") ? ints.get("group")[0] : 1;
        int[] in = new int[rank], k = new int[rank];
        for (int a = 0; a < rank; a++) {
            in[a] = (int) x.shape()[a + 2];
            k[a] = (int) w.shape()[a + 2];
        }
        ConvTransposeSpec.Builder b = ConvTransposeSpec.builder((int) x.shape()[1], (int) w.shape()[1] * group).groups(group)
                .inputSize(in).kernel(k);
        if (ints.containsKey("strides")) b.stride(ints.get("strides"));
        if (ints.containsKey("dilations")) b.dilation(ints.get("dilations"));
        if (ints.containsKey("output_padding")) b.outputPadding(ints.get("output_padding"));
        if (ints.containsKey("pads")) b.pads(ints.get("pads"));
        if (autoPad != null) b.autoPad(AutoPad.valueOf(autoPad));
        if (ints.containsKey("output_shape")) b.outputShape(ints.get("output_shape"));
        ConvTransposeSpec spec = b.build();
        long[] shape = y.shape();
        assertArrayEquals(Arrays.copyOfRange(shape, 2, shape.length), Arrays.stream(spec.outputSize()).asLongStream().toArray(),
                "output shape");
        for (int threads : new int[] {1, 2}) {
            float[] got = new float[(int) (x.shape()[0] * spec.outputElementsPerImage())];
            Arrays.fill(got, Float.NaN);
            ConvTranspose.plan(spec, w.f32(), null, Parallelism.threads(threads)).execute(x.f32(), got);
            assertArrayEquals(y.f32(), got, f[0]);
            ConvTranspose.planScalar(spec, w.f32(), null, Parallelism.threads(threads)).execute(x.f32(), got);
            assertArrayEquals(y.f32(), got, f[0] + " (scalar)");
        }
    }
}
