package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float channels-last depthwise path for few channels (one input and one output channel per group, fewer
 * channels than suit {@link DepthwiseLastF32}'s vectors across a pixel's channels): here the vectors run along
 * a row's flat run of (pixel, channel), so every lane is used whatever the channel count. A task is an output
 * row. Per W residue, cell q of the residue reads input pixel q + δ of each term, so the residue's run of cells
 * is a sum of the terms' input runs, each shifted by δ·C ({@link RunSumsF32}: contiguous loads, times the
 * term's weights repeated along the run, onto the bias likewise). The cells where a term falls outside the
 * input (the row's ends) sum their valid terms one cell at a time, in the same order. With a W stride, the
 * residues' runs are then interleaved pixel by pixel into the output row ({@link RowRuns}). No inserted zero
 * is visited.
 */
final class DepthwiseLastRunsF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();

    private final Geometry g;
    /** The channel-vector kernel: its taps, residues, and cells for the rows' ends. */
    private final DepthwiseLastF32 cells;
    private final Taps tapsD, tapsH;
    private final WResidues residues;
    private final RunSumsF32 sums;
    /** With a W stride: an output row's residues, and the length of a residue's run in the scratch buffer (with slack). */
    private final RowRuns rowRuns;
    private final int runLength;
    /** {@link RunSumsF32#pairs}: the runs' rearrange into a row at W stride 2, where it applies. */
    private final VectorShuffle<Float> pairs;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread buffers: the residues' runs, a residue's term tables. */
    private static final class Scratch {
        final float[] runs;
        final int[] termX, termW;

        Scratch(int runs, int terms) {
            this.runs = new float[runs];
            termX = new int[terms];
            termW = new int[terms];
        }
    }

    DepthwiseLastRunsF32(Geometry g, float[] weight, float[] bias, Workspace workspace) {
        this.g = g;
        cells = new DepthwiseLastF32(g, weight, bias, workspace);
        tapsD = cells.tapsD;
        tapsH = cells.tapsH;
        residues = cells.residues;
        int c = g.cout, sw = g.s[2];
        rowRuns = sw == 1 ? null : new RowRuns(g.out[2], c, sw, L);
        runLength = sw == 1 ? 0 : rowRuns.longestRun(c) + L;
        workspace.check(name(), sharedBytes(), bytesPerThread());
        sums = new RunSumsF32(c, g.kVol, weight, bias);
        pairs = RunSumsF32.pairs(c, sw);
        scratch = ThreadLocal.withInitial(() -> new Scratch(sw * runLength, g.kVol));   // a row's terms: at most every tap
    }

    /**
     * Channels-last depthwise layers with fewer channels than lanes, where vectors across a pixel's channels would
     * be mostly empty (3 channels, 128², k4s2: 7 → 18 GFLOP/s at 512 bits). From 12 channels on the two
     * kernels measured alike, and the channel vectors are faster at multiples of the lanes (16: 38 against 27).
     */
    static boolean suits(Geometry g) {
        return DepthwiseLastF32.suits(g) && g.cog == 1 && g.groups < L;
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " depthwise channels-last runs"; }

    @Override
    public int tasksPerImage() { return cells.tasksPerImage(); }   // an output row

    @Override
    public long macsPerTask() { return cells.macsPerTask(); }

    @Override
    public long sharedBytes() {
        return cells.sharedBytes() + (long) Float.BYTES * L * g.cout * (g.kVol + 1L) + (rowRuns == null ? 0 : rowRuns.bytes());
    }

    @Override
    public long bytesPerThread() { return (long) Float.BYTES * g.s[2] * runLength + 8L * g.k[0] * g.k[1] * g.k[2]; }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int od = task / g.out[1], oh = task % g.out[1], c = g.cout, sw = g.s[2];
        int xImage = xOff + n * g.inImage(), yRow = yOff + n * g.outImage() + (od * g.out[1] + oh) * g.out[2] * c;
        Scratch s = scratch.get();
        for (int r = 0; r < sw; r++) {
            // At W stride 1 the single residue's run is the output row itself.
            float[] run = sw == 1 ? y : s.runs;
            int at = sw == 1 ? yRow : r * runLength, count = residues.count[r];
            int terms = termTables(od, oh, r, xImage, s);
            int q0 = residues.interior0[r], q1 = residues.interior1[r];
            sums.sum(x, s.termX, s.termW, terms, run, at, q0 * c, q1 * c);
            for (int q = 0; q < count; q++) {
                if (q == q0) q = q1;   // the interior is done
                if (q < count) this.cells.cell(x, run, od, oh, r, q, xImage, at + q * c);
            }
        }
        if (sw > 1) RunSumsF32.expand(s.runs, runLength, rowRuns, pairs, y, yRow);
    }

    /** Lists residue r's terms (D tap, H tap, W tap, in that order): their input run for q = 0, their tap. */
    private int termTables(int od, int oh, int r, int xImage, Scratch s) {
        int c = g.cout, n = 0;
        int[] tw = residues.tap[r], dl = residues.delta[r];
        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
            for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                int xRow = xImage + (tapsD.input[a] * g.in[1] + tapsH.input[b]) * g.in[2] * c, tRow = (tapsD.tap[a] * g.k[1] + tapsH.tap[b]) * g.k[2];
                for (int t = 0; t < tw.length; t++, n++) {
                    s.termX[n] = xRow + dl[t] * c;
                    s.termW[n] = tRow + tw[t];
                }
            }
        }
        return n;
    }
}
