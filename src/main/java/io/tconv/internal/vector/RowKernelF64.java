package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double few-channel path of {@link RowLayout}: for each band, H residue and W residue, the sums over (D/H
 * tap, W tap, input channel) for two vectors of pixels and a block of output channels in named accumulators,
 * over the band's zero-padded input rows; then each output row interleaves its W residues with the bias (a
 * vector zip when the W stride is 2, a plain copy when it is 1, register shuffles at 3, 4, 8 and 16, scalar
 * stores otherwise; channels-last, the rows
 * of (residue, channel) of every block, or of a depthwise layer's every group, woven into the row's run by
 * register shuffles where they are few, else scalar stores).
 * Zeros stand in for taps outside the input, exact only for finite weights: the provider checks.
 */
final class RowKernelF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    /** {@link #sums1}: at most this many terms of a pixel sweep the band; more are summed in registers. */
    static final int SWEPT_TERMS = 4;
    private final RowLayout lay;
    private final Geometry g;
    private final double[] w;
    private final double[] bias;
    private final ThreadLocal<Scratch> scratch;
    /**
     * Where {@link RowLayout#runs}: the output row is one run of (pixel, channel), the interleave of the rows of
     * sums (residue, channel) of every block ({@link TransposeF64#interleave}); per row its offset in the sums,
     * and the bias along a vector of the run. Null elsewhere.
     */
    private final int[] runRows;
    private final double[] runBias;
    /** Where the run's channels are padded to a power of two (three as four): how its vectors are written. Else null. */
    private final TransposeF64.Padding padding;
    /**
     * Every group at W stride 2: where each group's (channel's) zipped rows of sums start, for {@link #fourTerms}
     * into them and their weave into the output row ({@link #writeZipped}). Null elsewhere.
     */
    private final int[] zipRows;
    /**
     * Channels-first at a W stride of 3, 4, 8 or 16 (within the lanes): the offsets of a channel's W residues' rows
     * of sums, which {@link TransposeF64#weave3} or {@link TransposeF64#interleave} weave into an output row. Else
     * null (stride 2 zips; others are written a cell at a time).
     */
    private final int[] residueRows;

    /** Per-thread buffers: the band's padded input rows, the sums of each W residue, one residue's taps. */
    private static final class Scratch {
        final double[] lines, sums, stage;
        /** A channel's bias in every lane, for the weaves. */
        final double[] pattern = new double[L];
        final int[] tapX, tapW;
        /** Single-channel path: each term's offset in the buffer and its weight. */
        final int[] termX;
        final double[] termW;

        Scratch(RowLayout lay) {
            lines = new double[lay.bufferLength];   // pads are never written: they stay zero
            sums = new double[(int) lay.sumsElements];
            stage = new double[lay.runs ? lay.g.s[2] * lay.runChannels * L : 0];   // a weave's vectors, where they are compressed or a row's rest
            tapX = new int[lay.g.k[0] * lay.g.k[1]];
            tapW = new int[lay.g.k[0] * lay.g.k[1]];
            termX = new int[lay.block == 1 ? Math.max(8, lay.g.cig * lay.g.kVol) : 0];   // 8: fourTerms' and fewTerms' two residues
            termW = new double[termX.length];
        }
    }

    RowKernelF64(RowLayout lay, double[] weight, double[] bias, Workspace workspace) {
        this.lay = lay;
        this.g = lay.g;
        workspace.check(name(), sharedBytes(), bytesPerThread());
        this.bias = bias == null ? new double[g.cout] : bias.clone();
        w = new double[g.groups * g.cig * g.kVol * lay.cogPad];
        for (int grp = 0; grp < g.groups; grp++) {
            for (int ci = 0; ci < g.cig; ci++) {
                for (int t = 0; t < g.kVol; t++) {
                    for (int co = 0; co < g.cog; co++) w[lay.packedIndex(grp, ci, t, co)] = weight[lay.weightIndex(grp, ci, t, co)];
                }
            }
        }
        scratch = ThreadLocal.withInitial(() -> new Scratch(lay));
        int sw = g.s[2];
        if (g.yp == 1 && sw > 2 && TransposeF64.stridesOf(sw)) {
            residueRows = new int[sw];
            for (int r = 0; r < sw; r++) residueRows[r] = r * lay.block * lay.sumsLength;
        } else {
            residueRows = null;
        }
        int channels = lay.runChannels, rows = g.s[2] * channels;
        padding = lay.runs && lay.runChannels != g.yp ? new TransposeF64.Padding(g.yp) : null;
        // (not for three channels padded to four: there the inlined weave and compaction measured 25 → 16 GFLOP/s)
        if (lay.allGroups && g.s[2] == 2 && ZipF64.VECTORS && padding == null) {
            zipRows = new int[lay.runChannels];
            for (int c = 0; c < zipRows.length; c++) zipRows[c] = 2 * c * lay.sumsLength;
        } else {
            zipRows = null;
        }
        if (lay.runs) {   // row (residue rw, channel c): block (or group) c / block's sums of residue rw, its channel c % block
            runRows = new int[rows];
            for (int r = 0; r < rows; r++) {
                int rw = r / channels, c = r % channels;
                runRows[r] = ((c / lay.block * g.s[2] + rw) * lay.block + c % lay.block) * lay.sumsLength;
            }
            runBias = new double[L];
            // (rows, and so L, a multiple of the channels; a padding channel's bias zero)
            for (int l = 0; l < L; l++) runBias[l] = l % channels < g.cout ? this.bias[l % channels] : 0;
        } else {
            runRows = null;
            runBias = null;
        }
    }

    @Override
    public String name() {
        return "vector-" + VectorConstants.BITS + " " + lay.describe();
    }

    @Override
    public int tasksPerImage() { return lay.tasksPerImage(); }

    @Override
    public long macsPerTask() { return lay.macsPerTask; }

    @Override
    public long sharedBytes() { return lay.sharedBytes(Double.BYTES); }

    @Override
    public long bytesPerThread() { return lay.bytesPerThread(Double.BYTES); }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        Bands bd = lay.bands;
        int grp = task / lay.bands.bandsPerGroup, band = task % lay.bands.bandsPerGroup;
        int od = bd.bandOd[band], q0 = bd.bandQ0[band], q1 = bd.bandQ1[band];
        Scratch s = scratch.get();
        BandCopyF64.copy(bd, x, xOff + n * g.inImage() + grp * g.cig * g.xc, band, s.lines);
        int outW = g.out[2], kh = g.k[1], kw = g.k[2], pitch = bd.pitch;
        int yGroup = yOff + n * g.outImage() + grp * g.cog * g.yc + od * g.out[1] * outW * g.yp;
        for (int rh = 0; rh < g.s[1]; rh++) {
            int qEnd = Math.min(q1, bd.hCount[rh]);
            if (qEnd <= q0) continue;
            int taps = 0;
            for (int a = bd.tapsD.start[od]; a < bd.tapsD.start[od + 1]; a++) {
                int slot = (a - bd.tapsD.start[od]) * bd.rowsPerSlot;
                for (int b = 0; b < bd.hTap[rh].length; b++) {
                    s.tapX[taps] = (slot + bd.hDelta[rh][b] - bd.hDeltaMin) * pitch + bd.padLeft;
                    s.tapW[taps++] = (bd.tapsD.tap[a] * kh + bd.hTap[rh][b]) * kw * lay.cogPad;
                }
            }
            if (lay.allGroups && zipRows != null && fourTermsEach(s, taps)) {
                // each group's two residues summed and zipped into its rows in registers, then each output row
                // woven from the groups' rows (a round fewer than weaving every residue's rows)
                for (int c = 0; c < g.groups; c++) {
                    terms(s, taps, 0, c * g.kVol, c * bd.channelStride, 0);
                    terms(s, taps, 1, c * g.kVol, c * bd.channelStride, 4);
                    fourTerms(s, qEnd - q0, 0.0, s.sums, zipRows[c], 2 * pitch);
                }
                for (int qh = q0; qh < qEnd; qh++) writeZipped(s, (qh - q0) * 2 * pitch, y, yGroup + (rh + g.s[1] * qh) * outW * g.yp);
                continue;
            }
            if (lay.runs) {   // every block's (or group's) sums first, then each output row woven from all of them
                for (int b = 0; b < (lay.allGroups ? g.groups : lay.sumsBlocks); b++) {   // (a padding channel's sums stay zero)
                    for (int rw = 0; rw < g.s[2]; rw++) {
                        int at = (b * g.s[2] + rw) * lay.block * lay.sumsLength;
                        if (lay.allGroups) sums1(s, taps, rw, b * g.kVol, b * bd.channelStride, at, (qEnd - q0) * pitch);
                        else sums4(s, taps, rw, grp * g.cig * g.kVol * lay.cogPad + b * lay.block, at, qEnd - q0);
                    }
                }
                for (int qh = q0; qh < qEnd; qh++) {
                    writePixels(s, (qh - q0) * lay.sumsRowStride, g.yp, 0, y, yGroup + (rh + g.s[1] * qh) * outW * g.yp);
                }
                continue;
            }
            for (int co = 0; co < g.cog; co += lay.block) {
                int wBase = grp * g.cig * g.kVol * lay.cogPad + co;
                if (lay.block == 1 && g.s[2] == 2 && ZipF64.VECTORS && g.yp == 1) {
                    int even = terms(s, taps, 0, wBase, 0, 0), odd = even <= 4 ? terms(s, taps, 1, wBase, 0, 4) : 0;
                    int yRow = yGroup + co * g.yc + (rh + g.s[1] * q0) * outW;
                    if (even == 4 && odd == 4) {
                        fourTerms(s, qEnd - q0, bias[grp * g.cog + co], y, yRow, g.s[1] * outW);
                        continue;
                    }
                    if (even >= 1 && odd >= 1 && odd <= 4 && even <= 4) {
                        fewTerms(s, even, odd, qEnd - q0, bias[grp * g.cog + co], y, yRow, g.s[1] * outW);
                        continue;
                    }
                    if (even >= 1) odd = terms(s, taps, 1, wBase, 0, even);   // the odd residue's terms after the even's
                    if (even >= 1 && odd >= 1 && even + odd <= s.termX.length) {
                        manyTerms(s, even, odd, qEnd - q0, bias[grp * g.cog + co], y, yRow, g.s[1] * outW);
                        continue;
                    }
                }
                if (lay.block == 1 && g.s[2] == 1 && g.yp == 1 && outW >= L) {
                    int terms = terms(s, taps, 0, wBase, 0, 0);
                    int yRow = yGroup + co * g.yc + (rh + g.s[1] * q0) * outW;
                    if (nineAdjacent(s, terms)) {
                        nineTerms(s, qEnd - q0, bias[grp * g.cog + co], y, yRow, g.s[1] * outW);
                        continue;
                    }
                    if (terms >= 1 && terms <= s.termX.length) {
                        allTerms(s, terms, 0, qEnd - q0, bias[grp * g.cog + co], y, yRow, g.s[1] * outW);
                        continue;
                    }
                }
                for (int rw = 0; rw < g.s[2]; rw++) {
                    int at = rw * lay.block * lay.sumsLength;
                    if (lay.block == 1) sums1(s, taps, rw, wBase, 0, at, (qEnd - q0) * pitch);
                    else sums4(s, taps, rw, wBase, at, qEnd - q0);
                }
                int channels = Math.min(lay.block, g.cog - co);
                if (g.yp != 1) {   // channels-last: a pixel's channels are adjacent, so write them together
                    for (int qh = q0; qh < qEnd; qh++) {
                        writePixels(s, (qh - q0) * lay.sumsRowStride, channels, grp * g.cog + co, y,
                                yGroup + co + (rh + g.s[1] * qh) * outW * g.yp);
                    }
                    continue;
                }
                for (int c = 0; c < channels; c++) {
                    double b = bias[grp * g.cog + co + c];
                    Arrays.fill(s.pattern, b);
                    int yChannel = yGroup + (co + c) * g.yc;
                    for (int qh = q0; qh < qEnd; qh++) {
                        writeLine(s.sums, c * lay.sumsLength + (qh - q0) * lay.sumsRowStride, b, s.pattern, y, yChannel + (rh + g.s[1] * qh) * outW);
                    }
                }
            }
        }
    }

    /**
     * One output channel (its weights from {@code wBase}, its input from {@code xBase} in the band's buffer): sums
     * of W residue r over pixels [0, pixels), into {@code sums[at + p]}, swept flat over the band's rows at the
     * buffer's pitch. Up to {@link #SWEPT_TERMS} terms sweep the band four at a time (sums stay in L1; with so few
     * terms per pixel the loop that runs long must be the one over pixels); more are summed in registers, eight
     * vectors of pixels at a time ({@link #cells}), so that a term costs one load instead of a round trip
     * through the sums every four terms. Either way the terms are added in the same order.
     */
    private void sums1(Scratch s, int taps, int r, int wBase, int xBase, int at, int pixels) {
        int terms = terms(s, taps, r, wBase, xBase, 0);
        for (int j = 0; j < terms; j++) s.termX[j] -= at;
        if (terms > SWEPT_TERMS && terms <= s.termX.length) {
            int n = TileShape.ceilDiv(pixels, L), v = 0;   // vectors; the last block moved back to end at the last
            if (n < 8) {   // two halves, overlapping by a vector when n is odd
                int half = (n + 1) / 2;
                cells(s, terms, half, n > 1, at, (n - half) * L, -0.0, s.sums, at, (n - half) * L);
                return;
            }
            for (; v + 8 <= n; v += 8) cells(s, terms, 4, true, at + v * L, 4 * L, -0.0, s.sums, at + v * L, 4 * L);
            if (v < n) cells(s, terms, 4, true, at + (n - 8) * L, 4 * L, -0.0, s.sums, at + (n - 8) * L, 4 * L);
            return;
        }
        int end = at + TileShape.ceilDiv(pixels, L) * L;
        double[] lines = s.lines, sums = s.sums;
        int j = 0;
        for (; j + 4 <= terms; j += 4) {
            int x0 = s.termX[j], x1 = s.termX[j + 1], x2 = s.termX[j + 2], x3 = s.termX[j + 3];
            DoubleVector w0 = DoubleVector.broadcast(S, s.termW[j]), w1 = DoubleVector.broadcast(S, s.termW[j + 1]);
            DoubleVector w2 = DoubleVector.broadcast(S, s.termW[j + 2]), w3 = DoubleVector.broadcast(S, s.termW[j + 3]);
            for (int p = at; p < end; p += L) {
                DoubleVector acc = j == 0 ? DoubleVector.fromArray(S, lines, x0 + p).mul(w0)
                        : DoubleVector.fromArray(S, lines, x0 + p).fma(w0, DoubleVector.fromArray(S, sums, p));
                acc = DoubleVector.fromArray(S, lines, x1 + p).fma(w1, acc);
                acc = DoubleVector.fromArray(S, lines, x2 + p).fma(w2, acc);
                DoubleVector.fromArray(S, lines, x3 + p).fma(w3, acc).intoArray(sums, p);
            }
        }
        for (; j < terms; j++) {
            int x0 = s.termX[j];
            DoubleVector w0 = DoubleVector.broadcast(S, s.termW[j]);
            for (int p = at; p < end; p += L) {
                (j == 0 ? DoubleVector.fromArray(S, lines, x0 + p).mul(w0)
                        : DoubleVector.fromArray(S, lines, x0 + p).fma(w0, DoubleVector.fromArray(S, sums, p))).intoArray(sums, p);
            }
        }
        if (terms == 0) Arrays.fill(sums, at, end, 0.0);
    }

    /**
     * One output channel's terms for W residue r (each input channel × D/H tap × W tap): their offsets in the
     * band buffer (from {@code xBase}) and their weights, from {@code s.termX[from]} and {@code s.termW[from]}.
     * Returns how many. Channels outermost, so that a cell's terms that read the same rows are adjacent: summed
     * in registers ({@link #cells}), a block of pixels then reads one channel's rows at a time from L1, where
     * taps outermost swept every channel's rows between two taps of one row.
     */
    private int terms(Scratch s, int taps, int r, int wBase, int xBase, int from) {
        Bands bd = lay.bands;
        int[] tw = bd.wTap[r], dw = bd.wDelta[r];
        int n = from;
        for (int ci = 0; ci < g.cig; ci++) {
            for (int v = 0; v < taps; v++) {
                int xv = xBase + ci * bd.channelStride + s.tapX[v], wv = wBase + ci * g.kVol * lay.cogPad + s.tapW[v];
                for (int t = 0; t < tw.length; t++, n++) {
                    if (n < s.termX.length) {
                        s.termX[n] = xv + dw[t];
                        s.termW[n] = w[wv + tw[t] * lay.cogPad];
                    }
                }
            }
        }
        return n - from;
    }

    /** {@return whether both W residues have four terms each (a depthwise 4×4 kernel at stride 2), as {@link #fourTerms} needs} */
    private boolean fourTermsEach(Scratch s, int taps) {
        return terms(s, taps, 0, 0, 0, 0) == 4 && terms(s, taps, 1, 0, 0, 4) == 4;
    }

    /**
     * Every group at W stride 2: output row {@code y[yRow …]} woven from each group's zipped row of sums at
     * {@code sums[at + zipRows[c] …]}, with the bias; a vector of cells at a time, then the rest.
     */
    private void writeZipped(Scratch s, int at, double[] y, int yRow) {
        int outW = g.out[2], channels = g.yp, rows = zipRows.length, i = 0;
        double[] sums = s.sums;
        for (; i + L <= outW; i += L) TransposeF64.interleave(rows, sums, at + i, zipRows, runBias, y, yRow + i * channels);
        for (; i < outW; i++) {
            for (int c = 0; c < channels; c++) y[yRow + i * channels + c] = bias[c] + sums[at + zipRows[c] + i];
        }
    }

    /**
     * One output channel whose two W residues have four terms each (a depthwise 4×4 kernel at stride 2): the
     * eight weights and offsets held in registers, both residues summed per vector of q and zipped straight
     * into the output rows (of {@code step} elements) with the bias, in the order {@link #sums1} and
     * {@link #writeLine} add them.
     */
    private void fourTerms(Scratch s, int rows, double b, double[] y, int yRow, int step) {
        Bands bd = lay.bands;
        int pitch = bd.pitch, both = bd.wCount[1];
        int[] tx = s.termX;
        int x0 = tx[0], x1 = tx[1], x2 = tx[2], x3 = tx[3], z0 = tx[4], z1 = tx[5], z2 = tx[6], z3 = tx[7];
        double[] tw = s.termW, lines = s.lines;
        DoubleVector w0 = DoubleVector.broadcast(S, tw[0]), w1 = DoubleVector.broadcast(S, tw[1]);
        DoubleVector w2 = DoubleVector.broadcast(S, tw[2]), w3 = DoubleVector.broadcast(S, tw[3]);
        DoubleVector v0 = DoubleVector.broadcast(S, tw[4]), v1 = DoubleVector.broadcast(S, tw[5]);
        DoubleVector v2 = DoubleVector.broadcast(S, tw[6]), v3 = DoubleVector.broadcast(S, tw[7]);
        // Columns outer, rows inner: a depthwise row holds only a few vectors, too few for a loop of its own. Where
        // each term pair's second tap reads the buffer row above its first (a 4×4 kernel at stride 2: the H taps
        // are listed in increasing k, so decreasing δ), one row's first-tap loads are the next row's second-tap
        // loads: carried in registers, so each row loads four vectors, not eight.
        boolean carry = x2 - x0 == -pitch && x3 - x1 == -pitch && z2 - z0 == -pitch && z3 - z1 == -pitch;
        for (int q = 0; q < both; q += L) {
            boolean whole = q + L <= both;
            int cells = 2 * (both - q);
            DoubleVector k0 = DoubleVector.fromArray(S, lines, x2 + q), k1 = DoubleVector.fromArray(S, lines, x3 + q);
            DoubleVector k2 = DoubleVector.fromArray(S, lines, z2 + q), k3 = DoubleVector.fromArray(S, lines, z3 + q);
            for (int row = 0, at = q, o = yRow + 2 * q; row < rows; row++, at += pitch, o += step) {
                DoubleVector n0 = DoubleVector.fromArray(S, lines, x0 + at), n1 = DoubleVector.fromArray(S, lines, x1 + at);
                DoubleVector n2 = DoubleVector.fromArray(S, lines, z0 + at), n3 = DoubleVector.fromArray(S, lines, z1 + at);
                if (!carry) {
                    k0 = DoubleVector.fromArray(S, lines, x2 + at);
                    k1 = DoubleVector.fromArray(S, lines, x3 + at);
                    k2 = DoubleVector.fromArray(S, lines, z2 + at);
                    k3 = DoubleVector.fromArray(S, lines, z3 + at);
                }
                DoubleVector e = n0.mul(w0);
                e = n1.fma(w1, e);
                e = k0.fma(w2, e);
                e = k1.fma(w3, e);
                DoubleVector d = n2.mul(v0);
                d = n3.fma(v1, d);
                d = k2.fma(v2, d);
                d = k3.fma(v3, d);
                k0 = n0;
                k1 = n1;
                k2 = n2;
                k3 = n3;
                // zipped in line, not through a call: a call with vector arguments may not inline, and then boxes
                DoubleVector lo = e.rearrange(ZipF64.SPREAD_LO).blend(d.rearrange(ZipF64.SPREAD_LO), ZipF64.ODD).add(b);
                DoubleVector hi = e.rearrange(ZipF64.SPREAD_HI).blend(d.rearrange(ZipF64.SPREAD_HI), ZipF64.ODD).add(b);
                if (whole) {
                    lo.intoArray(y, o);
                    hi.intoArray(y, o + L);
                } else {
                    lo.intoArray(y, o, S.indexInRange(0, cells));
                    if (cells > L) hi.intoArray(y, o + L, S.indexInRange(L, cells));
                }
            }
        }
        for (int row = 0, p = 0; row < rows; row++, p += pitch, yRow += step) {
            if (bd.wCount[0] > both) {   // an odd row: one more even cell
                int at = p + both;
                double e = lines[x0 + at] * tw[0];
                e = Math.fma(lines[x1 + at], tw[1], e);
                e = Math.fma(lines[x2 + at], tw[2], e);
                e = Math.fma(lines[x3 + at], tw[3], e);
                y[yRow + 2 * both] = b + e;
            }
        }
    }

    /**
     * {@link #fourTerms} for 1–4 terms per W residue ({@code even} and {@code odd} of them; a depthwise 3×3 kernel
     * at stride 2 has rows of 4 and 2, and of 2 and 1), without carrying loads between rows: both residues summed
     * per vector of q and zipped straight into the output rows with the bias, in the order {@link #sums1} and
     * {@link #writeLine} add them.
     */
    private void fewTerms(Scratch s, int even, int odd, int rows, double b, double[] y, int yRow, int step) {
        Bands bd = lay.bands;
        int pitch = bd.pitch, both = bd.wCount[1];
        int[] tx = s.termX;
        double[] tw = s.termW, lines = s.lines;
        // missing terms repeat the first one's offset (never added: the counts guard them)
        int x0 = tx[0], x1 = tx[Math.min(1, even - 1)], x2 = tx[Math.min(2, even - 1)], x3 = tx[Math.min(3, even - 1)];
        int z0 = tx[4], z1 = tx[4 + Math.min(1, odd - 1)], z2 = tx[4 + Math.min(2, odd - 1)], z3 = tx[4 + Math.min(3, odd - 1)];
        DoubleVector w0 = DoubleVector.broadcast(S, tw[0]), w1 = DoubleVector.broadcast(S, tw[1]);
        DoubleVector w2 = DoubleVector.broadcast(S, tw[2]), w3 = DoubleVector.broadcast(S, tw[3]);
        DoubleVector v0 = DoubleVector.broadcast(S, tw[4]), v1 = DoubleVector.broadcast(S, tw[5]);
        DoubleVector v2 = DoubleVector.broadcast(S, tw[6]), v3 = DoubleVector.broadcast(S, tw[7]);
        for (int q = 0; q < both; q += L) {
            boolean whole = q + L <= both;
            int cells = 2 * (both - q);
            for (int row = 0, at = q, o = yRow + 2 * q; row < rows; row++, at += pitch, o += step) {
                DoubleVector e = DoubleVector.fromArray(S, lines, x0 + at).mul(w0);
                if (even > 1) e = DoubleVector.fromArray(S, lines, x1 + at).fma(w1, e);
                if (even > 2) e = DoubleVector.fromArray(S, lines, x2 + at).fma(w2, e);
                if (even > 3) e = DoubleVector.fromArray(S, lines, x3 + at).fma(w3, e);
                DoubleVector d = DoubleVector.fromArray(S, lines, z0 + at).mul(v0);
                if (odd > 1) d = DoubleVector.fromArray(S, lines, z1 + at).fma(v1, d);
                if (odd > 2) d = DoubleVector.fromArray(S, lines, z2 + at).fma(v2, d);
                if (odd > 3) d = DoubleVector.fromArray(S, lines, z3 + at).fma(v3, d);
                // zipped in line, not through a call: a call with vector arguments may not inline, and then boxes
                DoubleVector lo = e.rearrange(ZipF64.SPREAD_LO).blend(d.rearrange(ZipF64.SPREAD_LO), ZipF64.ODD).add(b);
                DoubleVector hi = e.rearrange(ZipF64.SPREAD_HI).blend(d.rearrange(ZipF64.SPREAD_HI), ZipF64.ODD).add(b);
                if (whole) {
                    lo.intoArray(y, o);
                    hi.intoArray(y, o + L);
                } else {
                    lo.intoArray(y, o, S.indexInRange(0, cells));
                    if (cells > L) hi.intoArray(y, o + L, S.indexInRange(L, cells));
                }
            }
        }
        if (bd.wCount[0] > both) {   // odd rows: one more even cell each
            for (int row = 0, at = both; row < rows; row++, at += pitch, yRow += step) {
                double e = lines[x0 + at] * tw[0];
                if (even > 1) e = Math.fma(lines[x1 + at], tw[1], e);
                if (even > 2) e = Math.fma(lines[x2 + at], tw[2], e);
                if (even > 3) e = Math.fma(lines[x3 + at], tw[3], e);
                y[yRow + 2 * both] = b + e;
            }
        }
    }

    /**
     * {@link #fewTerms} for more than four terms in a residue (the odd residue's from {@code s.termX[even]}): the
     * two residues' sums of four rows at a time (eight in flight, enough to hide the FMA latency of the longer
     * chains), zipped into the output rows with the bias, in the order {@link #sums1} and {@link #writeLine} add
     * them.
     */
    private void manyTerms(Scratch s, int even, int odd, int rows, double b, double[] y, int yRow, int step) {
        Bands bd = lay.bands;
        int pitch = bd.pitch, both = bd.wCount[1];
        int[] tx = s.termX;
        double[] tw = s.termW, lines = s.lines;
        for (int q = 0; q < both; q += L) {
            boolean whole = q + L <= both;
            int cells = 2 * (both - q);
            for (int row = 0; row < rows; row += 4) {
                int n = Math.min(4, rows - row), at = row * pitch + q;
                DoubleVector w = DoubleVector.broadcast(S, tw[0]), e1 = w, e2 = w, e3 = w, d1 = w, d2 = w, d3 = w;
                DoubleVector e0 = DoubleVector.fromArray(S, lines, tx[0] + at).mul(w);
                if (n > 1) e1 = DoubleVector.fromArray(S, lines, tx[0] + at + pitch).mul(w);
                if (n > 2) e2 = DoubleVector.fromArray(S, lines, tx[0] + at + 2 * pitch).mul(w);
                if (n > 3) e3 = DoubleVector.fromArray(S, lines, tx[0] + at + 3 * pitch).mul(w);
                for (int j = 1; j < even; j++) {
                    int x = tx[j] + at;
                    w = DoubleVector.broadcast(S, tw[j]);
                    e0 = DoubleVector.fromArray(S, lines, x).fma(w, e0);
                    if (n > 1) e1 = DoubleVector.fromArray(S, lines, x + pitch).fma(w, e1);
                    if (n > 2) e2 = DoubleVector.fromArray(S, lines, x + 2 * pitch).fma(w, e2);
                    if (n > 3) e3 = DoubleVector.fromArray(S, lines, x + 3 * pitch).fma(w, e3);
                }
                w = DoubleVector.broadcast(S, tw[even]);
                DoubleVector d0 = DoubleVector.fromArray(S, lines, tx[even] + at).mul(w);
                if (n > 1) d1 = DoubleVector.fromArray(S, lines, tx[even] + at + pitch).mul(w);
                if (n > 2) d2 = DoubleVector.fromArray(S, lines, tx[even] + at + 2 * pitch).mul(w);
                if (n > 3) d3 = DoubleVector.fromArray(S, lines, tx[even] + at + 3 * pitch).mul(w);
                for (int j = even + 1; j < even + odd; j++) {
                    int x = tx[j] + at;
                    w = DoubleVector.broadcast(S, tw[j]);
                    d0 = DoubleVector.fromArray(S, lines, x).fma(w, d0);
                    if (n > 1) d1 = DoubleVector.fromArray(S, lines, x + pitch).fma(w, d1);
                    if (n > 2) d2 = DoubleVector.fromArray(S, lines, x + 2 * pitch).fma(w, d2);
                    if (n > 3) d3 = DoubleVector.fromArray(S, lines, x + 3 * pitch).fma(w, d3);
                }
                int o = yRow + row * step + 2 * q;
                // zipped in line, not through a call: a call with vector arguments may not inline, and then boxes
                for (int r = 0; r < n; r++, o += step) {
                    DoubleVector e = r == 0 ? e0 : r == 1 ? e1 : r == 2 ? e2 : e3, d = r == 0 ? d0 : r == 1 ? d1 : r == 2 ? d2 : d3;
                    DoubleVector lo = e.rearrange(ZipF64.SPREAD_LO).blend(d.rearrange(ZipF64.SPREAD_LO), ZipF64.ODD).add(b);
                    DoubleVector hi = e.rearrange(ZipF64.SPREAD_HI).blend(d.rearrange(ZipF64.SPREAD_HI), ZipF64.ODD).add(b);
                    if (whole) {
                        lo.intoArray(y, o);
                        hi.intoArray(y, o + L);
                    } else {
                        lo.intoArray(y, o, S.indexInRange(0, cells));
                        if (cells > L) hi.intoArray(y, o + L, S.indexInRange(L, cells));
                    }
                }
            }
        }
        if (bd.wCount[0] > both) {   // odd rows: one more even cell each
            for (int row = 0, at = both; row < rows; row++, at += pitch, yRow += step) {
                double e = lines[tx[0] + at] * tw[0];
                for (int j = 1; j < even; j++) e = Math.fma(lines[tx[j] + at], tw[j], e);
                y[yRow + 2 * both] = b + e;
            }
        }
    }

    /**
     * One output channel at W stride 1 (rows of at least a vector), rows [first, rows): each cell's {@code terms}
     * terms summed in registers, four vectors of two rows at a time (eight sums in flight, enough to hide the FMA latency), and
     * stored with the bias; the rest of the rows in one block of as many vectors as it needs, moved back to end
     * at the row's end (its overlap stored again, the same values). The terms are added in the order
     * {@link #sums1} and {@link #writeLine} add them, without their round trips through the sums row.
     */
    private void allTerms(Scratch s, int terms, int first, int rows, double b, double[] y, int yRow, int step) {
        int pitch = lay.bands.pitch, outW = g.out[2];
        yRow += first * step;
        for (int row = first, at = first * pitch; row < rows; row += 2, at += 2 * pitch, yRow += 2 * step) {
            boolean two = row + 1 < rows;
            int ow = 0;
            for (; ow + 4 * L <= outW; ow += 4 * L) cells(s, terms, 4, two, at + ow, pitch, b, y, yRow + ow, step);
            if (ow < outW) {
                int n = (outW - ow + L - 1) / L;   // the vectors the rest needs
                if (n * L <= outW) cells(s, terms, n, two, at + outW - n * L, pitch, b, y, yRow + outW - n * L, step);
                else {   // a row under four vectors and not a whole number of them
                    cells(s, terms, n - 1, two, at, pitch, b, y, yRow, step);
                    cells(s, terms, 1, two, at + outW - L, pitch, b, y, yRow + outW - L, step);
                }
            }
        }
    }

    /**
     * {@return whether a cell's terms are a 3 × 3 kernel whose H taps read adjacent buffer rows (a depthwise 3 × 3
     * layer at H stride 1 and H dilation 1, any W dilation), as {@link #nineTerms} needs}
     */
    private boolean nineAdjacent(Scratch s, int terms) {
        int[] tx = s.termX;
        int pitch = lay.bands.pitch;
        return terms == 9 && g.out[2] >= 2 * L && tx[3] - tx[0] == -pitch && tx[6] - tx[3] == -pitch
                && tx[4] - tx[3] == tx[1] - tx[0] && tx[7] - tx[6] == tx[1] - tx[0]
                && tx[5] - tx[3] == tx[2] - tx[0] && tx[8] - tx[6] == tx[2] - tx[0];
    }

    /**
     * {@link #allTerms} for a 3 × 3 kernel whose H taps read adjacent rows ({@link #nineAdjacent}): four output
     * rows of two vectors at a time, each of the six input rows they read loaded once per W tap for the (up to)
     * three output rows that use it: 36 loads for 72 FMAs, where {@link #cells} loads once per FMA. Term v·3 + t
     * (H tap v, W tap t) of output row j reads input row j + 2 − v; the input rows run from the last to the first,
     * so each cell's terms are added in {@link #cells}' order, and the rows it leaves to {@link #allTerms} (the
     * last one to three) get the same bits. A row's last block is moved back to end at the row's end.
     */
    private void nineTerms(Scratch s, int rows, double b, double[] y, int yRow, int step) {
        int pitch = lay.bands.pitch, outW = g.out[2];
        int[] tx = s.termX;
        double[] tw = s.termW, lines = s.lines;
        int d0 = 0, d1 = tx[1] - tx[0], d2 = tx[2] - tx[0];
        DoubleVector w00 = DoubleVector.broadcast(S, tw[0]), w01 = DoubleVector.broadcast(S, tw[1]), w02 = DoubleVector.broadcast(S, tw[2]);
        DoubleVector w10 = DoubleVector.broadcast(S, tw[3]), w11 = DoubleVector.broadcast(S, tw[4]), w12 = DoubleVector.broadcast(S, tw[5]);
        DoubleVector w20 = DoubleVector.broadcast(S, tw[6]), w21 = DoubleVector.broadcast(S, tw[7]), w22 = DoubleVector.broadcast(S, tw[8]);
        int row = 0;
        for (int at = 0; row + 4 <= rows; row += 4, at += 4 * pitch, yRow += 4 * step) {
            for (int ow = 0; ow < outW; ow += 2 * L) {
                if (ow + 2 * L > outW) ow = outW - 2 * L;
                int r2 = at + ow + tx[0], r0 = r2 - 2 * pitch, r1 = r2 - pitch, r3 = r2 + pitch, r4 = r3 + pitch, r5 = r4 + pitch;
                DoubleVector x, z, a0, a1, a2, a3, c0, c1, c2, c3;
                x = DoubleVector.fromArray(S, lines, r5 + d0); z = DoubleVector.fromArray(S, lines, r5 + d0 + L);
                a3 = x.mul(w00); c3 = z.mul(w00);
                x = DoubleVector.fromArray(S, lines, r5 + d1); z = DoubleVector.fromArray(S, lines, r5 + d1 + L);
                a3 = x.fma(w01, a3); c3 = z.fma(w01, c3);
                x = DoubleVector.fromArray(S, lines, r5 + d2); z = DoubleVector.fromArray(S, lines, r5 + d2 + L);
                a3 = x.fma(w02, a3); c3 = z.fma(w02, c3);
                x = DoubleVector.fromArray(S, lines, r4 + d0); z = DoubleVector.fromArray(S, lines, r4 + d0 + L);
                a2 = x.mul(w00); c2 = z.mul(w00);
                a3 = x.fma(w10, a3); c3 = z.fma(w10, c3);
                x = DoubleVector.fromArray(S, lines, r4 + d1); z = DoubleVector.fromArray(S, lines, r4 + d1 + L);
                a2 = x.fma(w01, a2); c2 = z.fma(w01, c2);
                a3 = x.fma(w11, a3); c3 = z.fma(w11, c3);
                x = DoubleVector.fromArray(S, lines, r4 + d2); z = DoubleVector.fromArray(S, lines, r4 + d2 + L);
                a2 = x.fma(w02, a2); c2 = z.fma(w02, c2);
                a3 = x.fma(w12, a3); c3 = z.fma(w12, c3);
                x = DoubleVector.fromArray(S, lines, r3 + d0); z = DoubleVector.fromArray(S, lines, r3 + d0 + L);
                a1 = x.mul(w00); c1 = z.mul(w00);
                a2 = x.fma(w10, a2); c2 = z.fma(w10, c2);
                a3 = x.fma(w20, a3); c3 = z.fma(w20, c3);
                x = DoubleVector.fromArray(S, lines, r3 + d1); z = DoubleVector.fromArray(S, lines, r3 + d1 + L);
                a1 = x.fma(w01, a1); c1 = z.fma(w01, c1);
                a2 = x.fma(w11, a2); c2 = z.fma(w11, c2);
                a3 = x.fma(w21, a3); c3 = z.fma(w21, c3);
                x = DoubleVector.fromArray(S, lines, r3 + d2); z = DoubleVector.fromArray(S, lines, r3 + d2 + L);
                a1 = x.fma(w02, a1); c1 = z.fma(w02, c1);
                a2 = x.fma(w12, a2); c2 = z.fma(w12, c2);
                a3 = x.fma(w22, a3); c3 = z.fma(w22, c3);
                x = DoubleVector.fromArray(S, lines, r2 + d0); z = DoubleVector.fromArray(S, lines, r2 + d0 + L);
                a0 = x.mul(w00); c0 = z.mul(w00);
                a1 = x.fma(w10, a1); c1 = z.fma(w10, c1);
                a2 = x.fma(w20, a2); c2 = z.fma(w20, c2);
                x = DoubleVector.fromArray(S, lines, r2 + d1); z = DoubleVector.fromArray(S, lines, r2 + d1 + L);
                a0 = x.fma(w01, a0); c0 = z.fma(w01, c0);
                a1 = x.fma(w11, a1); c1 = z.fma(w11, c1);
                a2 = x.fma(w21, a2); c2 = z.fma(w21, c2);
                x = DoubleVector.fromArray(S, lines, r2 + d2); z = DoubleVector.fromArray(S, lines, r2 + d2 + L);
                a0 = x.fma(w02, a0); c0 = z.fma(w02, c0);
                a1 = x.fma(w12, a1); c1 = z.fma(w12, c1);
                a2 = x.fma(w22, a2); c2 = z.fma(w22, c2);
                x = DoubleVector.fromArray(S, lines, r1 + d0); z = DoubleVector.fromArray(S, lines, r1 + d0 + L);
                a0 = x.fma(w10, a0); c0 = z.fma(w10, c0);
                a1 = x.fma(w20, a1); c1 = z.fma(w20, c1);
                x = DoubleVector.fromArray(S, lines, r1 + d1); z = DoubleVector.fromArray(S, lines, r1 + d1 + L);
                a0 = x.fma(w11, a0); c0 = z.fma(w11, c0);
                a1 = x.fma(w21, a1); c1 = z.fma(w21, c1);
                x = DoubleVector.fromArray(S, lines, r1 + d2); z = DoubleVector.fromArray(S, lines, r1 + d2 + L);
                a0 = x.fma(w12, a0); c0 = z.fma(w12, c0);
                a1 = x.fma(w22, a1); c1 = z.fma(w22, c1);
                x = DoubleVector.fromArray(S, lines, r0 + d0); z = DoubleVector.fromArray(S, lines, r0 + d0 + L);
                a0 = x.fma(w20, a0); c0 = z.fma(w20, c0);
                x = DoubleVector.fromArray(S, lines, r0 + d1); z = DoubleVector.fromArray(S, lines, r0 + d1 + L);
                a0 = x.fma(w21, a0); c0 = z.fma(w21, c0);
                x = DoubleVector.fromArray(S, lines, r0 + d2); z = DoubleVector.fromArray(S, lines, r0 + d2 + L);
                a0 = x.fma(w22, a0); c0 = z.fma(w22, c0);
                a0.add(b).intoArray(y, yRow + ow);
                c0.add(b).intoArray(y, yRow + ow + L);
                a1.add(b).intoArray(y, yRow + step + ow);
                c1.add(b).intoArray(y, yRow + step + ow + L);
                a2.add(b).intoArray(y, yRow + 2 * step + ow);
                c2.add(b).intoArray(y, yRow + 2 * step + ow + L);
                a3.add(b).intoArray(y, yRow + 3 * step + ow);
                c3.add(b).intoArray(y, yRow + 3 * step + ow + L);
            }
        }
        if (row < rows) allTerms(s, 9, row, rows, b, y, yRow - row * step, step);
    }

    /**
     * nv ≤ 4 vectors of cells from buffer pixel p, plus b, into {@code y[to …]}, and where {@code two} the same of
     * the cells {@code next} on in the buffer, into {@code y[to + step …]}: {@link #allTerms}' two rows, or the
     * next four vectors of {@link #sums1}' flat sweep (there b = −0, which adds nothing, not even a sign).
     */
    private void cells(Scratch s, int terms, int nv, boolean two, int p, int next, double b, double[] y, int to, int step) {
        int[] tx = s.termX;
        double[] tw = s.termW, lines = s.lines;
        int q = p + next;
        DoubleVector w = DoubleVector.broadcast(S, tw[0]), a1 = w, a2 = w, a3 = w, c0 = w, c1 = w, c2 = w, c3 = w;
        DoubleVector a0 = DoubleVector.fromArray(S, lines, tx[0] + p).mul(w);
        if (nv > 1) a1 = DoubleVector.fromArray(S, lines, tx[0] + p + L).mul(w);
        if (nv > 2) a2 = DoubleVector.fromArray(S, lines, tx[0] + p + 2 * L).mul(w);
        if (nv > 3) a3 = DoubleVector.fromArray(S, lines, tx[0] + p + 3 * L).mul(w);
        if (two) {
            c0 = DoubleVector.fromArray(S, lines, tx[0] + q).mul(w);
            if (nv > 1) c1 = DoubleVector.fromArray(S, lines, tx[0] + q + L).mul(w);
            if (nv > 2) c2 = DoubleVector.fromArray(S, lines, tx[0] + q + 2 * L).mul(w);
            if (nv > 3) c3 = DoubleVector.fromArray(S, lines, tx[0] + q + 3 * L).mul(w);
        }
        for (int j = 1; j < terms; j++) {
            int x = tx[j] + p, z = tx[j] + q;
            w = DoubleVector.broadcast(S, tw[j]);
                a0 = DoubleVector.fromArray(S, lines, x).fma(w, a0);
            if (nv > 1) a1 = DoubleVector.fromArray(S, lines, x + L).fma(w, a1);
            if (nv > 2) a2 = DoubleVector.fromArray(S, lines, x + 2 * L).fma(w, a2);
            if (nv > 3) a3 = DoubleVector.fromArray(S, lines, x + 3 * L).fma(w, a3);
            if (two) {
                c0 = DoubleVector.fromArray(S, lines, z).fma(w, c0);
                if (nv > 1) c1 = DoubleVector.fromArray(S, lines, z + L).fma(w, c1);
                if (nv > 2) c2 = DoubleVector.fromArray(S, lines, z + 2 * L).fma(w, c2);
                if (nv > 3) c3 = DoubleVector.fromArray(S, lines, z + 3 * L).fma(w, c3);
            }
        }
        a0.add(b).intoArray(y, to);
        if (nv > 1) a1.add(b).intoArray(y, to + L);
        if (nv > 2) a2.add(b).intoArray(y, to + 2 * L);
        if (nv > 3) a3.add(b).intoArray(y, to + 3 * L);
        if (two) {
            c0.add(b).intoArray(y, to + step);
            if (nv > 1) c1.add(b).intoArray(y, to + step + L);
            if (nv > 2) c2.add(b).intoArray(y, to + step + 2 * L);
            if (nv > 3) c3.add(b).intoArray(y, to + step + 3 * L);
        }
    }

    /**
     * A block of four output channels: sums of W residue r over {@code rows} rows of the band, channel c, row j
     * at {@code sums[at + c·sumsLength + j·sumsRowStride + q]}.
     */
    private void sums4(Scratch s, int taps, int r, int wBase, int at, int rows) {
        Bands bd = lay.bands;
        int[] tw = bd.wTap[r], dw = bd.wDelta[r];
        int channelStride = bd.channelStride, wChannel = g.kVol * lay.cogPad, cig = g.cig;
        int qc = lay.sumsLength, cogPad = lay.cogPad, qEnd = lay.sumsRowStride;
        double[] lines = s.lines, w = this.w;
        for (int row = 0; row < rows; row++, at += qEnd) {
            for (int q = 0, p = row * bd.pitch; q < qEnd; q += 2 * L, p += 2 * L) {
                DoubleVector a00 = DoubleVector.zero(S), a01 = DoubleVector.zero(S), a10 = DoubleVector.zero(S), a11 = DoubleVector.zero(S);
                DoubleVector a20 = DoubleVector.zero(S), a21 = DoubleVector.zero(S), a30 = DoubleVector.zero(S), a31 = DoubleVector.zero(S);
                for (int v = 0; v < taps; v++) {
                    for (int t = 0; t < tw.length; t++) {
                        int xt = s.tapX[v] + dw[t] + p, wt = wBase + s.tapW[v] + tw[t] * cogPad;
                        for (int ci = 0; ci < cig; ci++, xt += channelStride, wt += wChannel) {
                            DoubleVector x0 = DoubleVector.fromArray(S, lines, xt), x1 = DoubleVector.fromArray(S, lines, xt + L);
                            DoubleVector w0 = DoubleVector.broadcast(S, w[wt]);
                            a00 = x0.fma(w0, a00);
                            a01 = x1.fma(w0, a01);
                            DoubleVector w1 = DoubleVector.broadcast(S, w[wt + 1]);
                            a10 = x0.fma(w1, a10);
                            a11 = x1.fma(w1, a11);
                            DoubleVector w2 = DoubleVector.broadcast(S, w[wt + 2]);
                            a20 = x0.fma(w2, a20);
                            a21 = x1.fma(w2, a21);
                            DoubleVector w3 = DoubleVector.broadcast(S, w[wt + 3]);
                            a30 = x0.fma(w3, a30);
                            a31 = x1.fma(w3, a31);
                        }
                    }
                }
                a00.intoArray(s.sums, at + q);
                a01.intoArray(s.sums, at + q + L);
                a10.intoArray(s.sums, at + qc + q);
                a11.intoArray(s.sums, at + qc + q + L);
                a20.intoArray(s.sums, at + 2 * qc + q);
                a21.intoArray(s.sums, at + 2 * qc + q + L);
                a30.intoArray(s.sums, at + 3 * qc + q);
                a31.intoArray(s.sums, at + 3 * qc + q + L);
            }
        }
    }

    /**
     * Channels-last: output row {@code y[yRow …]} for {@code channels} adjacent channels (from {@code co0}), one W
     * residue and channel at a time (no division per pixel), from the W residues' sums of row offset {@code at}.
     */
    private void writePixels(Scratch s, int at, int channels, int co0, double[] y, int yRow) {
        int outW = g.out[2], sw = g.s[2], stride = lay.block * lay.sumsLength, step = sw * g.yp;
        double[] sums = s.sums;
        if (runRows != null) {   // the row is one run of (pixel, channel): interleaved a vector of cells at a time, then the rest
            int total = outW * channels, rows = runRows.length, padded = lay.runChannels, f = 0;
            if (padded == channels) {
                for (int q = at; f + rows * L <= total; q += L, f += rows * L) TransposeF64.interleave(rows, sums, q, runRows, runBias, y, yRow + f);
            } else {   // three channels woven as four: each vector of the padded run written as its pixels' three
                int kept = padding.kept(), woven = rows * kept;
                for (int q = at; f + woven <= total; q += L, f += woven) {
                    TransposeF64.interleave(rows, sums, q, runRows, runBias, s.stage, 0);
                    for (int v = 0; v < rows; v++) padding.compact(s.stage, v * L, y, yRow + f + v * kept);
                }
            }
            if (f < total && padded == channels) {   // the rest: one more weave (its rows read into the sums' slack), in part
                TransposeF64.interleave(rows, sums, at + f / (sw * channels), runRows, runBias, s.stage, 0);
                System.arraycopy(s.stage, 0, y, yRow + f, total - f);
                return;
            }
            for (int ow = f / channels; ow < outW; ow++) {   // (f: whole pixels)
                int q = at + ow / sw, r = ow % sw * padded;
                for (int c = 0; c < channels; c++) y[yRow + ow * channels + c] = bias[c] + sums[q + runRows[r + c]];
            }
            return;
        }
        for (int rw = 0; rw < Math.min(sw, outW); rw++) {
            for (int c = 0; c < channels; c++) {
                double b = bias[co0 + c];
                int q = at + rw * stride + c * lay.sumsLength;
                for (int ow = rw, o = yRow + rw * g.yp + c; ow < outW; ow += sw, o += step, q++) y[o] = b + sums[q];
            }
        }
    }

    /**
     * Interleaves the W residues of one row of sums, at {@code sums[at …]}, into output row {@code y[yRow …]} with
     * the bias b ({@code pattern}: b in every lane).
     */
    private void writeLine(double[] sums, int at, double b, double[] pattern, double[] y, int yRow) {
        int outW = g.out[2], sw = g.s[2], stride = lay.block * lay.sumsLength;
        if (sw == 1) {
            int ow = 0;
            for (; ow + L <= outW; ow += L) DoubleVector.fromArray(S, sums, at + ow).add(b).intoArray(y, yRow + ow);
            for (; ow < outW; ow++) y[yRow + ow] = b + sums[at + ow];
        } else if (sw == 2 && ZipF64.VECTORS) {
            ZipF64.runs(sums, at, at + stride, outW / 2, b, y, yRow);   // (its last vector masked)
            if (outW % 2 == 1) y[yRow + outW - 1] = b + sums[at + outW / 2];
        } else {   // a vector of each residue at a time where shuffles weave them, then one W residue at a time
            int q = 0;
            if (residueRows != null) {
                for (; (q + L) * sw <= outW; q += L) TransposeF64.weave(sw, sums, at + q, residueRows, pattern, y, yRow + q * sw);
            }
            for (int rw = 0; rw < Math.min(sw, outW); rw++) {
                for (int ow = sw * q + rw, p = at + rw * stride + q; ow < outW; ow += sw, p++) y[yRow + ow] = b + sums[p];
            }
        }
    }
}
