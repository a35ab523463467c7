package io.tconv.internal.vector;

import io.tconv.internal.DoubleWeightRows;
import io.tconv.internal.Geometry;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double weight gradient's dot products for layers with at most four input channels per group:
 * {@code gw[ci][co][t] = Σ_i x[ci][i] · gy[co][i·s − pb + t·d]}. A task is a band of x rows (along H) of one
 * group (of every group, for a channels-last depthwise layer whose rows split by shuffles:
 * {@link RowLayout#takesAllGroups}) and D position, whose gy rows {@link GyRowsF64} buffers split by W residue, so that each term (gy
 * channel, tap) reads a constant offset from the x row's cell: {@code x · gy} summed along the rows
 * (channels-last: x's rows gathered per channel first) in registers, two input channels × four terms at a time
 * where there are two (each gy load serving both), else eight terms of one channel (a 3 × 3 kernel's nine, four
 * rows at a time, where its H taps read adjacent gy rows);
 * then across lanes by a fixed tree (the same bits in the interpreter and in C2), then the cells past a row's
 * last whole vector.
 */
final class WeightGradientRowsF64 implements DoubleWeightRows {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    private final Geometry g;
    private final GyRowsF64 gyRows;
    /** Per term: where its weight goes in a task's slot, {@code co·kVol + tap} (the channel's offset added). */
    private final int[] termOut;
    private final ThreadLocal<double[]> lines;
    /**
     * Where a thread's buffer keeps nine vectors past its gy rows: the sums are stored there and their lanes
     * added by {@link VectorOpsF64#lanes(double[], int, int)}. A call of {@code lanes(DoubleVector)} from these large methods is
     * not inlined (C2: callee too large, or the caller's node count cut-off) and boxes its vector: ~80 ns and an
     * allocation per sum (depthwise 3 × 3 at 56²: a third of the weight gradient's time).
     */
    private final int sumsAt;
    /** Channels-last: per thread, a band's x rows of each channel of a group; and a gather's map of successive pixels. */
    private final ThreadLocal<double[]> xRows;
    /** Channels-last: per thread, where each channel's row of a band starts in {@code xRows}. */
    private final ThreadLocal<int[]> channelRows;
    private final int[] pixels;
    /** Whether a task takes every group (one channel each) and its slot is the whole of gw. */
    private final boolean allGroups;
    /** The x channels a band holds: a group's, or every group's. */
    private final int xChannels;
    /** Whether a channel's terms are a 3 × 3 kernel whose H taps read adjacent gy rows, as {@link #nine} needs. */
    private final boolean nineAdjacent;

    /** {@return x cells read per row: the row rounded up to whole vectors} */
    private static int width(Geometry g) {
        return (int) (((long) g.in[2] + L - 1) / L * L);
    }

    /** {@return the bytes of one thread's buffer for g} */
    static long bytesPerThread(Geometry g, long bandBytes) {
        boolean allGroups = RowLayout.gradientsTakeAllGroups(g, L);
        long xRows = g.xp == 1 ? 0 : (long) (allGroups ? g.cin : g.cig) * g.in[1] * g.in[2];   // channels-last: x's rows, at most a plane
        return Double.BYTES * (GyRowsF64.bufferLength(g, width(g), bandBytes, allGroups) + 9L * L + xRows);
    }

    WeightGradientRowsF64(Geometry g, long bandBytes) {
        this.g = g;
        allGroups = RowLayout.gradientsTakeAllGroups(g, L);
        xChannels = allGroups ? g.cin : g.cig;
        gyRows = new GyRowsF64(g, width(g), bandBytes, allGroups);
        int terms = g.cog * g.kVol;
        termOut = new int[terms];
        for (int t = 0; t < terms; t++) {
            int kw = t % g.k[2], kh = t / g.k[2] % g.k[1], co = t / g.k[2] / g.k[1] % g.cog, kd = t / g.k[2] / g.k[1] / g.cog;
            termOut[t] = co * g.kVol + (kd * g.k[1] + kh) * g.k[2] + kw;
        }
        sumsAt = gyRows.bufferLength;
        int length = sumsAt + 9 * L;
        lines = ThreadLocal.withInitial(() -> new double[length]);
        int xLength = g.xp == 1 ? 0 : xChannels * gyRows.bandRows * g.in[2];
        xRows = ThreadLocal.withInitial(() -> new double[xLength]);
        int channels = xChannels;
        channelRows = ThreadLocal.withInitial(() -> new int[channels]);
        pixels = new int[L];
        for (int i = 0; i < L; i++) pixels[i] = i * g.xp;
        int[] at = gyRows.termAt;   // (H dilation = H stride: tap kh of x row j reads the gy row of tap 0 of row j + kh)
        nineAdjacent = terms == 9 && g.k[0] == 1 && g.k[1] == 3 && g.k[2] == 3
                && at[3] - at[0] == gyRows.rowStep && at[6] - at[3] == gyRows.rowStep;
    }

    @Override
    public int tasksPerImage() { return (allGroups ? 1 : g.groups) * g.in[0] * gyRows.bands; }

    @Override
    public String name() { return (allGroups ? "rows all groups" : "rows") + (nineAdjacent ? " nine" : ""); }

    @Override
    public boolean allGroups() { return allGroups; }

    /**
     * With four input channels a group's register tiles waste no rows (tileUse 0.5 picks them), yet they copy x
     * and gy into panels and run 4-row tiles: rows measured 4 → 16 k3s2 128² 16 → 52 GFLOP/s, 4 → 16 k4s2 25 →
     * 67, 4 → 32 k3s1 45 → 95, 4 → 128 k4s2 17 → 42.
     */
    @Override
    public boolean beatsTiles() { return true; }

    private int group(int task) { return task / gyRows.bands / g.in[0]; }

    @Override
    public long macsPerTask() {
        return Math.max(1, (long) gyRows.bandRows * g.in[2] * gyRows.channels * g.cig * g.kVol + 4L * g.k[0] * gyRows.channels * gyRows.channelStride);
    }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] gy, int gyOff, double[] out, int outOff) {
        int bands = gyRows.bands, band = task % bands, id = task / bands % g.in[0], grp = group(task);
        int h0 = gyRows.firstRow(band), h1 = Math.min(g.in[1], h0 + gyRows.bandRows);
        double[] buf = lines.get();
        gyRows.copy(gy, gyOff + n * g.outImage(), grp, id, h0, buf);
        int terms = termOut.length, inW = g.in[2], rowsLength = (h1 - h0) * inW;
        int first = xOff + n * g.inImage() + grp * g.cig * g.xc + (id * g.in[1] + h0) * inW * g.xp;
        double[] xs = x;
        if (g.xp != 1) {   // channels-last: the band's x rows of each channel, gathered into rows of their own
            xs = xRows.get();
            int i = 0;
            boolean three = xChannels == 3 && TransposeF64.available();
            if (g.xp == xChannels && (TransposeF64.interleaves(xChannels) || three)) {   // a pixel's channels all the band's, 2–16 or 3: split as one run
                int[] at = channelRows.get();
                for (int ci = 0; ci < xChannels; ci++) at[ci] = ci * rowsLength;
                if (three) for (; i + L <= rowsLength; i += L) TransposeF64.split3(x, first + i * 3, xs, i, at);
                else for (; i + L <= rowsLength; i += L) TransposeF64.deinterleave(xChannels, x, first + i * xChannels, xs, i, at);
            }
            for (int ci = 0; ci < xChannels; ci++) {
                int j = i, from = first + ci + i * g.xp;
                for (; j + L <= rowsLength; j += L, from += L * g.xp) DoubleVector.fromArray(S, x, from, pixels, 0).intoArray(xs, ci * rowsLength + j);
                for (; j < rowsLength; j++, from += g.xp) xs[ci * rowsLength + j] = x[from];
            }
        }
        if (allGroups) {   // each group's one channel: eight terms at a time, its gy rows a channel on, its slot a kernel on
            for (int c = 0; c < g.cin; c++) {
                int t = 0, gyAt = c * gyRows.channelStride, slot = outOff + c * g.kVol;
                if (nineAdjacent) {
                    nine(buf, gyAt, xs, c * rowsLength, h1 - h0, out, slot);
                    continue;
                }
                for (; t + 8 <= terms; t += 8) eight(buf, gyAt, xs, c * rowsLength, h1 - h0, t, out, slot);
                for (; t < terms; t++) one(buf, gyAt, xs, c * rowsLength, h1 - h0, t, out, slot);
            }
            return;
        }
        int ci = 0;
        for (; ci + 2 <= g.cig; ci += 2) {   // two input channels share each gy load: four terms × two channels
            int xRow = g.xp != 1 ? ci * rowsLength : first + ci * g.xc, xNext = g.xp != 1 ? rowsLength : g.xc;
            int slot = outOff + ci * g.cog * g.kVol;
            int t = 0;
            for (; t + 4 <= terms; t += 4) fourByTwo(buf, xs, xRow, xNext, h1 - h0, t, out, slot, g.cog * g.kVol);
            for (; t < terms; t++) {
                one(buf, 0, xs, xRow, h1 - h0, t, out, slot);
                one(buf, 0, xs, xRow + xNext, h1 - h0, t, out, slot + g.cog * g.kVol);
            }
        }
        for (; ci < g.cig; ci++) {
            int xRow = g.xp != 1 ? ci * rowsLength : first + ci * g.xc;
            int slot = outOff + ci * g.cog * g.kVol;
            if (nineAdjacent) {
                nine(buf, 0, xs, xRow, h1 - h0, out, slot);
                continue;
            }
            int t = 0;
            for (; t + 8 <= terms; t += 8) eight(buf, 0, xs, xRow, h1 - h0, t, out, slot);
            for (; t < terms; t++) one(buf, 0, xs, xRow, h1 - h0, t, out, slot);
        }
    }

    /**
     * Terms t0 … t0 + 3 of two input channels (x rows from {@code xRow} and {@code xNext} further), over
     * {@code rows} x rows: into their cells of the slot and of the next channel's ({@code slotNext} further).
     */
    private void fourByTwo(double[] buf, double[] x, int xRow, int xNext, int rows, int t0, double[] out, int slot, int slotNext) {
        int[] at = gyRows.termAt;
        int inW = g.in[2], step = gyRows.rowStep, whole = inW - inW % L;
        int b0 = at[t0], b1 = at[t0 + 1], b2 = at[t0 + 2], b3 = at[t0 + 3];
        DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
        DoubleVector c0 = DoubleVector.zero(S), c1 = DoubleVector.zero(S), c2 = DoubleVector.zero(S), c3 = DoubleVector.zero(S);
        for (int row = 0, xr = xRow, br = 0; row < rows; row++, xr += inW, br += step) {
            for (int i = 0; i < whole; i += L) {
                DoubleVector xa = DoubleVector.fromArray(S, x, xr + i), xb = DoubleVector.fromArray(S, x, xr + xNext + i);
                int p = br + i;
                DoubleVector y0 = DoubleVector.fromArray(S, buf, b0 + p);
                a0 = xa.fma(y0, a0);
                c0 = xb.fma(y0, c0);
                DoubleVector y1 = DoubleVector.fromArray(S, buf, b1 + p);
                a1 = xa.fma(y1, a1);
                c1 = xb.fma(y1, c1);
                DoubleVector y2 = DoubleVector.fromArray(S, buf, b2 + p);
                a2 = xa.fma(y2, a2);
                c2 = xb.fma(y2, c2);
                DoubleVector y3 = DoubleVector.fromArray(S, buf, b3 + p);
                a3 = xa.fma(y3, a3);
                c3 = xb.fma(y3, c3);
            }
        }
        a0.intoArray(buf, sumsAt);
        a1.intoArray(buf, sumsAt + L);
        a2.intoArray(buf, sumsAt + 2 * L);
        a3.intoArray(buf, sumsAt + 3 * L);
        c0.intoArray(buf, sumsAt + 4 * L);
        c1.intoArray(buf, sumsAt + 5 * L);
        c2.intoArray(buf, sumsAt + 6 * L);
        c3.intoArray(buf, sumsAt + 7 * L);
        VectorOpsF64.lanes(buf, sumsAt, 8);
        out[slot + termOut[t0]] = buf[sumsAt];
        out[slot + termOut[t0 + 1]] = buf[sumsAt + 1];
        out[slot + termOut[t0 + 2]] = buf[sumsAt + 2];
        out[slot + termOut[t0 + 3]] = buf[sumsAt + 3];
        out[slot + slotNext + termOut[t0]] = buf[sumsAt + 4];
        out[slot + slotNext + termOut[t0 + 1]] = buf[sumsAt + 5];
        out[slot + slotNext + termOut[t0 + 2]] = buf[sumsAt + 6];
        out[slot + slotNext + termOut[t0 + 3]] = buf[sumsAt + 7];
        if (whole < inW) {
            tail(buf, 0, x, xRow, rows, t0, 4, out, slot);
            tail(buf, 0, x, xRow + xNext, rows, t0, 4, out, slot + slotNext);
        }
    }

    /**
     * Terms t0 … t0 + 7 of one input channel, over {@code rows} x rows from {@code xRow}, their gy rows
     * {@code gyAt} after {@link GyRowsF64#termAt}: into their cells of the slot.
     */
    private void eight(double[] buf, int gyAt, double[] x, int xRow, int rows, int t0, double[] out, int slot) {
        int[] at = gyRows.termAt;
        int inW = g.in[2], step = gyRows.rowStep, whole = inW - inW % L;
        int b0 = gyAt + at[t0], b1 = gyAt + at[t0 + 1], b2 = gyAt + at[t0 + 2], b3 = gyAt + at[t0 + 3];
        int b4 = gyAt + at[t0 + 4], b5 = gyAt + at[t0 + 5], b6 = gyAt + at[t0 + 6], b7 = gyAt + at[t0 + 7];
        DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
        DoubleVector a4 = DoubleVector.zero(S), a5 = DoubleVector.zero(S), a6 = DoubleVector.zero(S), a7 = DoubleVector.zero(S);
        for (int row = 0, xr = xRow, br = 0; row < rows; row++, xr += inW, br += step) {
            for (int i = 0; i < whole; i += L) {
                DoubleVector xv = DoubleVector.fromArray(S, x, xr + i);
                int p = br + i;
                a0 = xv.fma(DoubleVector.fromArray(S, buf, b0 + p), a0);
                a1 = xv.fma(DoubleVector.fromArray(S, buf, b1 + p), a1);
                a2 = xv.fma(DoubleVector.fromArray(S, buf, b2 + p), a2);
                a3 = xv.fma(DoubleVector.fromArray(S, buf, b3 + p), a3);
                a4 = xv.fma(DoubleVector.fromArray(S, buf, b4 + p), a4);
                a5 = xv.fma(DoubleVector.fromArray(S, buf, b5 + p), a5);
                a6 = xv.fma(DoubleVector.fromArray(S, buf, b6 + p), a6);
                a7 = xv.fma(DoubleVector.fromArray(S, buf, b7 + p), a7);
            }
        }
        a0.intoArray(buf, sumsAt);
        a1.intoArray(buf, sumsAt + L);
        a2.intoArray(buf, sumsAt + 2 * L);
        a3.intoArray(buf, sumsAt + 3 * L);
        a4.intoArray(buf, sumsAt + 4 * L);
        a5.intoArray(buf, sumsAt + 5 * L);
        a6.intoArray(buf, sumsAt + 6 * L);
        a7.intoArray(buf, sumsAt + 7 * L);
        VectorOpsF64.lanes(buf, sumsAt, 8);
        out[slot + termOut[t0]] = buf[sumsAt];
        out[slot + termOut[t0 + 1]] = buf[sumsAt + 1];
        out[slot + termOut[t0 + 2]] = buf[sumsAt + 2];
        out[slot + termOut[t0 + 3]] = buf[sumsAt + 3];
        out[slot + termOut[t0 + 4]] = buf[sumsAt + 4];
        out[slot + termOut[t0 + 5]] = buf[sumsAt + 5];
        out[slot + termOut[t0 + 6]] = buf[sumsAt + 6];
        out[slot + termOut[t0 + 7]] = buf[sumsAt + 7];
        if (whole < inW) tail(buf, gyAt, x, xRow, rows, t0, 8, out, slot);
    }

    /**
     * The nine terms of one input channel whose 3 × 3 taps read adjacent gy rows ({@link #nineAdjacent}), as
     * {@link #eight}: four x rows at a time, each of the six gy rows they meet loaded once per W tap for the (up
     * to) three x rows it pairs with: 22 loads for 36 FMAs, where {@link #eight} and {@link #one} load 11 for 9.
     * Term 3·kh + kw of x row j reads gy row j + kh of the block at W offset {@code e_kw}.
     */
    private void nine(double[] buf, int gyAt, double[] x, int xRow, int rows, double[] out, int slot) {
        int[] at = gyRows.termAt;
        int inW = g.in[2], step = gyRows.rowStep, whole = inW - inW % L;
        int b = gyAt + at[0], e1 = at[1] - at[0], e2 = at[2] - at[0];
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00, s20 = s00, s21 = s00, s22 = s00;
        int row = 0, xr = xRow, br = 0;
        for (; row + 4 <= rows; row += 4, xr += 4 * inW, br += 4 * step) {
            for (int i = 0; i < whole; i += L) {
                DoubleVector x0 = DoubleVector.fromArray(S, x, xr + i), x1 = DoubleVector.fromArray(S, x, xr + inW + i);
                DoubleVector x2 = DoubleVector.fromArray(S, x, xr + 2 * inW + i), x3 = DoubleVector.fromArray(S, x, xr + 3 * inW + i);
                int p = b + br + i;
                DoubleVector y = DoubleVector.fromArray(S, buf, p);   // gy row 0: x row 0's tap 0
                s00 = x0.fma(y, s00);
                y = DoubleVector.fromArray(S, buf, p + e1);
                s01 = x0.fma(y, s01);
                y = DoubleVector.fromArray(S, buf, p + e2);
                s02 = x0.fma(y, s02);
                p += step;   // gy row 1: x row 1's tap 0, x row 0's tap 1
                y = DoubleVector.fromArray(S, buf, p);
                s00 = x1.fma(y, s00);
                s10 = x0.fma(y, s10);
                y = DoubleVector.fromArray(S, buf, p + e1);
                s01 = x1.fma(y, s01);
                s11 = x0.fma(y, s11);
                y = DoubleVector.fromArray(S, buf, p + e2);
                s02 = x1.fma(y, s02);
                s12 = x0.fma(y, s12);
                p += step;   // gy row 2: x rows 2, 1, 0 through taps 0, 1, 2
                y = DoubleVector.fromArray(S, buf, p);
                s00 = x2.fma(y, s00);
                s10 = x1.fma(y, s10);
                s20 = x0.fma(y, s20);
                y = DoubleVector.fromArray(S, buf, p + e1);
                s01 = x2.fma(y, s01);
                s11 = x1.fma(y, s11);
                s21 = x0.fma(y, s21);
                y = DoubleVector.fromArray(S, buf, p + e2);
                s02 = x2.fma(y, s02);
                s12 = x1.fma(y, s12);
                s22 = x0.fma(y, s22);
                p += step;   // gy row 3: x rows 3, 2, 1
                y = DoubleVector.fromArray(S, buf, p);
                s00 = x3.fma(y, s00);
                s10 = x2.fma(y, s10);
                s20 = x1.fma(y, s20);
                y = DoubleVector.fromArray(S, buf, p + e1);
                s01 = x3.fma(y, s01);
                s11 = x2.fma(y, s11);
                s21 = x1.fma(y, s21);
                y = DoubleVector.fromArray(S, buf, p + e2);
                s02 = x3.fma(y, s02);
                s12 = x2.fma(y, s12);
                s22 = x1.fma(y, s22);
                p += step;   // gy row 4: x rows 3, 2 through taps 1, 2
                y = DoubleVector.fromArray(S, buf, p);
                s10 = x3.fma(y, s10);
                s20 = x2.fma(y, s20);
                y = DoubleVector.fromArray(S, buf, p + e1);
                s11 = x3.fma(y, s11);
                s21 = x2.fma(y, s21);
                y = DoubleVector.fromArray(S, buf, p + e2);
                s12 = x3.fma(y, s12);
                s22 = x2.fma(y, s22);
                p += step;   // gy row 5: x row 3 through tap 2
                s20 = x3.fma(DoubleVector.fromArray(S, buf, p), s20);
                s21 = x3.fma(DoubleVector.fromArray(S, buf, p + e1), s21);
                s22 = x3.fma(DoubleVector.fromArray(S, buf, p + e2), s22);
            }
        }
        for (; row < rows; row++, xr += inW, br += step) {   // the last rows, one at a time
            for (int i = 0; i < whole; i += L) {
                DoubleVector xv = DoubleVector.fromArray(S, x, xr + i);
                int p = b + br + i, q = p + step, r = q + step;
                s00 = xv.fma(DoubleVector.fromArray(S, buf, p), s00);
                s01 = xv.fma(DoubleVector.fromArray(S, buf, p + e1), s01);
                s02 = xv.fma(DoubleVector.fromArray(S, buf, p + e2), s02);
                s10 = xv.fma(DoubleVector.fromArray(S, buf, q), s10);
                s11 = xv.fma(DoubleVector.fromArray(S, buf, q + e1), s11);
                s12 = xv.fma(DoubleVector.fromArray(S, buf, q + e2), s12);
                s20 = xv.fma(DoubleVector.fromArray(S, buf, r), s20);
                s21 = xv.fma(DoubleVector.fromArray(S, buf, r + e1), s21);
                s22 = xv.fma(DoubleVector.fromArray(S, buf, r + e2), s22);
            }
        }
        s00.intoArray(buf, sumsAt);
        s01.intoArray(buf, sumsAt + L);
        s02.intoArray(buf, sumsAt + 2 * L);
        s10.intoArray(buf, sumsAt + 3 * L);
        s11.intoArray(buf, sumsAt + 4 * L);
        s12.intoArray(buf, sumsAt + 5 * L);
        s20.intoArray(buf, sumsAt + 6 * L);
        s21.intoArray(buf, sumsAt + 7 * L);
        s22.intoArray(buf, sumsAt + 8 * L);
        VectorOpsF64.lanes(buf, sumsAt, 9);
        out[slot + termOut[0]] = buf[sumsAt];
        out[slot + termOut[1]] = buf[sumsAt + 1];
        out[slot + termOut[2]] = buf[sumsAt + 2];
        out[slot + termOut[3]] = buf[sumsAt + 3];
        out[slot + termOut[4]] = buf[sumsAt + 4];
        out[slot + termOut[5]] = buf[sumsAt + 5];
        out[slot + termOut[6]] = buf[sumsAt + 6];
        out[slot + termOut[7]] = buf[sumsAt + 7];
        out[slot + termOut[8]] = buf[sumsAt + 8];
        if (whole < inW) nineTail(buf, gyAt, x, xRow, rows, out, slot);
    }

    /**
     * {@link #nine}'s cells past each row's last whole vector, added to its sums: one vector per row, four rows at
     * a time sharing their gy loads as in {@link #nine}, the lanes past the row kept out of the sums by a blend
     * (as {@link #tail}, whose loads per FMA are three times these); rows whose vector would reach past x, and
     * the last rows short of four, go to {@link #tail}.
     */
    private void nineTail(double[] buf, int gyAt, double[] x, int xRow, int rows, double[] out, int slot) {
        int[] at = gyRows.termAt;
        int inW = g.in[2], step = gyRows.rowStep, whole = inW - inW % L;
        int b = gyAt + at[0] + whole, e1 = at[1] - at[0], e2 = at[2] - at[0];
        VectorMask<Double> m = S.indexInRange(whole, inW);
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00, s20 = s00, s21 = s00, s22 = s00;
        int row = 0, xr = xRow + whole, br = 0;
        for (; row + 4 <= rows && xr + 3 * inW + L <= x.length; row += 4, xr += 4 * inW, br += 4 * step) {
            DoubleVector x0 = DoubleVector.fromArray(S, x, xr), x1 = DoubleVector.fromArray(S, x, xr + inW);
            DoubleVector x2 = DoubleVector.fromArray(S, x, xr + 2 * inW), x3 = DoubleVector.fromArray(S, x, xr + 3 * inW);
            int p = b + br;
            DoubleVector y = DoubleVector.fromArray(S, buf, p);   // gy row 0
            s00 = s00.blend(x0.fma(y, s00), m);
            y = DoubleVector.fromArray(S, buf, p + e1);
            s01 = s01.blend(x0.fma(y, s01), m);
            y = DoubleVector.fromArray(S, buf, p + e2);
            s02 = s02.blend(x0.fma(y, s02), m);
            p += step;   // gy row 1
            y = DoubleVector.fromArray(S, buf, p);
            s00 = s00.blend(x1.fma(y, s00), m);
            s10 = s10.blend(x0.fma(y, s10), m);
            y = DoubleVector.fromArray(S, buf, p + e1);
            s01 = s01.blend(x1.fma(y, s01), m);
            s11 = s11.blend(x0.fma(y, s11), m);
            y = DoubleVector.fromArray(S, buf, p + e2);
            s02 = s02.blend(x1.fma(y, s02), m);
            s12 = s12.blend(x0.fma(y, s12), m);
            p += step;   // gy row 2
            y = DoubleVector.fromArray(S, buf, p);
            s00 = s00.blend(x2.fma(y, s00), m);
            s10 = s10.blend(x1.fma(y, s10), m);
            s20 = s20.blend(x0.fma(y, s20), m);
            y = DoubleVector.fromArray(S, buf, p + e1);
            s01 = s01.blend(x2.fma(y, s01), m);
            s11 = s11.blend(x1.fma(y, s11), m);
            s21 = s21.blend(x0.fma(y, s21), m);
            y = DoubleVector.fromArray(S, buf, p + e2);
            s02 = s02.blend(x2.fma(y, s02), m);
            s12 = s12.blend(x1.fma(y, s12), m);
            s22 = s22.blend(x0.fma(y, s22), m);
            p += step;   // gy row 3
            y = DoubleVector.fromArray(S, buf, p);
            s00 = s00.blend(x3.fma(y, s00), m);
            s10 = s10.blend(x2.fma(y, s10), m);
            s20 = s20.blend(x1.fma(y, s20), m);
            y = DoubleVector.fromArray(S, buf, p + e1);
            s01 = s01.blend(x3.fma(y, s01), m);
            s11 = s11.blend(x2.fma(y, s11), m);
            s21 = s21.blend(x1.fma(y, s21), m);
            y = DoubleVector.fromArray(S, buf, p + e2);
            s02 = s02.blend(x3.fma(y, s02), m);
            s12 = s12.blend(x2.fma(y, s12), m);
            s22 = s22.blend(x1.fma(y, s22), m);
            p += step;   // gy row 4
            y = DoubleVector.fromArray(S, buf, p);
            s10 = s10.blend(x3.fma(y, s10), m);
            s20 = s20.blend(x2.fma(y, s20), m);
            y = DoubleVector.fromArray(S, buf, p + e1);
            s11 = s11.blend(x3.fma(y, s11), m);
            s21 = s21.blend(x2.fma(y, s21), m);
            y = DoubleVector.fromArray(S, buf, p + e2);
            s12 = s12.blend(x3.fma(y, s12), m);
            s22 = s22.blend(x2.fma(y, s22), m);
            p += step;   // gy row 5
            s20 = s20.blend(x3.fma(DoubleVector.fromArray(S, buf, p), s20), m);
            s21 = s21.blend(x3.fma(DoubleVector.fromArray(S, buf, p + e1), s21), m);
            s22 = s22.blend(x3.fma(DoubleVector.fromArray(S, buf, p + e2), s22), m);
        }
        s00.intoArray(buf, sumsAt);
        s01.intoArray(buf, sumsAt + L);
        s02.intoArray(buf, sumsAt + 2 * L);
        s10.intoArray(buf, sumsAt + 3 * L);
        s11.intoArray(buf, sumsAt + 4 * L);
        s12.intoArray(buf, sumsAt + 5 * L);
        s20.intoArray(buf, sumsAt + 6 * L);
        s21.intoArray(buf, sumsAt + 7 * L);
        s22.intoArray(buf, sumsAt + 8 * L);
        VectorOpsF64.lanes(buf, sumsAt, 9);
        out[slot + termOut[0]] += buf[sumsAt];
        out[slot + termOut[1]] += buf[sumsAt + 1];
        out[slot + termOut[2]] += buf[sumsAt + 2];
        out[slot + termOut[3]] += buf[sumsAt + 3];
        out[slot + termOut[4]] += buf[sumsAt + 4];
        out[slot + termOut[5]] += buf[sumsAt + 5];
        out[slot + termOut[6]] += buf[sumsAt + 6];
        out[slot + termOut[7]] += buf[sumsAt + 7];
        out[slot + termOut[8]] += buf[sumsAt + 8];
        if (row < rows) tail(buf, gyAt + row * step, x, xRow + row * inW, rows - row, 0, 9, out, slot);
    }

    /** One term of one input channel, as {@link #eight}. */
    private void one(double[] buf, int gyAt, double[] x, int xRow, int rows, int t, double[] out, int slot) {
        int inW = g.in[2], step = gyRows.rowStep, whole = inW - inW % L, b = gyAt + gyRows.termAt[t];
        DoubleVector a = DoubleVector.zero(S);
        for (int row = 0, xr = xRow, br = 0; row < rows; row++, xr += inW, br += step) {
            for (int i = 0; i < whole; i += L) a = DoubleVector.fromArray(S, x, xr + i).fma(DoubleVector.fromArray(S, buf, b + br + i), a);
        }
        a.intoArray(buf, sumsAt);
        VectorOpsF64.lanes(buf, sumsAt, 1);
        out[slot + termOut[t]] = buf[sumsAt];
        if (whole < inW) tail(buf, gyAt, x, xRow, rows, t, 1, out, slot);
    }

    /**
     * The cells past a row's last whole vector, for terms t0 … t0 + count − 1: a masked vector per row (masked in x
     * and in gy: what lies past either is not read), added to their sums. Apart from the loops over whole vectors:
     * with masked loads among eight sums, those were too large for C1's registers, and C2 then never compiled them.
     */
    private void tail(double[] buf, int gyAt, double[] x, int xRow, int rows, int t0, int count, double[] out, int slot) {
        int inW = g.in[2], step = gyRows.rowStep, whole = inW - inW % L;
        VectorMask<Double> m = S.indexInRange(whole, inW);
        for (int t = t0; t < t0 + count; t++) {
            int b = gyAt + gyRows.termAt[t] + whole, row = 0, xr = xRow + whole, br = 0;
            // Four rows' sums apart (one sum's chain of FMAs waits on each one's latency), from whole vectors while
            // they lie inside x (the buffer has a row's slack), the lanes past the row kept out of the sums by a
            // blend (masked loads in this loop made it too large for C2: a probe ran at a tenth of the speed).
            DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
            for (; row + 4 <= rows && xr + 3 * inW + L <= x.length; row += 4, xr += 4 * inW, br += 4 * step) {
                a0 = a0.blend(DoubleVector.fromArray(S, x, xr).fma(DoubleVector.fromArray(S, buf, b + br), a0), m);
                a1 = a1.blend(DoubleVector.fromArray(S, x, xr + inW).fma(DoubleVector.fromArray(S, buf, b + br + step), a1), m);
                a2 = a2.blend(DoubleVector.fromArray(S, x, xr + 2 * inW).fma(DoubleVector.fromArray(S, buf, b + br + 2 * step), a2), m);
                a3 = a3.blend(DoubleVector.fromArray(S, x, xr + 3 * inW).fma(DoubleVector.fromArray(S, buf, b + br + 3 * step), a3), m);
            }
            for (; row < rows; row++, xr += inW, br += step) a0 = DoubleVector.fromArray(S, x, xr, m).fma(DoubleVector.fromArray(S, buf, b + br, m), a0);
            a0.add(a1).add(a2.add(a3)).intoArray(buf, sumsAt);
            VectorOpsF64.lanes(buf, sumsAt, 1);
            out[slot + termOut[t]] += buf[sumsAt];
        }
    }
}
