package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import io.tconv.internal.WRuns;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double channels-last depthwise path (one input and one output channel per group): a pixel's channels are
 * adjacent in both tensors, so the vectors run across channels, with each channel's weights packed as
 * {@code [tap][channel]}. A task is an output row: it starts from the bias, then each tap that lands on the
 * row sweeps along it, adding weights times input pixels (no inserted zero is visited). The W taps of one
 * residue (that reach the same output cells) sweep in pairs where both reach a cell: one load and store of the
 * output for two taps, added in the same order.
 */
final class DepthwiseLastF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();

    private final Geometry g;
    private final Taps tapsD, tapsH;
    private final WRuns runs;
    /** Per W tap: the next tap of its residue when it leads a pair, −1 when it sweeps alone, −2 when it follows. */
    private final int[] partner;
    private final double[] w, bias;

    DepthwiseLastF64(Geometry g, double[] weight, double[] bias, Workspace workspace) {
        this.g = g;
        tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
        tapsH = new Taps(g.in[1], g.k[1], g.s[1], g.d[1], g.pb[1], g.out[1]);
        runs = new WRuns(g);
        partner = new int[g.k[2]];
        java.util.Arrays.fill(partner, -1);
        for (int t = 0; t < g.k[2]; t++) {
            if (partner[t] != -1) continue;
            for (int u = t + 1; u < g.k[2]; u++) {
                if ((long) (u - t) * g.d[2] % g.s[2] == 0 && partner[u] == -1) {
                    partner[t] = u;
                    partner[u] = -2;
                    break;
                }
            }
        }
        workspace.check(name(), sharedBytes(), 0);
        int c = g.cout;
        w = new double[g.kVol * c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < g.kVol; t++) w[t * c + ch] = weight[ch * g.kVol + t];
        }
        this.bias = bias == null ? new double[c] : bias.clone();
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
        return (long) Double.BYTES * ((long) g.kVol * g.cout + g.cout) + tables;
    }

    @Override
    public long bytesPerThread() { return 0; }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int od = task / g.out[1], oh = task % g.out[1], c = g.cout, inH = g.in[1], inW = g.in[2], kh = g.k[1], kw = g.k[2];
        int outW = g.out[2];
        int xImage = xOff + n * g.inImage(), yRow = yOff + n * g.outImage() + (od * g.out[1] + oh) * outW * c;
        VectorOpsF64.fillPixels(y, yRow, bias, outW);
        // Every tap that lands on this row, in (D, H, W) order, swept along the row: each output cell adds its
        // taps in that fixed order, the bias first.
        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
            for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                int xRow = xImage + (tapsD.input[a] * inH + tapsH.input[b]) * inW * c;
                int tRow = (tapsD.tap[a] * kh + tapsH.tap[b]) * kw;
                for (int tw = 0; tw < kw; tw++) {
                    int tv = partner[tw];
                    if (tv == -2) continue;   // swept with its leader
                    if (tv < 0) {
                        sweep(x, y, xRow, yRow, tRow + tw, tw, runs.first[tw], runs.end[tw]);
                        continue;
                    }
                    // tap tv reaches the cell that tap tw reaches from input iw from input iw − m
                    int m = (int) ((long) (tv - tw) * g.d[2] / g.s[2]);
                    int lo = Math.max(runs.first[tw], runs.first[tv] + m), hi = Math.max(lo, Math.min(runs.end[tw], runs.end[tv] + m));
                    sweep(x, y, xRow, yRow, tRow + tw, tw, runs.first[tw], Math.min(lo, runs.end[tw]));
                    sweep(x, y, xRow, yRow, tRow + tw, tw, Math.max(hi, runs.first[tw]), runs.end[tw]);
                    sweepPair(x, y, xRow, yRow, tRow, tw, tv, m, lo, hi);
                    sweep(x, y, xRow, yRow, tRow + tv, tv, runs.first[tv], Math.min(lo - m, runs.end[tv]));
                    sweep(x, y, xRow, yRow, tRow + tv, tv, Math.max(hi - m, runs.first[tv]), runs.end[tv]);
                }
            }
        }
    }

    /** Tap tw (weights row {@code tRowTap}) swept along inputs [iw0, iw1) of input row xRow onto output row yRow. */
    private void sweep(double[] x, double[] y, int xRow, int yRow, int tRowTap, int tw, int iw0, int iw1) {
        if (iw0 >= iw1) return;
        int c = g.cout, full = c - c % L, wAt = tRowTap * c, yStep = g.s[2] * c;
        int out0 = iw0 * g.s[2] + tw * g.d[2] - g.pb[2];
        for (int c0 = 0; c0 < full; c0 += L) {
            DoubleVector wv = DoubleVector.fromArray(S, w, wAt + c0);
            for (int iw = iw0, xa = xRow + iw * c + c0, ya = yRow + out0 * c + c0; iw < iw1; iw++, xa += c, ya += yStep) {
                DoubleVector.fromArray(S, x, xa).fma(wv, DoubleVector.fromArray(S, y, ya)).intoArray(y, ya);
            }
        }
        for (int ch = full; ch < c; ch++) {   // the channels past the last whole vector
            double wc = w[wAt + ch];
            for (int iw = iw0, xa = xRow + iw * c + ch, ya = yRow + out0 * c + ch; iw < iw1; iw++, xa += c, ya += yStep) {
                y[ya] = Math.fma(wc, x[xa], y[ya]);
            }
        }
    }

    /** Taps tw and then tv (tv reading input iw − m where tw reads iw) swept together along inputs [iw0, iw1) of tw. */
    private void sweepPair(double[] x, double[] y, int xRow, int yRow, int tRow, int tw, int tv, int m, int iw0, int iw1) {
        if (iw0 >= iw1) return;
        int c = g.cout, full = c - c % L, wAt = (tRow + tw) * c, vAt = (tRow + tv) * c, yStep = g.s[2] * c, back = m * c;
        int out0 = iw0 * g.s[2] + tw * g.d[2] - g.pb[2];
        for (int c0 = 0; c0 < full; c0 += L) {
            DoubleVector wv = DoubleVector.fromArray(S, w, wAt + c0), vv = DoubleVector.fromArray(S, w, vAt + c0);
            for (int iw = iw0, xa = xRow + iw * c + c0, ya = yRow + out0 * c + c0; iw < iw1; iw++, xa += c, ya += yStep) {
                DoubleVector acc = DoubleVector.fromArray(S, x, xa).fma(wv, DoubleVector.fromArray(S, y, ya));
                DoubleVector.fromArray(S, x, xa - back).fma(vv, acc).intoArray(y, ya);
            }
        }
        for (int ch = full; ch < c; ch++) {
            double wc = w[wAt + ch], vc = w[vAt + ch];
            for (int iw = iw0, xa = xRow + iw * c + ch, ya = yRow + out0 * c + ch; iw < iw1; iw++, xa += c, ya += yStep) {
                y[ya] = Math.fma(vc, x[xa - back], Math.fma(wc, x[xa], y[ya]));
            }
        }
    }
}
