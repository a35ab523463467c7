package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double GEMM kernel for both modes of {@link GemmLayout}: weights packed at plan time into zero-padded
 * {@code [rowBlock][tap][ci][MR]} panels per group. Phase mode copies a band's input rows into a padded buffer
 * ({@link Bands}) and runs {@link MicroKernelsF64} on tiles of its pixels with each tap a shifted view of the
 * buffer; depth-to-space mode reads full tiles straight from the input. The tiles are then written to their
 * output cells with the bias (two W residues zipped into whole output rows when the W stride is 2). Zeros
 * stand in for taps outside the input, which is exact only for finite weights: the provider does not use this
 * kernel otherwise.
 */
final class GemmKernelF64 implements DoubleKernel {
    private static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    private static final int L = S.length();
    private final GemmLayout lay;
    private final Geometry g;
    private final double[][] panels;
    private final double[] bias;
    private final ThreadLocal<Scratch> scratch;
    /**
     * Depth-to-space, channels-first, where kW is 3, 4, 8 or 16 (within the lanes): the kW rows (tW = 0 …) of a tile,
     * nr apart, woven into output rows by {@link TransposeF64#weave}. Else null.
     */
    private final int[] tapRows;

    /**
     * Per-thread buffers: the band (or the last pixel panel), the C tiles of each W residue, and per W residue the
     * microkernel's row tables over (input channel block, tap, input channel).
     */
    private static final class Scratch {
        final double[] b, c;
        /** Channels-last output: a block of L channels × L pixels with the bias, and the block transposed. */
        final double[] stage = new double[2 * L * L];
        /** Depth-to-space, a row's bias in every lane, for the weaves of kW rows. */
        final double[] pattern = new double[L];
        /**
         * Depth-to-space, channels-last, for a block of L input pixels: where each one's run of a tap row starts in y
         * (or {@code Integer.MIN_VALUE} where a crop removes the row), and its first output cell's D, H, W.
         */
        final int[] cells = new int[L], od = new int[L], oh = new int[L], ow = new int[L];
        final int[] tapKernel, tapOffset, taps, firstTap;
        final int[][] aRow, bRow;

        Scratch(GemmLayout lay) {
            int sw = lay.depthToSpace ? 1 : lay.g.s[2], maxTaps = lay.depthToSpace ? 0 : lay.bands.maxTaps();
            b = new double[lay.depthToSpace ? lay.kc * lay.nr : lay.bufferLength()];
            c = new double[sw * lay.blocksPerPart * lay.tileGroup * lay.mr * lay.nr + L];   // + L: ZipF64 reads past a row
            tapKernel = new int[maxTaps];
            tapOffset = new int[maxTaps];
            taps = new int[sw];
            firstTap = new int[sw];
            aRow = new int[sw][maxTaps * lay.g.cig];
            bRow = new int[sw][maxTaps * lay.g.cig];
        }
    }

    GemmKernelF64(GemmLayout lay, double[] w, double[] bias, Workspace workspace) {
        this.lay = lay;
        this.g = lay.g;
        workspace.check(name(), sharedBytes(), bytesPerThread());
        // L zeros after the bias: a masked vector of it never reaches past the array (where masked loads turn slow)
        this.bias = new double[g.cout + L];
        if (bias != null) System.arraycopy(bias, 0, this.bias, 0, g.cout);
        panels = new double[g.groups][];
        for (int grp = 0; grp < g.groups; grp++) panels[grp] = pack(w, grp);
        scratch = ThreadLocal.withInitial(() -> new Scratch(lay));
        int kw = g.k[2];
        if (lay.depthToSpace && g.yp == 1 && kw > 2 && kw <= L && TransposeF64.stridesOf(kw)) {
            tapRows = new int[kw];
            for (int t = 0; t < kw; t++) tapRows[t] = t * lay.nr;
        } else {
            tapRows = null;
        }
    }

    /** The panels of one group; rows past the last are zero. */
    private double[] pack(double[] w, int grp) {
        int taps = lay.depthToSpace ? 1 : g.kVol;
        double[] p = new double[lay.rowBlocks * lay.mr * taps * g.cig];
        for (int m = 0; m < lay.rows; m++) {
            for (int t = 0; t < taps; t++) {
                for (int ci = 0; ci < g.cig; ci++) p[lay.packedIndex(m, t, ci)] = w[lay.weightIndex(grp, m, t, ci)];
            }
        }
        return p;
    }

    @Override
    public String name() {
        return "vector-" + VectorConstants.BITS + " " + lay.describe();
    }

    @Override
    public int tasksPerImage() { return g.groups * lay.tasksPerGroup; }

    @Override
    public long macsPerTask() { return lay.macsPerTask; }

    @Override
    public long sharedBytes() { return lay.sharedBytes(Double.BYTES); }

    @Override
    public long bytesPerThread() { return lay.bytesPerThread(Double.BYTES); }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int grp = task / lay.tasksPerGroup, local = task % lay.tasksPerGroup;
        int yGroup = yOff + n * g.outImage() + grp * g.cog * g.yc;
        int xGroup = xOff + n * g.inImage() + grp * g.cig * g.xc;
        Scratch s = scratch.get();
        if (!lay.depthToSpace) band(grp, local / lay.rowParts, local % lay.rowParts, x, xGroup, y, yGroup, s);
        else if (local == lay.tilesPerGroup) fillUncovered(grp, y, yGroup);
        else depthToSpace(grp, local, x, xGroup, y, yGroup, s);
    }

    /**
     * One band and part of the rows: copy the band, then per H residue list each W residue's taps as row tables
     * and, per group of tiles, multiply every W residue and write.
     */
    private void band(int grp, int band, int part, double[] x, int xGroup, double[] y, int yGroup, Scratch s) {
        Bands bd = lay.bands;
        BandCopyF64.copy(bd, x, xGroup, band, s.b);
        int od = bd.bandOd[band], q0 = bd.bandQ0[band], q1 = bd.bandQ1[band], w0 = bd.bandW0[band], w1 = bd.bandW1[band];
        int sw = g.s[2], nr = lay.nr, mr = lay.mr, cig = g.cig, kc = lay.kc, pitch = bd.pitch, stride = bd.channelStride;
        int block0 = part * lay.blocksPerPart, blocks = Math.min(lay.blocksPerPart, lay.rowBlocks - block0);
        double[] panel = panels[grp];
        for (int rh = 0; rh < g.s[1]; rh++) {
            int qEnd = Math.min(q1, bd.hCount[rh]);
            if (qEnd <= q0) continue;
            int widest = 0;
            for (int rw = 0; rw < sw; rw++) {
                int taps = bd.taps(od, rh, rw, s.tapKernel, s.tapOffset);
                s.taps[rw] = taps;
                s.firstTap[rw] = taps > 0 ? s.tapKernel[0] : 0;   // the phase's: its weights' place in the panels
                int[] aRow = s.aRow[rw], bRow = s.bRow[rw];
                for (int ci0 = 0, k = 0; ci0 < cig; ci0 += kc) {   // k runs over channel blocks, then the layout's order
                    for (int j = 0, channels = Math.min(kc, cig - ci0); j < taps * channels; j++, k++) {
                        int t = lay.reductionTap(j, taps, channels), ci = ci0 + lay.reductionChannel(j, taps, channels);
                        aRow[k] = lay.panelOffset(s.tapKernel[t], ci);
                        bRow[k] = s.tapOffset[t] + ci * stride;
                    }
                }
                widest = Math.max(widest, Math.min(w1, bd.wCount[rw]) - w0);
            }
            if (widest <= 0) continue;
            int pixels = (qEnd - q0 - 1) * pitch + widest, group = lay.tileGroup * nr;
            for (int g0 = 0; g0 < pixels; g0 += group) {
                int tiles = TileShape.ceilDiv(Math.min(group, pixels - g0), nr);
                for (int rw = 0; rw < sw; rw++) {
                    if (bd.wCount[rw] <= w0) continue;
                    int taps = s.taps[rw];   // none: the tiles are stored as zeros
                    for (int ci0 = 0; ci0 < cig; ci0 += kc) {
                        int kLen = taps * Math.min(kc, cig - ci0), blockOffset = lay.blockOffset(s.firstTap[rw], ci0);
                        // Tiles outer, row blocks inner: a tile's pixels stay in L1 while the row blocks' weights
                        // for this block of channels (a slab that stays in L2) stream past them.
                        for (int tile = 0, p0 = g0; tile < tiles; tile++, p0 += nr) {
                            int nv = TileShape.ceilDiv(Math.min(nr, pixels - p0), L);   // the last tile may be narrower
                            for (int b = 0; b < blocks; b++) {
                                int cOff = ((rw * lay.blocksPerPart + b) * lay.tileGroup + tile) * mr * nr;
                                MicroKernelsF64.run(lay.shape, nv, panel, (block0 + b) * blockOffset, s.aRow[rw], s.b, p0,
                                        s.bRow[rw], taps * ci0, kLen, s.c, cOff, nr, ci0 > 0);
                            }
                        }
                    }
                }
                for (int tile = 0; tile < tiles; tile++) {
                    write(s.c, s.stage, tile, g0 + tile * nr, grp * g.cog, block0 * mr, Math.min(lay.rows, (block0 + blocks) * mr), od, rh,
                            q0, qEnd, w0, w1, y, yGroup);
                }
            }
        }
    }

    /**
     * Writes tile {@code tile} of a group of C tiles (laid out {@code [W residue][row block][tile][MR][NR]}), band
     * pixels [p0, p0 + nr), rows [m0, m1) (output channels from {@code biasBase} in the bias), with the bias: row
     * by row of the band, the two residues zipped into whole output runs when the W stride is 2.
     */
    private void write(double[] c, double[] stage, int tile, int p0, int biasBase, int m0, int m1, int od, int rh, int q0, int qEnd,
                       int w0, int w1, double[] y, int yGroup) {
        Bands bd = lay.bands;
        int nr = lay.nr, mr = lay.mr, pitch = bd.pitch, sw = g.s[2], outW = g.out[2], yp = g.yp;
        int blockSize = lay.tileGroup * mr * nr, residueSize = lay.blocksPerPart * blockSize;
        for (int row = p0 / pitch; row < qEnd - q0 && row * pitch < p0 + nr; row++) {
            int first = Math.max(0, p0 - row * pitch), j0 = row * pitch + first - p0;   // q within the window, tile column
            int oRow = ((od * g.out[1] + rh + g.s[1] * (q0 + row)) * outW) * yp;
            // Channels-last: each output pixel's channels together; a channel at a time would store sW·C floats apart
            // (voc1d NHWC 134 -> 190 GFLOP/s). Blocks of L pixels × L channels go through a register transpose, the
            // pixels past the last block read down the tile's rows one by one.
            if (yp != 1) {
                for (int rw = 0; rw < sw; rw++) {
                    int end = Math.min(Math.min(w1, bd.wCount[rw]) - w0 - first, nr - j0), blocks = 0;
                    if (TransposeF64.available()) {
                        blocks = Math.max(0, end) / L * L;
                        int o0 = yGroup + oRow + (rw + sw * (w0 + first)) * yp, at0 = rw * residueSize + tile * mr * nr + j0;
                        for (int i = 0; i < blocks; i += L) transposed(c, stage, at0 + i, biasBase, m0, m1, y, o0 + i * sw * yp, sw * yp);
                    }
                    for (int i = blocks; i < end; i++) {
                        int o = yGroup + oRow + (rw + sw * (w0 + first + i)) * yp, at = rw * residueSize + tile * mr * nr + j0 + i;
                        for (int m = m0; m < m1; m += mr, at += blockSize) {
                            for (int r = 0, e = Math.min(mr, m1 - m); r < e; r++) y[o + m + r] = bias[biasBase + m + r] + c[at + r * nr];
                        }
                    }
                }
                continue;
            }
            for (int m = m0; m < m1; m++) {   // channels-first
                double b = bias[biasBase + m];
                int yRow = yGroup + m * g.yc + oRow;
                int cRow = (m - m0) / mr * blockSize + (tile * mr + (m - m0) % mr) * nr + j0;
                int done = 0;
                if (sw == 1) {   // contiguous: vectors, the last one masked
                    done = Math.max(0, Math.min(Math.min(w1, bd.wCount[0]) - w0 - first, nr - j0));
                    // (two lanes: no masked store, which C2 leaves to the Java fallback for two doubles, boxing the
                    // vector; the odd cell goes to the loop below)
                    if (L == 2) done -= done % 2;
                    for (int i = 0, o = yRow + w0 + first; i < done; i += L) {
                        DoubleVector v = DoubleVector.fromArray(S, c, cRow + i).add(b);
                        if (i + L <= done) v.intoArray(y, o + i);
                        else v.intoArray(y, o + i, S.indexInRange(i, done));
                    }
                } else if (sw == 2) {
                    done = Math.max(0, Math.min(Math.min(Math.min(w1, bd.wCount[0]), bd.wCount[1]) - w0 - first, nr - j0));
                    ZipF64.runs(c, cRow, residueSize + cRow, done, b, y, yRow + 2 * (w0 + first));
                }
                for (int rw = 0; rw < sw; rw++) {
                    int end = Math.min(Math.min(w1, bd.wCount[rw]) - w0 - first, nr - j0);
                    int o = yRow + rw + sw * (w0 + first + done);
                    for (int i = done, at = rw * residueSize + cRow + done; i < end; i++, at++, o += sw) y[o] = b + c[at];
                }
            }
        }
    }

    /**
     * Channels-last output of L pixels (C column {@code at} of row m0, output pixel j at {@code o + j·step}),
     * channels [m0, m1) a block of L at a time: the block's C rows plus their bias staged, transposed in registers
     * and stored a pixel's channels at a time (masked for a last, short block of channels, unless that vector would
     * reach past y's end: there a channel at a time).
     */
    private void transposed(double[] c, double[] stage, int at, int biasBase, int m0, int m1, double[] y, int o, int step) {
        int mr = lay.mr, blockSize = lay.tileGroup * mr * lay.nr, nr = lay.nr;
        for (int m = m0; m < m1; m += L) {
            int count = Math.min(L, m1 - m);
            for (int r = 0; r < count; r++) {
                int rel = m - m0 + r, row = at + rel / mr * blockSize + rel % mr * nr;
                DoubleVector.fromArray(S, c, row).add(bias[biasBase + m + r]).intoArray(stage, r * L);
            }
            if (count == L) {
                TransposeF64.block(stage, 0, L, y, o + m, step);
                continue;
            }
            TransposeF64.block(stage, 0, L, stage, L * L, L);
            VectorMask<Double> lanes = VectorMask.fromLong(S, (1L << count) - 1);
            for (int j = 0, to = o + m; j < L; j++, to += step) {
                if (to + L <= y.length) DoubleVector.fromArray(S, stage, L * L + j * L).intoArray(y, to, lanes);
                else System.arraycopy(stage, L * L + j * L, y, to, count);
            }
        }
    }

    /** One tile of input pixels: rows (co, tap) of every pixel, stored to their own output cell. */
    private void depthToSpace(int grp, int tile, double[] x, int xGroup, double[] y, int yGroup, Scratch s) {
        int nr = lay.nr, k = g.cig, p0 = tile * nr, valid = Math.min(nr, g.inPlane - p0);
        double[] panel = panels[grp];
        for (int k0 = 0; k0 < k; k0 += lay.kc) {
            int kLen = Math.min(lay.kc, k - k0);
            double[] b = x;
            int bOff = xGroup + p0 * g.xp;
            int[] bRow = lay.inputRow;
            if (valid < nr || g.xp != 1) {
                // the last tile, or channels-last pixels (C apart): copy into a zero-padded panel, so that no
                // load runs past the input and the pixels are contiguous; channels-last, L pixels × L channels
                // at a time transposed in registers
                int wholeK = g.xp != 1 && TransposeF64.available() ? kLen / L * L : 0, wholeJ = valid / L * L;
                for (int kk = 0; kk < wholeK; kk += L) {
                    for (int j = 0; j < wholeJ; j += L) TransposeF64.block(x, bOff + j * g.xp + (k0 + kk) * g.xc, g.xp, s.b, kk * nr + j, nr);
                }
                for (int kk = 0; kk < kLen; kk++) {
                    int src = bOff + (k0 + kk) * g.xc;
                    if (g.xp == 1) System.arraycopy(x, src, s.b, kk * nr, valid);
                    else for (int j = kk < wholeK ? wholeJ : 0; j < valid; j++) s.b[kk * nr + j] = x[src + j * g.xp];
                    Arrays.fill(s.b, kk * nr + valid, (kk + 1) * nr, 0.0);
                }
                b = s.b;
                bOff = -k0 * nr;   // the panel holds rows [k0, k0 + kLen)
                bRow = lay.panelRow;
            }
            for (int block = 0; block < lay.rowBlocks; block++) {
                MicroKernelsF64.run(lay.shape, lay.shape.nv, panel, block * k * lay.mr, lay.channelRow, b, bOff, bRow, k0, kLen,
                        s.c, block * lay.mr * nr, nr, k0 > 0);
            }
        }
        if (g.yp != 1) writeDepthToSpaceLast(s, grp, p0, valid, y, yGroup);
        else writeDepthToSpace(s.c, s.pattern, grp, p0, valid, y, yGroup);
    }

    /**
     * Writes a depth-to-space tile with the bias. Rows (co, tD, tH, tW) with tW = 0 … kW − 1 are adjacent and
     * land on adjacent output cells of one output row, so for each run of input pixels along W the kW rows are
     * interleaved (a vector zip when kW is 2, register weaves of L columns when it is 3, 4, 8 or 16, vectors of a
     * row's adjacent cells when it is 1); cells a crop removes are skipped.
     */
    private void writeDepthToSpace(double[] c, double[] pattern, int grp, int p0, int valid, double[] y, int yGroup) {
        int nr = lay.nr, inH = g.in[1], inW = g.in[2], kh = g.k[1], kw = g.k[2], outW = g.out[2], yp = g.yp, pbw = g.pb[2];
        // input columns whose kW cells all lie inside the output row
        int inner0 = Math.floorDiv(pbw + kw - 1, kw), inner1 = Math.floorDiv(outW + pbw - kw, kw) + 1;
        for (int j = 0; j < valid; ) {
            int p = p0 + j, id = p / (inH * inW), ih = p / inW % inH, iw0 = p % inW, len = Math.min(inW - iw0, valid - j);
            for (int m = 0; m < lay.rows; m += kw) {
                int co = m / g.kVol, t = m % g.kVol, td = t / (kh * kw), th = t / kw % kh;
                int od = id * g.s[0] + td - g.pb[0], oh = ih * g.s[1] + th - g.pb[1];
                if (od < 0 || od >= g.out[0] || oh < 0 || oh >= g.out[1]) continue;
                double b = bias[grp * g.cog + co];
                int yRow = yGroup + co * g.yc + (od * g.out[1] + oh) * outW * yp, cRow = m * nr + j;
                int a = Math.max(iw0, Math.min(inner0, iw0 + len)), e = Math.max(a, Math.min(iw0 + len, inner1));
                int woven = a;   // input columns [a, woven) written by vectors
                if (kw == 2 && yp == 1 && e > a) {
                    ZipF64.runs(c, cRow + a - iw0, cRow + nr + a - iw0, e - a, b, y, yRow + 2 * a - pbw);
                    woven = e;
                } else if (kw == 1 && yp == 1) {
                    // a run of adjacent cells: vectors, the last moved back to end at the run's end (its overlap
                    // stored again, the same values), or masked where the run is under a vector
                    for (int iw = a, from = cRow - iw0, to = yRow - pbw; iw < e; iw += L) {
                        if (iw + L > e && e - a >= L) iw = e - L;
                        DoubleVector v = DoubleVector.fromArray(S, c, from + iw).add(b);
                        if (iw + L <= e) v.intoArray(y, to + iw);
                        else v.intoArray(y, to + iw, S.indexInRange(iw, e));
                    }
                    woven = e;
                } else if (tapRows != null && e - a >= L) {   // L columns' kW cells at a time
                    Arrays.fill(pattern, b);
                    for (; woven + L <= e; woven += L) TransposeF64.weave(kw, c, cRow + woven - iw0, tapRows, pattern, y, yRow + woven * kw - pbw);
                }
                for (int tw = 0; tw < kw; tw++) {
                    int cr = cRow + tw * nr - iw0;
                    for (int iw = iw0; iw < iw0 + len; iw++) {
                        if (iw == a) iw = woven;
                        if (iw >= iw0 + len) break;
                        int ow = iw * kw + tw - pbw;
                        if (ow >= 0 && ow < outW) y[yRow + ow * yp] = b + c[cr + iw];
                    }
                }
            }
            j += len;
        }
    }

    /**
     * {@link #writeDepthToSpace} for channels-last output. The stride is the kernel, so input pixel p's cells of
     * taps (tD, tH, 0 … kW − 1) are kW adjacent output pixels: with one group, one run of kW·C elements (tW outer,
     * channel inner); with several, a run of the group's C channels per tap.
     * For blocks of L input pixels and each (tD, tH), C's rows of that run's order plus their bias are staged L
     * rows at a time and transposed in registers, so that each pixel's part of the run is one vector, stored
     * masked (a part of a run: L of its elements, whatever C is). Pixels whose run a crop cuts are written
     * element by element from the same vectors, and the pixels past the last block cell by cell.
     */
    private void writeDepthToSpaceLast(Scratch s, int grp, int p0, int valid, double[] y, int yGroup) {
        double[] c = s.c, stage = s.stage;
        int nr = lay.nr, cog = g.cog, kw = g.k[2], b = grp * cog, outH = g.out[1], outW = g.out[2];
        // a pixel's adjacent elements: every tap's channels where the group's are all of a pixel's, else one tap's
        int runTaps = g.yp == cog ? kw : 1, run = runTaps * cog;
        int inH = g.in[1], inW = g.in[2], yp = g.yp, tapRows = g.kVol / kw;
        int blocks = TransposeF64.available() ? valid / L * L : 0;
        for (int j0 = 0; j0 < blocks; j0 += L) {
            for (int jj = 0; jj < L; jj++) {   // each pixel's first output cell (tD = tH = tW = 0)
                int p = p0 + j0 + jj;
                s.od[jj] = p / (inH * inW) * g.s[0] - g.pb[0];
                s.oh[jj] = p / inW % inH * g.s[1] - g.pb[1];
                s.ow[jj] = p % inW * kw - g.pb[2];
            }
            for (int tr = 0; tr < tapRows; tr++) {
                int td = tr / g.k[1], th = tr % g.k[1];
                for (int jj = 0; jj < L; jj++) {
                    int od = s.od[jj] + td, oh = s.oh[jj] + th;
                    boolean inside = od >= 0 && od < g.out[0] && oh >= 0 && oh < outH;
                    s.cells[jj] = inside ? yGroup + ((od * outH + oh) * outW + s.ow[jj]) * yp : Integer.MIN_VALUE;
                }
                for (int tw0 = 0; tw0 < kw; tw0 += runTaps) {
                    for (int r0 = 0; r0 < run; r0 += L) {
                        int count = Math.min(L, run - r0);
                        for (int r = 0; r < count; r++) {
                            int e = r0 + r, co = e % cog;
                            DoubleVector.fromArray(S, c, (co * g.kVol + tr * kw + tw0 + e / cog) * nr + j0).add(bias[b + co]).intoArray(stage, r * L);
                        }
                        TransposeF64.block(stage, 0, L, stage, L * L, L);
                        VectorMask<Double> lanes = VectorMask.fromLong(S, count == L ? -1L : (1L << count) - 1);
                        for (int jj = 0; jj < L; jj++) {
                            int o = s.cells[jj], ow = s.ow[jj] + tw0;
                            if (o == Integer.MIN_VALUE) continue;
                            o += tw0 * yp + r0;
                            if (ow >= 0 && ow + runTaps <= outW && o + L <= y.length) {
                                DoubleVector.fromArray(S, stage, L * L + jj * L).intoArray(y, o, lanes);
                                continue;
                            }
                            for (int r = 0; r < count; r++) {   // a run a crop cuts, or the last before y's end
                                int cw = ow + (r0 + r) / cog;
                                if (cw >= 0 && cw < outW) y[o + r] = stage[L * L + jj * L + r];
                            }
                        }
                    }
                }
            }
        }
        for (int j = blocks; j < valid; j++) {
            for (int t = 0; t < g.kVol; t++) {
                int o = cell(p0 + j, t, yGroup);
                if (o < 0) continue;
                for (int co = 0, at = t * nr + j; co < cog; co++, at += g.kVol * nr) y[o + co] = bias[b + co] + c[at];
            }
        }
    }

    /** Depth-to-space, channels-last: where input pixel p's cell of tap t starts in y, or −1 where it is cropped. */
    private int cell(int p, int t, int yGroup) {
        int inH = g.in[1], inW = g.in[2], kh = g.k[1], kw = g.k[2];
        int id = p / (inH * inW), ih = p / inW % inH, iw = p % inW;
        int od = id * g.s[0] + t / (kh * kw) - g.pb[0], oh = ih * g.s[1] + t / kw % kh - g.pb[1], ow = iw * g.s[2] + t % kw - g.pb[2];
        if (od < 0 || od >= g.out[0] || oh < 0 || oh >= g.out[1] || ow < 0 || ow >= g.out[2]) return -1;
        return yGroup + ((od * g.out[1] + oh) * g.out[2] + ow) * g.yp;
    }

    /** Depth-to-space mode: the bias into every cell of the group that no input pixel reaches. */
    private void fillUncovered(int grp, double[] y, int yGroup) {
        boolean[] ud = lay.uncovered[0], uh = lay.uncovered[1], uw = lay.uncovered[2];
        int outH = g.out[1], outW = g.out[2];
        for (int co = 0; co < g.cog; co++) {
            double b = bias[grp * g.cog + co];
            int yc = yGroup + co * g.yc;
            if (g.yp != 1) {   // channels-last: cell by cell
                for (int od = 0; od < g.out[0]; od++) {
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow++) {
                            if (ud[od] || uh[oh] || uw[ow]) y[yc + ((od * outH + oh) * outW + ow) * g.yp] = b;
                        }
                    }
                }
                continue;
            }
            for (int od = 0; od < g.out[0]; od++) {
                int plane = yc + od * outH * outW;
                if (ud[od]) {
                    Arrays.fill(y, plane, plane + outH * outW, b);
                    continue;
                }
                for (int oh = 0; oh < outH; oh++) {
                    int row = plane + oh * outW;
                    if (uh[oh]) {
                        Arrays.fill(y, row, row + outW, b);
                        continue;
                    }
                    for (int ow = 0; ow < outW; ow++) if (uw[ow]) y[row + ow] = b;
                }
            }
        }
    }
}
