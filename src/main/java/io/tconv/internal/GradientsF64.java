package io.tconv.internal;

import java.util.Arrays;

/**
 * Double input and bias gradients, row by row: the input gradient (an ordinary convolution of the output
 * gradient with the same weights, stride, crops, dilation and groups) for layers with few input channels per
 * group, where the per-residue forward plans of {@code InputGradientF64} would be mostly padding; and the bias
 * gradient (the output gradient summed over batch and space). Written with {@link DoubleOps}, so the inner
 * loops are Vector API loops where the provider has the module.
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
    /** Per thread: the residues of an output-gradient row, then the group's input-gradient rows being summed. */
    private final ThreadLocal<double[]> buffers;

    /** @param w weights {@code [Cin, Cout/groups, k…]} (copied), or null when only the bias gradient is wanted */
    public GradientsF64(Geometry g, double[] w, DoubleOps ops) {
        this.g = g;
        this.w = w == null ? null : w.clone();
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
        buffers = ThreadLocal.withInitial(() -> new double[sw * qLen + g.cig * g.in[2]]);
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
        double[] buf = buffers.get();
        int sums = g.s[2] * qLen;   // the rows are summed in buf[sums …], one row of inW per input channel
        Arrays.fill(buf, sums, sums + g.cig * inW, 0.0);
        for (int td = 0; td < g.k[0]; td++) {
            long od = (long) id * g.s[0] + (long) td * g.d[0] - g.pb[0];
            if (od < 0 || od >= g.out[0]) continue;
            for (int th = 0; th < kh; th++) {
                long oh = (long) ih * g.s[1] + (long) th * g.d[1] - g.pb[1];
                if (oh < 0 || oh >= g.out[1]) continue;
                for (int co = 0; co < g.cog; co++) {
                    int gyRow = gyOff + n * g.outImage() + (grp * g.cog + co) * g.yc + (int) (od * g.out[1] + oh) * g.out[2] * g.yp;
                    double[] src = residues(gy, gyRow, buf);
                    int base = src == gy ? gyRow : 0;
                    for (int ci = 0; ci < g.cig; ci++) {
                        int c = grp * g.cig + ci, at = sums + ci * inW;
                        int wAt = ((c * g.cog + co) * g.k[0] + td) * kh * kw + th * kw;
                        for (int tw = 0; tw < kw; tw++) {
                            int lo = tapLo[tw], len = tapHi[tw] - lo;
                            if (len > 0) ops.axpy(buf, at + lo, w[wAt + tw], src, base + tapR[tw] * qLen + lo + tapDelta[tw], len);
                        }
                    }
                }
            }
        }
        for (int ci = 0; ci < g.cig; ci++) {
            int to = gxOff + n * g.inImage() + (grp * g.cig + ci) * g.xc + (id * g.in[1] + ih) * inW * g.xp;
            if (g.xp == 1) System.arraycopy(buf, sums + ci * inW, gx, to, inW);
            else for (int iw = 0; iw < inW; iw++) gx[to + iw * g.xp] = buf[sums + ci * inW + iw];
        }
    }

    /** Bias gradient of output channel co over a batch. */
    public double bias(int batch, int co, double[] gy, int gyOff) {
        double s = 0;
        for (int n = 0; n < batch; n++) {
            int at = gyOff + n * g.outImage() + co * g.yc;
            if (g.yp == 1) {
                s += ops.sum(gy, at, g.outPlane);
            } else {   // channels-last: C apart
                double t = 0;
                for (int p = 0; p < g.outPlane; p++) t += gy[at + p * g.yp];
                s += t;
            }
        }
        return s;
    }

    /** The W residues of an output-gradient row in {@code buf}; with stride 1 and channels first the row itself (returns gy). */
    private double[] residues(double[] gy, int row, double[] buf) {
        int sw = g.s[2], outW = g.out[2], yp = g.yp;
        if (sw == 1 && yp == 1) return gy;
        for (int r = 0; r < sw; r++) {
            int at = r * qLen;
            for (int o = r; o < outW; o += sw) buf[at++] = gy[row + o * yp];
        }
        return buf;
    }
}
