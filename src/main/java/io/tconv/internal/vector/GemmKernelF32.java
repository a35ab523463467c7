package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Phases;
import io.tconv.internal.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float GEMM kernel for both modes of {@link GemmLayout}: weights packed at plan time into zero-padded
 * {@code [rowBlock][k][MR]} panels per (job, group); pixels packed per tile and reduction block into
 * {@code [k][NR]} panels with zeros where a tap falls outside the input (in depth-to-space mode full tiles are
 * read straight from the input); {@link MicroKernelsF32} accumulates the tile; the tile is then written to
 * its output cells with the bias. Zeros stand in for missing taps, which is exact only for finite weights:
 * the provider does not use this kernel otherwise.
 */
final class GemmKernelF32 implements FloatKernel {
    private static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    private static final int L = S.length();
    private final GemmLayout lay;
    private final Geometry g;
    private final float[][] panels;
    private final float[] bias;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread buffers: the pixel panel, the C tile, and where the tile's pixels lie. */
    private static final class Scratch {
        final float[] b, c;
        final int[] segD, segH, segW, segLen, segJ;
        /** Per (tap, segment): the run's source offset in a channel, and its part [lo, hi) inside the input. */
        final int[] runSrc, runLo, runHi;
        int segments;

        Scratch(GemmLayout lay) {
            b = new float[lay.kc * lay.nr];
            c = new float[lay.rowBlocks * lay.mr * lay.nr];
            segD = new int[lay.nr];
            segH = new int[lay.nr];
            segW = new int[lay.nr];
            segLen = new int[lay.nr];
            segJ = new int[lay.nr];
            int taps = 0;
            if (lay.jobs != null) for (Phases.Phase ph : lay.jobs) taps = Math.max(taps, ph.taps());
            runSrc = new int[taps * lay.nr];
            runLo = new int[taps * lay.nr];
            runHi = new int[taps * lay.nr];
        }
    }

    GemmKernelF32(GemmLayout lay, float[] w, float[] bias, Workspace workspace) {
        this.lay = lay;
        this.g = lay.g;
        workspace.check(name(), sharedBytes(), bytesPerThread());
        this.bias = bias == null ? new float[g.cout] : bias.clone();
        int jobs = lay.jobK.length;
        panels = new float[jobs * g.groups][];
        for (int j = 0; j < jobs; j++) {
            for (int grp = 0; grp < g.groups; grp++) panels[j * g.groups + grp] = pack(w, j, grp);
        }
        scratch = ThreadLocal.withInitial(() -> new Scratch(lay));
    }

    /** Panel {@code [rowBlock][k][MR]} of one job and group; rows past the last are zero. */
    private float[] pack(float[] w, int job, int grp) {
        int k = lay.jobK[job], mr = lay.mr;
        float[] p = new float[lay.rowBlocks * k * mr];
        for (int m = 0; m < lay.rows; m++) {
            int block = m / mr, r = m % mr;
            for (int kk = 0; kk < k; kk++) p[(block * k + kk) * mr + r] = w[lay.weightIndex(job, grp, m, kk)];
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
    public long sharedBytes() { return lay.sharedBytes(Float.BYTES); }

    @Override
    public long bytesPerThread() { return lay.bytesPerThread(Float.BYTES); }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        int grp = task / lay.tasksPerGroup, local = task % lay.tasksPerGroup;
        int yGroup = yOff + n * g.outImage() + grp * g.cog * g.yc;
        if (local == lay.tilesPerGroup) {
            fillUncovered(grp, y, yGroup);
            return;
        }
        int job = lay.taskJob[local], tile = lay.taskTile[local];
        int xGroup = xOff + n * g.inImage() + grp * g.cig * g.xc;
        Scratch s = scratch.get();
        if (lay.depthToSpace) depthToSpace(grp, tile, x, xGroup, y, yGroup, s);
        else phase(job, grp, tile, x, xGroup, y, yGroup, s);
    }

    /** One pixel tile of one phase: pack, multiply, write with the bias. */
    private void phase(int job, int grp, int tile, float[] x, int xGroup, float[] y, int yGroup, Scratch s) {
        Phases.Phase ph = lay.jobs[job];
        int nr = lay.nr, k = lay.jobK[job], p0 = tile * nr, valid = Math.min(nr, lay.jobPixels[job] - p0);
        s.segments = GemmLayout.segments(ph, p0, valid, s.segD, s.segH, s.segW, s.segLen, s.segJ);
        runs(ph, s);
        float[] panel = panels[job * g.groups + grp];
        if (k == 0) Arrays.fill(s.c, 0f);
        for (int k0 = 0; k0 < k; k0 += lay.kc) {
            int kLen = Math.min(lay.kc, k - k0);
            packPixels(ph, x, xGroup, k0, kLen, valid, s);
            for (int block = 0; block < lay.rowBlocks; block++) {
                MicroKernelsF32.run(lay.shape, panel, (block * k + k0) * lay.mr, s.b, 0, nr, kLen, s.c,
                        block * lay.mr * nr, k0 > 0);
            }
        }
        int outW = g.out[2], yp = g.yp, step = g.s[2] * yp;
        for (int m = 0; m < lay.rows; m++) {
            float b = bias[grp * g.cog + m];
            int yRow = yGroup + m * g.yc, cRow = m * nr;
            for (int seg = 0; seg < s.segments; seg++) {
                int o = (((ph.r[0] + g.s[0] * s.segD[seg]) * g.out[1] + ph.r[1] + g.s[1] * s.segH[seg]) * outW
                        + ph.r[2] + g.s[2] * s.segW[seg]) * yp;
                for (int j = s.segJ[seg], end = j + s.segLen[seg]; j < end; j++, o += step) y[yRow + o] = b + s.c[cRow + j];
            }
        }
    }

    /** Where each (tap, segment) run of the tile reads its channel, and which part of it lies inside the input. */
    private void runs(Phases.Phase ph, Scratch s) {
        int inD = g.in[0], inH = g.in[1], inW = g.in[2];
        for (int t = 0, r = 0; t < ph.taps(); t++) {
            for (int seg = 0; seg < s.segments; seg++, r++) {
                int len = s.segLen[seg];
                int id = s.segD[seg] + ph.dD[t], ih = s.segH[seg] + ph.dH[t], iw0 = s.segW[seg] + ph.dW[t];
                s.runSrc[r] = (id * inH + ih) * inW + iw0;
                if (id < 0 || id >= inD || ih < 0 || ih >= inH) {
                    s.runLo[r] = len;
                    s.runHi[r] = len;
                } else {
                    s.runLo[r] = Math.min(len, Math.max(0, -iw0));
                    s.runHi[r] = Math.max(s.runLo[r], Math.min(len, inW - iw0));
                }
            }
        }
    }

    /**
     * Packs reduction rows [k0, k0 + kLen) of the tile: row k = (ci, tap), zeros where the tap misses the input.
     * The runs are short (a phase row), so they are copied by vectors in line rather than by a call per run.
     */
    private void packPixels(Phases.Phase ph, float[] x, int xGroup, int k0, int kLen, int valid, Scratch s) {
        int nr = lay.nr, taps = ph.taps(), segments = s.segments, xp = g.xp;
        int ci = k0 / taps, t = k0 % taps;
        float[] b = s.b;
        for (int kk = 0; kk < kLen; kk++) {
            int row = kk * nr, xc = xGroup + ci * g.xc;
            for (int seg = 0, r = t * segments; seg < segments; seg++, r++) {
                int dst = row + s.segJ[seg], len = s.segLen[seg], lo = s.runLo[r], hi = s.runHi[r];
                int j = 0;
                for (; j < lo; j++) b[dst + j] = 0f;
                if (xp == 1) {
                    int src = xc + s.runSrc[r];
                    for (; j + L <= hi; j += L) FloatVector.fromArray(S, x, src + j).intoArray(b, dst + j);
                    for (; j < hi; j++) b[dst + j] = x[src + j];
                } else {   // channels-last: the run's pixels are C apart
                    for (int src = xc + (s.runSrc[r] + j) * xp; j < hi; j++, src += xp) b[dst + j] = x[src];
                }
                for (; j < len; j++) b[dst + j] = 0f;
            }
            for (int i = row + valid; i < row + nr; i++) b[i] = 0f;
            if (++t == taps) {
                t = 0;
                ci++;
            }
        }
    }

    /** One tile of input pixels: rows (co, tap) of every pixel, stored to their own output cell. */
    private void depthToSpace(int grp, int tile, float[] x, int xGroup, float[] y, int yGroup, Scratch s) {
        int nr = lay.nr, k = g.cig, p0 = tile * nr, valid = Math.min(nr, g.inPlane - p0);
        float[] panel = panels[grp];
        for (int k0 = 0; k0 < k; k0 += lay.kc) {
            int kLen = Math.min(lay.kc, k - k0);
            float[] b = x;
            int bOff = xGroup + k0 * g.xc + p0 * g.xp, bStride = g.xc;
            if (valid < nr || g.xp != 1) {
                // the last tile, or channels-last pixels (C apart): copy into a zero-padded panel, so that no
                // load runs past the input and the pixels are contiguous
                for (int kk = 0; kk < kLen; kk++) {
                    int src = bOff + kk * g.xc;
                    if (g.xp == 1) System.arraycopy(x, src, s.b, kk * nr, valid);
                    else for (int j = 0; j < valid; j++) s.b[kk * nr + j] = x[src + j * g.xp];
                    Arrays.fill(s.b, kk * nr + valid, (kk + 1) * nr, 0f);
                }
                b = s.b;
                bOff = 0;
                bStride = nr;
            }
            for (int block = 0; block < lay.rowBlocks; block++) {
                MicroKernelsF32.run(lay.shape, panel, (block * k + k0) * lay.mr, b, bOff, bStride, kLen, s.c,
                        block * lay.mr * nr, k0 > 0);
            }
        }
        int inH = g.in[1], inW = g.in[2], kh = g.k[1], kw = g.k[2];
        int pd = p0 / (inH * inW), ph = p0 / inW % inH, pw = p0 % inW;
        for (int m = 0; m < lay.rows; m++) {
            int co = m / g.kVol, t = m % g.kVol, td = t / (kh * kw), th = t / kw % kh, tw = t % kw;
            float b = bias[grp * g.cog + co];
            int yChannel = yGroup + co * g.yc, cRow = m * nr;
            int id = pd, ih = ph, iw = pw;
            for (int j = 0; j < valid; j++) {
                int od = id * g.s[0] + td - g.pb[0], oh = ih * g.s[1] + th - g.pb[1], ow = iw * g.s[2] + tw - g.pb[2];
                if (od >= 0 && od < g.out[0] && oh >= 0 && oh < g.out[1] && ow >= 0 && ow < g.out[2]) {
                    y[yChannel + ((od * g.out[1] + oh) * g.out[2] + ow) * g.yp] = b + s.c[cRow + j];
                }
                if (++iw == inW) {
                    iw = 0;
                    if (++ih == inH) {
                        ih = 0;
                        id++;
                    }
                }
            }
        }
    }

    /** Depth-to-space mode: the bias into every cell of the group that no input pixel reaches. */
    private void fillUncovered(int grp, float[] y, int yGroup) {
        boolean[] ud = lay.uncovered[0], uh = lay.uncovered[1], uw = lay.uncovered[2];
        int outH = g.out[1], outW = g.out[2];
        for (int co = 0; co < g.cog; co++) {
            float b = bias[grp * g.cog + co];
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
