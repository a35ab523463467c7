package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double channels-last depthwise path for few channels (one input and one output channel per group, fewer
 * channels than suit {@link DepthwiseLastF64}'s vectors across a pixel's channels): here the vectors run along
 * a row's flat run of (pixel, channel), so every lane is used whatever the channel count. A task is an output
 * row. Per W residue, cell q of the residue reads input pixel q + δ of each term, so the residue's run of cells
 * is a sum of the terms' input runs, each shifted by δ·C: contiguous loads, times the term's weights repeated
 * along the run (one vector per channel a vector may start at: {@code [tap][channel][lane]}), onto the bias
 * likewise. The cells where a term falls outside the input (the row's ends) sum their valid terms one cell at
 * a time, in the same order. With a W stride, the residues' runs are then interleaved pixel by pixel into the
 * output row: each output vector expands the lanes of every residue from that residue's run, by tables made at
 * plan time. No inserted zero is visited.
 */
final class DepthwiseLastRunsF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();

    private final Geometry g;
    /** The channel-vector kernel: its taps, residues, and cells for the rows' ends. */
    private final DepthwiseLastF64 cells;
    private final Taps tapsD, tapsH;
    private final WResidues residues;
    /** The weights repeated along a run, {@code [tap][first channel][lane]}; the bias likewise, {@code [first channel][lane]}. */
    private final double[] wRun, biasRun;
    /** Vectors after which the channel of a vector's first lane repeats: C / gcd(C, L). */
    private final int period;
    /** A residue's run in the scratch buffer: its cells' channels and the slack a last vector reads past them. */
    private final int runLength;
    /** W stride above 1, per output vector o and residue r at {@code o·sW + r}: where its lanes start in r's run, which lanes. */
    private final int[] zipFrom;
    private final long[] zipLanes;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread buffers: the residues' runs, a residue's term tables. */
    private static final class Scratch {
        final double[] runs;
        final int[] termX, termW;

        Scratch(int runs, int terms) {
            this.runs = new double[runs];
            termX = new int[terms];
            termW = new int[terms];
        }
    }

    DepthwiseLastRunsF64(Geometry g, double[] weight, double[] bias, Workspace workspace) {
        this.g = g;
        cells = new DepthwiseLastF64(g, weight, bias, workspace);
        tapsD = cells.tapsD;
        tapsH = cells.tapsH;
        residues = cells.residues;
        int c = g.cout, sw = g.s[2];
        period = c / java.math.BigInteger.valueOf(c).gcd(java.math.BigInteger.valueOf(L)).intValue();
        int most = 0;
        for (int count : residues.count) most = Math.max(most, count);
        runLength = sw == 1 ? 0 : most * c + L;
        int vectors = sw == 1 ? 0 : (g.out[2] * c + L - 1) / L;
        zipFrom = new int[vectors * sw];
        zipLanes = new long[vectors * sw];
        workspace.check(name(), sharedBytes(), bytesPerThread());
        wRun = new double[g.kVol * c * L];
        for (int t = 0; t < g.kVol; t++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < L; i++) wRun[(t * c + ch) * L + i] = weight[(ch + i) % c * g.kVol + t];
            }
        }
        biasRun = new double[c * L];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < L; i++) biasRun[ch * L + i] = bias == null ? 0 : bias[(ch + i) % c];
        }
        for (int o = 0; o < vectors; o++) {
            for (int i = 0; i < L; i++) {
                long f = (long) o * L + i, pixel = f / c;
                if (pixel >= g.out[2]) break;
                int r = (int) (pixel % sw), at = o * sw + r;
                if (zipLanes[at] == 0) zipFrom[at] = (int) (pixel / sw * c + f % c);   // the residue's first lane here
                zipLanes[at] |= 1L << i;
            }
        }
        int terms = maxTaps(tapsD) * maxTaps(tapsH) * g.k[2];
        scratch = ThreadLocal.withInitial(() -> new Scratch(sw * runLength, Math.max(1, terms)));
    }

    private static int maxTaps(Taps t) {
        int most = 0;
        for (int o = 0; o + 1 < t.start.length; o++) most = Math.max(most, t.start[o + 1] - t.start[o]);
        return most;
    }

    /**
     * Channels-last depthwise layers with fewer channels than lanes, where vectors across a pixel's channels would
     * be mostly empty (3 channels, 128², k4s2: 7 → 18 GFLOP/s at 512 bits). From 12 channels on the two
     * kernels measured alike, and the channel vectors are faster at multiples of the lanes (16: 38 against 27).
     */
    static boolean suits(Geometry g) {
        return DepthwiseLastF64.suits(g) && g.groups < L;
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " depthwise channels-last runs"; }

    @Override
    public int tasksPerImage() { return cells.tasksPerImage(); }   // an output row

    @Override
    public long macsPerTask() { return cells.macsPerTask(); }

    @Override
    public long sharedBytes() {
        return cells.sharedBytes() + (long) Double.BYTES * ((long) g.kVol * g.cout * L + (long) g.cout * L) + 12L * zipFrom.length;
    }

    @Override
    public long bytesPerThread() { return (long) Double.BYTES * g.s[2] * runLength + 8L * g.k[0] * g.k[1] * g.k[2]; }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int od = task / g.out[1], oh = task % g.out[1], c = g.cout, sw = g.s[2];
        int xImage = xOff + n * g.inImage(), yRow = yOff + n * g.outImage() + (od * g.out[1] + oh) * g.out[2] * c;
        Scratch s = scratch.get();
        for (int r = 0; r < sw; r++) {
            // At W stride 1 the single residue's run is the output row itself.
            double[] run = sw == 1 ? y : s.runs;
            int at = sw == 1 ? yRow : r * runLength, count = residues.count[r];
            int terms = termTables(od, oh, r, xImage, s);
            int q0 = residues.interior0[r], q1 = terms == 0 ? q0 : residues.interior1[r];
            interior(x, run, at, q0 * c, q1 * c, terms, s);
            for (int q = 0; q < count; q++) {
                if (q == q0) q = q1;   // the interior is done
                if (q < count) this.cells.cell(x, run, od, oh, r, q, xImage, at + q * c);
            }
        }
        if (sw > 1) interleave(s.runs, y, yRow);
    }

    /** Lists residue r's terms (D tap, H tap, W tap, in that order): their input run for q = 0, their weights' run. */
    private int termTables(int od, int oh, int r, int xImage, Scratch s) {
        int c = g.cout, n = 0;
        int[] tw = residues.tap[r], dl = residues.delta[r];
        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
            for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                int xRow = xImage + (tapsD.input[a] * g.in[1] + tapsH.input[b]) * g.in[2] * c, tRow = (tapsD.tap[a] * g.k[1] + tapsH.tap[b]) * g.k[2];
                for (int t = 0; t < tw.length; t++, n++) {
                    s.termX[n] = xRow + dl[t] * c;
                    s.termW[n] = (tRow + tw[t]) * c * L;
                }
            }
        }
        return n;
    }

    /**
     * The run [f0, f1) of the residue (cells whose every term reads inside the input): bias plus terms, four terms
     * per pass over the run (a vector's sum kept in the run between passes), the last vector masked.
     */
    private void interior(double[] x, double[] run, int at, int f0, int f1, int terms, Scratch s) {
        int[] termX = s.termX, termW = s.termW;
        for (int j = 0; j < terms; j += 4) {
            int count = Math.min(4, terms - j), last = j + count - 1;
            int x0 = termX[j], x1 = termX[Math.min(j + 1, last)], x2 = termX[Math.min(j + 2, last)], x3 = termX[last];
            int w0 = termW[j], w1 = termW[Math.min(j + 1, last)], w2 = termW[Math.min(j + 2, last)], w3 = termW[last];
            pass(x, run, at, f0, f1, j == 0, count, x0, x1, x2, x3, w0, w1, w2, w3);
        }
    }

    /**
     * Up to four terms onto the run [f0, f1): from the bias when {@code first}, else from the run. A vector's
     * weights depend on the channel of its first lane, which repeats every {@link #period} vectors: the vectors
     * go in that many strided sweeps, each with its weights in registers (reloading them per vector made the
     * loop twice as slow), then the last, partial vector, masked.
     */
    private void pass(double[] x, double[] run, int at, int f0, int f1, boolean first, int count, int x0, int x1, int x2, int x3,
                      int w0, int w1, int w2, int w3) {
        int c = g.cout, whole = (f1 - f0) / L, stride = period * L;
        for (int k = 0; k < Math.min(period, whole); k++) {
            int rot = k * L % c * L;
            DoubleVector v0 = DoubleVector.fromArray(S, wRun, w0 + rot), v1 = DoubleVector.fromArray(S, wRun, w1 + rot);
            DoubleVector v2 = DoubleVector.fromArray(S, wRun, w2 + rot), v3 = DoubleVector.fromArray(S, wRun, w3 + rot);
            DoubleVector b = DoubleVector.fromArray(S, biasRun, rot);
            for (int f = f0 + k * L, end = f0 + whole * L; f < end; f += stride) {
                DoubleVector acc = first ? b : DoubleVector.fromArray(S, run, at + f);
                acc = DoubleVector.fromArray(S, x, x0 + f).fma(v0, acc);
                if (count > 1) acc = DoubleVector.fromArray(S, x, x1 + f).fma(v1, acc);
                if (count > 2) acc = DoubleVector.fromArray(S, x, x2 + f).fma(v2, acc);
                if (count > 3) acc = DoubleVector.fromArray(S, x, x3 + f).fma(v3, acc);
                acc.intoArray(run, at + f);
            }
        }
        int f = f0 + whole * L;
        if (f < f1) {
            VectorMask<Double> m = lanes(f1 - f);
            int rot = whole * L % c * L;
            DoubleVector acc = first ? DoubleVector.fromArray(S, biasRun, rot) : DoubleVector.fromArray(S, run, at + f, m);
            acc = DoubleVector.fromArray(S, x, x0 + f, m).fma(DoubleVector.fromArray(S, wRun, w0 + rot), acc);
            if (count > 1) acc = DoubleVector.fromArray(S, x, x1 + f, m).fma(DoubleVector.fromArray(S, wRun, w1 + rot), acc);
            if (count > 2) acc = DoubleVector.fromArray(S, x, x2 + f, m).fma(DoubleVector.fromArray(S, wRun, w2 + rot), acc);
            if (count > 3) acc = DoubleVector.fromArray(S, x, x3 + f, m).fma(DoubleVector.fromArray(S, wRun, w3 + rot), acc);
            acc.intoArray(run, at + f, m);
        }
    }

    /** Writes the output row from the residues' runs: each vector expands every residue's lanes from its run. */
    private void interleave(double[] runs, double[] y, int yRow) {
        int sw = g.s[2], length = g.out[2] * g.cout, whole = length - length % L;
        if (sw == 2) {   // the common stride, without the loop over residues
            int second = runLength;
            for (int f = 0, at = 0; f < whole; f += L, at += 2) {
                VectorMask<Double> odd = VectorMask.fromLong(S, zipLanes[at + 1]);
                DoubleVector.fromArray(S, runs, zipFrom[at]).expand(odd.not())
                        .blend(DoubleVector.fromArray(S, runs, second + zipFrom[at + 1]).expand(odd), odd).intoArray(y, yRow + f);
            }
        }
        for (int f = sw == 2 ? whole : 0, o = f / L; f < length; o++, f += L) {
            DoubleVector v = DoubleVector.zero(S);
            for (int r = 0, at = o * sw; r < sw; r++, at++) {
                if (zipLanes[at] == 0) continue;
                VectorMask<Double> lanes = VectorMask.fromLong(S, zipLanes[at]);
                v = v.blend(DoubleVector.fromArray(S, runs, r * runLength + zipFrom[at]).expand(lanes), lanes);
            }
            if (f + L <= length) v.intoArray(y, yRow + f);
            else v.intoArray(y, yRow + f, lanes(length - f));
        }
    }

    /** The first n lanes (all for n ≥ L), from bits: cheaper here than {@code indexInRange}, which JFR had at 7%. */
    private static VectorMask<Double> lanes(int n) {
        return VectorMask.fromLong(S, n >= L ? -1L : (1L << n) - 1);
    }
}
