package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float input gradient of a channels-last depthwise layer with fewer channels than lanes (see
 * {@link DepthwiseLastRunsF32}): {@code gx[i][c] = Σ_t w[c][t] · gy[i·s − pb + t·d][c]}, with the vectors along a
 * gx row's flat run of (pixel, channel). A task is a block of gx rows of a plane. Each gy row it reads is first
 * split into its W residues' runs, once per block ({@link RowRuns}, by vector compresses; at W stride 1 the row
 * is its own run): W tap t reads
 * residue r = (t·d − pb) mod s at cell iw + δ, so the gx run is a sum of those runs shifted by δ·C
 * ({@link RunSumsF32}), the taps in (D, H, W) order, over the pixels whose every W tap lands inside gy; the
 * pixels at the row's ends sum their taps inside gy one pixel at a time, in the same order. No inserted zero is
 * visited.
 */
final class DepthwiseLastGradientRunsF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();

    private final Geometry g;
    private final RunSumsF32 sums;
    /** Weights {@code [tap][channel]}, for the pixels at the rows' ends, with L zeros after them (masked vectors stay inside). */
    private final float[] w;
    /** Per W tap: the gy residue it reads, its offset δ, that residue's cells. */
    private final int[] tapResidue, tapDelta, residueCells;
    /** The gx columns whose every W tap lands inside gy. */
    private final int[] interior;
    /** With a W stride: a gy row's residues, and the length of a residue's run in the scratch buffer (with slack). */
    private final RowRuns rowRuns;
    private final int runLength;
    /** Gx rows per task (a block of one plane), and the gy rows per D tap a block reads: its split rows' slots. */
    private final int blockRows, blocksPerPlane, span;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread buffers: the runs of the gy rows of a block of gx rows, and a gx row's terms: source run, tap, W tap. */
    private static final class Scratch {
        final float[] runs;
        final int[] from, tap, wTap, gyRows, rowTaps;

        Scratch(int runs, int rows, int terms) {
            this.runs = new float[runs];
            gyRows = new int[rows];
            rowTaps = new int[rows];
            from = new int[terms];
            tap = new int[terms];
            wTap = new int[terms];
        }
    }

    DepthwiseLastGradientRunsF32(Geometry g, float[] weight, Workspace workspace) {
        this.g = g;
        int c = g.cout, sw = g.s[2], kw = g.k[2];
        rowRuns = sw == 1 ? null : new RowRuns(g.out[2], c, sw, L);
        runLength = sw == 1 ? 0 : rowRuns.longestRun(c) + L;
        // Blocks of gx rows whose split gy rows stay within BLOCK_BYTES: each gy row is split once per block, not once
        // per gx row that reads it (kH / sH of them).
        long rowBytes = (long) Float.BYTES * g.k[0] * sw * runLength;
        int rows = 1;
        while (rows < g.in[1] && rows < 64 && ((long) rows * 2 - 1) * g.s[1] + (g.k[1] - 1L) * g.d[1] + 1 <= BLOCK_BYTES / Math.max(1, rowBytes)) {
            rows *= 2;
        }
        blocksPerPlane = (g.in[1] + rows - 1) / rows;
        blockRows = (g.in[1] + blocksPerPlane - 1) / blocksPerPlane;
        span = Math.toIntExact((blockRows - 1L) * g.s[1] + (g.k[1] - 1L) * g.d[1] + 1);   // (from ohLo, which may be negative)
        workspace.check(name(), sharedBytes(), bytesPerThread());
        sums = new RunSumsF32(c, g.kVol, weight, null);
        w = new float[g.kVol * c + L];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < g.kVol; t++) w[t * c + ch] = weight[ch * g.kVol + t];
        }
        tapResidue = new int[kw];
        tapDelta = new int[kw];
        for (int t = 0; t < kw; t++) {
            long e = (long) t * g.d[2] - g.pb[2];   // gx pixel iw reads gy pixel iw·s + e
            tapResidue[t] = (int) Math.floorMod(e, sw);
            tapDelta[t] = (int) Math.floorDiv(e, sw);
        }
        interior = GyTaps.interior(g);
        residueCells = new int[sw];
        for (int r = 0; r < sw; r++) residueCells[r] = g.out[2] > r ? (g.out[2] - r + sw - 1) / sw : 0;
        scratch = ThreadLocal.withInitial(() -> new Scratch(g.k[0] * span * sw * runLength, g.k[0] * g.k[1], g.k[0] * g.k[1] * kw));
    }

    /** A block's split gy rows at most this (L2 resident while its gx rows read them). */
    static final long BLOCK_BYTES = 256 << 10;

    static boolean suits(Geometry g) {
        return DepthwiseLastRunsF32.suits(g);
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " depthwise channels-last input gradient runs"; }

    @Override
    public int tasksPerImage() { return g.in[0] * blocksPerPlane; }

    @Override
    public long macsPerTask() {
        // its multiply-adds, and splitting its gy rows at a few multiply-adds' cost per element
        return Math.max(1, blockRows * ((long) g.in[2] * g.cout * g.kVol) + 4L * g.k[0] * span * g.out[2] * g.cout);
    }

    @Override
    public long sharedBytes() {
        return (long) Float.BYTES * (L * g.cout * (g.kVol + 1L) + g.kVol * g.cout + L) + 12L * g.k[2] + (rowRuns == null ? 0 : rowRuns.bytes());
    }

    @Override
    public long bytesPerThread() { return (long) Float.BYTES * g.k[0] * span * g.s[2] * runLength + 12L * g.kVol; }

    /** Block {@code task} of gx rows of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int id = task / blocksPerPlane, ih0 = task % blocksPerPlane * blockRows, ih1 = Math.min(g.in[1], ih0 + blockRows), sw = g.s[2];
        int gyImage = xOff + n * g.outImage(), ohLo = ih0 * g.s[1] - g.pb[1], c = g.cout;
        Scratch s = scratch.get();
        if (sw > 1) {   // split the block's gy rows, each once: D tap kd's row oh into slot (kd, oh − ohLo)
            for (int kd = 0; kd < g.k[0]; kd++) {
                long od = (long) id * g.s[0] - g.pb[0] + (long) kd * g.d[0];
                if (od < 0 || od >= g.out[0]) continue;
                for (int oh = Math.max(0, ohLo), end = Math.min(g.out[1], ohLo + span); oh < end; oh++) {
                    int gyRow = gyImage + (int) ((od * g.out[1] + oh) * g.out[2] * c);
                    RunSumsF32.compress(x, gyRow, rowRuns, s.runs, (kd * span + oh - ohLo) * sw * runLength, runLength);
                }
            }
        }
        for (int ih = ih0; ih < ih1; ih++) row(n, id, ih, ohLo, x, xOff, y, yOff, s);
    }

    /** Gx row (id, ih) of image n, from the block's split gy rows (gy itself at W stride 1). */
    private void row(int n, int id, int ih, int ohLo, float[] x, int xOff, float[] y, int yOff, Scratch s) {
        int c = g.cout, inW = g.in[2], sw = g.s[2];
        int gyImage = xOff + n * g.outImage(), gxRow = yOff + n * g.inImage() + (id * g.in[1] + ih) * inW * c;
        float[] src = sw == 1 ? x : s.runs;   // at W stride 1 a gy row is its own run
        int rows = GyTaps.of(g, id, ih, gyImage, s.gyRows, s.rowTaps), terms = 0, plane = g.out[1] * g.out[2] * c;
        for (int j = 0; j < rows; j++) {
            int gyRow = s.gyRows[j], at = gyRow - gyImage, od = at / plane, oh = at % plane / (g.out[2] * c);
            int runs = ((od - (id * g.s[0] - g.pb[0])) / g.d[0] * span + oh - ohLo) * sw * runLength;   // its slot: (kd, oh − ohLo)
            for (int kw = 0; kw < g.k[2]; kw++, terms++) {
                s.from[terms] = (sw == 1 ? gyRow : runs + tapResidue[kw] * runLength) + tapDelta[kw] * c;
                s.tap[terms] = s.rowTaps[j] + kw;
                s.wTap[terms] = kw;
            }
        }
        int i0 = interior[0], i1 = interior[1];   // the pixels whose every W tap lands inside gy
        sums.sum(src, s.from, s.tap, terms, y, gxRow, i0 * c, i1 * c);
        for (int iw = 0; iw < inW; iw++) {
            if (iw == i0) iw = i1;   // the interior is done
            if (iw < inW) pixel(src, s, terms, iw, y, gxRow + iw * c);
        }
    }

    /**
     * Gx pixel iw into {@code gx[to …]}: its terms whose W tap lands inside gy, in order, its channels in a masked
     * vector, or one at a time where that vector could reach past the end of gy or gx (where masked loads and
     * stores check their lanes one by one, tens of times slower).
     */
    private void pixel(float[] src, Scratch s, int terms, int iw, float[] gx, int to) {
        int c = g.cout;
        boolean inside = to + L <= gx.length;
        for (int t = 0; t < terms; t++) inside &= s.from[t] + iw * c + L <= src.length;
        if (inside) {
            VectorMask<Float> m = RunSumsF32.lanes(c);
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < terms; t++) {
                int kw = s.wTap[t], q = iw + tapDelta[kw];
                if (q < 0 || q >= residueCells[tapResidue[kw]]) continue;
                acc = FloatVector.fromArray(S, src, s.from[t] + iw * c, m).fma(FloatVector.fromArray(S, w, s.tap[t] * c, m), acc);
            }
            acc.intoArray(gx, to, m);
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            float acc = 0;
            for (int t = 0; t < terms; t++) {
                int kw = s.wTap[t], q = iw + tapDelta[kw];
                if (q >= 0 && q < residueCells[tapResidue[kw]]) acc = Math.fma(src[s.from[t] + iw * c + ch], w[s.tap[t] * c + ch], acc);
            }
            gx[to + ch] = acc;
        }
    }
}
