package io.tconv.internal.vector;

import io.tconv.internal.DoubleWeightRows;
import io.tconv.internal.Geometry;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double weight gradient of a channels-last depthwise layer (one input channel per group; one output channel
 * per group, or several: each x row is then first spread to one value per output channel, {@link MultipliersF64}):
 * {@code gw[c][t] = Σ_i x[i][c] · gy[i·s − pb + t·d][c]}. A pixel's channels are adjacent in x and gy, so the
 * vectors run across channels and no sum crosses lanes. A task is a band of x rows; per row, the taps through
 * which it meets gy go four at a time, and for each block of two vectors of channels, each x vector loaded once
 * feeds the four taps' sums (eight vectors in registers) along the columns where all four land inside gy; the
 * few columns at the ends where only some do go a pixel at a time. The sums gather per thread as
 * {@code [tap][channel]} and go to the task's slot, {@code [channel][tap]}, at the band's end.
 */
final class DepthwiseLastWeightF64 implements DoubleWeightRows {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    /**
     * A task's multiply-adds, at least: rows per band so that the transposition into the slot costs little (dw32:
     * 16 rows, four tasks an image).
     */
    private static final long TASK_MACS = 1 << 19;
    private final Geometry g;
    /** Channels rounded up to whole vectors: the pitch of the per-thread sums. */
    private final int pitch;
    /** x rows (D × H) per task, and tasks per image. */
    private final int bandRows, bands;
    /** Per W tap: the first x column whose tap lands inside gy, the column after the last, its gy column at iw = 0. */
    private final int[] first, end, shift;
    /** Per thread: the band's sums {@code [tap][channel]}. */
    private final ThreadLocal<double[]> sums;
    /**
     * Per thread: a row's (D, H) taps inside gy, their gy rows and their tap indices (times kW); a block's four
     * taps, their gy offsets and the places of their sums.
     */
    private final ThreadLocal<int[][]> taps;
    /** Depthwise multipliers: the spreading of x's channels, and per thread one spread x row (else null). */
    private final MultipliersF64 multipliers;
    private final ThreadLocal<double[]> spreadRow;

    /** @param bandBytes at most the bytes of a band's rows of x (less than a row: one row; small in tests) */
    DepthwiseLastWeightF64(Geometry g, long bandBytes) {
        this.g = g;
        pitch = (g.cout + L - 1) / L * L;
        int rows = g.in[0] * g.in[1];
        long rowMacs = Math.max(1, (long) g.in[2] * g.cout * g.kVol), rowBytes = (long) Double.BYTES * g.in[2] * g.cout;
        long perBand = Math.max(1, Math.min(rows, Math.min((TASK_MACS + rowMacs - 1) / rowMacs, bandBytes / Math.max(1, rowBytes))));
        bands = (int) ((rows + perBand - 1) / perBand);
        bandRows = (rows + bands - 1) / bands;
        first = new int[g.k[2]];
        end = new int[g.k[2]];
        shift = new int[g.k[2]];
        for (int kw = 0; kw < g.k[2]; kw++) {
            first[kw] = GyTaps.firstColumn(g, kw);
            end[kw] = GyTaps.endColumn(g, kw);
            shift[kw] = kw * g.d[2] - g.pb[2];
        }
        taps = ThreadLocal.withInitial(() -> new int[][] {new int[g.k[0] * g.k[1]], new int[g.k[0] * g.k[1]], new int[4], new int[4]});
        sums = ThreadLocal.withInitial(() -> new double[g.kVol * pitch]);
        multipliers = g.cog > 1 ? new MultipliersF64(g.cin, g.cog) : null;
        // (L elements of slack: the last channels' masked loads then never reach past the array, where they turn slow)
        spreadRow = multipliers == null ? null : ThreadLocal.withInitial(() -> new double[g.in[2] * g.cout + L]);
    }

    static boolean suits(Geometry g) {
        return DepthwiseLastF64.suits(g);
    }

    @Override
    public String name() { return "depthwise channels-last"; }

    @Override
    public int tasksPerImage() { return bands; }

    @Override
    public boolean allGroups() { return true; }

    @Override
    public long macsPerTask() {
        return Math.max(1, (long) bandRows * g.in[2] * g.cout * g.kVol);
    }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] gy, int gyOff, double[] out, int outOff) {
        double[] acc = sums.get();
        Arrays.fill(acc, 0.0);
        for (int r = task * bandRows; r < Math.min((task + 1) * bandRows, g.in[0] * g.in[1]); r++) row(n, r, x, xOff, gy, gyOff, acc);
        for (int ch = 0; ch < g.cout; ch++) {
            for (int t = 0; t < g.kVol; t++) out[outOff + ch * g.kVol + t] = acc[t * pitch + ch];
        }
    }

    /** {@return the channels of the block from c0: two whole vectors, else one (partial at the end)} */
    private int width(int c0) {
        return c0 + 2 * L <= g.cout ? 2 * L : L;
    }

    /** Adds x row r's sums over its taps into {@code acc}. */
    private void row(int n, int r, double[] x, int xOff, double[] gy, int gyOff, double[] acc) {
        int c = g.cout, inW = g.in[2], kW = g.k[2], step = g.s[2] * c, xRow = xOff + n * g.inImage() + r * inW * g.cin;
        if (multipliers != null) {
            double[] spread = spreadRow.get();
            multipliers.spread(x, xRow, inW, spread, 0);
            x = spread;
            xRow = 0;
        }
        int[][] rows = taps.get();
        int[] off = rows[2], at = rows[3];
        int count = GyTaps.of(g, r / g.in[1], r % g.in[1], gyOff + n * g.outImage(), rows[0], rows[1]), pairs = count * kW;
        // the row's (D/H tap, W tap) pairs, four at a time; a last, short block repeats its last pair
        for (int p0 = 0; p0 < pairs; p0 += 4) {
            int m = Math.min(4, pairs - p0), lo = 0, hi = inW;
            for (int u = 0; u < 4; u++) {
                int pair = p0 + Math.min(u, m - 1), kw = pair % kW;
                off[u] = rows[0][pair / kW] + shift[kw] * c;
                at[u] = (rows[1][pair / kW] + kw) * pitch;
                lo = Math.max(lo, first[kw]);
                hi = Math.min(hi, end[kw]);
            }
            if (hi <= lo) lo = hi = inW;   // no column where all four land inside: every column goes alone
            for (int c0 = 0; c0 < c; c0 += width(c0)) {
                if (hi > lo && width(c0) == 2 * L) two(x, xRow + lo * c + c0, gy, off, lo * step + c0, hi - lo, acc, at, c0, m);
                else if (hi > lo) one(x, xRow + lo * c + c0, gy, off, lo * step + c0, hi - lo, acc, at, c0, m, S.indexInRange(c0, c));
                for (int u = 0; u < m; u++) {
                    int kw = (p0 + u) % kW;
                    for (int iw = first[kw]; iw < Math.min(lo, end[kw]); iw++) pixel(c0, x, xRow + iw * c + c0, gy, off[u] + iw * step + c0, acc, at[u] + c0);
                    for (int iw = Math.max(hi, first[kw]); iw < end[kw]; iw++) pixel(c0, x, xRow + iw * c + c0, gy, off[u] + iw * step + c0, acc, at[u] + c0);
                }
            }
        }
    }

    /**
     * Adds the sums over {@code pixels} columns of four taps (x from xa, gy from {@code off[u] + ga}, columns C
     * and s·C apart) of two whole vectors of channels into {@code acc[at[u] + c0 …]} for the first m taps.
     */
    private void two(double[] x, int xa, double[] gy, int[] off, int ga, int pixels, double[] acc, int[] at, int c0, int m) {
        int c = g.cout, step = g.s[2] * c, d1 = off[1] - off[0], d2 = off[2] - off[0], d3 = off[3] - off[0];
        DoubleVector a0 = DoubleVector.zero(S), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (int i = 0, y = off[0] + ga; i < pixels; i++, xa += c, y += step) {
            DoubleVector xa0 = DoubleVector.fromArray(S, x, xa), xb0 = DoubleVector.fromArray(S, x, xa + L);
            a0 = xa0.fma(DoubleVector.fromArray(S, gy, y), a0);
            b0 = xb0.fma(DoubleVector.fromArray(S, gy, y + L), b0);
            a1 = xa0.fma(DoubleVector.fromArray(S, gy, y + d1), a1);
            b1 = xb0.fma(DoubleVector.fromArray(S, gy, y + d1 + L), b1);
            a2 = xa0.fma(DoubleVector.fromArray(S, gy, y + d2), a2);
            b2 = xb0.fma(DoubleVector.fromArray(S, gy, y + d2 + L), b2);
            a3 = xa0.fma(DoubleVector.fromArray(S, gy, y + d3), a3);
            b3 = xb0.fma(DoubleVector.fromArray(S, gy, y + d3 + L), b3);
        }
        add(acc, at[0] + c0, a0, b0);
        if (m > 1) add(acc, at[1] + c0, a1, b1);
        if (m > 2) add(acc, at[2] + c0, a2, b2);
        if (m > 3) add(acc, at[3] + c0, a3, b3);
    }

    /** {@link #two} for one vector of channels, masked by v (lanes past the channels sum zeros; acc has room). */
    private void one(double[] x, int xa, double[] gy, int[] off, int ga, int pixels, double[] acc, int[] at, int c0, int m, VectorMask<Double> v) {
        int c = g.cout, step = g.s[2] * c, d1 = off[1] - off[0], d2 = off[2] - off[0], d3 = off[3] - off[0];
        DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0, y = off[0] + ga; i < pixels; i++, xa += c, y += step) {
            DoubleVector xv = DoubleVector.fromArray(S, x, xa, v);
            a0 = xv.fma(DoubleVector.fromArray(S, gy, y, v), a0);
            a1 = xv.fma(DoubleVector.fromArray(S, gy, y + d1, v), a1);
            a2 = xv.fma(DoubleVector.fromArray(S, gy, y + d2, v), a2);
            a3 = xv.fma(DoubleVector.fromArray(S, gy, y + d3, v), a3);
        }
        add(acc, at[0] + c0, a0);
        if (m > 1) add(acc, at[1] + c0, a1);
        if (m > 2) add(acc, at[2] + c0, a2);
        if (m > 3) add(acc, at[3] + c0, a3);
    }

    private static void add(double[] acc, int at, DoubleVector a) {
        DoubleVector.fromArray(S, acc, at).add(a).intoArray(acc, at);
    }

    private static void add(double[] acc, int at, DoubleVector a, DoubleVector b) {
        add(acc, at, a);
        add(acc, at + L, b);
    }

    /** Adds one pixel's {@code x · gy} of the channel block from c0 (x at xa, gy at ga) into {@code acc[at …]}. */
    private void pixel(int c0, double[] x, int xa, double[] gy, int ga, double[] acc, int at) {
        if (width(c0) == 2 * L) {
            DoubleVector.fromArray(S, x, xa).fma(DoubleVector.fromArray(S, gy, ga), DoubleVector.fromArray(S, acc, at)).intoArray(acc, at);
            DoubleVector.fromArray(S, x, xa + L).fma(DoubleVector.fromArray(S, gy, ga + L), DoubleVector.fromArray(S, acc, at + L))
                    .intoArray(acc, at + L);
        } else {
            VectorMask<Double> v = S.indexInRange(c0, g.cout);
            DoubleVector.fromArray(S, x, xa, v).fma(DoubleVector.fromArray(S, gy, ga, v), DoubleVector.fromArray(S, acc, at)).intoArray(acc, at);
        }
    }
}
