package io.tconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand-worked examples from the literature and structural identities, checked on the production path. */
class WorkedExamplesTest {

    private static float[] run(int[] inSize, float[] x, int[] k, float[] w, int stride, int padding) {
        ConvTransposeSpec spec = ConvTransposeSpec.builder(1, 1).inputSize(inSize).kernel(k).stride(stride)
                .padding(padding).build();
        FloatPlan plan = ConvTranspose.plan(spec, w, null);
        float[] y = new float[(int) plan.outputLength(1)];
        Arrays.fill(y, Float.NaN);
        plan.execute(x, y);
        return y;
    }

    @Test
    void twoByTwoWithTwoByTwoKernel() {
        float[] x = {0, 1, 2, 3};
        float[] w = {0, 1, 2, 3};
        assertArrayEquals(new float[] {0, 0, 1, 0, 4, 6, 4, 12, 9}, run(new int[] {2, 2}, x, new int[] {2, 2}, w, 1, 0));
    }

    @Test
    void paddingOneCropsToTheCentre() {
        float[] x = {0, 1, 2, 3};
        float[] w = {0, 1, 2, 3};
        assertArrayEquals(new float[] {4}, run(new int[] {2, 2}, x, new int[] {2, 2}, w, 1, 1));
    }

    @Test
    void strideTwoTilesWithoutOverlap() {
        float[] x = {0, 1, 2, 3};
        float[] w = {0, 1, 2, 3};
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9},
                run(new int[] {2, 2}, x, new int[] {2, 2}, w, 2, 0));
    }

    @Test
    void threeByThreeKernelOnTwoByTwo() {
        float[] x = {1, 2, 3, 4};
        float[] w = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertArrayEquals(new float[] {1, 4, 7, 6, 7, 23, 33, 24, 19, 53, 63, 42, 21, 52, 59, 36},
                run(new int[] {2, 2}, x, new int[] {3, 3}, w, 1, 0));
    }

    @Test
    void kernelOneStrideTwoInsertsZeros() {
        assertArrayEquals(new float[] {1, 0, 2, 0, 3}, run(new int[] {3}, new float[] {1, 2, 3}, new int[] {1}, new float[] {1}, 2, 0));
    }

    @Test
    void strideEqualToKernelTilesKernelTimesPixel() {
        SplittableRandom r = new SplittableRandom(7);
        int h = 3, w = 4, k = 3;
        float[] x = new float[h * w], kern = new float[k * k];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-2, 2);
        for (int i = 0; i < kern.length; i++) kern[i] = (float) r.nextDouble(-2, 2);
        float[] y = run(new int[] {h, w}, x, new int[] {k, k}, kern, k, 0);
        int outW = w * k;
        for (int ih = 0; ih < h; ih++)
            for (int iw = 0; iw < w; iw++)
                for (int a = 0; a < k; a++)
                    for (int b = 0; b < k; b++)
                        assertEquals(x[ih * w + iw] * kern[a * k + b], y[(ih * k + a) * outW + iw * k + b], 0.0,
                                "tile of pixel (" + ih + "," + iw + ")");
    }

    @Test
    void channelsSumAndOutputChannelsAreIndependent() {
        int cin = 2, cout = 3, h = 3, w = 3, k = 2;
        SplittableRandom r = new SplittableRandom(11);
        double[] x = new double[cin * h * w], wt = new double[cin * cout * k * k];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(-4, 5);
        for (int i = 0; i < wt.length; i++) wt[i] = r.nextInt(-4, 5);
        ConvTransposeSpec spec = ConvTransposeSpec.builder(cin, cout).inputSize(h, w).kernel(k, k).stride(2).build();
        double[] y = new double[(int) ConvTranspose.plan(spec, wt, null).outputLength(1)];
        ConvTranspose.plan(spec, wt, null).execute(x, y);
        int outPlane = y.length / cout;
        ConvTransposeSpec single = ConvTransposeSpec.builder(1, 1).inputSize(h, w).kernel(k, k).stride(2).build();
        for (int co = 0; co < cout; co++) {
            double[] sum = new double[outPlane];
            for (int ci = 0; ci < cin; ci++) {
                double[] xc = Arrays.copyOfRange(x, ci * h * w, (ci + 1) * h * w);
                double[] wc = Arrays.copyOfRange(wt, (ci * cout + co) * k * k, (ci * cout + co + 1) * k * k);
                double[] yc = new double[outPlane];
                ConvTranspose.plan(single, wc, null).execute(xc, yc);
                for (int i = 0; i < outPlane; i++) sum[i] += yc[i];
            }
            assertArrayEquals(sum, Arrays.copyOfRange(y, co * outPlane, (co + 1) * outPlane), 0.0, "channel " + co);
        }
    }

    @Test
    void batchZeroWritesNothing() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder(2, 3).inputSize(4).kernel(3).stride(2).build();
        FloatPlan plan = ConvTranspose.plan(spec, new float[spec.weightElements()], null);
        assertEquals(0, plan.outputLength(0));
        float[] y = {42f};
        plan.execute(0, new float[0], 0, y, 1);
        plan.execute(new float[0], new float[0]);
        assertEquals(42f, y[0]);
    }
}
