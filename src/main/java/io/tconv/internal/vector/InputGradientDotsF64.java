package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double input gradient of a channels-last layer whose groups hold whole vectors of gy channels:
 * {@code gx[i][ci] = Σ_t Σ_co w[ci][co][t] · gy[i·s − pb + t·d][co]}. A gy pixel's channels are adjacent, so
 * the vectors run across them, with the weights packed {@code [group][tap][ci][co]}: each (gx pixel, input
 * channel) sums its terms of the taps inside gy lane by lane in registers, two pixels and four input channels
 * at a time (a flat list of the row's terms, as the taps inside gy are the same for the pixels of a row away
 * from its ends), then across the lanes by the fixed tree. gy is read where it lies: no copy of its rows into
 * channel-major order (which, gathered at a stride of s·C, took most of the row kernel's time on such
 * layers), no zeros for taps outside it (exact for any weights). A task is a gx row of one group.
 */
final class InputGradientDotsF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    /** Input channels per register block (the packed weights pad a group's channels to a multiple). */
    private static final int BLOCK = 4;
    private final Geometry g;
    /** {@code [group][tap][ci (padded to BLOCK)][co]}, zero past the group's input channels. */
    private final double[] w;
    private final int paddedCig;
    /** A row's taps inside gy, and its terms for the pixels whose every W tap is inside (no bounds checks there). */
    private final RowTerms rowTerms;

    /**
     * Channels-last, each group's gy channels a whole number of vectors, and at most eight input channels per
     * group (with more, the row kernel's one copy of gy serves enough input channels to be the cheaper: img3
     * NHWC 17 → 40 GFLOP/s here, 3 → 32 channels k4s2 30 → 57, 8 → 16 43 → 60, 16 → 16 66 → 61).
     */
    static boolean suits(Geometry g) {
        return g.channelsLast && g.cog % L == 0 && g.cig <= 8;
    }

    InputGradientDotsF64(Geometry g, double[] weight, Workspace workspace) {
        this.g = g;
        rowTerms = new RowTerms(g, g.cog / L);
        paddedCig = (g.cig + BLOCK - 1) / BLOCK * BLOCK;
        workspace.check(name(), sharedBytes(), 0);
        w = new double[g.groups * g.kVol * paddedCig * g.cog];
        for (int grp = 0; grp < g.groups; grp++) {
            for (int ci = 0; ci < g.cig; ci++) {
                for (int co = 0; co < g.cog; co++) {
                    for (int t = 0; t < g.kVol; t++) {
                        w[((grp * g.kVol + t) * paddedCig + ci) * g.cog + co] = weight[((grp * g.cig + ci) * g.cog + co) * g.kVol + t];
                    }
                }
            }
        }
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " channels-last input gradient dots"; }

    @Override
    public int tasksPerImage() { return g.groups * g.in[0] * g.in[1]; }

    @Override
    public long macsPerTask() {
        // its multiply-adds, and a lane sum per cell at a few multiply-adds' cost
        return Math.max(1, (long) g.in[2] * g.cig * (g.cog * g.kVol + 4L * L));
    }

    @Override
    public long sharedBytes() { return (long) Double.BYTES * g.groups * g.kVol * ((g.cig + BLOCK - 1) / BLOCK * BLOCK) * g.cog; }

    @Override
    public long bytesPerThread() { return 0; }

    /** Gx row of task {@code task} of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int rowsPerGroup = g.in[0] * g.in[1], grp = task / rowsPerGroup, row = task % rowsPerGroup;
        int id = row / g.in[1], ih = row % g.in[1], inW = g.in[2];
        int gyImage = xOff + n * g.outImage() + grp * g.cog;
        int gxRow = yOff + n * g.inImage() + row * inW * g.xp + grp * g.cig;
        rowTerms.build(id, ih, gyImage, L, paddedCig * g.cog, 1);   // a term per channel vector; weights from block 0's
        int[][] rows = rowTerms.arrays();
        int count = rows[4][0], termCount = rows[4][1];
        for (int iw = 0; iw < inW; ) {
            boolean pair = iw >= rowTerms.interior0 && iw + 1 < rowTerms.interior1;
            for (int ci0 = 0; ci0 < g.cig; ci0 += BLOCK) {
                int channels = Math.min(BLOCK, g.cig - ci0), wAt = (grp * g.kVol * paddedCig + ci0) * g.cog;
                if (pair) pair(x, rows[2], rows[3], termCount, iw, wAt, y, gxRow + iw * g.xp + ci0, channels);
                else one(x, rows[0], rows[1], count, iw, wAt, y, gxRow + iw * g.xp + ci0, channels);
            }
            iw += pair ? 2 : 1;
        }
    }

    /**
     * Gx pixels iw and iw + 1 (both with every W tap inside gy), input channels ci0 … ci0 + channels − 1 (their
     * weights from {@code wAt}): term m at {@code gyTerm[m]} in gy from pixel iw's first tap and {@code wTerm[m]}
     * in the weights; into gx from {@code to}.
     */
    private void pair(double[] gy, int[] gyTerm, int[] wTerm, int count, int iw, int wAt, double[] gx, int to, int channels) {
        int cog = g.cog, next = g.s[2] * g.yp, gyAt = iw * next;
        DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
        DoubleVector b0 = DoubleVector.zero(S), b1 = DoubleVector.zero(S), b2 = DoubleVector.zero(S), b3 = DoubleVector.zero(S);
        for (int m = 0; m < count; m++) {
            int at = gyAt + gyTerm[m], wt = wAt + wTerm[m];
            DoubleVector ya = DoubleVector.fromArray(S, gy, at), yb = DoubleVector.fromArray(S, gy, at + next);
            DoubleVector w0 = DoubleVector.fromArray(S, w, wt);
            a0 = ya.fma(w0, a0);
            b0 = yb.fma(w0, b0);
            DoubleVector w1 = DoubleVector.fromArray(S, w, wt + cog);
            a1 = ya.fma(w1, a1);
            b1 = yb.fma(w1, b1);
            DoubleVector w2 = DoubleVector.fromArray(S, w, wt + 2 * cog);
            a2 = ya.fma(w2, a2);
            b2 = yb.fma(w2, b2);
            DoubleVector w3 = DoubleVector.fromArray(S, w, wt + 3 * cog);
            a3 = ya.fma(w3, a3);
            b3 = yb.fma(w3, b3);
        }
        int px = g.xp;
        gx[to] = VectorOpsF64.lanes(a0);
        gx[to + px] = VectorOpsF64.lanes(b0);
        if (channels > 1) {
            gx[to + 1] = VectorOpsF64.lanes(a1);
            gx[to + px + 1] = VectorOpsF64.lanes(b1);
        }
        if (channels > 2) {
            gx[to + 2] = VectorOpsF64.lanes(a2);
            gx[to + px + 2] = VectorOpsF64.lanes(b2);
        }
        if (channels > 3) {
            gx[to + 3] = VectorOpsF64.lanes(a3);
            gx[to + px + 3] = VectorOpsF64.lanes(b3);
        }
    }

    /** Gx pixel iw alone, its W taps checked against gy's width: as {@link #pair}. */
    private void one(double[] gy, int[] gyRows, int[] tapRows, int count, int iw, int wAt, double[] gx, int to, int channels) {
        int cog = g.cog, yp = g.yp, tapStride = paddedCig * cog, ow0 = iw * g.s[2] - g.pb[2];
        DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
        for (int j = 0; j < count; j++) {
            for (int t = 0; t < g.k[2]; t++) {
                int ow = ow0 + t * g.d[2];
                if (ow < 0 || ow >= g.out[2]) continue;
                int gyAt = gyRows[j] + ow * yp, wt = wAt + (tapRows[j] + t) * tapStride;
                for (int c = 0; c < cog; c += L) {
                    DoubleVector ya = DoubleVector.fromArray(S, gy, gyAt + c);
                    a0 = ya.fma(DoubleVector.fromArray(S, w, wt + c), a0);
                    a1 = ya.fma(DoubleVector.fromArray(S, w, wt + cog + c), a1);
                    a2 = ya.fma(DoubleVector.fromArray(S, w, wt + 2 * cog + c), a2);
                    a3 = ya.fma(DoubleVector.fromArray(S, w, wt + 3 * cog + c), a3);
                }
            }
        }
        gx[to] = VectorOpsF64.lanes(a0);
        if (channels > 1) gx[to + 1] = VectorOpsF64.lanes(a1);
        if (channels > 2) gx[to + 2] = VectorOpsF64.lanes(a2);
        if (channels > 3) gx[to + 3] = VectorOpsF64.lanes(a3);
    }
}
