package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float input gradient of a channels-last depthwise layer (one input channel per group; one output channel
 * per group, or several: the row's sums are then per output channel in a per-thread buffer and each group's are
 * added into gx, {@link MultipliersF32}): {@code gx[i][c] = Σ_t w[c][t] · gy[i·s − pb + t·d][c]}. A pixel's
 * channels are adjacent in gy and gx, so the vectors run across channels, with the weights packed
 * {@code [tap][channel]}: each gx cell sums its taps that land inside gy in registers, in (D, H, W) tap order,
 * and is stored once; four pixels and two vectors of channels at a time (a flat list of the row's terms) where
 * every W tap lands inside gy (the last block moved back to end where that stretch does; the last, partial
 * vector of channels masked), one pixel at a time at the row's ends. A task is a gx row. (The row kernel's
 * tasks are one group each: on a channels-last depthwise layer each would read every cache line of gy's rows
 * for one float of it.)
 */
final class DepthwiseLastGradientF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();
    private final Geometry g;
    private final float[] w;
    /** Depthwise multipliers: the summing over a group's output channels, and per thread a row's sums (else null). */
    private final MultipliersF32 multipliers;
    private final ThreadLocal<float[]> rowSums;

    /** A row's taps inside gy, and its terms for the pixels whose every W tap is inside (no bounds checks there). */
    private final RowTerms rowTerms;

    DepthwiseLastGradientF32(Geometry g, float[] weight, Workspace workspace) {
        this.g = g;
        rowTerms = new RowTerms(g, 1);
        workspace.check(name(), sharedBytes(), 0);
        int c = g.cout;
        w = new float[g.kVol * c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < g.kVol; t++) w[t * c + ch] = weight[ch * g.kVol + t];
        }
        multipliers = g.cog > 1 ? new MultipliersF32(g.cin, g.cog) : null;
        rowSums = multipliers == null ? null : ThreadLocal.withInitial(() -> new float[rowSumsLength()]);
    }

    /** A gx row's sums per output channel, and a vector's room after them (the summing reads whole vectors). */
    private int rowSumsLength() {
        return g.in[2] * g.cout + L;
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
    public long bytesPerThread() { return multipliers == null ? 0 : (long) Float.BYTES * rowSumsLength(); }

    /** Gx row {@code task} of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int id = task / g.in[1], ih = task % g.in[1], c = g.cout, inW = g.in[2];
        int gyImage = xOff + n * g.outImage(), gxStart = yOff + n * g.inImage() + (id * g.in[1] + ih) * inW * g.cin;
        // with multipliers, the row's sums per output channel first
        float[] sums = multipliers == null ? y : rowSums.get();
        int gxRow = multipliers == null ? gxStart : 0;
        rowTerms.build(id, ih, gyImage, 1, c, 0);   // a term per tap: gy's and the weights' channel 0
        int[][] rows = rowTerms.arrays();
        int whole = c - c % L;   // channels in whole vectors
        int i0 = rowTerms.interior0, i1 = rowTerms.interior1;
        for (int iw = 0; iw < inW; iw++) {
            if (iw == i0 && i1 - i0 >= 4) {   // four pixels at a time, every W tap inside gy
                // blocks from i0; a last block that would cross i1 moves back (its overlap is stored again, the same values)
                for (int at = i0; ; at = Math.min(at + 4, i1 - 4)) {
                    for (int c0 = 0; c0 < whole; c0 += 2 * L) {
                        four(x, rows[2], rows[3], rows[4][1], at, c0, c0 + L < whole, sums, gxRow + at * c + c0);
                    }
                    if (whole < c) partial(x, rows[2], rows[3], rows[4][1], at, whole, sums, gxRow + at * c + whole);
                    if (at + 4 == i1) break;
                }
                iw = i1 - 1;
            } else {
                one(x, rows[0], rows[1], rows[4][0], iw, sums, gxRow + iw * c);
            }
        }
        if (multipliers != null) multipliers.sum(sums, 0, inW, y, gxStart);
    }

    /**
     * Gx pixels iw … iw + 3 (every W tap inside gy), channels c0 … c0 + L − 1 and, where {@code two}, the next L:
     * term m at {@code gyTerm[m]} in gy from pixel iw's first tap and {@code wTerm[m]} in the weights; into gx
     * from {@code to}. Eight sums in flight (one per cell held only four FMAs' latency apart).
     */
    private void four(float[] gy, int[] gyTerm, int[] wTerm, int terms, int iw, int c0, boolean two, float[] gx, int to) {
        int c = g.cout, next = g.s[2] * c, gyAt = iw * next + c0;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        for (int m = 0; m < terms; m++) {
            int at = gyAt + gyTerm[m], wt = wTerm[m] + c0;
            FloatVector w0 = FloatVector.fromArray(S, w, wt);
            a0 = FloatVector.fromArray(S, gy, at).fma(w0, a0);
            a1 = FloatVector.fromArray(S, gy, at + next).fma(w0, a1);
            a2 = FloatVector.fromArray(S, gy, at + 2 * next).fma(w0, a2);
            a3 = FloatVector.fromArray(S, gy, at + 3 * next).fma(w0, a3);
            if (two) {
                FloatVector w1 = FloatVector.fromArray(S, w, wt + L);
                b0 = FloatVector.fromArray(S, gy, at + L).fma(w1, b0);
                b1 = FloatVector.fromArray(S, gy, at + next + L).fma(w1, b1);
                b2 = FloatVector.fromArray(S, gy, at + 2 * next + L).fma(w1, b2);
                b3 = FloatVector.fromArray(S, gy, at + 3 * next + L).fma(w1, b3);
            }
        }
        a0.intoArray(gx, to);
        a1.intoArray(gx, to + c);
        a2.intoArray(gx, to + 2 * c);
        a3.intoArray(gx, to + 3 * c);
        if (two) {
            b0.intoArray(gx, to + L);
            b1.intoArray(gx, to + c + L);
            b2.intoArray(gx, to + 2 * c + L);
            b3.intoArray(gx, to + 3 * c + L);
        }
    }

    /** {@link #four} for the last, partial vector of channels, from c0: masked. */
    private void partial(float[] gy, int[] gyTerm, int[] wTerm, int terms, int iw, int c0, float[] gx, int to) {
        int c = g.cout, next = g.s[2] * c, gyAt = iw * next + c0;
        VectorMask<Float> v = S.indexInRange(c0, c);
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        for (int m = 0; m < terms; m++) {
            int at = gyAt + gyTerm[m];
            FloatVector w0 = FloatVector.fromArray(S, w, wTerm[m] + c0, v);
            a0 = FloatVector.fromArray(S, gy, at, v).fma(w0, a0);
            a1 = FloatVector.fromArray(S, gy, at + next, v).fma(w0, a1);
            a2 = FloatVector.fromArray(S, gy, at + 2 * next, v).fma(w0, a2);
            a3 = FloatVector.fromArray(S, gy, at + 3 * next, v).fma(w0, a3);
        }
        a0.intoArray(gx, to, v);
        a1.intoArray(gx, to + c, v);
        a2.intoArray(gx, to + 2 * c, v);
        a3.intoArray(gx, to + 3 * c, v);
    }

    /**
     * Gx pixel iw, every channel (the last partial vector masked), its W taps checked against gy's width: into
     * gx from its channel 0 at {@code to}.
     */
    private void one(float[] gy, int[] gyRows, int[] tapRows, int count, int iw, float[] gx, int to) {
        int c = g.cout, outW = g.out[2], kw = g.k[2], ow0 = iw * g.s[2] - g.pb[2];   // the gy column of W tap 0
        boolean inside = iw >= rowTerms.interior0 && iw < rowTerms.interior1;
        for (int c0 = 0; c0 < c; c0 += L) {
            FloatVector acc = FloatVector.zero(S);
            if (c0 + L <= c) {
                for (int j = 0; j < count; j++) {
                    int gyAt = gyRows[j] + ow0 * c + c0, wAt = tapRows[j] * c + c0;
                    for (int t = 0; t < kw; t++, gyAt += g.d[2] * c, wAt += c) {
                        if (!inside && (ow0 + t * g.d[2] < 0 || ow0 + t * g.d[2] >= outW)) continue;
                        acc = FloatVector.fromArray(S, gy, gyAt).fma(FloatVector.fromArray(S, w, wAt), acc);
                    }
                }
                acc.intoArray(gx, to + c0);
                continue;
            }
            VectorMask<Float> m = S.indexInRange(c0, c);   // the last, partial vector of channels
            for (int j = 0; j < count; j++) {
                int gyAt = gyRows[j] + ow0 * c + c0, wAt = tapRows[j] * c + c0;
                for (int t = 0; t < kw; t++, gyAt += g.d[2] * c, wAt += c) {
                    if (!inside && (ow0 + t * g.d[2] < 0 || ow0 + t * g.d[2] >= outW)) continue;
                    acc = FloatVector.fromArray(S, gy, gyAt, m).fma(FloatVector.fromArray(S, w, wAt, m), acc);
                }
            }
            acc.intoArray(gx, to + c0, m);
        }
    }
}
