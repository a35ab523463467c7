package io.tconv.internal;

import java.util.Arrays;

/**
 * Double input and bias gradients, row by row; the twin of {@code GradientsF32}.
 *
 * <p>Along W an output row is read at stride sW, so each output-gradient row is first split into its sW
 * residues ({@code row[q·sW + r]} at {@code buffer[r·qLen + q]}), after which every W tap is a contiguous run.
 * Every task owns its outputs and sums in a fixed order: results do not depend on the thread count.
 */
public final class GradientsF64 {
    private final Geometry g;
    private final double[] w;
    private final DoubleOps ops;
    /** Per W tap: residue, offset δ in the residue, and the input range [lo, hi) whose output lands. */
    private final int[] tapR, tapDelta, tapLo, tapHi;
    private final int qLen;
    private final ThreadLocal<double[]> buffers;

    /** @param w weights {@code [Cin, Cout/groups, k…]} (copied) */
    public GradientsF64(Geometry g, double[] w, DoubleOps ops) {
        this.g = g;
        this.w = w.clone();
        this.ops = ops;
        int kw = g.k[2], sw = g.s[2];
        tapR = new int[kw];
        tapDelta = new int[kw];
        tapLo = new int[kw];
        tapHi = new int[kw];
        for (int t = 0; t < kw; t++) {
            long off = (long) t * g.d[2] - g.pb[2];
            tapR[t] = (int) Math.floorMod(off, sw);
            tapDelta[t] = (int) Math.floorDiv(off, sw);
            tapLo[t] = (int) Math.max(0, Math.min(g.in[2], -Math.floorDiv(off, sw)));   // ceil(−off / s)
            tapHi[t] = (int) Math.max(tapLo[t], Math.min(g.in[2], Math.floorDiv(g.out[2] - 1 - off, sw) + 1));
        }
        qLen = (g.out[2] + sw - 1) / sw;
        buffers = ThreadLocal.withInitial(() -> new double[sw == 1 ? 0 : sw * qLen]);
    }

    /** {@return tasks of {@link #input} per image: one per (group, input row)} */
    public int inputTasks() { return g.groups * g.in[0] * g.in[1]; }

    /** {@return multiply-adds of one input task, roughly} */
    public long inputMacs() { return Math.max(1, (long) g.cig * g.cog * g.kVol * g.in[2]); }

    /**
     * Input gradient, one input row of one group of image n: {@code gx[n, c, id, ih, :]} for the group's channels.
     */
    public void input(int n, int task, double[] gy, int gyOff, double[] gx, int gxOff) {
        int grp = task / (g.in[0] * g.in[1]), row = task % (g.in[0] * g.in[1]), id = row / g.in[1], ih = row % g.in[1];
        int inW = g.in[2], kh = g.k[1], kw = g.k[2];
        for (int ci = 0; ci < g.cig; ci++) {
            int at = gxOff + (n * g.cin + grp * g.cig + ci) * g.inPlane + (id * g.in[1] + ih) * inW;
            Arrays.fill(gx, at, at + inW, 0.0);
        }
        double[] buf = buffers.get();
        for (int td = 0; td < g.k[0]; td++) {
            long od = (long) id * g.s[0] + (long) td * g.d[0] - g.pb[0];
            if (od < 0 || od >= g.out[0]) continue;
            for (int th = 0; th < kh; th++) {
                long oh = (long) ih * g.s[1] + (long) th * g.d[1] - g.pb[1];
                if (oh < 0 || oh >= g.out[1]) continue;
                for (int co = 0; co < g.cog; co++) {
                    int gyRow = gyOff + (n * g.cout + grp * g.cog + co) * g.outPlane + (int) (od * g.out[1] + oh) * g.out[2];
                    double[] src = residues(gy, gyRow, buf);
                    int base = src == gy ? gyRow : 0;
                    for (int ci = 0; ci < g.cig; ci++) {
                        int c = grp * g.cig + ci;
                        int at = gxOff + (n * g.cin + c) * g.inPlane + (id * g.in[1] + ih) * inW;
                        int wAt = ((c * g.cog + co) * g.k[0] + td) * kh * kw + th * kw;
                        for (int tw = 0; tw < kw; tw++) {
                            int lo = tapLo[tw], len = tapHi[tw] - lo;
                            if (len > 0) ops.axpy(gx, at + lo, w[wAt + tw], src, base + tapR[tw] * qLen + lo + tapDelta[tw], len);
                        }
                    }
                }
            }
        }
    }

    /** Bias gradient of output channel co over a batch. */
    public double bias(int batch, int co, double[] gy, int gyOff) {
        double s = 0;
        for (int n = 0; n < batch; n++) s += ops.sum(gy, gyOff + (n * g.cout + co) * g.outPlane, g.outPlane);
        return s;
    }

    /** The W residues of an output-gradient row in {@code buf}; with stride 1 the row itself (returns gy). */
    private double[] residues(double[] gy, int row, double[] buf) {
        int sw = g.s[2], outW = g.out[2];
        if (sw == 1) return gy;
        for (int r = 0; r < sw; r++) {
            int at = r * qLen;
            for (int o = r; o < outW; o += sw) buf[at++] = gy[row + o];
        }
        return buf;
    }
}
