package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import io.tconv.internal.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double channels-last depthwise path (one input channel per group, and one output channel per group or
 * several: depthwise multipliers): a pixel's channels are adjacent in both tensors, so the vectors run across
 * output channels, with each channel's weights packed as {@code [tap][channel]}. A task is an output row. Per W
 * residue, the terms that reach the residue's cells (the row's D and H taps × the residue's W taps, in that
 * order) are summed onto the bias four at a time with their weights in registers, each cell loaded and stored
 * once per four terms (two vectors of channels at a time where there are two, so that a cell's channels are
 * stored together; the last, partial vector masked); at W stride 1 with three W taps, the interior's whole
 * vectors of channels eight cells at a time with all their terms in registers ({@link #eights}). The cells
 * where a term falls outside the input (the row's ends) sum their valid terms one cell at a time, in the same
 * order. No inserted zero is visited. With multipliers, the input rows are first spread to one value per output
 * channel ({@link MultipliersF64}) into per-thread slots, and a task is a band of output rows, so that each
 * input row is spread about once per task, not once per output row that reads it (four times at k4s2).
 */
final class DepthwiseLastF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    /** Multipliers: output rows per task, at most (fewer where an image has under 64 rows, so that threads share them). */
    private static final int ROWS_PER_TASK = 8;

    private final Geometry g;
    final Taps tapsD, tapsH;
    /** Per W residue: the W taps that reach its cells, their input offsets δ, its cells and its interior. */
    final WResidues residues;
    /** Per W residue: whether {@link #eights} takes its interior: W stride 1, three W taps reading adjacent input pixels. */
    private final boolean[] adjacentTaps;
    /**
     * Weights {@code [tap][channel]} and the bias, each with L zeros after it: a masked vector of them never
     * reaches past the array (a masked load that might checks its lanes one by one).
     */
    private final double[] w, bias;
    /** Depthwise multipliers: the spreading of x's channels, and per thread the spread input rows (else null). */
    private final MultipliersF64 multipliers;
    private final ThreadLocal<Spread> spreadRows;
    /**
     * Multipliers: the input planes and rows an output row reads lie within spans of {@code spanD} and {@code spanH}:
     * input row (id, ih) goes to slot {@code (id mod spanD)·spanH + ih mod spanH}, so the rows one output row reads
     * never share a slot. Output rows per task (one without multipliers).
     */
    private final int spanD, spanH, rowsPerTask;

    /** Per thread: the spread input rows, and which input row (id·H + ih) each slot holds (−1: none). */
    private record Spread(double[] rows, int[] holds) {}

    DepthwiseLastF64(Geometry g, double[] weight, double[] bias, Workspace workspace) {
        this.g = g;
        tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
        tapsH = new Taps(g.in[1], g.k[1], g.s[1], g.d[1], g.pb[1], g.out[1]);
        residues = new WResidues(g);
        adjacentTaps = new boolean[g.s[2]];
        for (int r = 0; r < g.s[2]; r++) {
            int[] d = residues.delta[r];
            // (three taps only: with two, at either stride, the blocks ran slower than the terms four at a time:
            // dw32 47 -> 35 GFLOP/s, k2s1 42 -> 36)
            boolean adjacent = d.length == 3;
            for (int t = 0; t + 1 < d.length; t++) adjacent &= d[t] - d[t + 1] == 1;
            adjacentTaps[r] = adjacent;
        }
        workspace.check(name(), sharedBytes(), 0);
        int c = g.cout;
        w = new double[g.kVol * c + L];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < g.kVol; t++) w[t * c + ch] = weight[ch * g.kVol + t];
        }
        this.bias = new double[c + L];
        if (bias != null) System.arraycopy(bias, 0, this.bias, 0, c);
        multipliers = g.cog > 1 ? new MultipliersF64(g.cin, g.cog) : null;
        spanD = span(tapsD);
        spanH = span(tapsH);
        int outRows = g.out[0] * g.out[1];
        rowsPerTask = multipliers == null ? 1 : Math.max(1, Math.min(ROWS_PER_TASK, outRows / 8));
        spreadRows = multipliers == null ? null : ThreadLocal.withInitial(() -> new Spread(new double[spreadLength()], new int[spanD * spanH]));
    }

    /**
     * The slots of spread input rows, of C output channels each, and L elements after them: a masked vector of them
     * never reaches past the array.
     */
    private int spreadLength() {
        return spanD * spanH * g.in[2] * g.cout + L;
    }

    /** The most input indices, first to last, that one output index's taps read. */
    private static int span(Taps taps) {
        int most = 1;
        for (int o = 0; o + 1 < taps.start.length; o++) {
            for (int a = taps.start[o]; a < taps.start[o + 1]; a++) most = Math.max(most, Math.abs(taps.input[a] - taps.input[taps.start[o]]) + 1);
        }
        return most;
    }

    /**
     * Channels-last, one input channel per group, and at least four lanes: with two (doubles at 128 bits) C2 left
     * this kernel's vector loads to their Java fallback, which allocates every vector (AllocationTest).
     */
    static boolean suits(Geometry g) {
        return g.channelsLast && g.cig == 1 && L >= 4;
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " depthwise channels-last"; }

    @Override
    public int tasksPerImage() { return (g.out[0] * g.out[1] + rowsPerTask - 1) / rowsPerTask; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) rowsPerTask * g.out[2] * g.cout * g.kVol / ((long) g.s[0] * g.s[1] * g.s[2])); }

    @Override
    public long sharedBytes() {
        long tables = 4L * (tapsD.start.length + tapsH.start.length + 2L * (tapsD.tap.length + tapsH.tap.length)) + residues.bytes();
        return (long) Double.BYTES * ((long) g.kVol * g.cout + g.cout + 2L * L) + tables;
    }

    @Override
    public long bytesPerThread() { return multipliers == null ? 0 : (long) Double.BYTES * spreadLength(); }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int xImage = xOff + n * g.inImage();
        if (multipliers == null) {
            row(task / g.out[1], task % g.out[1], x, xImage, y, yOff + n * g.outImage());
            return;
        }
        Spread spread = spreadRows.get();
        Arrays.fill(spread.holds, -1);   // x may have changed since the thread's last task
        for (int row = task * rowsPerTask; row < Math.min((task + 1) * rowsPerTask, g.out[0] * g.out[1]); row++) {
            int od = row / g.out[1], oh = row % g.out[1];
            for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
                for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                    int id = tapsD.input[a], ih = tapsH.input[b], slot = slot(id, ih);
                    if (spread.holds[slot] == id * g.in[1] + ih) continue;
                    multipliers.spread(x, xImage + (id * g.in[1] + ih) * g.in[2] * g.cin, g.in[2], spread.rows, slot * g.in[2] * g.cout);
                    spread.holds[slot] = id * g.in[1] + ih;
                }
            }
            row(od, oh, spread.rows, 0, y, yOff + n * g.outImage());
        }
    }

    /** Multipliers: the slot of input row (id, ih). */
    private int slot(int id, int ih) {
        return id % spanD * spanH + ih % spanH;
    }

    /** Output row (od, oh) of the image at {@code yImage}, from x's image at {@code xImage} (or the spread rows). */
    private void row(int od, int oh, double[] x, int xImage, double[] y, int yImage) {
        int c = g.cout, full = c - c % L;
        int yRow = yImage + (od * g.out[1] + oh) * g.out[2] * c;
        int rows = (tapsD.start[od + 1] - tapsD.start[od]) * (tapsH.start[oh + 1] - tapsH.start[oh]);
        for (int r = 0; r < g.s[2]; r++) {
            int terms = rows * residues.delta[r].length, cells = residues.count[r];
            int q0 = residues.interior0[r], q1 = residues.interior1[r];   // the cells whose every term reads inside the input
            int yCells = yRow + r * c, yStep = g.s[2] * c;
            if (terms == 0) q1 = q0;
            int done = 0;   // channels whose interior cells are done, eight cells at a time
            if (adjacentTaps[r] && terms > 4 && q1 - q0 >= 8) {
                for (; done < full; done += L) eights(x, y, od, oh, r, done, xImage, q0, q1, yCells, yStep);
            }
            for (int j = 0; j < terms && done < c; j += 4) {
                int count = Math.min(4, terms - j);
                int x0 = termX(od, oh, r, j, xImage), x1 = termX(od, oh, r, j + Math.min(1, count - 1), xImage);
                int x2 = termX(od, oh, r, j + Math.min(2, count - 1), xImage), x3 = termX(od, oh, r, j + Math.min(3, count - 1), xImage);
                int w0 = termW(od, oh, r, j), w1 = termW(od, oh, r, j + Math.min(1, count - 1));
                int w2 = termW(od, oh, r, j + Math.min(2, count - 1)), w3 = termW(od, oh, r, j + Math.min(3, count - 1));
                for (int c0 = done; c0 < c; c0 += L) {
                    if (c0 == full) partial(x, y, j == 0, c0, count, x0, x1, x2, x3, w0, w1, w2, w3, q0, q1, yCells, yStep);
                    else if (count == 4 && c0 + 2 * L <= full) {
                        fourTwo(x, y, j == 0, c0, x0, x1, x2, x3, w0, w1, w2, w3, q0, q1, yCells, yStep);
                        c0 += L;   // (the second vector: the loop adds the next)
                    } else if (count == 4) four(x, y, j == 0, c0, x0, x1, x2, x3, w0, w1, w2, w3, q0, q1, yCells, yStep);
                    else for (int i = 0; i < count; i++) one(x, y, j + i == 0, c0, i == 0 ? x0 : i == 1 ? x1 : x2, i == 0 ? w0 : i == 1 ? w1 : w2, q0, q1, yCells, yStep);
                }
            }
            for (int q = 0; q < cells; q++) {
                if (q == q0) q = q1;   // the interior is done
                if (q < cells) cell(x, y, od, oh, r, q, xImage, yCells + q * yStep);
            }
        }
    }

    /** Where term j of W residue r (D tap, H tap, W tap of the residue, in that order) reads the input for q = 0. */
    private int termX(int od, int oh, int r, int j, int xImage) {
        int nW = residues.tap[r].length, nH = tapsH.start[oh + 1] - tapsH.start[oh];
        int a = tapsD.start[od] + j / nW / nH, b = tapsH.start[oh] + j / nW % nH;
        return rowStart(a, b, xImage) + residues.delta[r][j % nW] * g.cout;
    }

    /** Where the input row of D tap a and H tap b starts: in x's image, or with multipliers in its slot. */
    private int rowStart(int a, int b, int xImage) {
        if (multipliers != null) return slot(tapsD.input[a], tapsH.input[b]) * g.in[2] * g.cout;
        return xImage + (tapsD.input[a] * g.in[1] + tapsH.input[b]) * g.in[2] * g.cout;
    }

    /** Where term j's weights start. */
    private int termW(int od, int oh, int r, int j) {
        int nW = residues.tap[r].length, nH = tapsH.start[oh + 1] - tapsH.start[oh];
        int a = tapsD.start[od] + j / nW / nH, b = tapsH.start[oh] + j / nW % nH;
        return ((tapsD.tap[a] * g.k[1] + tapsH.tap[b]) * g.k[2] + residues.tap[r][j % nW]) * g.cout;
    }

    /**
     * Cells [q0, q1) (at least eight) of W residue r, channels [c0, c0 + L), eight cells at a time, the last block
     * moved back to end at q1 (its overlap stored again, the same values): each cell's terms summed onto the bias
     * in registers, in the order of the terms, and stored once. The residue's three W taps read adjacent input
     * pixels, so per D and H tap the eight cells' 24 terms read one window of ten pixels, each loaded once (a
     * vector per term and cell before).
     */
    private void eights(double[] x, double[] y, int od, int oh, int r, int c0, int xImage, int q0, int q1, int yCells, int yStep) {
        int c = g.cout, kh = g.k[1], kw = g.k[2], dMin = residues.delta[r][2];
        int[] tw = residues.tap[r];
        DoubleVector b = DoubleVector.fromArray(S, bias, c0);
        for (int q = q0; ; q = Math.min(q + 8, q1 - 8)) {
            DoubleVector a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
            for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
                for (int h = tapsH.start[oh]; h < tapsH.start[oh + 1]; h++) {
                    int xw = rowStart(a, h, xImage) + (q + dMin) * c + c0, wRow = (tapsD.tap[a] * kh + tapsH.tap[h]) * kw;
                    DoubleVector v0 = DoubleVector.fromArray(S, x, xw), v1 = DoubleVector.fromArray(S, x, xw + c);
                    DoubleVector v2 = DoubleVector.fromArray(S, x, xw + 2 * c), v3 = DoubleVector.fromArray(S, x, xw + 3 * c);
                    DoubleVector v4 = DoubleVector.fromArray(S, x, xw + 4 * c), v5 = DoubleVector.fromArray(S, x, xw + 5 * c);
                    DoubleVector v6 = DoubleVector.fromArray(S, x, xw + 6 * c), v7 = DoubleVector.fromArray(S, x, xw + 7 * c);
                    DoubleVector v8 = DoubleVector.fromArray(S, x, xw + 8 * c), v9 = DoubleVector.fromArray(S, x, xw + 9 * c);
                    // tap t reads cell i's input at window pixel i + 2 − t (its δ is the smallest plus 2 − t)
                    DoubleVector wt = DoubleVector.fromArray(S, w, (wRow + tw[0]) * c + c0);
                    a0 = v2.fma(wt, a0); a1 = v3.fma(wt, a1); a2 = v4.fma(wt, a2); a3 = v5.fma(wt, a3);
                    a4 = v6.fma(wt, a4); a5 = v7.fma(wt, a5); a6 = v8.fma(wt, a6); a7 = v9.fma(wt, a7);
                    wt = DoubleVector.fromArray(S, w, (wRow + tw[1]) * c + c0);
                    a0 = v1.fma(wt, a0); a1 = v2.fma(wt, a1); a2 = v3.fma(wt, a2); a3 = v4.fma(wt, a3);
                    a4 = v5.fma(wt, a4); a5 = v6.fma(wt, a5); a6 = v7.fma(wt, a6); a7 = v8.fma(wt, a7);
                    wt = DoubleVector.fromArray(S, w, (wRow + tw[2]) * c + c0);
                    a0 = v0.fma(wt, a0); a1 = v1.fma(wt, a1); a2 = v2.fma(wt, a2); a3 = v3.fma(wt, a3);
                    a4 = v4.fma(wt, a4); a5 = v5.fma(wt, a5); a6 = v6.fma(wt, a6); a7 = v7.fma(wt, a7);
                }
            }
            int ya = yCells + q * yStep + c0;
            a0.intoArray(y, ya);
            a1.intoArray(y, ya + yStep);
            a2.intoArray(y, ya + 2 * yStep);
            a3.intoArray(y, ya + 3 * yStep);
            a4.intoArray(y, ya + 4 * yStep);
            a5.intoArray(y, ya + 5 * yStep);
            a6.intoArray(y, ya + 6 * yStep);
            a7.intoArray(y, ya + 7 * yStep);
            if (q + 8 == q1) break;
        }
    }

    /** Four terms onto cells [q0, q1) of channels [c0, c0 + L): from the bias when {@code first}, else from y. */
    private void four(double[] x, double[] y, boolean first, int c0, int x0, int x1, int x2, int x3, int w0, int w1, int w2, int w3,
                      int q0, int q1, int yCells, int yStep) {
        int c = g.cout;
        DoubleVector v0 = DoubleVector.fromArray(S, w, w0 + c0), v1 = DoubleVector.fromArray(S, w, w1 + c0);
        DoubleVector v2 = DoubleVector.fromArray(S, w, w2 + c0), v3 = DoubleVector.fromArray(S, w, w3 + c0);
        DoubleVector b = DoubleVector.fromArray(S, bias, c0);
        for (int q = q0, xq = q0 * c + c0, ya = yCells + q0 * yStep + c0; q < q1; q++, xq += c, ya += yStep) {
            DoubleVector acc = first ? b : DoubleVector.fromArray(S, y, ya);
            acc = DoubleVector.fromArray(S, x, x0 + xq).fma(v0, acc);
            acc = DoubleVector.fromArray(S, x, x1 + xq).fma(v1, acc);
            acc = DoubleVector.fromArray(S, x, x2 + xq).fma(v2, acc);
            DoubleVector.fromArray(S, x, x3 + xq).fma(v3, acc).intoArray(y, ya);
        }
    }

    /** {@link #four} for two vectors of channels at once: a cell's channels stored together. */
    private void fourTwo(double[] x, double[] y, boolean first, int c0, int x0, int x1, int x2, int x3, int w0, int w1, int w2, int w3,
                         int q0, int q1, int yCells, int yStep) {
        int c = g.cout;
        DoubleVector v0 = DoubleVector.fromArray(S, w, w0 + c0), v1 = DoubleVector.fromArray(S, w, w1 + c0);
        DoubleVector v2 = DoubleVector.fromArray(S, w, w2 + c0), v3 = DoubleVector.fromArray(S, w, w3 + c0);
        DoubleVector u0 = DoubleVector.fromArray(S, w, w0 + c0 + L), u1 = DoubleVector.fromArray(S, w, w1 + c0 + L);
        DoubleVector u2 = DoubleVector.fromArray(S, w, w2 + c0 + L), u3 = DoubleVector.fromArray(S, w, w3 + c0 + L);
        DoubleVector b = DoubleVector.fromArray(S, bias, c0), bb = DoubleVector.fromArray(S, bias, c0 + L);
        for (int q = q0, xq = q0 * c + c0, ya = yCells + q0 * yStep + c0; q < q1; q++, xq += c, ya += yStep) {
            DoubleVector acc = first ? b : DoubleVector.fromArray(S, y, ya), acd = first ? bb : DoubleVector.fromArray(S, y, ya + L);
            acc = DoubleVector.fromArray(S, x, x0 + xq).fma(v0, acc);
            acd = DoubleVector.fromArray(S, x, x0 + xq + L).fma(u0, acd);
            acc = DoubleVector.fromArray(S, x, x1 + xq).fma(v1, acc);
            acd = DoubleVector.fromArray(S, x, x1 + xq + L).fma(u1, acd);
            acc = DoubleVector.fromArray(S, x, x2 + xq).fma(v2, acc);
            acd = DoubleVector.fromArray(S, x, x2 + xq + L).fma(u2, acd);
            DoubleVector.fromArray(S, x, x3 + xq).fma(v3, acc).intoArray(y, ya);
            DoubleVector.fromArray(S, x, x3 + xq + L).fma(u3, acd).intoArray(y, ya + L);
        }
    }

    /**
     * Terms j … j + count − 1 (count ≤ 4: their input at x0 …, weights at w0 …) onto cells [q0, q1) of the last,
     * partial vector of channels, from c0, masked; from the bias when {@code first}, else from y.
     */
    private void partial(double[] x, double[] y, boolean first, int c0, int count, int x0, int x1, int x2, int x3, int w0, int w1, int w2,
                         int w3, int q0, int q1, int yCells, int yStep) {
        int c = g.cout;
        VectorMask<Double> m = S.indexInRange(c0, c);
        DoubleVector v0 = DoubleVector.fromArray(S, w, w0 + c0, m), v1 = DoubleVector.fromArray(S, w, w1 + c0, m);
        DoubleVector v2 = DoubleVector.fromArray(S, w, w2 + c0, m), v3 = DoubleVector.fromArray(S, w, w3 + c0, m);
        DoubleVector b = DoubleVector.fromArray(S, bias, c0, m);
        for (int q = q0, xq = q0 * c + c0, ya = yCells + q0 * yStep + c0; q < q1; q++, xq += c, ya += yStep) {
            DoubleVector acc = first ? b : DoubleVector.fromArray(S, y, ya, m);
            acc = DoubleVector.fromArray(S, x, x0 + xq, m).fma(v0, acc);
            if (count > 1) acc = DoubleVector.fromArray(S, x, x1 + xq, m).fma(v1, acc);
            if (count > 2) acc = DoubleVector.fromArray(S, x, x2 + xq, m).fma(v2, acc);
            if (count > 3) acc = DoubleVector.fromArray(S, x, x3 + xq, m).fma(v3, acc);
            acc.intoArray(y, ya, m);
        }
    }

    /** One term onto cells [q0, q1) of channels [c0, c0 + L): from the bias when {@code first}, else from y. */
    private void one(double[] x, double[] y, boolean first, int c0, int x0, int w0, int q0, int q1, int yCells, int yStep) {
        int c = g.cout;
        DoubleVector v0 = DoubleVector.fromArray(S, w, w0 + c0), b = DoubleVector.fromArray(S, bias, c0);
        for (int q = q0, xq = q0 * c + c0, ya = yCells + q0 * yStep + c0; q < q1; q++, xq += c, ya += yStep) {
            DoubleVector.fromArray(S, x, x0 + xq).fma(v0, first ? b : DoubleVector.fromArray(S, y, ya)).intoArray(y, ya);
        }
    }

    /** Cell q of W residue r into {@code y[ya …]}: the bias plus its terms that read inside the input, in order (the last vector of channels masked). */
    void cell(double[] x, double[] y, int od, int oh, int r, int q, int xImage, int ya) {
        int c = g.cout, inW = g.in[2], kh = g.k[1], kw = g.k[2];
        int[] tw = residues.tap[r], dl = residues.delta[r];
        for (int ch = 0; ch < c; ch += L) {
            VectorMask<Double> m = S.indexInRange(ch, c);
            DoubleVector acc = DoubleVector.fromArray(S, bias, ch, m);
            for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
                for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                    int xRow = rowStart(a, b, xImage), tRow = (tapsD.tap[a] * kh + tapsH.tap[b]) * kw;
                    for (int t = 0; t < tw.length; t++) {
                        int iw = q + dl[t];
                        if (iw < 0 || iw >= inW) continue;
                        acc = DoubleVector.fromArray(S, x, xRow + iw * c + ch, m).fma(DoubleVector.fromArray(S, w, (tRow + tw[t]) * c + ch, m), acc);
                    }
                }
            }
            acc.intoArray(y, ya + ch, m);
        }
    }
}
