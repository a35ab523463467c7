package io.tconv.internal.vector;

import io.tconv.internal.FloatWeightRows;
import io.tconv.internal.Geometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float weight gradient of a channels-last depthwise layer (one input and one output channel per group):
 * {@code gw[c][t] = Σ_i x[i][c] · gy[i·s − pb + t·d][c]}. A pixel's channels are adjacent in x and gy, so the
 * vectors run across channels: a task is an x row, whose slot (the whole of gw) gets, per tap that lands inside
 * gy on that row, the sum over the row's columns in one vector per block of channels (four partial sums for
 * whole vectors; the last partial block masked). Each channel's sum runs along its own lane, so no sum crosses lanes.
 */
final class DepthwiseLastWeightF32 implements FloatWeightRows {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();
    private final Geometry g;
    /** Per thread: one tap's sums of every channel, before they go to their places {@code c·kVol + tap}. */
    private final ThreadLocal<float[]> sums;
    /** Per thread: a row's (D, H) taps inside gy, their gy rows and their tap indices (times kW). */
    private final ThreadLocal<int[][]> taps;

    DepthwiseLastWeightF32(Geometry g) {
        this.g = g;
        taps = ThreadLocal.withInitial(() -> new int[2][g.k[0] * g.k[1]]);
        sums = ThreadLocal.withInitial(() -> new float[g.cout]);
    }

    static boolean suits(Geometry g) {
        return DepthwiseLastF32.suits(g);
    }

    @Override
    public String name() { return "depthwise channels-last"; }

    @Override
    public int tasksPerImage() { return g.in[0] * g.in[1]; }

    @Override
    public boolean allGroups() { return true; }

    @Override
    public long macsPerTask() {
        return Math.max(1, (long) g.in[2] * g.cout * g.kVol + 4L * g.k[0] * g.k[1] * g.out[2] * g.cout);
    }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] gy, int gyOff, float[] out, int outOff) {
        int id = task / g.in[1], ih = task % g.in[1], c = g.cout, inW = g.in[2], sw = g.s[2];
        Arrays.fill(out, outOff, outOff + c * g.kVol, 0f);
        int xRow = xOff + n * g.inImage() + (id * g.in[1] + ih) * inW * c, gyImage = gyOff + n * g.outImage();
        float[] tap = sums.get();
        int[][] rows = taps.get();   // the (D, H) taps inside gy for this row: their gy rows and tap indices
        int count = GyTaps.of(g, id, ih, gyImage, rows[0], rows[1]);
        for (int j = 0; j < count; j++) {
            int gyRow = rows[0][j];
            for (int kw = 0; kw < g.k[2]; kw++) {
                int iw0 = GyTaps.firstColumn(g, kw), iw1 = GyTaps.endColumn(g, kw);
                if (iw0 >= iw1) continue;
                long off = (long) kw * g.d[2] - g.pb[2];   // gy column = iw·s + off
                for (int c0 = 0; c0 < c; c0 += L) {
                    int xa = xRow + iw0 * c + c0, ga = gyRow + (int) (iw0 * sw + off) * c + c0;
                    if (c0 + L <= c) {
                        sum(x, xa, gy, ga, iw1 - iw0, tap, c0);
                        continue;
                    }
                    VectorMask<Float> m = S.indexInRange(c0, c);   // the last, partial vector of channels
                    FloatVector acc = FloatVector.zero(S);
                    for (int iw = iw0; iw < iw1; iw++, xa += c, ga += sw * c) {
                        acc = FloatVector.fromArray(S, x, xa, m).fma(FloatVector.fromArray(S, gy, ga, m), acc);
                    }
                    acc.intoArray(tap, c0, m);
                }
                int t = rows[1][j] + kw;
                for (int ch = 0; ch < c; ch++) out[outOff + ch * g.kVol + t] = tap[ch];
            }
        }
    }

    /**
     * {@code Σ x · gy} over {@code pixels} pixels from {@code xa} and {@code ga} (a whole vector of channels; the
     * pixels s apart in gy) into {@code sums[at …]}: four sums in flight, one per pixel modulo 4, added in a
     * fixed order (one sum held each FMA a latency behind the last).
     */
    private void sum(float[] x, int xa, float[] gy, int ga, int pixels, float[] sums, int at) {
        int c = g.cout, step = g.s[2] * c;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int i = 0;
        for (; i + 4 <= pixels; i += 4, xa += 4 * c, ga += 4 * step) {
            a0 = FloatVector.fromArray(S, x, xa).fma(FloatVector.fromArray(S, gy, ga), a0);
            a1 = FloatVector.fromArray(S, x, xa + c).fma(FloatVector.fromArray(S, gy, ga + step), a1);
            a2 = FloatVector.fromArray(S, x, xa + 2 * c).fma(FloatVector.fromArray(S, gy, ga + 2 * step), a2);
            a3 = FloatVector.fromArray(S, x, xa + 3 * c).fma(FloatVector.fromArray(S, gy, ga + 3 * step), a3);
        }
        for (; i < pixels; i++, xa += c, ga += step) a0 = FloatVector.fromArray(S, x, xa).fma(FloatVector.fromArray(S, gy, ga), a0);
        a0.add(a1).add(a2.add(a3)).intoArray(sums, at);
    }
}
