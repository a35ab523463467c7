package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The corners of SEMANTICS.md, each named, in float and double, against the oracle. */
class CornersTest {

    static Case c1(int n, int cin, int cout, int g, int in, int k, int s, int p, int op, int d) {
        return new Case(n, cin, cout, g, new int[] {in}, new int[] {k}, new int[] {s}, new int[] {p}, new int[] {op},
                new int[] {d}, true, 1234 + in * 31L + k);
    }

    static Case c2(int n, int cin, int cout, int g, int in, int k, int s, int p, int op, int d) {
        int[] i = {in, in + 1};
        return new Case(n, cin, cout, g, i, new int[] {k, k}, new int[] {s, s}, new int[] {p, p}, new int[] {op, op},
                new int[] {d, d}, true, 99 + in * 17L + k * 3L + s);
    }

    static Stream<Arguments> corners() {
        return Stream.of(
                Arguments.of("gaps get only the bias (s > d(k-1)+1)", c2(2, 3, 2, 1, 3, 2, 5, 0, 0, 1)),
                Arguments.of("s = 2 with d = 2: odd positions never touched", c1(1, 2, 2, 1, 4, 3, 2, 0, 1, 2)),
                Arguments.of("crop beyond the kernel's reach drops whole inputs", c2(1, 2, 3, 1, 5, 2, 3, 4, 0, 1)),
                Arguments.of("all-gap crop leaves bias only", c1(1, 2, 2, 1, 3, 1, 4, 1, 0, 1)),
                Arguments.of("output_padding at its maximum", c2(1, 2, 2, 1, 3, 3, 3, 1, 2, 1)),
                Arguments.of("op >= s through dilation (k=1, d=100, op=50)", c1(1, 2, 3, 1, 4, 1, 1, 0, 50, 100)),
                Arguments.of("op >= s through dilation, 2-D", c2(1, 2, 2, 1, 2, 2, 2, 0, 4, 5)),
                Arguments.of("kernel larger than the input", c2(2, 2, 3, 1, 2, 7, 2, 1, 1, 1)),
                Arguments.of("1x1 input: stride has no effect", c2(1, 3, 2, 1, 1, 3, 4, 0, 0, 1)),
                Arguments.of("k = 1 with s > 1: pure zero insertion", c1(1, 2, 2, 1, 5, 1, 3, 0, 0, 1)),
                Arguments.of("groups", c2(2, 6, 4, 2, 4, 3, 2, 1, 1, 1)),
                Arguments.of("depthwise", c2(1, 5, 5, 5, 4, 4, 2, 1, 0, 1)),
                Arguments.of("depth multiplier Cout = 2 Cin", c2(1, 4, 8, 4, 3, 3, 2, 1, 1, 1)),
                Arguments.of("batch 0", c2(0, 3, 2, 1, 3, 3, 2, 1, 0, 1)),
                Arguments.of("3-D", new Case(2, 3, 2, 1, new int[] {2, 3, 4}, new int[] {3, 2, 3}, new int[] {2, 1, 3},
                        new int[] {1, 0, 2}, new int[] {1, 0, 2}, new int[] {1, 2, 1}, true, 5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corners")
    void floatCorner(String name, Case c) {
        for (int threads : new int[] {1, 2, 7}) PropertyTest.checkFloat(c, Parallelism.threads(threads), 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corners")
    void doubleCorner(String name, Case c) {
        for (int threads : new int[] {1, 2, 7}) PropertyTest.checkDouble(c, Parallelism.threads(threads), 1);
    }

    @Test
    void nanAndInfinityLandOnlyWhereTheirTapsLand() {
        // 1-D, k = 2, s = 5: each input covers outputs 5i and 5i + 1; the rest are bias-only gaps.
        ConvTransposeSpec spec = ConvTransposeSpec.builder(1, 1).inputSize(3).kernel(2).stride(5).bias(true).build();
        float[] w = {Float.POSITIVE_INFINITY, Float.NaN};
        float[] x = {1, 0, -2};
        float[] y = new float[12];   // (3 - 1)·5 + 1 + 1
        ConvTranspose.plan(spec, w, new float[] {0.5f}).execute(x, y);
        float inf = Float.POSITIVE_INFINITY, nan = Float.NaN;
        // 0 · Inf is NaN where it is computed (input 1 is 0); cells between taps keep the bias.
        float[] expected = {inf, nan, 0.5f, 0.5f, 0.5f, nan, nan, 0.5f, 0.5f, 0.5f, -inf, nan};
        assertEquals(Arrays.toString(expected), Arrays.toString(y));
    }

    @Test
    void nanInputPoisonsExactlyItsFootprint() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder(1, 1).inputSize(3, 3).kernel(2, 2).stride(1).build();
        double[] x = new double[9];
        x[4] = Double.NaN;   // centre pixel reaches outputs (1..2, 1..2) of the 4x4 output
        double[] y = new double[16];
        ConvTranspose.plan(spec, new double[] {1, 1, 1, 1}, null).execute(x, y);
        for (int oh = 0; oh < 4; oh++)
            for (int ow = 0; ow < 4; ow++) {
                boolean hit = oh >= 1 && oh <= 2 && ow >= 1 && ow <= 2;
                assertTrue(Double.isNaN(y[oh * 4 + ow]) == hit, "cell " + oh + "," + ow + " = " + y[oh * 4 + ow]);
            }
    }
}
