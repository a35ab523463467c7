package io.tconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The trainable layer: PyTorch's initialisation, forward and backward, a descent step, and the literature's shape identity. */
class LayerTest {
    @Test
    void initialisationFollowsPyTorch() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder(64, 32).inputSize(8, 8).kernel(4, 4).stride(2).padding(1).bias(true).build();
        ConvTransposeLayer a = ConvTransposeLayer.initialised(spec, 42, Parallelism.callerOnly());
        double bound = 1 / Math.sqrt(32 * 16);   // fan-in (Cout/groups)·∏k
        assertEquals(32 * 16, ConvTransposeLayer.fanIn(spec));
        double sum = 0, sq = 0;
        for (float v : a.weight()) {
            assertTrue(Math.abs(v) <= bound, "weight " + v + " beyond " + bound);
            sum += v;
            sq += v * v;
        }
        int n = a.weight().length;   // 32768 draws: mean and variance of U(−b, b) within a few standard errors
        assertEquals(0, sum / n, 4 * bound / Math.sqrt(3 * n));
        assertEquals(bound * bound / 3, sq / n, 0.05 * bound * bound / 3);
        for (float v : a.bias()) assertTrue(Math.abs(v) <= bound);
        assertArrayEquals(a.weight(), ConvTransposeLayer.initialised(spec, 42, Parallelism.threads(2)).weight(), "same seed, same weights");
        assertTrue(a.weight()[0] != ConvTransposeLayer.initialised(spec, 43, Parallelism.callerOnly()).weight()[0]);
        // weights are drawn before the bias: the first draws of a bias-free layer are the same weights
        ConvTransposeSpec noBias = ConvTransposeSpec.builder(64, 32).inputSize(8, 8).kernel(4, 4).stride(2).padding(1).build();
        assertArrayEquals(a.weight(), ConvTransposeLayer.initialised(noBias, 42, Parallelism.callerOnly()).weight());
    }

    @Test
    void forwardBackwardAndAStep() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder(6, 4).inputSize(5, 7).kernel(3, 3).stride(2).padding(1).outputPadding(1)
                .bias(true).build();
        ConvTransposeLayer layer = ConvTransposeLayer.initialised(spec, 7, Parallelism.threads(2));
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[2 * spec.inputElementsPerImage()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        float[] y = layer.forward(x), want = new float[y.length];
        ConvTranspose.plan(spec, layer.weight(), layer.bias(), Parallelism.callerOnly()).execute(x, want);
        assertArrayEquals(want, y);
        // L = ½·|y|², so gy = y; a small descent step must lower L
        ConvTransposeLayer.Gradients g = layer.backward(x, y);
        float[] gw = new float[layer.weight().length];
        ConvTranspose.gradients(spec, layer.weight(), Parallelism.callerOnly()).weight(2, x, 0, y, 0, gw);
        assertArrayEquals(gw, g.weight());
        double before = half(y);
        layer.step(g, 1e-3f);
        assertTrue(half(layer.forward(x)) < before, "a gradient step must lower the loss");
    }

    static double half(float[] y) {
        double s = 0;
        for (float v : y) s += 0.5 * v * v;
        return s;
    }

    /**
     * The literature's identity (Dumoulin and Visin): a convolution and a transposed convolution with the same
     * hyper-parameters (kernel 5, padding 2, stride 3; 10 and 20 channels) map a 16×16 input to 6×6 and back:
     * convT(conv(X)) has X's shape. The convolution here is the transposed layer's own input gradient.
     */
    @Test
    void convolutionThenTransposedConvolutionRestoresTheShape() {
        int[] in = {16, 16}, k = {5, 5}, s = {3, 3}, p = {2, 2}, d = {1, 1};
        int[] mid = ConvTransposeLayer.convolutionOutputSize(in, k, s, p, d);
        assertArrayEquals(new int[] {6, 6}, mid);
        ConvTransposeSpec up = ConvTransposeSpec.builder(20, 10).inputSize(mid).kernel(k).stride(s).padding(p).build();
        assertArrayEquals(in, up.outputSize());
        ConvTransposeLayer layer = ConvTransposeLayer.initialised(up, 3, Parallelism.callerOnly());
        float[] image = new float[10 * 16 * 16], features = new float[20 * 6 * 6];
        java.util.Arrays.fill(image, 1f);
        ConvTranspose.gradients(up, layer.weight(), Parallelism.callerOnly()).input(image, features);   // the convolution 10x16x16 → 20x6x6
        assertEquals(10 * 16 * 16, layer.forward(features).length);
    }
}
