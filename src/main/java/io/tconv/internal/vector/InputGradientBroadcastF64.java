package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double input gradient of a channels-last layer whose groups hold whole blocks of four vectors of input
 * channels: {@code gx[i][ci] = Σ_t Σ_co w[ci][co][t] · gy[i·s − pb + t·d][co]}. A gx pixel's channels are
 * adjacent, so the vectors run across them: each term (tap, gy channel) broadcasts its gy value against a
 * vector of weights per block of input channels, with the weights packed per block of four vectors; two
 * pixels and four vectors of input channels are summed in registers (a flat list of the row's terms, as the
 * taps inside gy are the same for the pixels of a row away from its ends) and stored once. gy is read where it
 * lies: no copy into channel-major rows (gathered at a stride of s·C, that copy took most of the row kernel's
 * time on such layers); taps outside gy are skipped (exact for any weights). A task is a gx row of one group.
 */
final class InputGradientBroadcastF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    /** Vectors of input channels per register block. */
    private static final int BLOCK = 4;
    private final Geometry g;
    /** {@code [group][block of four vectors of input channels][tap][co][4L]}. */
    private final double[] w;
    private final int blocks;
    /** A row's taps inside gy, and its terms for the pixels whose every W tap is inside (no bounds checks there). */
    private final RowTerms rowTerms;

    /**
     * Channels-last, and each group's input channels a whole number of register blocks (four vectors). A last
     * block recomputing part of the one before measured 96 → 8 channels k4s2 99 → 89 GFLOP/s against the row
     * kernel; whole blocks win (dcgan_rgb NHWC 51 → 113, 64 → 16 k3s2 95 → 130, 128 → 8 k4s2 99 → 120).
     */
    static boolean suits(Geometry g) {
        return g.channelsLast && g.cig % (BLOCK * L) == 0;
    }

    InputGradientBroadcastF64(Geometry g, double[] weight, Workspace workspace) {
        this.g = g;
        rowTerms = new RowTerms(g, g.cog);
        workspace.check(name(), sharedBytes(), 0);
        blocks = g.cig / (BLOCK * L);
        w = new double[g.groups * g.kVol * g.cog * g.cig];
        for (int grp = 0; grp < g.groups; grp++) {
            for (int b = 0; b < blocks; b++) {
                for (int t = 0; t < g.kVol; t++) {
                    for (int co = 0; co < g.cog; co++) {
                        for (int i = 0, ci = b * BLOCK * L; i < BLOCK * L; i++, ci++) {
                            w[(((grp * blocks + b) * g.kVol + t) * g.cog + co) * BLOCK * L + i] = weight[((grp * g.cig + ci) * g.cog + co) * g.kVol + t];
                        }
                    }
                }
            }
        }
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " channels-last input gradient broadcasts"; }

    @Override
    public int tasksPerImage() { return g.groups * g.in[0] * g.in[1]; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) g.in[2] * g.cig * g.cog * g.kVol); }

    @Override
    public long sharedBytes() { return (long) Double.BYTES * g.groups * g.kVol * g.cog * g.cig; }

    @Override
    public long bytesPerThread() { return 0; }

    /** Gx row of task {@code task} of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int rowsPerGroup = g.in[0] * g.in[1], grp = task / rowsPerGroup, row = task % rowsPerGroup;
        int id = row / g.in[1], ih = row % g.in[1], inW = g.in[2];
        int gyImage = xOff + n * g.outImage() + grp * g.cog;
        int gxRow = yOff + n * g.inImage() + row * inW * g.xp + grp * g.cig;
        rowTerms.build(id, ih, gyImage, 1, g.cog * BLOCK * L, BLOCK * L);   // a term per gy channel
        int[][] rows = rowTerms.arrays();
        int count = rows[4][0], termCount = rows[4][1];
        // Blocks outer, so that a block's weights stay in L1 along the row.
        for (int b = 0; b < blocks; b++) {
            int c = b * BLOCK * L, wAt = (grp * blocks + b) * g.kVol * g.cog * BLOCK * L;
            for (int iw = 0; iw < inW; ) {
                boolean pair = iw >= rowTerms.interior0 && iw + 1 < rowTerms.interior1;
                if (pair) pair(x, rows[2], rows[3], termCount, iw, wAt, y, gxRow + iw * g.xp + c);
                else one(x, rows[0], rows[1], count, iw, wAt, y, gxRow + iw * g.xp + c);
                iw += pair ? 2 : 1;
            }
        }
    }

    /**
     * Gx pixels iw and iw + 1 (both with every W tap inside gy), a block of input channels (their weights from
     * {@code wAt}): term m at {@code gyTerm[m]} in gy from pixel iw's first tap and {@code wTerm[m]} in the
     * weights; into gx from {@code to}.
     */
    private void pair(double[] gy, int[] gyTerm, int[] wTerm, int count, int iw, int wAt, double[] gx, int to) {
        int next = g.s[2] * g.yp, gyAt = iw * next;
        DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
        DoubleVector b0 = DoubleVector.zero(S), b1 = DoubleVector.zero(S), b2 = DoubleVector.zero(S), b3 = DoubleVector.zero(S);
        for (int m = 0; m < count; m++) {
            int at = gyAt + gyTerm[m], wt = wAt + wTerm[m];
            DoubleVector ya = DoubleVector.broadcast(S, gy[at]), yb = DoubleVector.broadcast(S, gy[at + next]);
            DoubleVector w0 = DoubleVector.fromArray(S, w, wt);
            a0 = w0.fma(ya, a0);
            b0 = w0.fma(yb, b0);
            DoubleVector w1 = DoubleVector.fromArray(S, w, wt + L);
            a1 = w1.fma(ya, a1);
            b1 = w1.fma(yb, b1);
            DoubleVector w2 = DoubleVector.fromArray(S, w, wt + 2 * L);
            a2 = w2.fma(ya, a2);
            b2 = w2.fma(yb, b2);
            DoubleVector w3 = DoubleVector.fromArray(S, w, wt + 3 * L);
            a3 = w3.fma(ya, a3);
            b3 = w3.fma(yb, b3);
        }
        a0.intoArray(gx, to);
        a1.intoArray(gx, to + L);
        a2.intoArray(gx, to + 2 * L);
        a3.intoArray(gx, to + 3 * L);
        int px = g.xp;
        b0.intoArray(gx, to + px);
        b1.intoArray(gx, to + px + L);
        b2.intoArray(gx, to + px + 2 * L);
        b3.intoArray(gx, to + px + 3 * L);
    }

    /** Gx pixel iw alone, its W taps checked against gy's width: as {@link #pair}. */
    private void one(double[] gy, int[] gyRows, int[] tapRows, int count, int iw, int wAt, double[] gx, int to) {
        int cog = g.cog, ow0 = iw * g.s[2] - g.pb[2];
        DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
        for (int j = 0; j < count; j++) {
            for (int t = 0; t < g.k[2]; t++) {
                int ow = ow0 + t * g.d[2];
                if (ow < 0 || ow >= g.out[2]) continue;
                int gyAt = gyRows[j] + ow * g.yp, wt = wAt + (tapRows[j] + t) * cog * BLOCK * L;
                for (int co = 0; co < cog; co++, wt += BLOCK * L) {
                    DoubleVector y = DoubleVector.broadcast(S, gy[gyAt + co]);
                    a0 = DoubleVector.fromArray(S, w, wt).fma(y, a0);
                    a1 = DoubleVector.fromArray(S, w, wt + L).fma(y, a1);
                    a2 = DoubleVector.fromArray(S, w, wt + 2 * L).fma(y, a2);
                    a3 = DoubleVector.fromArray(S, w, wt + 3 * L).fma(y, a3);
                }
            }
        }
        a0.intoArray(gx, to);
        a1.intoArray(gx, to + L);
        a2.intoArray(gx, to + 2 * L);
        a3.intoArray(gx, to + 3 * L);
    }
}
