package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import io.tconv.internal.WRuns;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float channels-last depthwise path (one input and one output channel per group): a pixel's channels are
 * adjacent in both tensors, so the vectors run across channels, with each channel's weights packed as
 * {@code [tap][channel]}. A task is an output row: it starts from the bias, then each tap that lands on the
 * row sweeps along it, adding weights times input pixels (no inserted zero is visited).
 */
final class DepthwiseLastF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();

    private final Geometry g;
    private final Taps tapsD, tapsH;
    private final WRuns runs;
    private final float[] w, bias;

    DepthwiseLastF32(Geometry g, float[] weight, float[] bias, Workspace workspace) {
        this.g = g;
        tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
        tapsH = new Taps(g.in[1], g.k[1], g.s[1], g.d[1], g.pb[1], g.out[1]);
        runs = new WRuns(g);
        workspace.check(name(), sharedBytes(), 0);
        int c = g.cout;
        w = new float[g.kVol * c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < g.kVol; t++) w[t * c + ch] = weight[ch * g.kVol + t];
        }
        this.bias = bias == null ? new float[c] : bias.clone();
    }

    static boolean suits(Geometry g) {
        return g.channelsLast && g.cig == 1 && g.cog == 1;
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " depthwise channels-last"; }

    @Override
    public int tasksPerImage() { return g.out[0] * g.out[1]; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) g.out[2] * g.cout * g.kVol / ((long) g.s[0] * g.s[1] * g.s[2])); }

    @Override
    public long sharedBytes() {
        long tables = 4L * (tapsD.start.length + tapsH.start.length + 2L * (tapsD.tap.length + tapsH.tap.length)) + runs.bytes();
        return (long) Float.BYTES * ((long) g.kVol * g.cout + g.cout) + tables;
    }

    @Override
    public long bytesPerThread() { return 0; }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int od = task / g.out[1], oh = task % g.out[1], c = g.cout, inH = g.in[1], inW = g.in[2], kh = g.k[1], kw = g.k[2];
        int outW = g.out[2], sw = g.s[2], full = c - c % L;
        int xImage = xOff + n * g.inImage(), yRow = yOff + n * g.outImage() + (od * g.out[1] + oh) * outW * c;
        for (int ow = 0; ow < outW; ow++) System.arraycopy(bias, 0, y, yRow + ow * c, c);
        // Every tap that lands on this row, in (D, H, W) order, swept along the row: each output cell adds its
        // taps in that fixed order, the bias first.
        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
            for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                int xRow = xImage + (tapsD.input[a] * inH + tapsH.input[b]) * inW * c;
                int tRow = (tapsD.tap[a] * kh + tapsH.tap[b]) * kw;
                for (int tw = 0; tw < kw; tw++) {
                    int first = runs.first[tw], end = runs.end[tw];
                    if (first >= end) continue;
                    int wAt = (tRow + tw) * c, yStep = sw * c;
                    for (int c0 = 0; c0 < full; c0 += L) {
                        FloatVector wv = FloatVector.fromArray(S, w, wAt + c0);
                        for (int iw = first, xa = xRow + iw * c + c0, ya = yRow + runs.firstOut[tw] * c + c0; iw < end;
                             iw++, xa += c, ya += yStep) {
                            FloatVector.fromArray(S, x, xa).fma(wv, FloatVector.fromArray(S, y, ya)).intoArray(y, ya);
                        }
                    }
                    for (int ch = full; ch < c; ch++) {   // the channels past the last whole vector
                        float wc = w[wAt + ch];
                        for (int iw = first, xa = xRow + iw * c + ch, ya = yRow + runs.firstOut[tw] * c + ch; iw < end;
                             iw++, xa += c, ya += yStep) {
                            y[ya] = Math.fma(wc, x[xa], y[ya]);
                        }
                    }
                }
            }
        }
    }
}
