package io.tconv.internal.vector;

import io.tconv.internal.FloatWeightRows;
import io.tconv.internal.Geometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float weight gradient of a channels-last layer with few input channels and whole vectors of gy channels
 * per group: {@code gw[ci][co][t] = Σ_i x[i][ci] · gy[i·s − pb + t·d][co]}. A gy pixel's channels are adjacent,
 * so the vectors run across them and every sum stays in its own lane: a task is an x row of one group, whose
 * slot gets, per W tap, the sums over the row's columns whose tap lands inside gy, its (up to four) input
 * channels (x broadcast) times two (D, H) taps in registers. gy is read where it lies, with no copy into channel-major rows
 * (gathered at a stride of s·C, that copy took most of the row kernel's time on such layers).
 */
final class WeightGradientDotsF32 implements FloatWeightRows {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();
    private final Geometry g;
    /** Per thread: a block's sums, {@code [ci][tap of the pair][lane]}, before they go to their places in the slot. */
    private final ThreadLocal<float[]> sums;
    /** Per thread: a row's (D, H) taps inside gy, their gy rows and their tap indices (times kW). */
    private final ThreadLocal<int[][]> taps;

    WeightGradientDotsF32(Geometry g) {
        this.g = g;
        taps = ThreadLocal.withInitial(() -> new int[2][g.k[0] * g.k[1]]);
        sums = ThreadLocal.withInitial(() -> new float[8 * L]);
    }

    /**
     * Channels-last, at most four input channels and a whole number of vectors of gy channels per group. There
     * it also beats the register tiles (4 → 16 channels k3s2 on 128² NHWC 17.5 → 84 GFLOP/s, 4 → 32 9.4 → 71);
     * with eight input channels only on some layers (8 → 16 k3s2 33 → 79, but k4s2 51 → 38), so not there.
     */
    static boolean suits(Geometry g) {
        return g.channelsLast && g.cog % L == 0 && g.cig <= 4;
    }

    @Override
    public String name() { return "channels-last dots"; }

    @Override
    public int tasksPerImage() { return g.groups * g.in[0] * g.in[1]; }

    @Override
    public boolean allGroups() { return false; }

    @Override
    public boolean beatsTiles() { return true; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) g.in[2] * g.cig * g.cog * g.kVol); }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] gy, int gyOff, float[] out, int outOff) {
        int rowsPerGroup = g.in[0] * g.in[1], grp = task / rowsPerGroup, row = task % rowsPerGroup;
        int id = row / g.in[1], ih = row % g.in[1], inW = g.in[2], sw = g.s[2];
        Arrays.fill(out, outOff, outOff + g.cig * g.cog * g.kVol, 0f);
        int xRow = xOff + n * g.inImage() + row * inW * g.xp + grp * g.cig, gyImage = gyOff + n * g.outImage() + grp * g.cog;
        float[] block = sums.get();
        int[][] rows = taps.get();   // the (D, H) taps inside gy for this row: their gy rows and tap indices
        int count = GyTaps.of(g, id, ih, gyImage, rows[0], rows[1]);
        for (int kw = 0; kw < g.k[2]; kw++) {
            int iw0 = GyTaps.firstColumn(g, kw), iw1 = GyTaps.endColumn(g, kw);
            if (iw0 >= iw1) continue;
            long off = (long) kw * g.d[2] - g.pb[2];   // gy column = iw·s + off
            int gyColumn = (int) (iw0 * sw + off) * g.yp;
            for (int j = 0; j < count; j += 2) {
                boolean two = j + 1 < count;
                int gyA = rows[0][j] + gyColumn, gyB = two ? rows[0][j + 1] + gyColumn : gyA;
                for (int c = 0; c < g.cog; c += L) {
                    block(x, xRow + iw0 * g.xp, g.cig, gy, gyA + c, gyB + c, two, iw1 - iw0, block);
                    for (int ci = 0; ci < g.cig; ci++) {
                        for (int p = 0; p < (two ? 2 : 1); p++) {
                            int to = outOff + (ci * g.cog + c) * g.kVol + rows[1][j + p] + kw;
                            for (int lane = 0; lane < L; lane++, to += g.kVol) out[to] = block[(2 * ci + p) * L + lane];
                        }
                    }
                }
            }
        }
    }

    /**
     * Over {@code pixels} x pixels from {@code xAt} (input channels 0 … channels − 1 from there) and their gy
     * pixels from {@code gyA} and {@code gyB} (one vector of channels, two taps; the second only where
     * {@code two}): the sums into {@code sums[(2·ci + tap)·L …]}.
     */
    private void block(float[] x, int xAt, int channels, float[] gy, int gyA, int gyB, boolean two, int pixels, float[] sums) {
        int xp = g.xp, next = g.s[2] * g.yp;
        int c1 = Math.min(1, channels - 1), c2 = Math.min(2, channels - 1), c3 = Math.min(3, channels - 1);   // past the last: reread it
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        for (int i = 0; i < pixels; i++, xAt += xp, gyA += next, gyB += next) {
            FloatVector ya = FloatVector.fromArray(S, gy, gyA);
            FloatVector x0 = FloatVector.broadcast(S, x[xAt]), x1 = FloatVector.broadcast(S, x[xAt + c1]);
            FloatVector x2 = FloatVector.broadcast(S, x[xAt + c2]), x3 = FloatVector.broadcast(S, x[xAt + c3]);
            a0 = ya.fma(x0, a0);
            a1 = ya.fma(x1, a1);
            a2 = ya.fma(x2, a2);
            a3 = ya.fma(x3, a3);
            if (two) {
                FloatVector yb = FloatVector.fromArray(S, gy, gyB);
                b0 = yb.fma(x0, b0);
                b1 = yb.fma(x1, b1);
                b2 = yb.fma(x2, b2);
                b3 = yb.fma(x3, b3);
            }
        }
        a0.intoArray(sums, 0);
        b0.intoArray(sums, L);
        a1.intoArray(sums, 2 * L);
        b1.intoArray(sums, 3 * L);
        a2.intoArray(sums, 4 * L);
        b2.intoArray(sums, 5 * L);
        a3.intoArray(sums, 6 * L);
        b3.intoArray(sums, 7 * L);
    }
}
