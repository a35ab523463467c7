package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import io.tconv.internal.WRuns;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float channels-last path for few input channels and at least a vector of output channels per group: a
 * pixel's output channels are adjacent, so the vectors run across them, with the weights packed as
 * {@code [group][ci][tap][co]}. A task is an output row: it starts from the bias, then for each tap that
 * lands on the row and each input channel, the input pixels (broadcast) times that tap's weights (a vector
 * of output channels) are swept along the row. No inserted zero is visited.
 */
final class ChannelsLastRowsF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();

    private final Geometry g;
    private final Taps tapsD, tapsH;
    private final WRuns runs;
    private final float[] w, bias;

    ChannelsLastRowsF32(Geometry g, float[] weight, float[] bias, Workspace workspace) {
        this.g = g;
        tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
        tapsH = new Taps(g.in[1], g.k[1], g.s[1], g.d[1], g.pb[1], g.out[1]);
        runs = new WRuns(g);
        workspace.check(name(), sharedBytes(), 0);
        w = new float[g.cin * g.kVol * g.cog];
        for (int c = 0; c < g.cin; c++) {   // [Cin, Cout/groups, k…] → [Cin, k…, Cout/groups]
            for (int co = 0; co < g.cog; co++) {
                for (int t = 0; t < g.kVol; t++) w[(c * g.kVol + t) * g.cog + co] = weight[(c * g.cog + co) * g.kVol + t];
            }
        }
        this.bias = bias == null ? new float[g.cout] : bias.clone();
    }

    /** Channels-last, few input channels per group, at least a vector of output channels per group. */
    static boolean suits(Geometry g) {
        return g.channelsLast && g.cig <= 16 && g.cog >= L;
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " channels-last rows"; }

    @Override
    public int tasksPerImage() { return g.out[0] * g.out[1]; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) g.out[2] * g.cout * g.cig * g.kVol / ((long) g.s[0] * g.s[1] * g.s[2])); }

    @Override
    public long sharedBytes() {
        long tables = 4L * (tapsD.start.length + tapsH.start.length + 2L * (tapsD.tap.length + tapsH.tap.length)) + runs.bytes();
        return (long) Float.BYTES * ((long) g.cin * g.kVol * g.cog + g.cout) + tables;
    }

    @Override
    public long bytesPerThread() { return 0; }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int od = task / g.out[1], oh = task % g.out[1], cin = g.cin, cout = g.cout, cog = g.cog;
        int inH = g.in[1], inW = g.in[2], kh = g.k[1], kw = g.k[2], outW = g.out[2], full = cog - cog % L;
        int xImage = xOff + n * g.inImage(), yRow = yOff + n * g.outImage() + (od * g.out[1] + oh) * outW * cout;
        VectorOpsF32.fillPixels(y, yRow, bias, outW);
        int yStep = g.s[2] * cout;
        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
            for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                int xRow = xImage + (tapsD.input[a] * inH + tapsH.input[b]) * inW * cin;
                int tRow = (tapsD.tap[a] * kh + tapsH.tap[b]) * kw;
                for (int tw = 0; tw < kw; tw++) {
                    int first = runs.first[tw], end = runs.end[tw];
                    if (first >= end) continue;
                    for (int c = 0; c < cin; c++) {
                        int grp = c / g.cig, wAt = (c * g.kVol + tRow + tw) * cog;
                        int y0 = yRow + runs.firstOut[tw] * cout + grp * cog, x0 = xRow + first * cin + c;
                        for (int co = 0; co < full; co += L) {
                            FloatVector wv = FloatVector.fromArray(S, w, wAt + co);
                            for (int iw = first, xa = x0, ya = y0 + co; iw < end; iw++, xa += cin, ya += yStep) {
                                wv.fma(FloatVector.broadcast(S, x[xa]), FloatVector.fromArray(S, y, ya)).intoArray(y, ya);
                            }
                        }
                        for (int co = full; co < cog; co++) {   // the channels past the last whole vector
                            float wc = w[wAt + co];
                            for (int iw = first, xa = x0, ya = y0 + co; iw < end; iw++, xa += cin, ya += yStep) {
                                y[ya] = Math.fma(wc, x[xa], y[ya]);
                            }
                        }
                    }
                }
            }
        }
    }
}
