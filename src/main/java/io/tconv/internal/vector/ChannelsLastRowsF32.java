package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float channels-last path for few input channels and at least a vector of output channels per group: a
 * pixel's output channels are adjacent, so the vectors run across them, with the weights packed as
 * {@code [ci][tap][co]}. A task is an output row. Per W residue and group, the row's terms (D tap, H tap, the
 * residue's W taps, input channel: a flat list) are summed onto the bias in registers, eight cells at a time
 * where every term reads inside the input (each term an input pixel broadcast times a vector of its weights;
 * the last block of eight moved back to end with that stretch), and each cell is stored (the last, partial
 * vector of channels masked); the cells at the row's ends sum
 * their terms that read inside the input one cell at a time, in the same order. No inserted zero is visited.
 */
final class ChannelsLastRowsF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();

    private final Geometry g;
    private final Taps tapsD, tapsH;
    private final WResidues residues;
    private final float[] w, bias;
    /** Per thread: a row's terms for one residue and group: input offset (cell 0), weight offset, W offset δ. */
    private final ThreadLocal<int[][]> terms;

    ChannelsLastRowsF32(Geometry g, float[] weight, float[] bias, Workspace workspace) {
        this.g = g;
        tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
        tapsH = new Taps(g.in[1], g.k[1], g.s[1], g.d[1], g.pb[1], g.out[1]);
        residues = new WResidues(g);
        workspace.check(name(), sharedBytes(), 0);
        w = new float[g.cin * g.kVol * g.cog + L];   // + L: a partial last vector of channels reads past its weights
        for (int c = 0; c < g.cin; c++) {   // [Cin, Cout/groups, k…] → [Cin, k…, Cout/groups]
            for (int co = 0; co < g.cog; co++) {
                for (int t = 0; t < g.kVol; t++) w[(c * g.kVol + t) * g.cog + co] = weight[(c * g.cog + co) * g.kVol + t];
            }
        }
        this.bias = java.util.Arrays.copyOf(bias == null ? new float[g.cout] : bias, g.cout + L);
        int most = g.kVol * g.cig;
        terms = ThreadLocal.withInitial(() -> new int[3][most]);
    }

    /** Channels-last, few input channels per group, at least a vector of output channels per group. */
    static boolean suits(Geometry g) {
        return g.channelsLast && g.cig <= 16 && g.cog >= L;
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " channels-last rows"; }

    @Override
    public int tasksPerImage() { return g.out[0] * g.out[1]; }

    @Override
    public long macsPerTask() { return Math.max(1, (long) g.out[2] * g.cout * g.cig * g.kVol / ((long) g.s[0] * g.s[1] * g.s[2])); }

    @Override
    public long sharedBytes() {
        long tables = 4L * (tapsD.start.length + tapsH.start.length + 2L * (tapsD.tap.length + tapsH.tap.length)) + residues.bytes();
        return (long) Float.BYTES * ((long) g.cin * g.kVol * g.cog + g.cout + 2L * L) + tables;
    }

    @Override
    public long bytesPerThread() { return 0; }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int od = task / g.out[1], oh = task % g.out[1], cin = g.cin, cout = g.cout, cog = g.cog, cig = g.cig;
        int inH = g.in[1], inW = g.in[2], kh = g.k[1], kw = g.k[2], yStep = g.s[2] * cout;
        int xImage = xOff + n * g.inImage(), yRow = yOff + n * g.outImage() + (od * g.out[1] + oh) * g.out[2] * cout;
        int[][] t = terms.get();
        for (int r = 0; r < g.s[2]; r++) {
            int[] wTap = residues.tap[r], delta = residues.delta[r];
            int cells = residues.count[r], q0 = residues.interior0[r], q1 = residues.interior1[r];
            for (int grp = 0; grp < g.groups; grp++) {
                int count = 0;
                for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
                    for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                        int xRow = xImage + (tapsD.input[a] * inH + tapsH.input[b]) * inW * cin;
                        int tRow = (tapsD.tap[a] * kh + tapsH.tap[b]) * kw;
                        for (int j = 0; j < wTap.length; j++) {
                            for (int c = grp * cig; c < (grp + 1) * cig; c++, count++) {
                                t[0][count] = xRow + delta[j] * cin + c;
                                t[1][count] = (c * g.kVol + tRow + wTap[j]) * cog;
                                t[2][count] = delta[j];
                            }
                        }
                    }
                }
                int yCells = yRow + r * cout + grp * cog, bAt = grp * cog;
                for (int co = 0; co < cog; co += L) {
                    VectorMask<Float> part = co + L <= cog ? null : S.indexInRange(co, cog);   // a last, partial vector
                    for (int q = 0; q < cells; ) {
                        if (q >= q0 && q < q1 && q1 - q0 >= 8) {
                            // blocks of eight from q0; a last block that would cross q1 moves back to end there (its
                            // overlap is computed and stored again, the same values): no interior cell goes alone
                            int at = Math.min(q, q1 - 8);
                            eight(x, t[0], t[1], count, at, co, bAt, y, yCells + at * yStep + co, part);
                            q = at + 8;
                        } else {
                            cell(x, t, count, q, co, bAt, y, yCells + q * yStep + co, part);
                            q++;
                        }
                    }
                }
            }
        }
    }

    /**
     * Cells q … q + 7 (every term inside the input), output channels co … co + L − 1 of the group (bias from
     * {@code bAt}): term m's input at {@code xAt[m] + q·cin}, its weights at {@code wAt[m] + co}; stored from
     * {@code to}, a cell s·cout apart; only the lanes of {@code part} where it is not null (the lanes past it
     * sum weights of other channels, and are not stored).
     */
    private void eight(float[] x, int[] xAt, int[] wAt, int count, int q, int co, int bAt, float[] y, int to, VectorMask<Float> part) {
        int cin = g.cin, step = g.s[2] * g.cout;
        FloatVector a0 = FloatVector.fromArray(S, bias, bAt + co), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int m = 0; m < count; m++) {
            int at = xAt[m] + q * cin;
            FloatVector wv = FloatVector.fromArray(S, w, wAt[m] + co);
            a0 = wv.fma(FloatVector.broadcast(S, x[at]), a0);
            a1 = wv.fma(FloatVector.broadcast(S, x[at + cin]), a1);
            a2 = wv.fma(FloatVector.broadcast(S, x[at + 2 * cin]), a2);
            a3 = wv.fma(FloatVector.broadcast(S, x[at + 3 * cin]), a3);
            a4 = wv.fma(FloatVector.broadcast(S, x[at + 4 * cin]), a4);
            a5 = wv.fma(FloatVector.broadcast(S, x[at + 5 * cin]), a5);
            a6 = wv.fma(FloatVector.broadcast(S, x[at + 6 * cin]), a6);
            a7 = wv.fma(FloatVector.broadcast(S, x[at + 7 * cin]), a7);
        }
        if (part == null) {
            a0.intoArray(y, to);
            a1.intoArray(y, to + step);
            a2.intoArray(y, to + 2 * step);
            a3.intoArray(y, to + 3 * step);
            a4.intoArray(y, to + 4 * step);
            a5.intoArray(y, to + 5 * step);
            a6.intoArray(y, to + 6 * step);
            a7.intoArray(y, to + 7 * step);
        } else {
            a0.intoArray(y, to, part);
            a1.intoArray(y, to + step, part);
            a2.intoArray(y, to + 2 * step, part);
            a3.intoArray(y, to + 3 * step, part);
            a4.intoArray(y, to + 4 * step, part);
            a5.intoArray(y, to + 5 * step, part);
            a6.intoArray(y, to + 6 * step, part);
            a7.intoArray(y, to + 7 * step, part);
        }
    }

    /** Cell q alone, its terms checked against the input's width: as {@link #eight}. */
    private void cell(float[] x, int[][] t, int count, int q, int co, int bAt, float[] y, int to, VectorMask<Float> part) {
        FloatVector acc = FloatVector.fromArray(S, bias, bAt + co);
        for (int m = 0; m < count; m++) {
            int iw = q + t[2][m];
            if (iw < 0 || iw >= g.in[2]) continue;
            acc = FloatVector.fromArray(S, w, t[1][m] + co).fma(FloatVector.broadcast(S, x[t[0][m] + q * g.cin]), acc);
        }
        if (part == null) acc.intoArray(y, to);
        else acc.intoArray(y, to, part);
    }
}
