package io.tconv.internal.vector;

import io.tconv.internal.FloatWeightRows;
import io.tconv.internal.Geometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float weight gradient of a channels-last layer whose groups hold whole blocks of four vectors of input
 * channels: {@code gw[ci][co][t] = Σ_i x[i][ci] · gy[i·s − pb + t·d][co]}. An x pixel's channels are adjacent,
 * so the vectors run across them and every sum stays in its own lane. A task is a band of x rows of one group
 * and D position: per row, W tap, gy channel and pair of (D, H) taps inside gy, the sums over the row's columns
 * whose tap lands inside gy of x (four vectors) times the broadcast gy value, in registers, then added to the
 * task's sums kept as {@code [co][tap][ci]} (vectors again), which go to the slot's {@code [ci][co][tap]} once
 * at the end. gy and x are read where they lie.
 */
final class WeightGradientBroadcastF32 implements FloatWeightRows {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();
    /** Vectors of input channels per register block. */
    private static final int BLOCK = 4;
    /** X rows per task: a task's sums pass to its slot once, so that a slot's cost is spread over a few rows. */
    private static final int BAND_ROWS = 8;
    private final Geometry g;
    private final int bands;
    /** Per thread: a task's sums, {@code [co][tap][ci]}. */
    private final ThreadLocal<float[]> sums;
    /** Per thread: a row's (D, H) taps inside gy, their gy rows and their tap indices (times kW). */
    private final ThreadLocal<int[][]> taps;

    WeightGradientBroadcastF32(Geometry g) {
        this.g = g;
        bands = (g.in[1] + BAND_ROWS - 1) / BAND_ROWS;
        taps = ThreadLocal.withInitial(() -> new int[2][g.k[0] * g.k[1]]);
        sums = ThreadLocal.withInitial(() -> new float[g.cog * g.kVol * g.cig]);
    }

    /** Channels-last, and each group's input channels a whole number of register blocks (four vectors). */
    static boolean suits(Geometry g) {
        return InputGradientBroadcastF32.suits(g);
    }

    @Override
    public String name() { return "channels-last broadcasts"; }

    @Override
    public int tasksPerImage() { return g.groups * g.in[0] * bands; }

    @Override
    public boolean allGroups() { return false; }

    /**
     * Where a group has at most a vector of output channels, the tiles' columns: 64 → 16 k3s2 64² NHWC 90 → 116
     * GFLOP/s, 128 → 8 k4s2 58 → 91; with more the tiles win (64 → 32 k4s2 135 against 60, 64 → 64 k3s1 115
     * against 75).
     */
    @Override
    public boolean beatsTiles() { return g.cog <= L; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) BAND_ROWS * g.in[2] * g.cig * g.cog * g.kVol); }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] gy, int gyOff, float[] out, int outOff) {
        int band = task % bands, id = task / bands % g.in[0], grp = task / bands / g.in[0];
        int h0 = band * BAND_ROWS, h1 = Math.min(g.in[1], h0 + BAND_ROWS), sw = g.s[2], cig = g.cig;
        int gyImage = gyOff + n * g.outImage() + grp * g.cog;
        float[] acc = sums.get();
        Arrays.fill(acc, 0f);
        int[][] rows = taps.get();   // the (D, H) taps inside gy for a row: their gy rows and tap indices
        for (int ih = h0; ih < h1; ih++) {
            int xRow = xOff + n * g.inImage() + (id * g.in[1] + ih) * g.in[2] * g.xp + grp * cig;
            int count = GyTaps.of(g, id, ih, gyImage, rows[0], rows[1]);
            for (int kw = 0; kw < g.k[2]; kw++) {
                int iw0 = GyTaps.firstColumn(g, kw), iw1 = GyTaps.endColumn(g, kw);
                if (iw0 >= iw1) continue;
                int gyColumn = (iw0 * sw + kw * g.d[2] - g.pb[2]) * g.yp;
                for (int j = 0; j < count; j += 2) {
                    boolean two = j + 1 < count;
                    int gyA = rows[0][j] + gyColumn, gyB = two ? rows[0][j + 1] + gyColumn : gyA;
                    int tapA = rows[1][j] + kw, tapB = two ? rows[1][j + 1] + kw : tapA;
                    for (int co = 0; co < g.cog; co++) {
                        for (int c = 0; c < cig; c += BLOCK * L) {
                            block(x, xRow + iw0 * g.xp + c, gy, gyA + co, gyB + co, two, iw1 - iw0,
                                    acc, (co * g.kVol + tapA) * cig + c, (co * g.kVol + tapB) * cig + c);
                        }
                    }
                }
            }
        }
        int perChannel = g.cog * g.kVol;
        for (int ct = 0; ct < perChannel; ct++) {   // [co][tap][ci] → [ci][co][tap]
            for (int ci = 0, from = ct * cig, to = outOff + ct; ci < cig; ci++, to += perChannel) out[to] = acc[from + ci];
        }
    }

    /**
     * Over {@code pixels} x pixels from {@code xAt} (four vectors of input channels from there) and the gy values
     * at {@code gyA} and {@code gyB} (one gy channel, two taps; the second only where {@code two}) of their gy
     * pixels: the sums added to {@code acc} at {@code accA} and {@code accB}.
     */
    private void block(float[] x, int xAt, float[] gy, int gyA, int gyB, boolean two, int pixels, float[] acc, int accA, int accB) {
        int xp = g.xp, next = g.s[2] * g.yp;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        for (int i = 0; i < pixels; i++, xAt += xp, gyA += next, gyB += next) {
            FloatVector x0 = FloatVector.fromArray(S, x, xAt), x1 = FloatVector.fromArray(S, x, xAt + L);
            FloatVector x2 = FloatVector.fromArray(S, x, xAt + 2 * L), x3 = FloatVector.fromArray(S, x, xAt + 3 * L);
            FloatVector ya = FloatVector.broadcast(S, gy[gyA]);
            a0 = x0.fma(ya, a0);
            a1 = x1.fma(ya, a1);
            a2 = x2.fma(ya, a2);
            a3 = x3.fma(ya, a3);
            if (two) {
                FloatVector yb = FloatVector.broadcast(S, gy[gyB]);
                b0 = x0.fma(yb, b0);
                b1 = x1.fma(yb, b1);
                b2 = x2.fma(yb, b2);
                b3 = x3.fma(yb, b3);
            }
        }
        FloatVector.fromArray(S, acc, accA).add(a0).intoArray(acc, accA);
        FloatVector.fromArray(S, acc, accA + L).add(a1).intoArray(acc, accA + L);
        FloatVector.fromArray(S, acc, accA + 2 * L).add(a2).intoArray(acc, accA + 2 * L);
        FloatVector.fromArray(S, acc, accA + 3 * L).add(a3).intoArray(acc, accA + 3 * L);
        if (two) {
            FloatVector.fromArray(S, acc, accB).add(b0).intoArray(acc, accB);
            FloatVector.fromArray(S, acc, accB + L).add(b1).intoArray(acc, accB + L);
            FloatVector.fromArray(S, acc, accB + 2 * L).add(b2).intoArray(acc, accB + 2 * L);
            FloatVector.fromArray(S, acc, accB + 3 * L).add(b3).intoArray(acc, accB + 3 * L);
        }
    }
}
