package io.tconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The padding conventions of ONNX, TensorFlow and PyTorch's {@code output_size}, mapped onto the signed crops
 * (expected crops worked out here from each framework's documented formula), the signed crops themselves on
 * every kernel path (negative crops add bias-only cells at either end), and the weight layouts.
 */
class ConventionsTest {
    static ConvTransposeSpec.Builder base(int in, int k, int s) {
        return ConvTransposeSpec.builder(2, 3).inputSize(in).kernel(k).stride(s);
    }

    static void crops(ConvTransposeSpec spec, int begin, int end, int out) {
        assertEquals(begin, spec.cropBegin()[0], "begin crop of " + spec);
        assertEquals(end, spec.cropEnd()[0], "end crop of " + spec);
        assertEquals(out, spec.outputSize()[0], "output size of " + spec);
    }

    @Test
    void onnxAutoPadAndOutputShape() {
        // in 3, k 3, s 2: full = 2·2 + 3 = 7. SAME aims at in·s = 6: total 1.
        crops(base(3, 3, 2).autoPad(AutoPad.SAME_UPPER).build(), 0, 1, 6);     // odd cell at the end
        crops(base(3, 3, 2).autoPad(AutoPad.SAME_LOWER).build(), 1, 0, 6);     // odd cell at the beginning
        crops(base(3, 3, 2).autoPad(AutoPad.VALID).build(), 0, 0, 7);
        crops(base(3, 3, 2).autoPad(AutoPad.VALID).outputPadding(1).build(), 0, -1, 8);
        // output_shape 9 > full: total −2, floor halves: −1 each; NOTSET puts the odd part at the beginning
        crops(base(3, 3, 2).outputShape(9).build(), -1, -1, 9);
        // total −1: floor(−1/2) = −1 goes to the end for NOTSET (ONNX's test_convtranspose_output_shape)
        crops(base(3, 3, 2).outputShape(8).build(), 0, -1, 8);
        crops(base(3, 3, 2).autoPad(AutoPad.SAME_UPPER).outputShape(8).build(), -1, 0, 8);
        // output_padding joins the total: total = 7 + 1 − 6 = 2 → pads 1/1, end crop 1 − op = 0
        crops(base(3, 3, 2).autoPad(AutoPad.SAME_UPPER).outputPadding(1).build(), 1, 0, 6);
        // explicit pads: begin 1, end 2 − op 1
        crops(base(3, 3, 2).pads(1, 2).outputPadding(1).build(), 1, 1, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base(3, 3, 2).pads(1).build());
        assertTrue(e.getMessage().contains("pads must have 2 values"), e.getMessage());
    }

    @Test
    void tensorflowSameAndValid() {
        // SAME: ceil(out/s) = in → out in 5..6 for in 3, s 2; crop max(0, (in−1)s + k_eff − out), odd cell at the end
        crops(base(3, 3, 2).tfPadding(TfPadding.SAME, 6).build(), 0, 1, 6);
        crops(base(3, 4, 2).tfPadding(TfPadding.SAME, 6).build(), 1, 1, 6);
        crops(base(3, 3, 2).tfPadding(TfPadding.SAME, 5).build(), 1, 1, 5);
        // k_eff < s: TensorFlow clamps the crop at 0, the extra cell goes to the end (ONNX would put it first)
        crops(base(3, 1, 2).tfPadding(TfPadding.SAME, 6).build(), 0, -1, 6);
        // VALID: out in full .. full + s − 1 = 7..8, nothing cropped at the beginning
        crops(base(3, 3, 2).tfPadding(TfPadding.VALID, 8).build(), 0, -1, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base(3, 3, 2).tfPadding(TfPadding.SAME, 7).build());
        assertTrue(e.getMessage().contains("must be in 5..6, got 7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> base(3, 3, 2).tfPadding(TfPadding.VALID, 6).build());
        assertTrue(e.getMessage().contains("must be in 7..8, got 6"), e.getMessage());
    }

    @Test
    void pytorchOutputSize() {
        // in 5, k 3, s 2, p 1: min = 4·2 − 2 + 3 = 9, valid 9..10
        crops(base(5, 3, 2).padding(1).outputSize(10).build(), 1, 0, 10);
        crops(base(5, 3, 2).padding(1).outputSize(9).build(), 1, 1, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base(5, 3, 2).padding(1).outputSize(11).build());
        assertTrue(e.getMessage().contains("valid sizes range from 9 to 10"), e.getMessage());
    }

    @Test
    void mixingConventionsIsRefused() {
        for (ConvTransposeSpec.Builder b : new ConvTransposeSpec.Builder[] {
            base(3, 3, 2).padding(1).pads(1, 1), base(3, 3, 2).outputPadding(1).outputSize(7),
            base(3, 3, 2).pads(1, 1).autoPad(AutoPad.SAME_UPPER), base(3, 3, 2).padding(1).outputShape(6),
            base(3, 3, 2).tfPadding(TfPadding.SAME, 6).padding(1), base(3, 3, 2).crops(new int[] {0}, new int[] {0}).padding(0)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
            assertTrue(e.getMessage().startsWith("conflicting padding conventions"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base(3, 3, 2).autoPad(AutoPad.VALID).outputShape(7).build());
        assertTrue(e.getMessage().contains("VALID takes no output_shape"), e.getMessage());
    }

    /**
     * Signed crops on every path (a sixth of the cases a single input pixel, as a DCGAN's first layer): the output
     * of crops (b, e) is the full output (no crops) shifted by b, with bias-only cells where that falls outside
     * it. The full output comes from the oracle.
     */
    @Test
    void signedCropsShiftTheFullOutput() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 21);
        for (int i = 0; i < 300; i++) {
            int rank = 1 + i % 3;
            Case c = Case.random(r, 4, rank);
            if (i % 6 == 5) {   // a single input pixel, one group: the single-pixel GEMM's path
                int[] one = new int[rank];
                Arrays.fill(one, 1);
                c = new Case(c.batch(), c.cin(), c.cout(), 1, one, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed());
            }
            Case full = new Case(Math.max(1, c.batch()), c.cin(), c.cout(), c.groups(), c.in(), c.k(), c.s(), new int[rank],
                    new int[rank], c.d(), c.bias(), c.seed());
            int[] fullSize = full.outputSize(), b = new int[rank], e = new int[rank], out = new int[rank];
            for (int a = 0; a < rank; a++) {
                b[a] = r.nextInt(-3, fullSize[a]);
                e[a] = r.nextInt(-3, Math.max(-2, fullSize[a] - b[a]));
                out[a] = fullSize[a] - b[a] - e[a];
            }
            if (Arrays.stream(out).anyMatch(o -> o < 1)) continue;
            ConvTransposeSpec spec = ConvTransposeSpec.builder(c.cin(), c.cout()).groups(c.groups()).inputSize(c.in()).kernel(c.k())
                    .stride(c.s()).dilation(c.d()).bias(c.bias()).crops(b, e).build();
            assertArrayEquals(out, spec.outputSize());
            double[][] d = full.data();
            Oracle ref = Oracle.compute(full, d[0], d[1], d[2]);
            float[] y = new float[full.batch() * c.cout() * Case.prod(out)];
            Arrays.fill(y, Float.NaN);
            FloatPlan plan = ConvTranspose.plan(spec, Check.toFloat(d[1]), Check.toFloat(d[2]), Parallelism.threads(1 + i % 2));
            plan.execute(Check.toFloat(d[0]), y);
            int outPlane = Case.prod(out), fullPlane = Case.prod(fullSize);
            for (int n = 0; n < full.batch(); n++) {
                for (int co = 0; co < c.cout(); co++) {
                    for (int o = 0; o < outPlane; o++) {
                        int[] idx = Oracle.unflatten(o, out);
                        boolean inside = true;
                        for (int a = 0; a < rank; a++) {
                            idx[a] += b[a];
                            inside &= idx[a] >= 0 && idx[a] < fullSize[a];
                        }
                        float got = y[(n * c.cout() + co) * outPlane + o];
                        float bias = d[2] == null ? 0f : (float) d[2][co];
                        if (!inside) {
                            if (got != bias) fail(c + " crops " + Arrays.toString(b) + "/" + Arrays.toString(e) + ": cell " + o
                                    + " beyond the full output must hold the bias " + bias + ", got " + got + " (" + plan.kernel() + ")");
                            continue;
                        }
                        int cell = (n * c.cout() + co) * fullPlane + Oracle.flatten(idx, fullSize);
                        double tol = 2.0 * (ref.terms[cell] + 1) * (Check.EPS_F32 * ref.magnitude[cell] + Check.ETA_F32);
                        if (!(Math.abs(got - ref.y[cell]) <= tol)) {
                            fail(c + " crops " + Arrays.toString(b) + "/" + Arrays.toString(e) + ": cell " + o + " is " + got
                                    + ", expected " + ref.y[cell] + " (" + plan.kernel() + ")");
                        }
                    }
                }
            }
        }
    }

    /** Every weight layout gives bit for bit the plan of the same weights in PyTorch's layout. */
    @Test
    void weightLayoutsArePacked() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 22);
        for (int i = 0; i < 60; i++) {
            Case c = Case.random(r, 4, 1 + i % 3);
            double[][] d = c.data();
            int cin = c.cin(), cog = c.cout() / c.groups(), kVol = Case.prod(c.k());
            float[] iok = Check.toFloat(d[1]);
            float[] x = Check.toFloat(d[0]), want = new float[c.outputLength()];
            ConvTranspose.plan(c.spec(), iok, Check.toFloat(d[2]), Parallelism.callerOnly()).execute(x, want);
            for (WeightLayout layout : WeightLayout.values()) {
                float[] w = new float[iok.length];
                for (int ci = 0; ci < cin; ci++) {
                    for (int o = 0; o < cog; o++) {
                        for (int t = 0; t < kVol; t++) {
                            int at = switch (layout) {   // written out per layout, as the frameworks describe them
                                case IOK -> ci * cog * kVol + o * kVol + t;
                                case KOI -> t * cog * cin + o * cin + ci;
                                case IKO -> ci * kVol * cog + t * cog + o;
                                case OKI -> o * kVol * cin + t * cin + ci;
                            };
                            w[at] = iok[ci * cog * kVol + o * kVol + t];
                        }
                    }
                }
                float[] got = new float[c.outputLength()];
                ConvTranspose.plan(c.spec(), layout, w, Check.toFloat(d[2]), Parallelism.callerOnly()).execute(x, got);
                assertArrayEquals(want, got, layout + " " + c);
            }
        }
    }
}
