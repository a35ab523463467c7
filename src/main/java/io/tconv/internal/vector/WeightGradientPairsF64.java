package io.tconv.internal.vector;

import io.tconv.internal.DoubleWeightRows;
import io.tconv.internal.Geometry;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double weight gradient's dot products for channels-first layers with one input channel per group and a W
 * stride of 2, read from gy where it lies (the twin of {@link InputGradientPairsF64}):
 * {@code gw[co][t] = Σ_i x[i] · gy[co][i·s − pb + t·d]}. W taps 2q and 2q + 1 meet adjacent gy columns, so a
 * vector of gy from column {@code 2j − pw + 2q} times x's cells j … j + L/2 − 1, each in two adjacent lanes,
 * adds to both taps at once: their sums run in the even and odd lanes of one vector per (gy channel, D tap, H
 * tap, pair), kept per thread, and are added across lanes at the task's end. A block is 4L cells of an x row:
 * x's eight vectors of pairs in registers against each term's eight vectors of gy; only a block's first and
 * last vectors can reach past gy's row, and their lanes there are zeroed in x and in gy by a blend (what lies
 * past gy is not read, so any values are exact). Rows a whole number of blocks long. A task is a band of x rows
 * of one group and D position.
 */
final class WeightGradientPairsF64 implements DoubleWeightRows {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    private static final int VECTORS = TapPairs.VECTORS;
    /** X rows per task: enough that a task's sums, added across lanes at its end, cost little beside them. */
    private static final int BAND_ROWS = 16;
    private final Geometry g;
    private final int pairs, bands, rowTaps;
    private final TapPairs rows;
    /** A thread's running sums: a vector per (gy channel, (D, H) tap, pair). */
    private final ThreadLocal<double[]> sums;

    /** {@link TapPairs#suit}, rows a whole number of blocks long. */
    static boolean suits(Geometry g) {
        return TapPairs.suit(g, L, true);
    }

    WeightGradientPairsF64(Geometry g) {
        this.g = g;
        pairs = g.k[2] / 2;
        bands = (g.in[1] + BAND_ROWS - 1) / BAND_ROWS;
        rowTaps = g.k[0] * g.k[1];
        rows = new TapPairs(g);
        int length = g.cog * rowTaps * pairs * L;
        sums = ThreadLocal.withInitial(() -> new double[length]);
    }

    @Override
    public String name() { return "tap pairs"; }

    @Override
    public int tasksPerImage() { return g.groups * g.in[0] * bands; }

    @Override
    public boolean allGroups() { return false; }

    /** One input channel per group: the register tiles would waste most of their rows. */
    @Override
    public boolean beatsTiles() { return true; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) BAND_ROWS * g.in[2] * g.cog * g.kVol); }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] gy, int gyOff, double[] out, int outOff) {
        int band = task % bands, id = task / bands % g.in[0], grp = task / bands / g.in[0];
        int h0 = band * BAND_ROWS, h1 = Math.min(g.in[1], h0 + BAND_ROWS), inW = g.in[2], cog = g.cog, yc = g.yc;
        double[] acc = sums.get();
        Arrays.fill(acc, 0.0);
        int gyGroup = gyOff + n * g.outImage() + grp * cog * yc;
        for (int ih = h0; ih < h1; ih++) {
            int row = id * g.in[1] + ih, first = rows.first[row], end = rows.first[row + 1];
            if (first == end) continue;
            int xRow = xOff + n * g.inImage() + grp * g.xc + row * inW;
            for (int j0 = 0; j0 < inW; j0 += VECTORS * L) {
                int col0 = 2 * j0 - g.pb[2];
                // The loads read whole vectors (a vector more in twoPairs): where one would reach outside the array
                // (at gy's first or last element), the block goes lane by lane, in the same order of operations.
                if (gyGroup + rows.gyRow[first] + col0 < 0
                        || (long) gyGroup + (cog - 1) * yc + rows.gyRow[end - 1] + col0 + g.k[2] - 2 + (2 * VECTORS + 1) * L > gy.length) {
                    lanes(x, xRow + j0, gy, gyGroup, first, end, col0, acc);
                } else if (pairs % 2 == 0) {
                    twoPairs(x, xRow + j0, gy, gyGroup, first, end, col0, acc);
                } else {
                    block(x, xRow + j0, gy, gyGroup, first, end, col0, acc);
                }
            }
        }
        for (int co = 0, a = 0; co < cog; co++) {   // each sum's even and odd lanes: taps 2q and 2q + 1
            for (int t = 0; t < rowTaps; t++) {
                for (int q = 0; q < pairs; q++, a += L) {
                    DoubleVector v = VectorOpsF64.pairLanes(DoubleVector.fromArray(S, acc, a));
                    int at = outOff + co * g.kVol + t * g.k[2] + 2 * q;
                    out[at] = v.lane(0);
                    out[at + 1] = v.lane(1);
                }
            }
        }
    }

    /**
     * One block: x's cells from {@code xAt} (4L of them) against gy from column {@code col0} of the rows of taps
     * {@code first … end − 1} of every gy channel of the group, onto the sums.
     */
    private void block(double[] x, int xAt, double[] gy, int gyGroup, int first, int end, int col0, double[] acc) {
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector x0 = DoubleVector.fromArray(S, x, xAt), x1 = DoubleVector.fromArray(S, x, xAt + L);
        DoubleVector x2 = DoubleVector.fromArray(S, x, xAt + 2 * L), x3 = DoubleVector.fromArray(S, x, xAt + 3 * L);
        DoubleVector p0 = x0.rearrange(ZipF64.SPREAD_LO), p1 = x0.rearrange(ZipF64.SPREAD_HI), p2 = x1.rearrange(ZipF64.SPREAD_LO);
        DoubleVector p3 = x1.rearrange(ZipF64.SPREAD_HI), p4 = x2.rearrange(ZipF64.SPREAD_LO), p5 = x2.rearrange(ZipF64.SPREAD_HI);
        DoubleVector p6 = x3.rearrange(ZipF64.SPREAD_LO), p7 = x3.rearrange(ZipF64.SPREAD_HI);
        int outW = g.out[2], cog = g.cog, yc = g.yc;
        int[] gyRow = rows.gyRow, tap = rows.tap;
        for (int q = 0, col = col0; q < pairs; q++, col += 2) {
            VectorMask<Double> left = VectorMask.fromLong(S, TapPairs.inRow(col, outW, L));
            VectorMask<Double> right = VectorMask.fromLong(S, TapPairs.inRow(col + 7 * L, outW, L));
            DoubleVector first0 = zero.blend(p0, left), last7 = zero.blend(p7, right);
            for (int co = 0; co < cog; co++) {
                int gyAt = gyGroup + co * yc + col, accAt = (co * rowTaps * pairs + q) * L;
                for (int r = first; r < end; r++) {
                    int at = gyAt + gyRow[r], ai = accAt + tap[r] * pairs * L;
                    DoubleVector lo = zero.blend(DoubleVector.fromArray(S, gy, at), left).mul(first0);
                    lo = DoubleVector.fromArray(S, gy, at + L).fma(p1, lo);
                    lo = DoubleVector.fromArray(S, gy, at + 2 * L).fma(p2, lo);
                    lo = DoubleVector.fromArray(S, gy, at + 3 * L).fma(p3, lo);
                    DoubleVector hi = DoubleVector.fromArray(S, gy, at + 4 * L).mul(p4);
                    hi = DoubleVector.fromArray(S, gy, at + 5 * L).fma(p5, hi);
                    hi = DoubleVector.fromArray(S, gy, at + 6 * L).fma(p6, hi);
                    hi = zero.blend(DoubleVector.fromArray(S, gy, at + 7 * L), right).fma(last7, hi);
                    DoubleVector.fromArray(S, acc, ai).add(lo.add(hi)).intoArray(acc, ai);
                }
            }
        }
    }

    /**
     * {@link #block} for an even number of pairs, two at a time from one set of gy's loads (a vector more, and the
     * second pair's vectors sliced on by two columns): each load of gy feeds two FMAs, where loads were what
     * limited it (dw32's weight gradient 37 → 43 GFLOP/s). A method of its own, as {@code InputGradientPairs}'.
     */
    private void twoPairs(double[] x, int xAt, double[] gy, int gyGroup, int first, int end, int col0, double[] acc) {
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector x0 = DoubleVector.fromArray(S, x, xAt), x1 = DoubleVector.fromArray(S, x, xAt + L);
        DoubleVector x2 = DoubleVector.fromArray(S, x, xAt + 2 * L), x3 = DoubleVector.fromArray(S, x, xAt + 3 * L);
        DoubleVector p0 = x0.rearrange(ZipF64.SPREAD_LO), p1 = x0.rearrange(ZipF64.SPREAD_HI), p2 = x1.rearrange(ZipF64.SPREAD_LO);
        DoubleVector p3 = x1.rearrange(ZipF64.SPREAD_HI), p4 = x2.rearrange(ZipF64.SPREAD_LO), p5 = x2.rearrange(ZipF64.SPREAD_HI);
        DoubleVector p6 = x3.rearrange(ZipF64.SPREAD_LO), p7 = x3.rearrange(ZipF64.SPREAD_HI);
        int outW = g.out[2], cog = g.cog, yc = g.yc;
        int[] gyRow = rows.gyRow, tap = rows.tap;
        for (int q = 0, col = col0; q < pairs; q += 2, col += 4) {
            VectorMask<Double> left = VectorMask.fromLong(S, TapPairs.inRow(col, outW, L));
            VectorMask<Double> right = VectorMask.fromLong(S, TapPairs.inRow(col + 7 * L, outW, L));
            VectorMask<Double> left1 = VectorMask.fromLong(S, TapPairs.inRow(col + 2, outW, L));
            VectorMask<Double> right1 = VectorMask.fromLong(S, TapPairs.inRow(col + 2 + 7 * L, outW, L));
            DoubleVector first0 = zero.blend(p0, left), last7 = zero.blend(p7, right);
            DoubleVector first1 = zero.blend(p0, left1), last71 = zero.blend(p7, right1);
            for (int co = 0; co < cog; co++) {
                int gyAt = gyGroup + co * yc + col, accAt = (co * rowTaps * pairs + q) * L;
                for (int r = first; r < end; r++) {
                    int at = gyAt + gyRow[r], ai = accAt + tap[r] * pairs * L;
                    DoubleVector g0 = DoubleVector.fromArray(S, gy, at), g1 = DoubleVector.fromArray(S, gy, at + L);
                    DoubleVector lo = zero.blend(g0, left).mul(first0), lo1 = zero.blend(g0.slice(2, g1), left1).mul(first1);
                    DoubleVector g2 = DoubleVector.fromArray(S, gy, at + 2 * L);
                    lo = g1.fma(p1, lo);
                    lo1 = g1.slice(2, g2).fma(p1, lo1);
                    DoubleVector g3 = DoubleVector.fromArray(S, gy, at + 3 * L);
                    lo = g2.fma(p2, lo);
                    lo1 = g2.slice(2, g3).fma(p2, lo1);
                    DoubleVector g4 = DoubleVector.fromArray(S, gy, at + 4 * L);
                    lo = g3.fma(p3, lo);
                    lo1 = g3.slice(2, g4).fma(p3, lo1);
                    DoubleVector g5 = DoubleVector.fromArray(S, gy, at + 5 * L);
                    DoubleVector hi = g4.mul(p4), hi1 = g4.slice(2, g5).mul(p4);
                    DoubleVector g6 = DoubleVector.fromArray(S, gy, at + 6 * L);
                    hi = g5.fma(p5, hi);
                    hi1 = g5.slice(2, g6).fma(p5, hi1);
                    DoubleVector g7 = DoubleVector.fromArray(S, gy, at + 7 * L);
                    hi = g6.fma(p6, hi);
                    hi1 = g6.slice(2, g7).fma(p6, hi1);
                    DoubleVector g8 = DoubleVector.fromArray(S, gy, at + 8 * L);
                    hi = zero.blend(g7, right).fma(last7, hi);
                    hi1 = zero.blend(g7.slice(2, g8), right1).fma(last71, hi1);
                    DoubleVector.fromArray(S, acc, ai).add(lo.add(hi)).intoArray(acc, ai);
                    DoubleVector.fromArray(S, acc, ai + L).add(lo1.add(hi1)).intoArray(acc, ai + L);
                }
            }
        }
    }

    /** {@link #block} lane by lane, with the same operations in the same order (the zeroed lanes as zeros). */
    private void lanes(double[] x, int xAt, double[] gy, int gyGroup, int first, int end, int col0, double[] acc) {
        int outW = g.out[2], cog = g.cog, yc = g.yc;
        for (int q = 0, col = col0; q < pairs; q++, col += 2) {
            for (int co = 0; co < cog; co++) {
                int gyAt = gyGroup + co * yc + col, accAt = (co * rowTaps * pairs + q) * L;
                for (int r = first; r < end; r++) {
                    int at = gyAt + rows.gyRow[r], ai = accAt + rows.tap[r] * pairs * L;
                    for (int i = 0; i < L; i++) {
                        double lo = 0.0, hi = 0.0;
                        for (int u = 0; u < 2 * VECTORS; u++) {
                            int c = col + u * L + i;
                            boolean inside = c >= 0 && c < outW;
                            double gu = inside ? gy[at + u * L + i] : 0.0, xu = inside ? x[xAt + (u * L + i) / 2] : 0.0;
                            if (u == 0) lo = gu * xu;
                            else if (u < VECTORS) lo = Math.fma(gu, xu, lo);
                            else if (u == VECTORS) hi = gu * xu;
                            else hi = Math.fma(gu, xu, hi);
                        }
                        acc[ai + i] = acc[ai + i] + (lo + hi);
                    }
                }
            }
        }
    }
}
