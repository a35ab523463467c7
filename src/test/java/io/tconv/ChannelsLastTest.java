package io.tconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tconv.internal.Provider;
import io.tconv.internal.Providers;
import io.tconv.internal.ScalarProvider;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Channels-last tensors ({@code [N, spatial…, C]}) on every path, float and double, and on the scalar path:
 * the case's data is rearranged here from the oracle's channels-first order, the plan reads and writes
 * channels-last itself, and its output, rearranged back, must match the oracle (outputs NaN-poisoned first).
 * The gradients too.
 */
class ChannelsLastTest {
    static ConvTransposeSpec spec(Case c) {
        return ConvTransposeSpec.builder(c.cin(), c.cout()).inputSize(c.in()).kernel(c.k()).stride(c.s()).padding(c.p())
                .outputPadding(c.op()).dilation(c.d()).groups(c.groups()).bias(c.bias()).channelsLast(true).build();
    }

    /** [N, C, P] → [N, P, C] (toLast) or back. */
    static double[] transpose(double[] a, int n, int ch, int plane, boolean toLast) {
        double[] r = new double[a.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < ch; c++) {
                for (int p = 0; p < plane; p++) {
                    int first = (i * ch + c) * plane + p, last = (i * plane + p) * ch + c;
                    if (toLast) r[last] = a[first];
                    else r[first] = a[last];
                }
            }
        }
        return r;
    }

    static String check(Case c, Parallelism threads, Provider provider) {
        double[][] d = c.data();
        int inPlane = Case.prod(c.in()), outPlane = Case.prod(c.outputSize());
        double[] x = transpose(d[0], c.batch(), c.cin(), inPlane, true);
        Oracle ref = Oracle.compute(c, d[0], d[1], d[2]);
        ConvTransposeSpec spec = spec(c);
        FloatPlan fp = ConvTranspose.plan(spec, Check.toFloat(d[1]), Check.toFloat(d[2]), threads, provider);
        float[] yf = new float[c.outputLength()];
        Arrays.fill(yf, Float.NaN);
        fp.execute(c.batch(), Check.toFloat(x), 0, yf, 0);
        double[] back = transpose(toDouble(yf), c.batch(), c.cout(), outPlane, false);
        Check.assertClose(ref, Check.toFloat(back), 0, "channels-last " + c + " kernel " + fp.kernel());
        DoublePlan dp = ConvTranspose.plan(spec, d[1], d[2], threads, provider);
        double[] yd = new double[c.outputLength()];
        Arrays.fill(yd, Double.NaN);
        dp.execute(c.batch(), x, 0, yd, 0);
        Check.assertClose(ref, transpose(yd, c.batch(), c.cout(), outPlane, false), 0, "channels-last f64 " + c + " kernel " + dp.kernel());
        return fp.kernel();
    }

    /** The case with 17–24 input channels per group, so that channels-last layers take the GEMM. */
    static Case manyInputs(Case c, SplittableRandom r) {
        return new Case(c.batch(), c.groups() * (17 + r.nextInt(8)), c.cout(), c.groups(), c.in(), c.k(), c.s(), c.p(), c.op(), c.d(),
                c.bias(), c.seed());
    }

    static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    @Test
    void everyPathMatchesTheOracle() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 51);
        TreeSet<String> kernels = new TreeSet<>();
        Provider current = Providers.current(), scalar = new ScalarProvider();
        for (int i = 0; i < 240; i++) {
            int rank = 1 + i % 3;
            Case c = switch (i / 3 % 4) {
                // half with more inputs than the channels-last rows take, so that the depth-to-space GEMM runs too
                case 0 -> i % 2 == 0 ? manyInputs(VectorPathTest.strideEqualsKernel(r, rank), r) : VectorPathTest.strideEqualsKernel(r, rank);
                case 1 -> manyInputs(VectorPathTest.phase(r, rank), r);   // past the channels-last rows' 16 inputs
                case 2 -> VectorPathTest.fewChannels(r, rank);
                default -> Case.random(r, 4, rank);
            };
            kernels.add(check(c, Parallelism.threads(1 + i % 3), i % 5 == 4 ? scalar : current));
        }
        System.out.println("channels-last kernels: " + kernels);
    }

    /**
     * Depthwise layers with channel counts around the lane counts and rows long enough for the depthwise path's
     * runs of whole terms, so that its cells at the rows' ends, inside, and its channels past the last vector
     * are all checked; with the vector provider, the depthwise path must be the one that ran.
     */
    @Test
    void depthwiseMatchesTheOracle() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 53);
        for (int i = 0, done = 0; done < 60; i++) {
            int rank = 1 + i % 3;
            Case c = Case.random(r, 4, rank);
            int channels = VectorPathTest.pick(r, 40);
            int[] in = c.in().clone();
            in[rank - 1] = Math.max(in[rank - 1], VectorPathTest.pick(r, 33));
            Case dw = new Case(Math.max(1, c.batch()), channels, channels, channels, in, c.k(), c.s(), c.p(), c.op(), c.d(),
                    c.bias(), c.seed());
            if (dw.outputLength() > 200_000) continue;
            String k = check(dw, Parallelism.threads(1 + i % 2), Providers.current());
            // (a single channel lies the same way in both layouts: the channels-first kernels run it; and one
            // channel of a single input pixel is one GEMM over the batch)
            if (Providers.fallback() == null) {
                boolean planes = takesAllGroups(dw, lanes(k)) || padsThree(dw, lanes(k));
                String expected = channels == 1 && Case.prod(in) == 1 ? "single-pixel gemm"
                        : channels == 1 ? "few-channel planes" : planes ? "all groups" : "depthwise channels-last";
                assertTrue(k.contains(expected), dw + ": used " + k);
            }
            done++;
        }
    }

    /**
     * Depthwise multipliers (one input channel per group, 2–8 or up to 33 output channels each) on 1–33 groups, so
     * that vectors of output channels hold whole groups, groups split between two vectors (multipliers that do
     * not divide the lanes) and parts of one group (multipliers past the lanes), with bands of any size (one x row
     * a band included): the forward pass against the oracle and both gradients against their definitions; with
     * the vector provider, the channels-last depthwise kernels, which spread x's channels and sum gx's back, must
     * be the ones that ran.
     */
    @Test
    void depthwiseMultipliersMatchTheOracle() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 54);
        for (int i = 0, done = 0; done < 40; i++) {
            int rank = 1 + i % 3;
            Case c = Case.random(r, 4, rank);
            int groups = VectorPathTest.pick(r, 33), m = 2 + r.nextInt(i % 4 == 0 ? 32 : 7);
            int[] in = c.in().clone();
            in[rank - 1] = Math.max(in[rank - 1], 1 + VectorPathTest.pick(r, 33));   // not a single pixel: those are one GEMM
            Case dm = new Case(Math.max(1, c.batch()), groups, groups * m, groups, in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed());
            if (dm.outputLength() > 200_000) continue;
            String k = check(dm, Parallelism.threads(1 + i % 2), Providers.current());
            String gx = GradientsTest.checkInputGradient(dm, true, InputGradientF32.BAND_BYTES, r, Providers.current())[1];
            long bands = i % 3 == 0 ? 1 + r.nextInt(3000) : io.tconv.internal.WeightGradientF32.BAND_BYTES;
            String gw = GradientsTest.checkWeightGradient(dm, true, bands, r, Providers.current(), 1 + i % 2)[1];
            if (Providers.fallback() == null) {
                assertTrue(k.contains("depthwise channels-last"), dm + ": forward used " + k);
                assertTrue(gx != null && gx.contains("depthwise channels-last"), dm + ": input gradient used " + gx);   // (at any weight count)
                // (where crops remove every tap, no output meets the input: no path runs, and gw is zero)
                assertTrue(gw.contains("depthwise channels-last") || gw.equals("none"), dm + ": weight gradient used " + gw);
            }
            done++;
        }
    }

    /**
     * A channels-last depthwise layer with more weights than the row kernels take (2048 channels, 3 × 3: 18,432):
     * its input gradient still reads gy where it lies, on the depthwise kernel (the class plans ran it 6× slower),
     * against its definition.
     */
    @Test
    void depthwiseInputGradientOfManyWeights() {
        Case c = new Case(2, 2048, 2048, 2048, new int[] {3, 5}, new int[] {3, 3}, new int[] {1, 2}, new int[] {1, 1}, new int[] {0, 1},
                new int[] {1, 1}, true, 68);
        assertTrue(c.weightLength() > InputGradientF32.ROWS_MAX_WEIGHTS);
        String[] k = GradientsTest.checkInputGradient(c, true, InputGradientF32.BAND_BYTES, new SplittableRandom(69), Providers.current());
        if (Providers.fallback() == null) assertTrue(k[1] != null && k[1].contains("depthwise channels-last"), "used " + k[1]);
    }

    /**
     * Depthwise layers with fewer channels than lanes (2–8), whose vectors run along a row's (pixel, channel)
     * run, or, where the W stride times the channels (three counted as four) is 2–16 and a power of two within 8
     * or 16 lanes, whose bands hold every group's channel rows split from the runs (the few-channel planes, every
     * group at once):
     * rows of 1–40 pixels, so that runs end in every lane and the rows' ends meet the interior, at every
     * stride, crop and output padding {@link Case#random} draws. With the vector provider the float plan must
     * take the planes exactly where that holds, else the runs exactly where the channels are fewer than its
     * lanes; at least a fifth of the cases take the runs (2 and 3 channels at 128 bits, more at wider vectors),
     * and at 256 and 512 bits at least a tenth take the planes.
     */
    @Test
    void fewChannelDepthwiseRunsMatchTheOracle() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 71);
        int runs = 0, allGroups = 0, cases = 0;
        for (int i = 0; cases < 90; i++) {
            int rank = 1 + i % 3, channels = 2 + cases % 7;   // (each count in turn: the share below the lanes is fixed)
            Case c = Case.random(r, 4, rank);
            int[] in = c.in().clone();
            in[rank - 1] = Math.max(in[rank - 1], 1 + r.nextInt(40));   // (only longer: the crops were drawn for it)
            Case dw = new Case(c.batch(), channels, channels, channels, in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed());
            if (dw.outputLength() > 200_000) continue;
            String k = check(dw, Parallelism.threads(1 + i % 2), Providers.current());
            if (Providers.fallback() == null) {
                boolean planes = takesAllGroups(dw, lanes(k)) || padsThree(dw, lanes(k));
                assertEquals(planes, k.contains("few-channel planes c1 all groups"), dw + ": used " + k);
                assertEquals(!planes && channels < lanes(k), k.contains("depthwise channels-last runs"), dw + ": used " + k);
                if (planes) allGroups++;
            }
            if (k.contains(" runs")) runs++;
            cases++;
        }
        if (Providers.fallback() == null) {
            assertTrue(runs >= cases / 5, "runs took " + runs + " of " + cases);
            if (lanes(Providers.current().name() + " ") >= 8) assertTrue(allGroups >= cases / 10, "planes took " + allGroups + " of " + cases);
        }
    }

    /**
     * Few-channel depthwise layers (2, 3, 4, 8 channels) whose W residues have four terms each at W stride 2 (4×4
     * kernels at stride 2, 2 × 4 at strides 1 × 2, 1-D kernels of 8), so that each group's residues are summed
     * and zipped in registers and the output rows woven from the groups' zipped rows: rows of 1–40 pixels, every
     * crop up to the kernel and output padding, ranks 1–3; against the oracle, the kernel asserted.
     */
    @Test
    void fewChannelDepthwiseZippedRowsMatchTheOracle() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 79);
        int[] counts = {2, 3, 4, 8};
        for (int i = 0; i < 32; i++) {
            int rank = 1 + i % 3, channels = counts[i / 3 % counts.length];
            int[] in = new int[rank], k = new int[rank], st = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
            for (int a = 0; a < rank; a++) {
                boolean w = a == rank - 1;
                in[a] = w ? 1 + r.nextInt(40) : 1 + r.nextInt(9);
                k[a] = w ? (rank == 1 ? 8 : 4) : i % 2 == 0 ? 4 : 2;
                st[a] = w || i % 2 == 0 ? 2 : 1;
                p[a] = r.nextInt(k[a] / 2 + 1);
                op[a] = r.nextInt(st[a]);
                d[a] = 1;
            }
            Case c = new Case(1 + r.nextInt(2), channels, channels, channels, in, k, st, p, op, d, r.nextBoolean(), r.nextLong());
            if (Case.prod(c.outputSize()) < 1) continue;
            String kernel = check(c, Parallelism.threads(1 + i % 2), Providers.current());
            if (Providers.fallback() == null && (takesAllGroups(c, lanes(kernel)) || padsThree(c, lanes(kernel)))) {
                assertTrue(kernel.contains("all groups"), c + ": used " + kernel);
            }
        }
    }

    /** The float lanes of a vector kernel, from its name. */
    static int lanes(String kernel) {
        return Integer.parseInt(kernel.replaceAll("^vector-(\\d+) .*", "$1")) / Float.SIZE;
    }

    /**
     * Whether a channels-last depthwise layer's bands take every group at once: the W stride times the channels
     * a power of two, 2–16, and at most the lanes (of 8 or 16), so that its rows split and weave by shuffles.
     */
    static boolean takesAllGroups(Case c, int lanes) {
        return c.groups() > 1 && weaves(c, c.groups(), lanes);
    }

    /** Whether a three-channel depthwise layer's forward pass takes every group at once, padded to four channels. */
    static boolean padsThree(Case c, int lanes) {
        return c.groups() == 3 && weaves(c, 4, lanes);
    }

    /** Whether a depthwise layer's gradients take every group at once: as its forward pass, three channels at W strides 1 and 2 only. */
    static boolean gradientsTakeAllGroups(Case c, int lanes) {
        return takesAllGroups(c, lanes) || padsThree(c, lanes) && c.s()[c.s().length - 1] <= 2;
    }

    /** Whether a depthwise layer's rows of {@code channels} channels weave by shuffles at its W stride. */
    private static boolean weaves(Case c, int channels, int lanes) {
        long k = (long) c.s()[c.s().length - 1] * channels;
        return c.cin() == c.groups() && c.cout() == c.groups() && (lanes == 8 || lanes == 16) && k <= lanes && Long.bitCount(k) == 1;
    }

    /**
     * The GEMM's channels-last output written through register transposes of L pixels × L channels: channel
     * counts below, at and above a block (a last, short block of channels is stored masked, and where its vector
     * would reach past the end of y — in the image's last pixels — a channel at a time), W strides 1 to 3, rows of
     * several blocks with pixels left over.
     */
    @Test
    void gemmChannelsLastOutputThroughTransposes() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 73);
        for (int cout : new int[] {8, 13, 16, 24, 40}) {
            for (int s = 1; s <= 3; s++) {
                Case c = new Case(1 + r.nextInt(2), 20, cout, 1, new int[] {3, 37 + r.nextInt(5)}, new int[] {4, 4}, new int[] {s, s},
                        new int[] {1, 1}, new int[] {0, s - 1}, new int[] {1, 1}, r.nextBoolean(), r.nextLong());
                String k = check(c, Parallelism.threads(1 + s % 2), Providers.current());
                if (Providers.fallback() == null) assertTrue(k.contains("phase gemm"), c + ": used " + k);
            }
        }
    }

    /**
     * The depth-to-space GEMM's channels-last path: input pixels C apart copied into its panel by L × L transposes
     * (17 to 40 input channels: whole blocks and a rest), and each input pixel's run of kW·C output elements per
     * (D, H) tap written from L-row transposes of C, a vector per pixel and part of the run: runs shorter than,
     * equal to and longer than a vector (1 to 20 channels, kernels 1 to 16 along W), crops that cut runs at a
     * row's ends and remove whole rows, output padding, rows of whole blocks of pixels and a rest, ranks 1 to 3,
     * one group or two.
     */
    @Test
    void depthToSpaceRunsOfEveryLength() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 79);
        int[] couts = {1, 3, 5, 16, 2, 20, 3, 8}, kws = {3, 2, 4, 16, 1, 5, 16, 2};
        for (int i = 0; i < 24; i++) {
            int rank = 1 + i % 3, cout = couts[i % couts.length], kw = kws[(i + i / 8) % kws.length];
            int[] in = new int[rank], k = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
            for (int a = 0; a < rank; a++) {
                boolean last = a == rank - 1;
                k[a] = last ? kw : 1 + r.nextInt(3);
                in[a] = last ? 5 + r.nextInt(40) : 1 + r.nextInt(4);
                p[a] = r.nextInt(3) == 0 ? r.nextInt(Math.max(1, (in[a] * k[a] - 1) / 2)) : 0;
                op[a] = r.nextInt(k[a]);
                d[a] = 1;
            }
            int groups = i % 4 == 3 ? 2 : 1;   // (two groups: a run of a group's channels per tap)
            Case c = new Case(1 + r.nextInt(2), groups * (17 + r.nextInt(24)), groups * cout, groups, in, k, k.clone(), p, op, d,
                    r.nextBoolean(), r.nextLong());
            String kernel = check(c, Parallelism.threads(1 + i % 2), Providers.current());
            // (under eight output cells per input pixel the few-channel planes take it)
            if (Providers.fallback() == null && cout * Case.prod(k) >= 8) assertTrue(kernel.contains("stride=kernel gemm"), c + ": used " + kernel);
        }
    }

    /**
     * Channels-last rows of one run of (pixel, channel), woven from rows by register shuffles where the channels
     * are 2 or 4 (8 with the W stride), and split into them the same way: the few-channel planes' input of 2, 4
     * or 8 channels and output of 1 to 8 at W strides 1, 2 and 4 (3 and 5–7 woven padded to a power of two); the
     * gradients of layers with 1 to 8 channels on each side
     * (the input gradient's rows of sums woven into gx's run, padded likewise, gy's runs split into rows per W
     * residue and channel for both gradients where s·C is a power of two, else a channel at a time); rows of one
     * to three vectors of cells
     * with cells left over, half of them in bands of a few rows, against the oracle and the gradients'
     * definitions, the forward kernel asserted at 256 and 512 bits.
     */
    @Test
    void fewChannelRowsWrittenAsOneRun() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 75);
        for (int i = 0; i < 33; i++) {
            // 1 to 4 channels, then 8 in place of 1 and 3 (two blocks of four, woven together), then 5 to 7 (woven
            // padded to 8 by the second block's zero-weight channels)
            int channels = i >= 24 ? 5 + i % 3 : i >= 12 && i % 2 == 0 ? 8 : 1 + i % 4, s = new int[] {1, 2, 4}[i / 4 % 3];
            int[] in = {2 + r.nextInt(6), 8 + r.nextInt(41)}, k = {s + 1, s + 1}, st = {s, s}, p = {r.nextInt(2), r.nextInt(s + 1)};
            int[] op = {0, r.nextInt(s)}, d = {1, 1};
            // 2, 4 or 8 input channels: x's rows are split into channel rows as one run too
            Case c = new Case(1 + r.nextInt(2), 2 << i % 3, channels, 1, in, k, st, p, op, d, true, r.nextLong());
            String kernel = check(c, Parallelism.threads(1 + r.nextInt(2)), Providers.current());
            // (at 128 bits four channels fill a vector, and the channels-last rows take them)
            if (!kernel.equals("scalar") && !kernel.startsWith("vector-128") && channels > 1 && channels < 8) {
                assertTrue(kernel.contains("few-channel planes"), c + ": used " + kernel);
            }
            Case g = new Case(1 + r.nextInt(2), channels, channels, 1, in, k, st, p, op, d, false, r.nextLong());
            // bands of a few rows, so that a thread's buffer holds rows of another band before the image's edge
            long bands = i < 12 ? 1 + r.nextInt(3000) : InputGradientF32.BAND_BYTES;   // (each channel count and stride once)
            GradientsTest.checkInputGradient(g, true, bands, r, Providers.current());
            GradientsTest.checkWeightGradient(g, true, i < 12 ? bands : io.tconv.internal.WeightGradientF32.BAND_BYTES, r,
                    Providers.current(), 1 + s % 3);
        }
    }

    /**
     * The input gradient's rows channels-last at channel counts that are not powers of two or fill vectors: gx
     * runs of 5–15 input channels woven padded to 8 or 16 (zero rows) and compacted, gy runs of 16 or more
     * channels split a vector of channels at a time by transposes (the rest channel by channel), gy runs of
     * other channel counts split padded to a power of two where the shuffles then split them, at W strides 1
     * to 3, rows of up to 45 cells, half in bands of a few rows; against the gradient's definition, the kernel
     * asserted with the vector provider; and the weight gradient of 1–4 input channels on the same gy.
     */
    @Test
    void inputGradientRowsOfAnyChannelCount() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 77);
        boolean vector = Providers.fallback() == null;
        int[] ins = {5, 6, 7, 9, 12, 13, 15, 3}, outs = {16, 17, 20, 24, 33, 3, 5, 12};
        for (int i = 0; i < 24; i++) {
            int cin = ins[i % ins.length], cout = outs[(i / 2 + i) % outs.length], s = 1 + i % 3, k = s + 1 + r.nextInt(2);
            if ((long) cin * cout * k * k > 16 << 10) cout = 3;   // (small weights: the rows, not the forward engine)
            int[] in = {2 + r.nextInt(5), 4 + r.nextInt(42)}, ks = {k, k}, st = {s, s}, p = {r.nextInt(k / 2 + 1), r.nextInt(k / 2 + 1)};
            int[] op = {0, r.nextInt(s)}, d = {1, 1};
            Case c = new Case(1 + r.nextInt(2), cin, cout, 1, in, ks, st, p, op, d, false, r.nextLong());
            long bands = i % 2 == 0 ? 1 + r.nextInt(3000) : InputGradientF32.BAND_BYTES;
            String[] k2 = GradientsTest.checkInputGradient(c, true, bands, r, Providers.current());
            // (few input channels and whole vectors of gy channels take the dot products instead)
            if (vector && k2[1] != null && !k2[1].contains("dots")) assertTrue(k2[1].contains("input gradient rows"), c + ": " + k2[1]);
            // the weight gradient's rows (1–4 input channels) read the same split gy rows
            Case w = new Case(c.batch(), 1 + i % 4, c.cout(), 1, in, ks, st, p, op, d, false, r.nextLong());
            GradientsTest.checkWeightGradient(w, true, i % 2 == 0 ? 1 + r.nextInt(3000) : io.tconv.internal.WeightGradientF32.BAND_BYTES, r,
                    Providers.current(), 1 + i % 3);
        }
    }

    /**
     * The input gradient of channels-last layers with rows narrower than a vector: where gy's runs split by
     * shuffles (8 channels at W stride 2), the rows; where they would be copied a cell at a time (16 channels at
     * stride 2, 17 at stride 1), the class plans (or another kernel that suits); against the gradient's definition, the choice asserted with the
     * vector provider.
     */
    @Test
    void narrowRowsOfUnsplitRunsTakeTheClassPlans() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 83);
        boolean vector = Providers.fallback() == null;
        int bits = vector ? Integer.parseInt(Providers.current().name().replace("vector-", "")) : 0;
        Case[] plans = {
            new Case(1, 32, 16, 1, new int[] {4, 5, 6}, new int[] {2, 2, 2}, new int[] {2, 2, 2}, new int[] {0, 0, 0},
                    new int[] {0, 0, 1}, new int[] {1, 1, 1}, false, 91),
            new Case(2, 6, 17, 1, new int[] {5, 7}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0},
                    new int[] {1, 1}, false, 92)};
        for (Case c : plans) {
            String[] k = GradientsTest.checkInputGradient(c, true, InputGradientF32.BAND_BYTES, r, Providers.current());
            // (f32 at 256 or 512 bits, where the rows of 6 or 7 cells are narrower than a vector; another kernel of
            // the provider's may suit: never the rows)
            if (bits >= 256) assertTrue(k[1] == null || !k[1].contains("rows"), c + ": expected no rows, used " + k[1]);
        }
        Case split = new Case(1, 8, 8, 1, new int[] {6, 7}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, false, 93);
        String[] k = GradientsTest.checkInputGradient(split, true, InputGradientF32.BAND_BYTES, r, Providers.current());
        // (at 512 bits; at 256, eight channels are a vector and the dot products take them)
        if (bits == 512) assertTrue(k[1] != null && k[1].contains("input gradient rows"), split + ": expected the rows, used " + k[1]);
    }

    /** One channels-last geometry aimed at each vector path, with the kernel that ran asserted. */
    @Test
    void eachPathRunsWhereItIsAimed() {
        assumeTrue(Providers.fallback() == null, "vector provider not in use: " + Providers.fallback());
        int[] in = {5, 21}, k4 = {4, 4}, s2 = {2, 2}, one = {1, 1}, zero = {0, 0};
        String[] expected = {"depthwise channels-last", "depthwise channels-last runs", "channels-last rows", "few-channel planes",
            "phase gemm", "stride=kernel gemm"};
        Case[] cases = {
            new Case(2, 32, 32, 32, in, k4, s2, one, one, one, true, 61),       // one channel per group
            new Case(2, 3, 3, 3, in, k4, new int[] {3, 3}, one, one, one, true, 60),   // and fewer channels than lanes (a stride of 3: no shuffles)
            new Case(1, 8, 40, 1, in, k4, s2, one, zero, one, true, 62),        // few inputs, many outputs
            new Case(1, 32, 3, 1, in, k4, s2, one, zero, one, true, 63),        // many inputs, three outputs
            new Case(1, 24, 24, 1, in, new int[] {3, 3}, s2, one, one, one, false, 64),
            new Case(2, 24, 20, 1, in, new int[] {2, 2}, s2, zero, one, one, true, 65)};
        for (int i = 0; i < cases.length; i++) {
            String k = check(cases[i], Parallelism.threads(1 + i % 2), Providers.current());
            assertTrue(k.contains(expected[i]), cases[i] + ": expected " + expected[i] + ", used " + k);
        }
    }

    /**
     * A single channel on each side lies the same way in both layouts, so the channels-first kernels run it
     * (channels-last ones would fill one lane of each vector): the forward pass against the oracle and the
     * gradients against channels-first, with the kernel asserted.
     */
    @Test
    void aSingleChannelRunsTheChannelsFirstKernels() {
        Case c = new Case(2, 1, 1, 1, new int[] {9, 37}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, true, 66);
        String k = check(c, Parallelism.threads(2), Providers.current());
        assertFalse(k.contains("channels-last"), "used " + k);
        double[][] d = c.data();
        double[] gy = GradientsTest.uniform(new SplittableRandom(67), c.outputLength());
        DoubleGradients first = ConvTranspose.gradients(c.spec(), d[1], Parallelism.callerOnly());
        DoubleGradients last = ConvTranspose.gradients(spec(c), d[1], Parallelism.threads(2));
        double[] gx = new double[c.inputLength()], gxLast = new double[c.inputLength()];
        double[] gw = new double[c.weightLength()], gwLast = new double[c.weightLength()];
        first.input(gy, gx);
        first.weight(c.batch(), d[0], 0, gy, 0, gw);
        last.input(gy, gxLast);
        last.weight(c.batch(), d[0], 0, gy, 0, gwLast);
        assertArrayEquals(gx, gxLast, "gx");
        assertArrayEquals(gw, gwLast, "gw");
    }

    @Test
    void gradientsMatchChannelsFirst() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 52);
        for (int i = 0; i < 80; i++) {
            Case c0 = Case.random(r, 4, 1 + i % 3);
            Case c = new Case(Math.max(1, c0.batch()), i % 2 == 0 ? 8 * c0.groups() * (1 + i % 3) : c0.cin(), c0.cout(), c0.groups(),
                    c0.in(), c0.k(), c0.s(), c0.p(), c0.op(), c0.d(), c0.bias(), c0.seed());
            double[][] d = c.data();
            int inPlane = Case.prod(c.in()), outPlane = Case.prod(c.outputSize());
            double[] gy = GradientsTest.uniform(r, c.outputLength());
            DoubleGradients first = ConvTranspose.gradients(c.spec(), d[1], Parallelism.callerOnly());
            DoubleGradients last = ConvTranspose.gradients(spec(c), d[1], Parallelism.threads(2));
            double[] gx = new double[c.inputLength()], gxLast = new double[c.inputLength()];
            double[] gw = new double[c.weightLength()], gwLast = new double[c.weightLength()];
            double[] gb = new double[c.cout()], gbLast = new double[c.cout()];
            first.input(gy, gx);
            first.weight(c.batch(), d[0], 0, gy, 0, gw);
            first.bias(c.batch(), gy, 0, gb);
            double[] gyLast = transpose(gy, c.batch(), c.cout(), outPlane, true), xLast = transpose(d[0], c.batch(), c.cin(), inPlane, true);
            last.input(gyLast, gxLast);
            last.weight(c.batch(), xLast, 0, gyLast, 0, gwLast);
            last.bias(c.batch(), gyLast, 0, gbLast);
            double[] gxBack = transpose(gxLast, c.batch(), c.cin(), inPlane, false);
            for (int k = 0; k < gx.length; k++) org.junit.jupiter.api.Assertions.assertEquals(gx[k], gxBack[k], 1e-12 * (1 + Math.abs(gx[k])), "gx " + c);
            for (int k = 0; k < gw.length; k++) org.junit.jupiter.api.Assertions.assertEquals(gw[k], gwLast[k], 1e-12 * (1 + Math.abs(gw[k])), "gw " + c);
            assertArrayEquals(gb, gbLast, 1e-12, "gb " + c);
        }
    }

    /**
     * The input gradient where padding reaches past the kernel (a residue of gy whose rows hold no cell the input
     * reaches), channels-last against channels-first, over small 1-D geometries of every such kind.
     */
    @Test
    void inputGradientWithCropsPastTheKernel() {
        int checked = 0;
        for (int in = 1; in <= 3; in++) {
            for (int k = 1; k <= 4; k++) {
                for (int s = 1; s <= 3; s++) {
                    for (int d = 1; d <= 4; d++) {
                        for (int p = 0; p <= 7; p++) {
                            for (int op = 0; op < Math.max(s, d); op++) {
                                if ((in - 1) * s - 2 * p + d * (k - 1) + 1 + op < 1) continue;
                                Case c = new Case(2, 3, 2, 1, new int[] {in}, new int[] {k}, new int[] {s}, new int[] {p},
                                        new int[] {op}, new int[] {d}, false, 60 + checked);
                                double[][] x = c.data();
                                int outPlane = Case.prod(c.outputSize());
                                double[] gy = GradientsTest.uniform(new SplittableRandom(checked), c.outputLength());
                                double[] gx = new double[c.inputLength()], gxLast = new double[c.inputLength()];
                                ConvTranspose.gradients(c.spec(), x[1], Parallelism.callerOnly()).input(gy, gx);
                                ConvTranspose.gradients(spec(c), x[1], Parallelism.callerOnly())
                                        .input(transpose(gy, c.batch(), c.cout(), outPlane, true), gxLast);
                                assertArrayEquals(gx, transpose(gxLast, c.batch(), c.cin(), in, false), 1e-12, "gx " + c);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " geometries");
    }
}
