package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import java.util.Arrays;

/**
 * The float {@link SubPixel} kernel: the inner stride-1 layer's phase GEMM ({@link GemmKernelF32}, its bias the
 * layer's, repeated per residue) runs a task into a per-thread inner image (channels-first), then the task's
 * cells move to the output: each output row of a channel woven from its W residues' rows by register shuffles
 * ({@link TransposeF32#weave}, strides 2, 3, 4, 8 and 16) where whole vectors fit and the output's cells of a
 * channel are adjacent (channels-first, or channels-last with one channel), else a cell at a time.
 */
final class SubPixelF32 implements FloatKernel {
    private static final int L = RowKernelF32.L;
    private final SubPixel sp;
    private final Geometry g, in;
    private final GemmKernelF32 gemm;
    private final ThreadLocal<float[]> image;
    /** The W residues' rows of the inner image, from the first's; and for the weaves a pattern of −0, which adds nothing. */
    private final int[] residueRows;
    private final float[] nothing = new float[L];
    private final boolean weaves;

    SubPixelF32(Geometry g, float[] weight, float[] bias, Workspace workspace) {
        this.g = g;
        sp = new SubPixel(g, MicroKernelsF32.L, Float.BYTES);
        in = sp.inner;
        int[] src = sp.weightSources();
        float[] w = new float[src.length], b = new float[in.cout];
        for (int i = 0; i < src.length; i++) w[i] = weight[src[i]];
        for (int c = 0; c < in.cout; c++) b[c] = bias == null ? 0f : bias[c / sp.cogInner * g.cog + c % g.cog];
        gemm = new GemmKernelF32(sp.gemm, w, b, workspace);
        workspace.check(name(), sharedBytes(), bytesPerThread());
        image = ThreadLocal.withInitial(() -> new float[in.outImage()]);
        residueRows = new int[g.s[2]];
        for (int rw = 0; rw < g.s[2]; rw++) residueRows[rw] = rw * g.cog * in.yc;
        Arrays.fill(nothing, -0f);
        weaves = g.s[2] == 2 ? TransposeF32.interleaves(2) : TransposeF32.stridesOf(g.s[2]) && g.s[2] <= L;
    }

    @Override
    public String name() {
        return "vector-" + VectorConstants.BITS + " " + sp.describe();
    }

    @Override
    public int tasksPerImage() { return gemm.tasksPerImage(); }

    @Override
    public long macsPerTask() { return gemm.macsPerTask(); }

    @Override
    public long sharedBytes() { return gemm.sharedBytes(); }

    @Override
    public long bytesPerThread() { return gemm.bytesPerThread() + (long) Float.BYTES * in.outImage(); }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        float[] buf = image.get();
        gemm.run(0, task, x, xOff + n * g.inImage(), buf, 0);
        int grp = task / sp.gemm.tasksPerGroup, local = task % sp.gemm.tasksPerGroup, band = local / sp.gemm.rowParts;
        Bands bd = sp.gemm.bands;
        int od = bd.bandOd[band], q1 = Math.min(bd.bandQ1[band], in.out[1]), w0 = bd.bandW0[band];
        int w1 = Math.min(bd.bandW1[band], in.out[2]), c0 = sp.firstRow(local), c1 = sp.endRow(local);
        int bufGroup = grp * sp.cogInner * in.yc, yGroup = yOff + n * g.outImage() + grp * g.cog * g.yc;
        for (int rd = 0; rd < g.s[0]; rd++) {
            int d = sp.cell(0, od, rd);
            if (d < 0) continue;
            for (int qh = bd.bandQ0[band]; qh < q1; qh++) {
                for (int rh = 0; rh < g.s[1]; rh++) {
                    int h = sp.cell(1, qh, rh);
                    if (h < 0) continue;
                    int from = bufGroup + ((od * in.out[1] + qh) * in.out[2]) * in.yp, to = yGroup + ((d * g.out[1] + h) * g.out[2]) * g.yp;
                    row(buf, from, rd, rh, w0, w1, c0, c1, y, to);
                }
            }
        }
    }

    /**
     * Inner cells [w0, w1) of inner row {@code from} (of the group's channel 0) to output row {@code to} (likewise),
     * for the output channels whose W residues all lie in rows [c0, c1) of this task; each W residue's row in turn
     * for those split between two tasks.
     */
    private void row(float[] buf, int from, int rd, int rh, int w0, int w1, int c0, int c1, float[] y, int to) {
        int sw = g.s[2], outW = g.out[2], lead = sp.lead[2];
        for (int co = 0; co < g.cog; co++) {
            int first = sp.channel(rd, rh, 0, co), last = sp.channel(rd, rh, sw - 1, co);
            int src = from + first * in.yc, dst = to + co * g.yc;
            if (first >= c0 && last < c1 && g.yp == 1) {
                // whole vectors of inner cells whose every residue's cell is in the output: from the first such
                int u = Math.max(w0, lead > 0 ? 1 : 0), v = u;
                if (weaves) for (; v + L <= w1 && sw * (v + L) - lead <= outW; v += L) TransposeF32.weave(sw, buf, src + v, residueRows, nothing, y, dst + sw * v - lead);
                else if (sw == 1) {
                    v = Math.min(w1, outW + lead);
                    System.arraycopy(buf, src + u, y, dst + u - lead, v - u);
                }
                cells(buf, src, w0, u, 0, sw, y, dst);
                cells(buf, src, v, w1, 0, sw, y, dst);
                continue;
            }
            for (int rw = 0; rw < sw; rw++) {
                int c = sp.channel(rd, rh, rw, co);
                if (c >= c0 && c < c1) cells(buf, src, w0, w1, rw, rw + 1, y, dst);
            }
        }
    }

    /** Inner cells [u, v) of W residues [r0, r1) of the row at {@code src} to output row {@code dst}, one at a time. */
    private void cells(float[] buf, int src, int u, int v, int r0, int r1, float[] y, int dst) {
        for (int q = u; q < v; q++) {
            for (int rw = r0; rw < r1; rw++) {
                int o = sp.cell(2, q, rw);
                if (o >= 0) y[dst + o * g.yp] = buf[src + residueRows[rw] + q];
            }
        }
    }
}
