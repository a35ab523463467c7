package io.tconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The gradients: the adjoint identity {@code ⟨convT(x), gy⟩ = ⟨x, gx(gy)⟩} on random geometries, the weight and
 * bias gradients against finite differences of {@code L = Σ convT(x)·gy} in double, float against double
 * within the error bound's scale, and the same bits for 1, 2 and 7 threads. PyTorch autograd's own values are
 * checked in {@code cli.GradGoldenTest}.
 */
class GradientsTest {
    /** The lanes of a double vector of the provider in use (0 without the vector provider). */
    static int doubleLanes() {
        String name = io.tconv.internal.Providers.current().name();
        return name.startsWith("vector-") ? Integer.parseInt(name.substring("vector-".length())) / Double.SIZE : 0;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double absDot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
        return s;
    }

    static double[] uniform(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(-1, 1);
        return v;
    }

    /**
     * NaN, +Inf or −Inf at a few places of v, and at the first or last element of some of its rows (of
     * {@code width}): where a kernel reads a whole vector across a row's end and zeroes the lanes outside, a
     * zero times such a value would be NaN.
     */
    static void spoil(double[] v, int width, SplittableRandom r) {
        if (v.length == 0) return;
        for (int j = 0; j < 4 + r.nextInt(8); j++) {
            int at = r.nextInt(v.length);
            if (j % 4 != 0) at = at / width * width + (r.nextBoolean() ? 0 : width - 1);
            v[at] = switch (r.nextInt(3)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                default -> Double.NEGATIVE_INFINITY;
            };
        }
    }

    /** {@code actual} within {@code tolerance} of {@code expected}, or exactly the same NaN or infinity where it is one. */
    static void near(double expected, double actual, double tolerance, String message) {
        if (Double.isFinite(expected)) assertEquals(expected, actual, tolerance, message);
        else assertEquals(expected, actual, message);
    }

    /** {@code Σ (convT(x; w, b) − b)·gy} via a plan, i.e. without the bias. */
    static double loss(Case c, double[] x, double[] w, double[] gy) {
        double[] y = new double[c.outputLength()];
        ConvTranspose.plan(c.spec(), w, c.bias() ? new double[c.cout()] : null, Parallelism.callerOnly()).execute(x, y);
        return dot(y, gy);
    }

    @Test
    void adjointIdentityAndFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 41);
        for (int i = 0; i < 200; i++) {
            Case c0 = Case.random(r, 3, 1 + i % 3);
            Case c = c0.withBatch(Math.max(1, c0.batch()));
            double[][] d = c.data();
            double[] gy = uniform(r, c.outputLength());
            DoubleGradients grads = ConvTranspose.gradients(c.spec(), d[1], Parallelism.threads(1 + i % 3));
            // ⟨convT(x), gy⟩ = ⟨x, gx⟩
            double[] gx = new double[c.inputLength()];
            Arrays.fill(gx, Double.NaN);
            grads.input(gy, gx);
            double lhs = loss(c, d[0], d[1], gy), rhs = dot(d[0], gx);
            double scale = absDot(d[0], gx) + 1e-300;
            assertEquals(lhs, rhs, 1e-12 * Math.max(scale, Math.abs(lhs)) + 1e-300, "adjoint identity, " + c);
            // gw[j] = ∂L/∂w[j]: L is linear in w, so a central difference with step 1 is exact up to rounding
            double[] gw = new double[c.weightLength()];
            Arrays.fill(gw, Double.NaN);
            grads.weight(c.batch(), d[0], 0, gy, 0, gw);
            for (int probe = 0; probe < Math.min(6, gw.length); probe++) {
                int j = r.nextInt(gw.length);
                double[] plus = d[1].clone(), minus = d[1].clone();
                plus[j] += 0.5;
                minus[j] -= 0.5;
                double fd = loss(c, d[0], plus, gy) - loss(c, d[0], minus, gy);
                assertEquals(fd, gw[j], 1e-9 * (1 + Math.abs(fd) + absDot(d[0], d[0])), "gw[" + j + "], " + c);
            }
            if (c.bias()) {
                double[] gb = new double[c.cout()];
                grads.bias(c.batch(), gy, 0, gb);
                int plane = c.outputLength() / (c.batch() * c.cout());
                for (int co = 0; co < c.cout(); co++) {
                    double s = 0;
                    for (int n = 0; n < c.batch(); n++) for (int o = 0; o < plane; o++) s += gy[(n * c.cout() + co) * plane + o];
                    assertEquals(s, gb[co], 1e-12 * (1 + plane * c.batch()), "gb[" + co + "], " + c);
                }
            }
        }
    }

    @Test
    void floatMatchesDoubleAndThreadCountsGiveTheSameBits() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 42);
        for (int i = 0; i < 60; i++) {
            Case c0 = Case.random(r, 4, 1 + i % 3);
            Case c = c0.withBatch(Math.max(1, c0.batch()));
            double[][] d = c.data();
            double[] gy = uniform(r, c.outputLength());
            double[] gxd = new double[c.inputLength()], gwd = new double[c.weightLength()];
            DoubleGradients gd = ConvTranspose.gradients(c.spec(), d[1], Parallelism.callerOnly());
            gd.input(gy, gxd);
            gd.weight(c.batch(), d[0], 0, gy, 0, gwd);
            float[] x = Check.toFloat(d[0]), w = Check.toFloat(d[1]), gyf = Check.toFloat(gy);
            float[] gx1 = null, gw1 = null, gb1 = null;
            for (int threads : new int[] {1, 2, 7}) {
                FloatGradients gf = ConvTranspose.gradients(c.spec(), w, Parallelism.threads(threads));
                float[] gx = new float[c.inputLength()], gw = new float[c.weightLength()], gb = new float[c.cout()];
                gf.input(gyf, gx);
                gf.weight(c.batch(), x, 0, gyf, 0, gw);
                gf.bias(c.batch(), gyf, 0, gb);
                if (gx1 == null) {
                    gx1 = gx;
                    gw1 = gw;
                    gb1 = gb;
                    // float within 1e-5 of the largest double gradient (terms are ≤ 1 in size, at most a few thousand)
                    double sx = Arrays.stream(gxd).map(Math::abs).max().orElse(0), sw = Arrays.stream(gwd).map(Math::abs).max().orElse(0);
                    for (int k = 0; k < gx.length; k++) assertTrue(Math.abs(gx[k] - gxd[k]) <= 1e-5 * (1 + sx), "gx " + c);
                    for (int k = 0; k < gw.length; k++) assertTrue(Math.abs(gw[k] - gwd[k]) <= 1e-5 * (1 + sw), "gw " + c);
                } else {
                    assertArrayEquals(gx1, gx, threads + " threads, gx, " + c);
                    assertArrayEquals(gw1, gw, threads + " threads, gw, " + c);
                    assertArrayEquals(gb1, gb, threads + " threads, gb, " + c);
                }
            }
        }
    }

    /**
     * The weight gradient's matrix-product path (groups with enough input and output channels for register tiles:
     * channel counts around the tile rows and the lane counts) against its definition, {@code gw[ci, co, t] =
     * Σ_n Σ_i x[n, ci, i] · gy[n, co, i·s + t·d − p]}, in double and float, channels-first and -last, with each
     * weight's tolerance scaled by its Σ|x·gy|; float gives the same bits on 1, 2 and 7 threads.
     */
    @Test
    void manyChannelWeightGradientMatchesItsDefinition() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 43);
        int[] around = {4, 5, 7, 8, 9, 12, 13, 16, 17, 24, 31, 33};
        for (int i = 0; i < 24; i++) {
            Case c0 = Case.random(r, 3, 1 + i % 3);
            int groups = i % 4 == 3 ? 2 : 1;
            Case c = new Case(1 + r.nextInt(2), groups * around[r.nextInt(around.length)], groups * around[r.nextInt(around.length)],
                    groups, c0.in(), c0.k(), c0.s(), c0.p(), c0.op(), c0.d(), false, c0.seed());
            double[][] d = c.data();
            double[] gy = uniform(r, c.outputLength());
            double[][] want = weightGradient(c, d[0], gy);
            boolean last = i % 2 == 1;
            int inPlane = Case.prod(c.in()), outPlane = Case.prod(c.outputSize());
            double[] x = last ? ChannelsLastTest.transpose(d[0], c.batch(), c.cin(), inPlane, true) : d[0];
            double[] g = last ? ChannelsLastTest.transpose(gy, c.batch(), c.cout(), outPlane, true) : gy;
            ConvTransposeSpec spec = last ? ChannelsLastTest.spec(c) : c.spec();
            double[] gw = new double[c.weightLength()];
            Arrays.fill(gw, Double.NaN);
            ConvTranspose.gradients(spec, d[1], Parallelism.threads(2)).weight(c.batch(), x, 0, g, 0, gw);
            for (int j = 0; j < gw.length; j++) assertEquals(want[0][j], gw[j], 1e-13 * want[1][j] + 1e-300, "gw[" + j + "] " + c);
            float[] xf = Check.toFloat(x), gf = Check.toFloat(g), w = Check.toFloat(d[1]), first = null;
            for (int threads : new int[] {1, 2, 7}) {
                float[] gwf = new float[c.weightLength()];
                Arrays.fill(gwf, Float.NaN);
                ConvTranspose.gradients(spec, w, Parallelism.threads(threads)).weight(c.batch(), xf, 0, gf, 0, gwf);
                if (first == null) {
                    first = gwf;
                    for (int j = 0; j < gw.length; j++) assertEquals(want[0][j], gwf[j], 1e-6 * want[1][j] + 1e-30, "float gw[" + j + "] " + c);
                } else {
                    assertArrayEquals(first, gwf, threads + " threads, " + c);
                }
            }
        }
    }

    /**
     * The input gradient of layers with small weights, which the vector provider computes straight from gy row by
     * row (the scalar one by forward plans), with its bands forced small here (one gx row per band, or a few)
     * and at the default size, on geometries whose channels and rows straddle the lane counts (and, channels-last,
     * with whole vectors of gy channels for the dot products over them, or whole blocks of input channels for
     * the broadcasts against them), against its
     * definition {@code gx[n, ci, i] = Σ_t Σ_co w[ci, co, t] · gy[n, co, i·s + t·d − p]}, in double and float,
     * channels-first and -last, each cell's tolerance scaled by its Σ|w·gy|; float gives the same bits on 1, 2
     * and 7 threads.
     */
    @Test
    void inputGradientByRowsMatchesItsDefinition() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 45);
        io.tconv.internal.Provider provider = io.tconv.internal.Providers.current();
        boolean vector = io.tconv.internal.Providers.fallback() == null;
        java.util.Set<String> kernels = new java.util.TreeSet<>();
        for (int i = 0; i < 150; i++) {
            int rank = 1 + i % 3;
            Case c0 = Case.random(r, 4, rank);
            Case c = c0.withBatch(Math.max(1, c0.batch()));
            if (i % 4 == 1 || i % 4 == 3) {   // wide rows; input channels, or depthwise channels, around the lane counts
                int[] in = c.in().clone();
                in[rank - 1] = Math.max(in[rank - 1], VectorPathTest.pick(r, 49));
                int channels = VectorPathTest.pick(r, i % 4 == 1 ? 9 : 40);
                c = i % 8 == 5   // channels-last dot products: whole vectors of gy channels at every width, 1 … 8 input channels
                        ? new Case(c.batch(), c.groups() * (1 + r.nextInt(8)), c.groups() * (16 << r.nextInt(2)), c.groups(), in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed())
                        : i % 16 == 1   // channels-last broadcasts: whole register blocks of input channels at every width
                        ? new Case(c.batch(), c.groups() * (64 << r.nextInt(2)), c.groups() * (1 + r.nextInt(3)), c.groups(), in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed())
                        : i % 4 == 1
                        ? new Case(c.batch(), c.groups() * channels, c.cout(), c.groups(), in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed())
                        : new Case(c.batch(), channels, channels, channels, in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed());
                if (c.outputLength() > 200_000) continue;
            }
            boolean last = i % 2 == 1;
            long bandBytes = i % 3 == 0 ? 1 : i % 3 == 1 ? 1 + r.nextInt(3000) : InputGradientF32.BAND_BYTES;
            String kernel = checkInputGradient(c, last, bandBytes, r, provider)[0];
            if (kernel != null && kernel.equals("single-pixel gemm")) continue;   // (its own test asserts it)
            // (channels-last layers of one input channel per group take the row kernels at any weight count)
            boolean small = c.weightLength() <= InputGradientF32.ROWS_MAX_WEIGHTS || last && c.cin() == c.groups();
            // (channels-first depthwise at stride 1: a forward pass on gy, the taps flipped, whatever the weights;
            // one channel in and out is channels-first in either layout)
            boolean channelsFirst = !last || c.cin() == 1 && c.cout() == 1;
            small &= !channelsFirst || c.cin() != c.groups() || c.cout() != c.groups() || Arrays.stream(c.s()).anyMatch(v -> v != 1);
            // (channels-last rows narrower than a vector may take the class plans: where no shuffle splits gy's runs)
            boolean narrowLast = last && vector && c.in()[rank - 1] < Integer.parseInt(provider.name().replace("vector-", "")) / 64;
            if (!narrowLast) assertEquals(vector && small, kernel != null, "row kernel: " + kernel + ", " + c);
            else if (!small) assertNull(kernel, "row kernel: " + kernel + ", " + c);
            // (the few-channel depthwise runs count as the depthwise kernel here: which one runs depends on the width)
            // (and the tap pairs as the rows: which one runs depends on the width; their own test asserts them)
            // (and the rows of every group at once, which channels-last depthwise layers take where their rows shuffle, as the rows)
            if (kernel != null) kernels.add(kernel.replaceAll("^vector-\\d+ | c\\d$| runs$| all groups$", "").replace("input gradient tap pairs", "input gradient rows"));
        }
        if (vector) {   // (these are the double paths: at 128 bits, two lanes, the channels-last depthwise kernels stand aside)
            assertEquals("[channels-last input gradient broadcasts, channels-last input gradient dots, "
                    + (doubleLanes() >= 4 ? "depthwise channels-last input gradient, " : "") + "input gradient rows]", kernels.toString());
        }
        // By default a layer with small weights (img3) runs on the row kernel, where the provider has one; a
        // many-channel layer runs as forward plans.
        ConvTransposeSpec img3 = ConvTransposeSpec.builder(3, 16).inputSize(256, 256).kernel(3, 3).stride(2, 2).padding(1, 1)
                .outputPadding(1, 1).build();
        ConvTransposeSpec dcgan128 = ConvTransposeSpec.builder(128, 64).inputSize(32, 32).kernel(4, 4).stride(2, 2).padding(1, 1).build();
        assertEquals(vector, new InputGradientF32(img3, new float[3 * 16 * 9], Parallelism.callerOnly(), provider).rowKernel() != null);
        assertNull(new InputGradientF32(dcgan128, new float[128 * 64 * 16], Parallelism.callerOnly(), provider).rowKernel());
        // Channels-last: dot products over gy's channels for few input channels, the row kernel for more.
        ConvTransposeSpec.Builder last = ConvTransposeSpec.builder(8, 16).inputSize(20, 20).kernel(3, 3).stride(2, 2).channelsLast(true);
        String few = new InputGradientF32(last.build(), new float[8 * 16 * 9], Parallelism.callerOnly(), provider).rowKernel();
        String more = new InputGradientF32(ConvTransposeSpec.builder(9, 16).inputSize(20, 20).kernel(3, 3).stride(2, 2).channelsLast(true).build(),
                new float[9 * 16 * 9], Parallelism.callerOnly(), provider).rowKernel();
        if (vector) {
            assertTrue(few.endsWith("channels-last input gradient dots"), few);
            assertTrue(more.contains("input gradient rows"), more);
        }
    }

    /**
     * gx of case c (channels-last where {@code last}) by the input gradient's f64 and f32 kernels against its
     * definition, each cell's tolerance scaled by its Σ|w·gy|, float with the same bits on 1, 2 and 7 threads.
     * Returns the names of the f64 and f32 kernels straight from gy (null where the class plans run).
     */
    static String[] checkInputGradient(Case c, boolean last, long bandBytes, SplittableRandom r, io.tconv.internal.Provider provider) {
        return checkInputGradient(c, last, bandBytes, r, provider, false);
    }

    /** The same, with NaN and ±Inf in gy where {@code hostile} ({@link #spoil}). */
    static String[] checkInputGradient(Case c, boolean last, long bandBytes, SplittableRandom r, io.tconv.internal.Provider provider,
                                       boolean hostile) {
        ConvTransposeSpec spec = last ? ChannelsLastTest.spec(c) : c.spec();
        int inPlane = Case.prod(c.in()), outPlane = Case.prod(c.outputSize());
        double[][] d = c.data();
        double[] gy = uniform(r, c.outputLength());
        if (hostile) spoil(gy, c.outputSize()[c.rank() - 1], r);
        double[] gyIn = last ? ChannelsLastTest.transpose(gy, c.batch(), c.cout(), outPlane, true) : gy;
        double[][] ref = inputGradient(c, d[1], gy);
        String context = c + (last ? " channels-last" : "") + ", bands of " + bandBytes + " bytes";
        InputGradientF64 gd = new InputGradientF64(spec, d[1], Parallelism.threads(1 + r.nextInt(3)), provider, bandBytes);
        double[] gx = new double[c.inputLength()];
        Arrays.fill(gx, Double.NaN);
        gd.run(c.batch(), gyIn, 0, gx, 0);
        if (last) gx = ChannelsLastTest.transpose(gx, c.batch(), c.cin(), inPlane, false);
        for (int k = 0; k < gx.length; k++) {
            near(ref[0][k], gx[k], 1e-12 * ref[1][k] + 1e-300, "gx[" + k + "] (f64), " + context + ", " + gd.rowKernel());
        }
        float[] first = null;
        String floatKernel = null;
        for (int threads : new int[] {1, 2, 7}) {
            InputGradientF32 gf = new InputGradientF32(spec, Check.toFloat(d[1]), Parallelism.threads(threads), provider, bandBytes);
            floatKernel = gf.rowKernel();
            float[] gxf = new float[c.inputLength()];
            Arrays.fill(gxf, Float.NaN);
            gf.run(c.batch(), Check.toFloat(gyIn), 0, gxf, 0);
            if (first == null) {
                first = gxf;
                double[] back = ChannelsLastTest.toDouble(gxf);
                if (last) back = ChannelsLastTest.transpose(back, c.batch(), c.cin(), inPlane, false);
                for (int k = 0; k < back.length; k++) {
                    near(ref[0][k], back[k], 1e-5 * ref[1][k] + 1e-30, "gx[" + k + "] (f32), " + context + ", " + floatKernel);
                }
            } else {
                assertArrayEquals(first, gxf, threads + " threads, gx, " + context);
            }
        }
        return new String[] {gd.rowKernel(), floatKernel};
    }

    /**
     * Channels-first layers with one input channel per group and a W stride of 2 (depthwise, or one input channel
     * to a few), an even W kernel, W padding up to 3 and rows of one to two blocks of 4L cells and more (half of
     * them a whole number of blocks): both gradients by pairs of W taps read from gy where it lies, against their
     * definitions at every width, f32 and f64, with the kernels asserted (where they must not run: an odd W kernel,
     * W dilation 2; the weight gradient's also rows that are not a whole number of blocks). Random H and D
     * strides, kernels, dilations and crops leave some x rows that meet no gy row (their cells must be written as
     * zeros), and the first and last blocks of gy's array take the path cell by cell.
     */
    @Test
    void gradientsByTapPairsMatchTheirDefinitions() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 73);
        io.tconv.internal.Provider provider = io.tconv.internal.Providers.current();
        boolean vector = io.tconv.internal.Providers.fallback() == null;
        int bits = vector ? Integer.parseInt(provider.name().replace("vector-", "")) : 0;
        int pairs = 0, weightPairs = 0;
        for (int i = 0; i < 48; i++) {
            int rank = 1 + i % 3, w = rank - 1;
            boolean suited = i % 8 != 7;   // else an odd W kernel, or a W dilation of 2
            int[] in = new int[rank], k = new int[rank], s = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
            for (int a = 0; a < w; a++) {
                in[a] = 1 + r.nextInt(4);
                k[a] = 1 + r.nextInt(4);
                s[a] = 1 + r.nextInt(3);
                d[a] = 1 + r.nextInt(2);
                op[a] = r.nextInt(Math.max(s[a], d[a]));
                // up to a crop past the kernel's reach, so that the first gx row can meet no gy row
                do p[a] = r.nextInt((k[a] - 1) * d[a] + 2); while ((in[a] - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + op[a] + 1 < 1);
            }
            int lanesF32 = Math.max(4, bits / Float.SIZE);   // rows of one block or more at the widest lanes
            in[w] = 4 * lanesF32 * (1 + r.nextInt(2)) + (i % 2 == 0 ? 0 : r.nextInt(2 * lanesF32));
            k[w] = 2 * (1 + r.nextInt(3));
            s[w] = 2;
            d[w] = 1;
            if (!suited) {
                if (r.nextBoolean()) k[w]--;
                else d[w] = 2;
            }
            op[w] = r.nextInt(2);
            p[w] = r.nextInt(Math.min(k[w], 4));
            int groups = 1 + r.nextInt(4), cog = i % 3 == 0 ? 1 + r.nextInt(3) : 1;
            Case c = new Case(1 + r.nextInt(2), groups, groups * cog, groups, in, k, s, p, op, d, false, r.nextLong());
            // NaN and ±Inf in gy, some at rows' ends; for the weight gradient, in x too, only where both dtypes take
            // the tap pairs (the other paths multiply padding by x or gy, as PyTorch's padded columns do)
            boolean hostile = i % 4 != 1, bothPairs = suited && bits >= 512 && in[w] % (4 * lanesF32) == 0;
            String[] kernels = checkInputGradient(c, false, InputGradientF32.BAND_BYTES, r, provider, hostile);
            String[] paths = checkWeightGradient(c, false, io.tconv.internal.WeightGradientF32.BAND_BYTES, r, provider, 1 + i % 3,
                    hostile && bothPairs);
            for (int q = 0; vector && q < 2; q++) {   // q = 0: double, 1: float
                int lanes = bits / (q == 0 ? Double.SIZE : Float.SIZE);
                boolean expected = suited && lanes >= 8 && in[w] >= 4 * lanes;
                assertEquals(expected, kernels[q].endsWith("input gradient tap pairs"), c + ": " + kernels[q]);
                if (expected) pairs++;
                // ("none": no tap meets gy, so there is no weight gradient to compute)
                boolean weights = suited && lanes >= 8 && in[w] % (4 * lanes) == 0;
                if (!paths[q].equals("none")) assertEquals(weights, paths[q].equals("tap pairs"), c + ": " + paths[q]);
                if (weights) weightPairs++;
            }
        }
        // (at 128 bits neither dtype has the 8 lanes the tap pairs need; the cases above check they do not run)
        if (vector && bits >= 256) assertTrue(pairs >= 20 && weightPairs >= 10, "tap pairs ran " + pairs + " and " + weightPairs + " times");
    }

    /**
     * Channels-last depthwise layers with fewer channels than lanes (2–8 channels, rows of up to 40 pixels, some
     * planes of 65 or more rows, every stride, crop and output padding of the case generator): the gradients along
     * a row's (pixel, channel) run, or by the row kernels with every group's rows split and woven by shuffles,
     * against their definitions, with the kernel asserted: both gradients' rows of every group where the W
     * stride times the channels shuffles ({@link ChannelsLastTest#gradientsTakeAllGroups}), else the input gradient's
     * runs where the channels are fewer than the lanes and the weight gradient's where they fill at most a
     * third of a vector.
     */
    @Test
    void fewChannelDepthwiseGradientsAlongRunsMatchTheirDefinitions() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 72);
        io.tconv.internal.Provider provider = io.tconv.internal.Providers.current();
        boolean vector = io.tconv.internal.Providers.fallback() == null;
        int runs = 0, planes = 0, cases = 0, bits = vector ? Integer.parseInt(provider.name().replace("vector-", "")) : 0;
        for (int i = 0; cases < 60; i++) {
            int rank = 1 + i % 3, channels = 2 + cases % 7;   // (each count in turn: the share below the lanes is fixed)
            Case c0 = Case.random(r, 4, rank);
            int[] in = c0.in().clone();
            in[rank - 1] = Math.max(in[rank - 1], 1 + r.nextInt(40));   // (only longer: the crops were drawn for it)
            if (rank > 1 && i % 4 == 0) in[rank - 2] = Math.max(in[rank - 2], 65 + r.nextInt(40));   // planes of several blocks of rows
            Case c = new Case(Math.max(1, c0.batch()), channels, channels, channels, in, c0.k(), c0.s(), c0.p(), c0.op(), c0.d(),
                    c0.bias(), c0.seed());
            if (c.outputLength() > 200_000) continue;
            // a third in bands of a few rows, so that a thread's buffer holds another band's rows before the image's edge
            String[] k = checkInputGradient(c, true, i % 3 == 0 ? 1 + r.nextInt(3000) : InputGradientF32.BAND_BYTES, r, provider);
            String[] p = checkWeightGradient(c, true, i % 3 == 1 ? 1 + r.nextInt(5000) : io.tconv.internal.WeightGradientF32.BAND_BYTES, r,
                    provider, 1 + i % 3);
            for (int q = 0; vector && q < 2; q++) {   // q = 0: double, 1: float
                int lanes = bits / (q == 0 ? Double.SIZE : Float.SIZE);
                boolean allGroups = ChannelsLastTest.gradientsTakeAllGroups(c, lanes);
                assertEquals(allGroups, k[q] != null && k[q].endsWith("input gradient rows all groups"), c + ": " + k[q]);
                assertEquals(!allGroups && channels < lanes, k[q] != null && k[q].endsWith("input gradient runs"), c + ": " + k[q]);
                if (allGroups && q == 1) planes++;
                // ("none": no tap meets gy, so there is no weight gradient to compute)
                if (!p[q].equals("none")) {
                    assertEquals(allGroups, p[q].startsWith("rows all groups"), c + ": " + p[q]);
                    assertEquals(!allGroups && 3 * channels <= lanes, p[q].equals("depthwise channels-last runs"), c + ": " + p[q]);
                }
            }
            if (k[1] != null && k[1].endsWith(" runs")) runs++;
            cases++;
        }
        if (vector) assertTrue(runs >= cases / 5, "runs took " + runs + " of " + cases);
        if (vector && bits >= 256) assertTrue(planes >= cases / 10, "rows of every group took " + planes + " of " + cases);
    }


    /**
     * The weight gradient's dot products, on the provider's rows (channels-first, few input channels), its
     * channels-last depthwise kernel, its channels-last dots (few input channels, whole vectors of gy channels)
     * and broadcasts (whole blocks of input channels),
     * or in the weight gradient's own bands, with bands forced small (one row or a few per band) and at the
     * default size (several whole images per band on these small cases), some with rows long enough for whole vectors, against its
     * definition in double and float, channels-first and -last, each weight's tolerance scaled by its
     * Σ|x·gy|; float gives the same bits on 1, 2 and 7 threads. Each path must have run (the provider's only
     * with the vector provider).
     */
    @Test
    void weightGradientDotProductsMatchTheirDefinition() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 46);
        io.tconv.internal.Provider provider = io.tconv.internal.Providers.current();
        java.util.Set<String> paths = new java.util.TreeSet<>();
        for (int i = 0; i < 150; i++) {
            int rank = 1 + i % 3;
            Case c0 = Case.random(r, 3, rank);
            Case c = c0.withBatch(1 + r.nextInt(3));
            if (i % 4 == 2 || i % 8 == 1 || i % 8 == 5 || i % 8 == 7) {
                // rows long enough for whole vectors; depthwise channels around the lane counts; channels-last with
                // whole vectors of gy channels at every width and 1 … 8 input channels per group, or with whole
                // blocks of input channels at every width and few output channels (or one vector's worth)
                int[] in = c.in().clone();
                in[rank - 1] = Math.max(in[rank - 1], VectorPathTest.pick(r, 49));
                int ch = VectorPathTest.pick(r, 40);
                if (i % 8 == 7 && rank > 1) in[rank - 2] = Math.max(in[rank - 2], 9 + r.nextInt(12));   // several bands of rows
                c = i % 4 == 2
                        ? new Case(c.batch(), c.cin(), c.cout(), c.groups(), in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed())
                        : i % 8 == 5
                        ? new Case(c.batch(), c.groups() * (1 + r.nextInt(8)), c.groups() * (16 << r.nextInt(2)), c.groups(), in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed())
                        : i % 8 == 7
                        ? new Case(c.batch(), c.groups() * (64 << r.nextInt(2)), c.groups() * (r.nextInt(4) == 0 ? 16 : 1 + r.nextInt(3)), c.groups(), in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed())
                        : new Case(c.batch(), ch, ch, ch, in, c.k(), c.s(), c.p(), c.op(), c.d(), c.bias(), c.seed());
                if (c.outputLength() > 200_000) continue;
            }
            boolean last = i % 2 == 1;
            long bandBytes = i % 3 == 0 ? 1 : i % 3 == 1 ? 1 + r.nextInt(5000) : io.tconv.internal.WeightGradientF32.BAND_BYTES;
            paths.add(checkWeightGradient(c, last, bandBytes, r, provider, 1 + i % 3)[0]);
        }
        // the provider's kernels where it has them (rows: channels-first, few input channels), the bands elsewhere
        boolean vector = io.tconv.internal.Providers.fallback() == null;
        assertTrue(paths.contains("bands") && (paths.contains("rows") || paths.contains("rows nine")) == vector
                && paths.contains("depthwise channels-last") == (vector && doubleLanes() >= 4)
                && paths.contains("channels-last dots") == vector && paths.contains("channels-last broadcasts") == vector, "paths: " + paths);
        // Four input channels: the tiles would waste none of their rows, but the provider's rows are faster.
        ConvTransposeSpec four = ConvTransposeSpec.builder(4, 16).inputSize(20, 20).kernel(3, 3).stride(2, 2).build();
        String path = new io.tconv.internal.WeightGradientF32(new io.tconv.internal.Geometry(four), provider).path();
        assertEquals(vector ? "rows" : "tiles", path);
    }

    /**
     * The weight gradient's rows (channels-first, few input channels) on rows that end past their last whole
     * vector, in bands of many rows: each term's cells past the whole vectors summed four rows apart while whole
     * vectors lie inside x and the buffer (the lanes past a row kept out of the sums), then a row at a time. The
     * path asserted with the vector provider.
     */
    @Test
    void weightGradientRowsEndingPastTheirVectors() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 81);
        io.tconv.internal.Provider provider = io.tconv.internal.Providers.current();
        boolean vector = io.tconv.internal.Providers.fallback() == null;
        int[] widths = {19, 23, 37, 56, 9, 13};
        for (int i = 0; i < 12; i++) {
            int ch = 1 + r.nextInt(8), k = 3 + i % 2, s = 1 + i % 2, h = 4 + r.nextInt(12);
            int[] in = {h, widths[i % widths.length]}, ks = {k, k}, st = {s, s}, p = {r.nextInt(2), r.nextInt(2)}, op = {0, s - 1}, d = {1, 1};
            Case c = new Case(1 + r.nextInt(2), ch, ch, ch, in, ks, st, p, op, d, false, r.nextLong());
            String[] paths = checkWeightGradient(c, false, io.tconv.internal.WeightGradientF32.BAND_BYTES, r, provider, 1 + i % 2);
            // (3 × 3 at stride 1: nine sums, four rows at a time)
            if (vector) assertEquals(k == 3 ? "rows nine" : "rows", paths[1], c + ": path");
        }
    }

    /**
     * The weight and input gradients of single-pixel inputs (one group) as GEMMs over the batch: batches of 1 to
     * 25, output cells per image around the tile's width with a short last tile, crops (taps whose cells are cut:
     * their gradient zero), output padding and dilation (cells no tap reaches: gy there, NaN or Inf in half the
     * cases, must not reach gx), ranks 1 to 3, both layouts, against the definitions, the paths asserted with
     * the vector provider.
     */
    /**
     * Stride 1 in every dimension, weights too many for the row kernels: the input gradient is one transposed
     * convolution run on gy where it lies (taps flipped, crops shifted): ranks 1 to 3, groups, dilation, crops
     * from none to beyond the kernel (a negative crop for gx: cells no tap reaches), output padding below the
     * dilation, both layouts, against the definition.
     */
    @Test
    void strideOneInputGradientsAreOnePlanOnGy() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 85);
        io.tconv.internal.Provider provider = io.tconv.internal.Providers.current();
        for (int i = 0; i < 12; i++) {
            int rank = 1 + i % 3, groups = i % 4 == 3 ? 2 : 1;
            int[] in = new int[rank], k = new int[rank], s = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
            for (int a = 0; a < rank; a++) {
                in[a] = rank == 3 ? 2 + r.nextInt(4) : 3 + r.nextInt(rank == 1 ? 40 : 12);
                k[a] = 1 + r.nextInt(rank == 3 ? 3 : 4);
                s[a] = 1;
                d[a] = 1 + r.nextInt(2);
                op[a] = r.nextInt(d[a]);
                // up to one past the kernel's reach, as long as the output keeps a cell
                p[a] = Math.min(r.nextInt(d[a] * (k[a] - 1) + 2), (in[a] - 1 + d[a] * (k[a] - 1) + op[a]) / 2);
            }
            int kVol = Case.prod(k), cog = 8 * groups * (1 + r.nextInt(3));
            int cin = groups * (1 + (int) (InputGradientF32.ROWS_MAX_WEIGHTS / ((long) cog / groups * kVol * groups)));
            Case c = new Case(1 + r.nextInt(2), cin, cog, groups, in, k, s, p, op, d, false, r.nextLong());
            assertTrue(c.weightLength() > InputGradientF32.ROWS_MAX_WEIGHTS, c + ": weights " + c.weightLength());
            checkInputGradient(c, i % 2 == 1, InputGradientF32.BAND_BYTES, r, provider);
            ConvTransposeSpec spec = i % 2 == 1 ? ChannelsLastTest.spec(c) : c.spec();
            InputGradientF32 gf = new InputGradientF32(spec, new float[c.weightLength()], Parallelism.callerOnly(), provider);
            assertTrue(gf.onePlanOnGy(), c + ": expected one plan on gy");
        }
    }

    @Test
    void singlePixelGradientsAreOneGemm() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 84);
        io.tconv.internal.Provider provider = io.tconv.internal.Providers.current();
        boolean vector = io.tconv.internal.Providers.fallback() == null;
        int[] batches = {1, 5, 12, 13, 25, 3, 8, 24};
        for (int i = 0; i < 16; i++) {
            int rank = 1 + i % 3;
            int[] in = new int[rank], k = new int[rank], s = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
            for (int a = 0; a < rank; a++) {
                in[a] = 1;
                k[a] = 1 + r.nextInt(5);
                s[a] = 1 + r.nextInt(3);
                d[a] = r.nextInt(4) == 0 ? 2 : 1;
                p[a] = r.nextInt(3) == 0 ? r.nextInt((d[a] * (k[a] - 1) + 2) / 2) : 0;
                op[a] = r.nextInt(Math.max(s[a], d[a]));
            }
            Case c = new Case(batches[i % batches.length], VectorPathTest.pick(r, 40), VectorPathTest.pick(r, 48), 1, in, k, s, p, op, d,
                    false, r.nextLong());
            if (c.outputLength() == 0) continue;
            String[] paths = checkWeightGradient(c, i % 2 == 1, io.tconv.internal.WeightGradientF32.BAND_BYTES, r, provider, 1 + i % 3);
            boolean anyTap = true;   // (where crops remove every tap of a dimension, gw is zero: no path need run)
            for (int a = 0; a < rank; a++) {
                boolean here = false;
                for (int t = 0; t < k[a]; t++) here |= t * d[a] - p[a] >= 0 && t * d[a] - p[a] < c.outputSize()[a];
                anyTap &= here;
            }
            if (vector && (anyTap || !paths[1].equals("none"))) assertEquals("single-pixel gemm", paths[1], c + ": path");
            // the input gradient, half with NaN and ±Inf in gy (where no tap reaches, they must stay out of gx)
            String[] kernels = checkInputGradient(c, i % 2 == 0, InputGradientF32.BAND_BYTES, r, provider, i % 4 < 2);
            if (vector) assertEquals("single-pixel gemm", kernels[1], c + ": input gradient");
            // at offsets inside larger arrays: the same values
            float[] w = Check.toFloat(c.data()[1]), gy = Check.toFloat(uniform(r, c.outputLength()));
            InputGradientF32 ig = new InputGradientF32(c.spec(), w, Parallelism.threads(1), provider, InputGradientF32.BAND_BYTES);
            float[] plain = new float[c.inputLength()], shifted = new float[c.inputLength() + 7], gyShifted = new float[gy.length + 3];
            System.arraycopy(gy, 0, gyShifted, 3, gy.length);
            ig.run(c.batch(), gy, 0, plain, 0);
            ig.run(c.batch(), gyShifted, 3, shifted, 5);
            assertArrayEquals(plain, Arrays.copyOfRange(shifted, 5, 5 + plain.length), c + ": offsets");
        }
    }

    /**
     * gw of case c (channels-last where {@code last}) by the weight gradient's f64 and f32 paths against its
     * definition, each weight's tolerance scaled by its Σ|x·gy|, float with the same bits on 1, 2 and 7 threads.
     * Returns the f64 and f32 paths.
     */
    static String[] checkWeightGradient(Case c, boolean last, long bandBytes, SplittableRandom r, io.tconv.internal.Provider provider,
                                        int threads64) {
        return checkWeightGradient(c, last, bandBytes, r, provider, threads64, false);
    }

    /**
     * The same, with NaN and ±Inf in x and gy where {@code hostile} ({@link #spoil}): exact only on the paths
     * that read no padding (the row and band paths multiply zero padding by x or gy, as PyTorch's padded columns
     * do: 0 · Inf is NaN there).
     */
    static String[] checkWeightGradient(Case c, boolean last, long bandBytes, SplittableRandom r, io.tconv.internal.Provider provider,
                                        int threads64, boolean hostile) {
        ConvTransposeSpec spec = last ? ChannelsLastTest.spec(c) : c.spec();
        int inPlane = Case.prod(c.in()), outPlane = Case.prod(c.outputSize());
        double[][] d = c.data();
        double[] gy = uniform(r, c.outputLength());
        if (hostile) {
            spoil(gy, c.outputSize()[c.rank() - 1], r);
            spoil(d[0], c.in()[c.rank() - 1], r);
        }
        double[] xIn = last ? ChannelsLastTest.transpose(d[0], c.batch(), c.cin(), inPlane, true) : d[0];
        double[] gyIn = last ? ChannelsLastTest.transpose(gy, c.batch(), c.cout(), outPlane, true) : gy;
        double[][] ref = weightGradient(c, d[0], gy);
        String context = c + (last ? " channels-last" : "") + ", bands of " + bandBytes + " bytes";
        io.tconv.internal.Geometry geometry = new io.tconv.internal.Geometry(spec);
        double[] gw = new double[c.weightLength()];
        Arrays.fill(gw, Double.NaN);
        io.tconv.internal.WeightGradientF64 wd = new io.tconv.internal.WeightGradientF64(geometry, provider, bandBytes);
        wd.run(c.batch(), xIn, 0, gyIn, 0, gw, new io.tconv.internal.Parallel(threads64, null));
        for (int k = 0; k < gw.length; k++) {
            near(ref[0][k], gw[k], 1e-12 * ref[1][k] + 1e-300, "gw[" + k + "] (f64), " + context + ", " + wd.path());
        }
        float[] first = null;
        String floatPath = null;
        for (int threads : new int[] {1, 2, 7}) {
            float[] gwf = new float[c.weightLength()];
            Arrays.fill(gwf, Float.NaN);
            io.tconv.internal.WeightGradientF32 wf = new io.tconv.internal.WeightGradientF32(geometry, provider, bandBytes);
            floatPath = wf.path();
            wf.run(c.batch(), Check.toFloat(xIn), 0, Check.toFloat(gyIn), 0, gwf, new io.tconv.internal.Parallel(threads, null));
            if (first == null) {
                first = gwf;
                for (int k = 0; k < gwf.length; k++) {
                    near(ref[0][k], gwf[k], 1e-5 * ref[1][k] + 1e-30, "gw[" + k + "] (f32), " + context + ", " + floatPath);
                }
            } else {
                assertArrayEquals(first, gwf, threads + " threads, gw, " + context);
            }
        }
        return new String[] {wd.path(), floatPath};
    }

    /**
     * The register tiles' write-back, whose blocks of taps × output channels are transposed only where every tap
     * has sums: a layer one input row high whose crop leaves the first and last rows of taps no output at all
     * (their weights' gradient is zero), and the same layer where every tap meets gy; both layouts.
     */
    @Test
    void weightGradientTilesWhereSomeTapsMeetNothing() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 74);
        io.tconv.internal.Provider provider = io.tconv.internal.Providers.current();
        for (int crop : new int[] {1, 0}) {
            Case c = new Case(2, 24, 32, 1, new int[] {1, 19}, new int[] {4, 4}, new int[] {1, 2}, new int[] {crop, 1}, new int[] {0, 0},
                    new int[] {1, 1}, true, r.nextLong());
            for (boolean last : new boolean[] {false, true}) {
                String[] p = checkWeightGradient(c, last, io.tconv.internal.WeightGradientF32.BAND_BYTES, r, provider, 2);
                assertEquals("tiles", p[1], c + (last ? " channels-last" : ""));
            }
        }
    }

    /** gx by its definition, and per cell Σ|w·gy| (the scale of its rounding error). */
    static double[][] inputGradient(Case c, double[] w, double[] gy) {
        int inPlane = Case.prod(c.in()), kVol = Case.prod(c.k()), outPlane = Case.prod(c.outputSize());
        int cig = c.cin() / c.groups(), cog = c.cout() / c.groups();
        double[][] gx = new double[2][c.inputLength()];
        for (int n = 0; n < c.batch(); n++) {
            for (int ci = 0; ci < c.cin(); ci++) {
                for (int i = 0; i < inPlane; i++) {
                    int at = (n * c.cin() + ci) * inPlane + i;
                    for (int t = 0; t < kVol; t++) {
                        int o = Oracle.landing(c, i, t);
                        if (o < 0) continue;
                        for (int oc = 0; oc < cog; oc++) {
                            double v = w[(ci * cog + oc) * kVol + t] * gy[(n * c.cout() + ci / cig * cog + oc) * outPlane + o];
                            gx[0][at] += v;
                            gx[1][at] += Math.abs(v);
                        }
                    }
                }
            }
        }
        return gx;
    }

    /** gw by its definition, and per weight Σ|x·gy| (the scale of its rounding error). */
    static double[][] weightGradient(Case c, double[] x, double[] gy) {
        int inPlane = Case.prod(c.in()), kVol = Case.prod(c.k());
        int[] out = c.outputSize();
        int outPlane = Case.prod(out), cig = c.cin() / c.groups(), cog = c.cout() / c.groups();
        double[][] gw = new double[2][c.weightLength()];
        for (int n = 0; n < c.batch(); n++) {
            for (int ci = 0; ci < c.cin(); ci++) {
                for (int i = 0; i < inPlane; i++) {
                    double xv = x[(n * c.cin() + ci) * inPlane + i];
                    for (int t = 0; t < kVol; t++) {
                        int o = Oracle.landing(c, i, t);
                        if (o < 0) continue;
                        for (int oc = 0; oc < cog; oc++) {
                            double v = xv * gy[(n * c.cout() + ci / cig * cog + oc) * outPlane + o];
                            gw[0][(ci * cog + oc) * kVol + t] += v;
                            gw[1][(ci * cog + oc) * kVol + t] += Math.abs(v);
                        }
                    }
                }
            }
        }
        return gw;
    }

    /**
     * One gradients object called with batches 2, 1, 3 and 2 again (its copies are kept per thread between calls
     * of the same batch) gives the weight gradient of a fresh object every time, on the tiled and the
     * dot-product paths.
     */
    @Test
    void weightGradientOfChangingBatches() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 44);
        Case[] shapes = {
            new Case(3, 16, 32, 1, new int[] {5, 6}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0},
                    new int[] {1, 1}, false, 51),
            new Case(3, 3, 2, 1, new int[] {7, 5}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1},
                    new int[] {1, 1}, false, 52)};
        for (Case c : shapes) {
            double[][] d = c.data();
            float[] x = Check.toFloat(d[0]), w = Check.toFloat(d[1]), gy = Check.toFloat(uniform(r, c.outputLength()));
            FloatGradients kept = ConvTranspose.gradients(c.spec(), w, Parallelism.threads(2));
            int inImage = c.inputLength() / c.batch(), outImage = c.outputLength() / c.batch();
            for (int batch : new int[] {2, 1, 3, 2}) {
                float[] got = new float[c.weightLength()], want = new float[c.weightLength()];
                int off = 3 - batch;   // the last images, so that the offsets are exercised too
                kept.weight(batch, x, off * inImage, gy, off * outImage, got);
                ConvTranspose.gradients(c.spec(), w, Parallelism.threads(2)).weight(batch, x, off * inImage, gy, off * outImage, want);
                assertArrayEquals(want, got, "batch " + batch + ", " + c);
            }
        }
    }
}
