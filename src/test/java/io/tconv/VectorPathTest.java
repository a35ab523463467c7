package io.tconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tconv.internal.Provider;
import io.tconv.internal.Providers;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kernel path of the vector provider, float and double, against the oracle, on geometries aimed at each
 * path with channel counts and pixel counts that straddle the lane count and the tile sizes. Surefire runs
 * this class at the CPU's width and again at 256 and 128 bits ({@code -Dtconv.vectorBits}). Skipped, and shown
 * as skipped, where the vector provider is not in use.
 */
class VectorPathTest {
    static final int CASES = Integer.getInteger("tconv.cases", 400) / 2;
    /** Sizes around 4, 8, 12, 16, 32 and 48 (tile rows, lanes of f64/f32 at 128–512 bits, tile widths). */
    static final int[] AROUND = {1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49};
    static Provider vector;

    @BeforeAll
    static void requireVectorProvider() {
        vector = Providers.current();
        assumeTrue(Providers.fallback() == null, "vector provider not in use: " + Providers.fallback());
    }

    /** A case whose stride equals its kernel in every dimension (dilation 1): the depth-to-space GEMM. */
    static Case strideEqualsKernel(SplittableRandom r, int rank) {
        int[] in = new int[rank], k = new int[rank], p = new int[rank], op = new int[rank], one = new int[rank];
        for (int a = 0; a < rank; a++) {
            k[a] = 1 + r.nextInt(4);
            in[a] = pick(r, rank == 1 ? 49 : 13);
            op[a] = r.nextInt(k[a]);
            int full = in[a] * k[a] + op[a];
            p[a] = r.nextInt(3) == 0 ? r.nextInt(Math.max(1, (full - 1) / 2 + 1)) : 0;
            one[a] = 1;
        }
        int groups = r.nextInt(4) == 0 ? 2 : 1;
        return new Case(1 + r.nextInt(2), groups * pick(r, 20), groups * pick(r, 26), groups, in, k, k.clone(), p, op,
                one, r.nextBoolean(), r.nextLong());
    }

    /**
     * A random case that is not stride = kernel: the phase GEMM, with channel counts around the tile rows, and in
     * half the cases rows long enough that their bands are padded, not shifted.
     */
    static Case phase(SplittableRandom r, int rank) {
        while (true) {
            Case c = Case.random(r, 4, rank);
            int g = c.groups();
            int[] in = c.in().clone();
            if (r.nextBoolean()) in[rank - 1] = Math.max(in[rank - 1], 17 + r.nextInt(64));
            Case wide = new Case(c.batch() == 0 ? 1 : c.batch(), g * pick(r, 20), g * pick(r, 26), g, in, c.k(), c.s(),
                    c.p(), c.op(), c.d(), c.bias(), c.seed());
            boolean strideIsKernel = true;
            for (int a = 0; a < rank; a++) strideIsKernel &= c.s()[a] == c.k()[a] && c.d()[a] == 1;
            if (!strideIsKernel && wide.outputLength() < 200_000) return wide;
        }
    }

    /**
     * A random case for the few-channel rows: few output channels per group (or one, depthwise), input widths
     * around the lane counts and the two-vector blocks.
     */
    static Case fewChannels(SplittableRandom r, int rank) {
        while (true) {
            Case c = Case.random(r, 4, rank);
            int g = c.groups();
            int[] in = c.in().clone();
            in[rank - 1] = Math.max(in[rank - 1], pick(r, rank == 3 ? 33 : 49));
            int cog = r.nextInt(3) == 0 ? 1 : 1 + r.nextInt(7);
            Case few = new Case(c.batch() == 0 ? 1 : c.batch(), g * pick(r, 20), g * cog, g, in, c.k(), c.s(), c.p(), c.op(),
                    c.d(), c.bias(), c.seed());
            if (few.outputLength() < 200_000) return few;
        }
    }

    static int pick(SplittableRandom r, int max) {
        while (true) {
            int v = AROUND[r.nextInt(AROUND.length)];
            if (v <= max) return v;
        }
    }

    @Test
    void everyPathMatchesTheOracle() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 3);
        TreeSet<String> kernels = new TreeSet<>();
        for (int i = 0; i < CASES; i++) {
            int rank = 1 + i % 3;
            Case c = switch (i / 3 % 3) {
                case 0 -> strideEqualsKernel(r, rank);
                case 1 -> phase(r, rank);
                default -> fewChannels(r, rank);
            };
            Parallelism threads = Parallelism.threads(1 + i % 3);
            kernels.add(PropertyTest.checkFloat(c, threads, 1 + i % 5, vector));
            kernels.add(PropertyTest.checkDouble(c, threads, i % 3, vector));
        }
        // Which paths a random mix reaches depends on the seed; eachPathRunsWhereItIsAimed proves each one runs.
        assertTrue(kernels.size() >= 3, "the random mix reached fewer than three kernels: " + kernels);
    }

    /**
     * One geometry aimed at each path (and each way the phase GEMM buffers its rows), checked against the oracle
     * in float and double, with the kernel that ran asserted: these do not depend on the random mix.
     */
    @Test
    void eachPathRunsWhereItIsAimed() {
        record Aimed(String expect, String reject, Case c) {}
        int[] one = {1, 1};
        Aimed[] aimed = {
            // 2x2 stride 2: depth-to-space.
            new Aimed("stride=kernel gemm", null, new Case(2, 24, 20, 1, new int[] {5, 9}, new int[] {2, 2},
                    new int[] {2, 2}, new int[] {0, 1}, new int[] {1, 0}, one, true, 51)),
            // 4x4 stride 2 on 4-pixel rows: the pad columns would be most of a row, so rows are shifted.
            new Aimed("phase gemm shifted", null, new Case(1, 32, 24, 1, new int[] {4, 4}, new int[] {4, 4},
                    new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, one, true, 52)),
            // 3x3 stride 2 on 70-pixel rows: two pad columns are under a tenth of a row, so rows are padded.
            new Aimed("phase gemm", " shifted", new Case(1, 16, 16, 1, new int[] {3, 70}, new int[] {3, 3},
                    new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, one, false, 53)),
            // Depthwise 4x4 stride 2: one channel per plane.
            new Aimed("few-channel planes c1", null, new Case(1, 8, 8, 8, new int[] {6, 40}, new int[] {4, 4},
                    new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, one, true, 54)),
            // Three channels out of many, 4x4 stride 2 (dcgan_rgb's shape, smaller).
            new Aimed("few-channel planes c4", null, new Case(1, 32, 3, 1, new int[] {6, 40}, new int[] {4, 4},
                    new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, one, true, 55))};
        TreeSet<String> shapes = new TreeSet<>();
        for (Aimed a : aimed) {
            for (String k : new String[] {
                    PropertyTest.checkFloat(a.c(), Parallelism.threads(2), 1, vector),
                    PropertyTest.checkDouble(a.c(), Parallelism.threads(1), 0, vector)}) {
                assertTrue(k.contains(a.expect()) && (a.reject() == null || !k.contains(a.reject())),
                        a.c() + ": expected " + a.expect() + (a.reject() == null ? "" : " without" + a.reject())
                                + ", used " + k);
                if (k.contains("gemm")) shapes.add(k.substring(k.lastIndexOf(' ') + 1));
            }
        }
        assertTrue(shapes.size() >= 2, "only one tile shape ran: " + shapes);
    }

    /**
     * One or two output channels per group, kernels multiples of their strides, long reductions: the sub-pixel
     * rewrite (a stride-1 GEMM with a channel per output channel and residue, then depth-to-space), float and
     * double, channels-first and channels-last, with padding past the kernel's reach, output padding up to its
     * maximum, strides of 1 to 4 (woven by shuffles, and 1 copied) and small images whose rows the GEMM splits
     * into two parts; the kernel asserted.
     */
    @Test
    void subPixelMatchesTheOracle() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 41);
        // Small images of 18 and 24 inner rows: one band, its rows in two parts, whose boundary (at 8, 12 or 16,
        // by the tile) splits some output channel's W residues between the parts' tasks.
        int[] one = {1, 1};
        for (Case c : new Case[] {
                new Case(1, 130, 2, 1, new int[] {4, 6}, new int[] {6, 6}, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 2}, one, true, 61),
                new Case(2, 96, 2, 1, new int[] {3, 5}, new int[] {6, 8}, new int[] {3, 4}, new int[] {2, 3}, new int[] {1, 3}, one, true, 62)}) {
            for (String kernel : new String[] {PropertyTest.checkFloat(c, Parallelism.threads(2), 1, vector),
                    PropertyTest.checkDouble(c, Parallelism.threads(1), 0, vector), ChannelsLastTest.check(c, Parallelism.threads(2), vector)}) {
                assertTrue(kernel.contains("sub-pixel"), c + ": expected the sub-pixel GEMM, used " + kernel);
            }
        }
        for (int i = 0; i < 48; i++) {
            int rank = 1 + i % 3;
            int[] in = new int[rank], k = new int[rank], s = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
            int taps = 1, phases = 1;
            for (int a = 0; a < rank; a++) {
                s[a] = a == rank - 1 && i % 4 == 0 ? 1 : 1 + r.nextInt(4);
                k[a] = s[a] * (1 + r.nextInt(rank == 3 ? 2 : 3));
                in[a] = r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(rank == 1 ? 60 : rank == 2 ? 20 : 6);
                if (a == rank - 1 && rank > 1 && r.nextBoolean()) in[a] = pick(r, 49);
                op[a] = r.nextInt(3) == 0 ? s[a] - 1 : r.nextInt(s[a]);
                int full = (in[a] - 1) * s[a] + k[a] + op[a];
                p[a] = r.nextInt(3) == 0 ? 0 : r.nextInt((full - 1) / 2 + 1);
                d[a] = 1;
                taps *= k[a] / s[a];
                phases *= s[a];
            }
            int cog = phases >= 4 && r.nextBoolean() ? 1 : 2;
            if (phases * cog < 4 || taps == 1) continue;   // the rewrite needs four rows, and k = s everywhere is not it
            int groups = r.nextInt(4) == 0 ? 2 : 1, cig = (128 + taps - 1) / taps + r.nextInt(24);
            if (groups == 1 && Case.prod(in) == 1) continue;   // the single-pixel GEMM's
            Case c = new Case(r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(2), groups * cig, groups * cog, groups, in, k, s, p, op, d,
                    r.nextBoolean(), r.nextLong());
            if (c.outputLength() > 300_000) continue;
            Parallelism threads = Parallelism.threads(1 + i % 3);
            for (String kernel : new String[] {PropertyTest.checkFloat(c, threads, i % 5, vector),
                    PropertyTest.checkDouble(c, threads, i % 3, vector), ChannelsLastTest.check(c, threads, vector)}) {
                assertTrue(kernel.contains("sub-pixel"), c + ": expected the sub-pixel GEMM, used " + kernel);
            }
        }
    }

    /**
     * Depthwise 3 × 3 layers at stride 1 (four rows at a time from shared input rows where the H taps read
     * adjacent rows, the last rows and narrow rows by two): heights that leave one to three rows over, widths
     * around two vectors, W dilation, and H dilation 2 (whose rows are not adjacent); float and double; their
     * input gradients, which run as that forward pass with the taps flipped, on gy where it lies; and
     * their weight gradients (nine sums, four rows at a time, where the H taps read adjacent gy rows).
     */
    @Test
    void depthwiseThreeByThreeMatchesTheOracle() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 43);
        for (int i = 0; i < 40; i++) {
            int channels = 1 + r.nextInt(i % 2 == 0 ? 3 : 40), dh = i % 5 == 4 ? 2 : 1, dw = r.nextInt(3) == 0 ? 2 : 1;
            int[] in = {1 + r.nextInt(21), pick(r, 49) + r.nextInt(48)}, k = {3, 3}, s = {1, 1}, op = {0, 0};
            // W crops up to 2·dw, but never so many that the output is empty (a single-column input allows dw)
            int[] p = {r.nextInt(dh + 1), r.nextInt(Math.min(2 * dw, (in[1] - 1) / 2 + dw) + 1)}, d = {dh, dw};
            Case c = new Case(1 + r.nextInt(2), channels, channels, channels, in, k, s, p, op, d, r.nextBoolean(), r.nextLong());
            Parallelism threads = Parallelism.threads(1 + i % 3);
            for (String kernel : new String[] {PropertyTest.checkFloat(c, threads, i % 4, vector),
                    PropertyTest.checkDouble(c, threads, i % 3, vector)}) {
                assertTrue(kernel.contains("few-channel planes c1"), c + ": expected the few-channel planes, used " + kernel);
            }
            // the input gradient: a forward pass of this shape with the taps flipped, run on gy (no row kernel)
            String[] gradient = GradientsTest.checkInputGradient(c, false, InputGradientF32.BAND_BYTES, r, vector);
            assertNull(gradient[0], c + ": f64 input gradient " + gradient[0]);
            assertNull(gradient[1], c + ": f32 input gradient " + gradient[1]);
            assertTrue(new InputGradientF32(c.spec(), new float[c.weightLength()], Parallelism.callerOnly(), vector).onePlanOnGy(), c + ": one plan on gy");
            // the weight gradient: nine sums four rows at a time where the H taps read adjacent gy rows
            String[] weight = GradientsTest.checkWeightGradient(c, false, io.tconv.internal.WeightGradientF32.BAND_BYTES, r,
                    io.tconv.internal.Providers.current(), 1 + i % 2);
            for (String path : weight) assertEquals(dh == 1 ? "rows nine" : "rows", path, c + ": weight gradient");
        }
    }

    /** Rows too long for a band buffer of every input channel are cut into windows of columns: borders exact. */
    @Test
    void longRowsAreCutIntoWindows() {
        Case[] cases = {
            new Case(1, 48, 16, 1, new int[] {6000}, new int[] {4}, new int[] {2}, new int[] {1}, new int[] {1},
                    new int[] {1}, true, 21),
            new Case(2, 40, 12, 1, new int[] {3, 3500}, new int[] {3, 3}, new int[] {2, 3}, new int[] {1, 2},
                    new int[] {0, 2}, new int[] {1, 1}, true, 22),
            new Case(1, 64, 13, 1, new int[] {4200}, new int[] {3}, new int[] {1}, new int[] {3}, new int[] {0},
                    new int[] {3}, false, 23)};
        for (Case c : cases) {
            for (int threads = 1; threads <= 2; threads++) {
                String k = PropertyTest.checkFloat(c, Parallelism.threads(threads), 0, vector);
                assertTrue(k.contains("phase gemm windowed"), "expected row windows, used " + k);
                k = PropertyTest.checkDouble(c, Parallelism.threads(threads), 1, vector);
                assertTrue(k.contains("phase gemm windowed"), "expected row windows, used " + k);
            }
        }
    }

    /** Weights too big for L2 per phase: tiles grouped so that each block's weights are read once per band. */
    @Test
    void bigWeightsGroupTheTiles() {
        Case[] cases = {
            new Case(2, 640, 72, 1, new int[] {6, 7}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {1, 0}, new int[] {1, 1}, true, 31),
            new Case(1, 1100, 120, 1, new int[] {100}, new int[] {5}, new int[] {3}, new int[] {2}, new int[] {2},
                    new int[] {1}, false, 32)};
        for (Case c : cases) {
            String k = PropertyTest.checkFloat(c, Parallelism.threads(2), 1, vector);
            assertTrue(k.contains("phase gemm") && k.contains(" grouped "), "expected grouped tiles, used " + k);
            k = PropertyTest.checkDouble(c, Parallelism.threads(1), 0, vector);
            assertTrue(k.contains("phase gemm") && k.contains(" grouped "), "expected grouped tiles, used " + k);
        }
    }

    /** Depthwise 4×4 at stride 2 (four terms per residue, zipped in registers), with odd and even output rows. */
    @Test
    void depthwiseFourByFourAtStrideTwo() {
        for (int op = 0; op <= 1; op++) {
            for (int w = 15; w <= 18; w++) {
                Case c = new Case(2, 6, 6, 6, new int[] {5, w}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                        new int[] {op, op}, new int[] {1, 1}, true, 40 + w);
                String k = PropertyTest.checkFloat(c, Parallelism.threads(1), op, vector);
                assertTrue(k.contains("few-channel planes c1"), "expected the depthwise planes, used " + k);
                PropertyTest.checkDouble(c, Parallelism.threads(2), 1, vector);
            }
        }
    }

    /**
     * Few-channel layers at W strides 3, 4 and 8, whose rows shuffles weave from (forward) and split into (input
     * gradient; every third or fourth element for the weight gradient) their W residues, L cells of each at a
     * time, and 5, which goes a cell at a time: rows of whole blocks and a rest, kernels shorter than, equal to
     * and longer than the stride, crops and output padding; forward and both gradients, float and double, with
     * the kernels asserted.
     */
    @Test
    void wideWStridesWeaveTheirResidues() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 12);
        int[] strides = {3, 4, 3, 8, 5, 3, 4};
        for (int i = 0; i < 21; i++) {
            int s = strides[i % strides.length], k = Math.max(1, s + r.nextInt(5) - 2), groups = i % 2 == 0 ? 1 + r.nextInt(6) : 1;
            int cin = groups * (1 + r.nextInt(groups > 1 ? 1 : 3)), cout = groups * (1 + r.nextInt(groups > 1 ? 1 : 4));
            int[] in = {1 + r.nextInt(3), new int[] {7, 15, 16, 17, 33, 35}[r.nextInt(6)]};
            int[] ks = {k, k}, st = {s, s}, p = {r.nextInt((k + 1) / 2), r.nextInt((k + 1) / 2)};
            int[] op = {r.nextInt(s), s - 1 - i % 2}, d = {1, 1};
            Case c = new Case(1 + r.nextInt(2), cin, cout, groups, in, ks, st, p, op, d, r.nextBoolean(), r.nextLong());
            String f = PropertyTest.checkFloat(c, Parallelism.threads(1 + i % 2), i % 3, vector);
            PropertyTest.checkDouble(c, Parallelism.threads(2 - i % 2), 1, vector);
            assertTrue(f.contains("few-channel planes"), c + ": expected the few-channel planes, used " + f);
            String[] gx = GradientsTest.checkInputGradient(c, false, InputGradientF32.BAND_BYTES, r, vector);
            assertTrue(gx[1] != null && gx[1].contains("input gradient rows"), c + ": expected the input gradient rows, used " + gx[1]);
            GradientsTest.checkWeightGradient(c, i % 3 == 0, io.tconv.internal.WeightGradientF32.BAND_BYTES, r, vector, 1 + i % 2);
        }
    }

    /**
     * Single-channel planes at W stride 2 whose zipped rows end with a masked vector, the last one read up to a
     * vector past the band's sums (rows as long as the band's pitch, which need not be whole vectors).
     */
    @Test
    void zippedRowsEndMasked() {
        for (int k = 1; k <= 3; k++) {
            for (int w = 15; w <= 18; w++) {
                for (int h = 1; h <= 3; h++) {
                    Case c = new Case(1, 3, 3, 3, new int[] {h, w}, new int[] {k, k}, new int[] {2, 2}, new int[] {0, 0},
                            new int[] {w % 2, (w + h) % 2}, new int[] {1, 1}, true, 60 + w);
                    String f = PropertyTest.checkFloat(c, Parallelism.threads(1), 0, vector);
                    assertTrue(f.contains("few-channel planes c1"), c + ": expected the depthwise planes, used " + f);
                    PropertyTest.checkDouble(c, Parallelism.threads(1), 0, vector);
                }
            }
        }
    }

    /**
     * Single-pixel inputs (every spatial size 1, one group: a DCGAN generator's first layer) as one GEMM over the
     * batch: batches around the tile's rows (12 at 32 registers, 5 at 16), output cells per image around the
     * tile's width with a short last tile, crops, output padding and dilation (cells only the bias reaches),
     * ranks 1 to 3, both layouts, 1 to 3 threads with the same bits; the kernel asserted.
     */
    @Test
    void singlePixelInputsRunOneGemmOverTheBatch() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 14);
        int[] batches = {1, 5, 12, 13, 25, 4, 11, 24};
        for (int i = 0; i < 16; i++) {
            int rank = 1 + i % 3;
            int[] in = new int[rank], k = new int[rank], s = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
            for (int a = 0; a < rank; a++) {
                in[a] = 1;
                k[a] = 1 + r.nextInt(5);
                s[a] = 1 + r.nextInt(3);
                d[a] = r.nextInt(4) == 0 ? 2 : 1;
                int span = d[a] * (k[a] - 1) + 1;
                p[a] = r.nextInt(3) == 0 ? r.nextInt((span + 1) / 2) : 0;
                op[a] = r.nextInt(Math.max(s[a], d[a]));
            }
            Case c = new Case(batches[i % batches.length], pick(r, 40), pick(r, 48), 1, in, k, s, p, op, d, r.nextBoolean(), r.nextLong());
            if (c.outputLength() == 0) continue;
            Parallelism threads = Parallelism.threads(1 + i % 3);
            String f = i % 2 == 0 ? PropertyTest.checkFloat(c, threads, i % 3, vector) : ChannelsLastTest.check(c, threads, vector);
            if (i % 2 == 0) PropertyTest.checkDouble(c, threads, 1, vector);
            assertTrue(f.contains("single-pixel gemm"), c + ": expected the single-pixel GEMM, used " + f);
            double[][] data = c.data();
            float[] x = Check.toFloat(data[0]), w = Check.toFloat(data[1]), b = data[2] == null ? null : Check.toFloat(data[2]);
            float[] one = new float[c.outputLength()], two = new float[c.outputLength()];
            ConvTranspose.plan(c.spec(), w, b, Parallelism.threads(1), vector).execute(c.batch(), x, 0, one, 0);
            ConvTranspose.plan(c.spec(), w, b, Parallelism.threads(7), vector).execute(c.batch(), x, 0, two, 0);
            assertArrayEquals(one, two, c + ": 1 and 7 threads");
        }
    }

    /**
     * Channels-first layers with one input channel per group and several output channels (depthwise multipliers,
     * 1 → C): each output channel summed on its own, as a depthwise layer's (four terms a residue zipped in
     * registers at k4s2, else the band's sums then the row's residues woven); the kernel asserted.
     */
    @Test
    void oneInputChannelPerGroupRunsAChannelAtATime() {
        int[][] layers = {{4, 8, 4}, {3, 9, 3}, {2, 10, 2}, {1, 4, 1}, {1, 16, 1}};   // {Cin, Cout, groups}
        int[][] kernels = {{4, 2}, {3, 1}, {5, 3}};   // {k, s}
        for (int i = 0; i < layers.length * kernels.length; i++) {
            int[] l = layers[i % layers.length], ks = kernels[i / layers.length];
            int k = ks[0], s = ks[1];
            Case c = new Case(2, l[0], l[1], l[2], new int[] {3, 17 + i}, new int[] {k, k}, new int[] {s, s}, new int[] {1, 1},
                    new int[] {0, s - 1}, new int[] {1, 1}, true, 70 + i);
            String f = PropertyTest.checkFloat(c, Parallelism.threads(1 + i % 2), i % 3, vector);
            PropertyTest.checkDouble(c, Parallelism.threads(2 - i % 2), 1, vector);
            assertTrue(f.contains("few-channel planes c1"), c + ": expected a channel at a time, used " + f);
        }
    }

    @Test
    void nonFiniteWeightsKeepTheExactPath() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 4);
        for (int i = 0; i < 40; i++) {
            Case c = switch (i / 3 % 3) {
                case 0 -> strideEqualsKernel(r, 1 + i % 3);
                case 1 -> phase(r, 1 + i % 3);
                default -> fewChannels(r, 1 + i % 3);
            };
            double[][] data = c.data();
            data[1][r.nextInt(data[1].length)] = i % 3 == 0 ? Double.NaN : i % 3 == 1 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            if (data[0].length > 0) data[0][r.nextInt(data[0].length)] = 0;   // 0 · Inf where a tap lands
            String k = PropertyTest.checkFloat(c, data, Parallelism.threads(2), 1, vector);
            PropertyTest.checkDouble(c, data, Parallelism.threads(1), 0, vector);
            assertTrue(k.equals("scalar"), "non-finite weights must not use the zero-padded GEMM, used " + k);
        }
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        // Big enough to be split: several M multiply-adds per thread.
        Case[] cases = {
            new Case(3, 48, 40, 1, new int[] {20, 22}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {0, 1}, new int[] {1, 1}, true, 17),
            new Case(2, 64, 30, 2, new int[] {17, 16}, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 1},
                    new int[] {1, 0}, new int[] {1, 1}, true, 18)};
        for (Case c : cases) {
            double[][] d = c.data();
            float[] x = Check.toFloat(d[0]);
            float[] reference = null;
            double[] referenceD = null;
            for (int threads : new int[] {1, 2, 7}) {
                float[] y = new float[c.outputLength()];
                ConvTranspose.plan(c.spec(), Check.toFloat(d[1]), Check.toFloat(d[2]), Parallelism.threads(threads)).execute(x, y);
                double[] yd = new double[c.outputLength()];
                ConvTranspose.plan(c.spec(), d[1], d[2], Parallelism.threads(threads)).execute(d[0], yd);
                if (reference == null) {
                    reference = y;
                    referenceD = yd;
                } else {
                    assertArrayEquals(reference, y, "float, " + threads + " threads vs 1: " + c);
                    assertArrayEquals(referenceD, yd, "double, " + threads + " threads vs 1: " + c);
                }
            }
            assertTrue(Arrays.stream(referenceD).noneMatch(Double::isNaN));
        }
    }
}
