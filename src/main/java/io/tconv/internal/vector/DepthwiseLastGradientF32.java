package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float input gradient of a channels-last depthwise layer (one input and one output channel per group):
 * {@code gx[i][c] = Σ_t w[c][t] · gy[i·s − pb + t·d][c]}. A pixel's channels are adjacent in gy and gx, so the
 * vectors run across channels, with the weights packed {@code [tap][channel]}: each gx cell sums its taps that
 * land inside gy in registers, in (D, H, W) tap order, and is stored once. A task is a gx row. (The row kernel's
 * tasks are one group each: on a channels-last depthwise layer each would read every cache line of gy's rows
 * for one float of it.)
 */
final class DepthwiseLastGradientF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();
    private final Geometry g;
    private final float[] w;

    DepthwiseLastGradientF32(Geometry g, float[] weight, Workspace workspace) {
        this.g = g;
        workspace.check(name(), sharedBytes(), 0);
        int c = g.cout;
        w = new float[g.kVol * c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < g.kVol; t++) w[t * c + ch] = weight[ch * g.kVol + t];
        }
    }

    static boolean suits(Geometry g) {
        return DepthwiseLastF32.suits(g);
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " depthwise channels-last input gradient"; }

    @Override
    public int tasksPerImage() { return g.in[0] * g.in[1]; }

    @Override
    public long macsPerTask() {
        // its multiply-adds, and reading its gy rows at a few multiply-adds' cost per element
        return Math.max(1, (long) g.in[2] * g.cout * g.kVol + 4L * g.k[0] * g.k[1] * g.out[2] * g.cout);
    }

    @Override
    public long sharedBytes() { return (long) Float.BYTES * g.kVol * g.cout; }

    @Override
    public long bytesPerThread() { return 0; }

    /** Gx row {@code task} of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int id = task / g.in[1], ih = task % g.in[1], c = g.cout, inW = g.in[2], outW = g.out[2];
        int gyImage = xOff + n * g.outImage(), gxRow = yOff + n * g.inImage() + (id * g.in[1] + ih) * inW * c;
        for (int iw = 0; iw < inW; iw++) {
            for (int c0 = 0; c0 < c; c0 += L) {
                VectorMask<Float> m = S.indexInRange(c0, c);   // all lanes but in the last, partial vector of channels
                FloatVector acc = FloatVector.zero(S);
                for (int kd = 0; kd < g.k[0]; kd++) {
                    long od = (long) id * g.s[0] - g.pb[0] + (long) kd * g.d[0];
                    if (od < 0 || od >= g.out[0]) continue;
                    for (int kh = 0; kh < g.k[1]; kh++) {
                        long oh = (long) ih * g.s[1] - g.pb[1] + (long) kh * g.d[1];
                        if (oh < 0 || oh >= g.out[1]) continue;
                        int gyRow = gyImage + (int) ((od * g.out[1] + oh) * outW) * c + c0, tRow = (kd * g.k[1] + kh) * g.k[2];
                        for (int kw = 0; kw < g.k[2]; kw++) {
                            long ow = (long) iw * g.s[2] - g.pb[2] + (long) kw * g.d[2];
                            if (ow < 0 || ow >= outW) continue;
                            acc = FloatVector.fromArray(S, x, gyRow + (int) ow * c, m).fma(FloatVector.fromArray(S, w, (tRow + kw) * c + c0, m), acc);
                        }
                    }
                }
                acc.intoArray(y, gxRow + iw * c + c0, m);
            }
        }
    }
}
