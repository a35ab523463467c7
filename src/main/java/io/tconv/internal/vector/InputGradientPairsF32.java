package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float input gradient of a channels-first layer with one input channel per group and a W stride of 2 (the
 * depthwise upsamplers, and layers from one channel), {@code gx[i] = Σ_co Σ_t w[co][t] · gy[co][i·s − pb + t·d]},
 * read from gy where it lies. Along W, gx cell j meets gy columns {@code 2j − pw + kw}: W taps 2q and 2q + 1
 * meet two adjacent columns, so one vector of gy from column {@code 2j − pw + 2q} holds both terms of L/2
 * cells, and times a vector holding the two taps' weights in its even and odd lanes adds them to those cells'
 * running sums, kept as pairs (even tap, odd tap). A cell's pair is added once, when its sums are written back.
 * No split of gy by W residue (that copy took half of the row kernel's time on depthwise layers). A block is
 * 4L cells of a row, eight vectors of pairs summed in registers over the row's terms; the last block moves
 * back to end at the row's end, so that only a block's first and last vectors can reach past gy's row, and
 * those lanes are zeroed by a blend; gy's rows outside it are skipped. Exact for finite weights (a zeroed lane
 * is a zero times a weight): the provider checks. A task is a band of gx rows of one group and D position.
 */
final class InputGradientPairsF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();
    private static final int VECTORS = TapPairs.VECTORS;
    private static final VectorShuffle<Float> EVENS = ZipF32.EVENS, ODDS = ZipF32.ODDS;
    private static final VectorMask<Float> UPPER = ZipF32.UPPER;
    /** Gx rows per task. */
    private static final int BAND_ROWS = 4;
    private final Geometry g;
    /** W tap pairs. */
    private final int pairs;
    /** Packed weights {@code [group][co][kd][kh][pair][L]}: taps 2q and 2q + 1 in the even and odd lanes. */
    private final float[] w;
    private final int bands, channelWeights;
    private final TapPairs rows;
    /** A thread's running sums of a block. */
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[2 * VECTORS * L]);

    /** {@link TapPairs#suit}, the last block of a row moved back. */
    static boolean suits(Geometry g) {
        return TapPairs.suit(g, L, false);
    }

    InputGradientPairsF32(Geometry g, float[] weight, Workspace workspace) {
        this.g = g;
        pairs = g.k[2] / 2;
        bands = (g.in[1] + BAND_ROWS - 1) / BAND_ROWS;
        workspace.check(name(), sharedBytes(), bytesPerThread());
        int rowTaps = g.k[0] * g.k[1];
        channelWeights = rowTaps * pairs * L;
        w = new float[g.groups * g.cog * channelWeights];
        for (int grp = 0; grp < g.groups; grp++) {
            for (int co = 0; co < g.cog; co++) {
                for (int r = 0; r < rowTaps; r++) {
                    for (int kw = 0; kw < g.k[2]; kw++) {
                        float v = weight[(grp * g.cog + co) * g.kVol + r * g.k[2] + kw];
                        int at = (grp * g.cog + co) * channelWeights + (r * pairs + kw / 2) * L + kw % 2;
                        for (int lane = 0; lane < L; lane += 2) w[at + lane] = v;
                    }
                }
            }
        }
        rows = new TapPairs(g);
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " input gradient tap pairs"; }

    @Override
    public int tasksPerImage() { return g.groups * g.in[0] * bands; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) BAND_ROWS * g.in[2] * g.cog * g.kVol); }

    @Override
    public long sharedBytes() {
        long rowTaps = (long) g.k[0] * g.k[1];
        return (long) Float.BYTES * g.groups * g.cog * rowTaps * (g.k[2] / 2) * L + TapPairs.bytes(g);
    }

    @Override
    public long bytesPerThread() { return 2L * Float.BYTES * VECTORS * L; }

    /** Gx rows of task {@code task} of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int band = task % bands, id = task / bands % g.in[0], grp = task / bands / g.in[0];
        int h0 = band * BAND_ROWS, h1 = Math.min(g.in[1], h0 + BAND_ROWS), inW = g.in[2];
        float[] sums = scratch.get();
        int gyGroup = xOff + n * g.outImage() + grp * g.cog * g.yc;
        for (int ih = h0; ih < h1; ih++) {
            int row = id * g.in[1] + ih, gxRow = yOff + n * g.inImage() + grp * g.xc + row * inW;
            for (int j0 = 0; ; j0 += VECTORS * L) {   // the last block moves back to end at the row's end
                j0 = Math.min(j0, inW - VECTORS * L);
                block(x, gyGroup, grp, row, j0, sums, y, gxRow);
                if (j0 == inW - VECTORS * L) break;
            }
        }
    }

    /**
     * Gx cells j0 … j0 + 4L − 1 of gx row {@code row} of group grp (gy's channels from {@code gyGroup}), into
     * gx from {@code gxRow} ({@code sums}: scratch for the path cell by cell).
     */
    private void block(float[] gy, int gyGroup, int grp, int row, int j0, float[] sums, float[] gx, int gxRow) {
        int col0 = 2 * j0 - g.pb[2], first = rows.first[row], end = rows.first[row + 1];
        // The loads read whole vectors (a vector more in twoPairs): where one would reach outside the array (at gy's
        // first or last element), the block goes cell by cell, in the same order of operations.
        if (end > first && (gyGroup + rows.gyRow[first] + col0 < 0
                || (long) gyGroup + (g.cog - 1) * g.yc + rows.gyRow[end - 1] + col0 + g.k[2] - 2 + (2 * VECTORS + 1) * L > gy.length)) {
            cells(gy, gyGroup, grp, first, end, col0, sums);
            for (int c = 0; c < VECTORS * L; c++) {   // cell c's pair: in vector c / (L/2), lanes 2(c mod L/2) and the next
                int at = c / (L / 2) * L + 2 * (c % (L / 2));
                gx[gxRow + j0 + c] = sums[at] + sums[at + 1];
            }
        } else if (pairs % 2 == 0) {
            twoPairs(gy, gyGroup, grp, first, end, col0, gx, gxRow, j0);
        } else {
            sums(gy, gyGroup, grp, first, end, col0, gx, gxRow, j0);
        }
    }

    /**
     * {@link #block} by vectors: the sums over its row's taps {@code first … end − 1} and the group's gy channels,
     * eight vectors of pairs from gy column {@code col0} on, the first and last vectors' lanes outside gy's row
     * zeroed (the others lie inside it: {@link #suits}); each cell's pair added and written to gx.
     */
    private void sums(float[] gy, int gyGroup, int grp, int first, int end, int col0, float[] gx, int gxRow, int j0) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector a4 = FloatVector.zero(S), a5 = FloatVector.zero(S), a6 = FloatVector.zero(S), a7 = FloatVector.zero(S);
        FloatVector zero = FloatVector.zero(S);
        int outW = g.out[2], cog = g.cog, yc = g.yc, tapStride = pairs * L;
        int[] gyRow = rows.gyRow, tap = rows.tap;
        for (int q = 0, col = col0; q < pairs; q++, col += 2) {
            VectorMask<Float> left = VectorMask.fromLong(S, TapPairs.inRow(col, outW, L));
            VectorMask<Float> right = VectorMask.fromLong(S, TapPairs.inRow(col + 7 * L, outW, L));
            for (int co = 0; co < cog; co++) {
                int gyAt = gyGroup + co * yc + col, wAt = (grp * cog + co) * channelWeights + q * L;
                for (int r = first; r < end; r++) {
                    int at = gyAt + gyRow[r];
                    FloatVector wv = FloatVector.fromArray(S, w, wAt + tap[r] * tapStride);
                    a0 = zero.blend(FloatVector.fromArray(S, gy, at), left).fma(wv, a0);
                    a1 = FloatVector.fromArray(S, gy, at + L).fma(wv, a1);
                    a2 = FloatVector.fromArray(S, gy, at + 2 * L).fma(wv, a2);
                    a3 = FloatVector.fromArray(S, gy, at + 3 * L).fma(wv, a3);
                    a4 = FloatVector.fromArray(S, gy, at + 4 * L).fma(wv, a4);
                    a5 = FloatVector.fromArray(S, gy, at + 5 * L).fma(wv, a5);
                    a6 = FloatVector.fromArray(S, gy, at + 6 * L).fma(wv, a6);
                    a7 = zero.blend(FloatVector.fromArray(S, gy, at + 7 * L), right).fma(wv, a7);
                }
            }
        }
        // each cell's pair added, in line (written to an array and read back, this took a sixth of the time)
        int o = gxRow + j0;
        a0.rearrange(EVENS).blend(a1.rearrange(EVENS), UPPER).add(a0.rearrange(ODDS).blend(a1.rearrange(ODDS), UPPER)).intoArray(gx, o);
        a2.rearrange(EVENS).blend(a3.rearrange(EVENS), UPPER).add(a2.rearrange(ODDS).blend(a3.rearrange(ODDS), UPPER)).intoArray(gx, o + L);
        a4.rearrange(EVENS).blend(a5.rearrange(EVENS), UPPER).add(a4.rearrange(ODDS).blend(a5.rearrange(ODDS), UPPER)).intoArray(gx, o + 2 * L);
        a6.rearrange(EVENS).blend(a7.rearrange(EVENS), UPPER).add(a6.rearrange(ODDS).blend(a7.rearrange(ODDS), UPPER)).intoArray(gx, o + 3 * L);
    }

    /**
     * {@link #sums} for an even number of pairs, two at a time from one set of gy's loads (a vector more, and the
     * second pair's vectors sliced on by two columns): per (gy channel, tap row) pair q's term then q + 1's.
     * A method of its own: with both loops in {@link #sums}, its loop of one pair at a time ran 10% slower.
     */
    private void twoPairs(float[] gy, int gyGroup, int grp, int first, int end, int col0, float[] gx, int gxRow, int j0) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector a4 = FloatVector.zero(S), a5 = FloatVector.zero(S), a6 = FloatVector.zero(S), a7 = FloatVector.zero(S);
        FloatVector zero = FloatVector.zero(S);
        int outW = g.out[2], cog = g.cog, yc = g.yc, tapStride = pairs * L;
        int[] gyRow = rows.gyRow, tap = rows.tap;
        for (int q = 0, col = col0; q < pairs; q += 2, col += 4) {
            VectorMask<Float> left = VectorMask.fromLong(S, TapPairs.inRow(col, outW, L));
            VectorMask<Float> right = VectorMask.fromLong(S, TapPairs.inRow(col + 7 * L, outW, L));
            VectorMask<Float> left1 = VectorMask.fromLong(S, TapPairs.inRow(col + 2, outW, L));
            VectorMask<Float> right1 = VectorMask.fromLong(S, TapPairs.inRow(col + 2 + 7 * L, outW, L));
            for (int co = 0; co < cog; co++) {
                int gyAt = gyGroup + co * yc + col, wAt = (grp * cog + co) * channelWeights + q * L;
                for (int r = first; r < end; r++) {
                    int at = gyAt + gyRow[r], wt = wAt + tap[r] * tapStride;
                    FloatVector wv = FloatVector.fromArray(S, w, wt), wv1 = FloatVector.fromArray(S, w, wt + L);
                    FloatVector g0 = FloatVector.fromArray(S, gy, at), g1 = FloatVector.fromArray(S, gy, at + L);
                    a0 = zero.blend(g0, left).fma(wv, a0);
                    a0 = zero.blend(g0.slice(2, g1), left1).fma(wv1, a0);
                    FloatVector g2 = FloatVector.fromArray(S, gy, at + 2 * L);
                    a1 = g1.fma(wv, a1);
                    a1 = g1.slice(2, g2).fma(wv1, a1);
                    FloatVector g3 = FloatVector.fromArray(S, gy, at + 3 * L);
                    a2 = g2.fma(wv, a2);
                    a2 = g2.slice(2, g3).fma(wv1, a2);
                    FloatVector g4 = FloatVector.fromArray(S, gy, at + 4 * L);
                    a3 = g3.fma(wv, a3);
                    a3 = g3.slice(2, g4).fma(wv1, a3);
                    FloatVector g5 = FloatVector.fromArray(S, gy, at + 5 * L);
                    a4 = g4.fma(wv, a4);
                    a4 = g4.slice(2, g5).fma(wv1, a4);
                    FloatVector g6 = FloatVector.fromArray(S, gy, at + 6 * L);
                    a5 = g5.fma(wv, a5);
                    a5 = g5.slice(2, g6).fma(wv1, a5);
                    FloatVector g7 = FloatVector.fromArray(S, gy, at + 7 * L);
                    a6 = g6.fma(wv, a6);
                    a6 = g6.slice(2, g7).fma(wv1, a6);
                    FloatVector g8 = FloatVector.fromArray(S, gy, at + 8 * L);
                    a7 = zero.blend(g7, right).fma(wv, a7);
                    a7 = zero.blend(g7.slice(2, g8), right1).fma(wv1, a7);
                }
            }
        }
        int o = gxRow + j0;
        a0.rearrange(EVENS).blend(a1.rearrange(EVENS), UPPER).add(a0.rearrange(ODDS).blend(a1.rearrange(ODDS), UPPER)).intoArray(gx, o);
        a2.rearrange(EVENS).blend(a3.rearrange(EVENS), UPPER).add(a2.rearrange(ODDS).blend(a3.rearrange(ODDS), UPPER)).intoArray(gx, o + L);
        a4.rearrange(EVENS).blend(a5.rearrange(EVENS), UPPER).add(a4.rearrange(ODDS).blend(a5.rearrange(ODDS), UPPER)).intoArray(gx, o + 2 * L);
        a6.rearrange(EVENS).blend(a7.rearrange(EVENS), UPPER).add(a6.rearrange(ODDS).blend(a7.rearrange(ODDS), UPPER)).intoArray(gx, o + 3 * L);
    }

    /** {@link #sums} (or {@link #twoPairs}) lane by lane into {@code sums[i]} (gy column {@code col0 + i} and its W tap's parity), in its order. */
    private void cells(float[] gy, int gyGroup, int grp, int first, int end, int col0, float[] sums) {
        int outW = g.out[2], cog = g.cog, yc = g.yc;
        int step = pairs % 2 == 0 ? 2 : 1;   // (twoPairs' order where it runs: per term, pair q's then q + 1's)
        for (int i = 0; i < 2 * VECTORS * L; i++) {
            float sum = 0f;
            for (int q = 0; q < pairs; q += step) {
                int col = col0 + 2 * q + i;
                boolean in0 = col >= 0 && col < outW, in1 = step == 2 && col + 2 >= 0 && col + 2 < outW;
                if (!in0 && !in1) continue;
                for (int co = 0; co < cog; co++) {
                    int gyAt = gyGroup + co * yc + col, wAt = (grp * cog + co) * channelWeights + q * L + i % 2;
                    for (int r = first; r < end; r++) {
                        int at = gyAt + rows.gyRow[r], wt = wAt + rows.tap[r] * pairs * L;
                        if (in0) sum = Math.fma(gy[at], w[wt], sum);
                        if (in1) sum = Math.fma(gy[at + 2], w[wt + L], sum);
                    }
                }
            }
            sums[i] = sum;
        }
    }
}
