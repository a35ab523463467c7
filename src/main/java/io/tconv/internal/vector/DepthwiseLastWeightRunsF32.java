package io.tconv.internal.vector;

import io.tconv.internal.FloatWeightRows;
import io.tconv.internal.Geometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The float weight gradient of a channels-last depthwise layer with fewer channels than lanes (see
 * {@link DepthwiseLastRunsF32}): {@code gw[c][t] = Σ_i x[i][c] · gy[i·s − pb + t·d][c]}, with the vectors along x
 * rows' flat runs of (pixel, channel). A task is a block of x rows of a plane; the gy rows it meets are split into
 * W residues' runs once ({@link GyRunsF32}), and each tap's products along an x row are x's run times a gy run
 * shifted by δ·C ({@link RunSumsF32#dots}), summed per (tap, channel of a vector's first lane) over the pixels
 * whose every W tap lands inside gy; the pixels at the rows' ends go a channel at a time. At the task's end each
 * lane's sums go to its channel, into the task's slot {@code [channel][tap]}.
 */
final class DepthwiseLastWeightRunsF32 implements FloatWeightRows {
    static final int L = RunSumsF32.L;
    private final Geometry g;
    private final GyRunsF32 gyRuns;
    private final RunSumsF32 sums;
    private final ThreadLocal<Scratch> scratch;

    /**
     * Per-thread buffers: a block's split gy rows, an x row's terms (and GyTaps' scratch), the lane sums
     * {@code [tap][first channel][lane]} and the end pixels' sums {@code [tap][channel]} (a vector per tap).
     */
    private static final class Scratch {
        final float[] runs, lanes, ends;
        final int[] from, tap, wTap, gyRows, rowTaps;

        Scratch(Geometry g, int runs) {
            this.runs = new float[runs];
            int rows = g.k[0] * g.k[1], terms = rows * g.k[2];
            lanes = new float[g.kVol * g.cout * L];
            ends = new float[g.kVol * L];
            gyRows = new int[rows];
            rowTaps = new int[rows];
            from = new int[terms];
            tap = new int[terms];
            wTap = new int[terms];
        }
    }

    DepthwiseLastWeightRunsF32(Geometry g) {
        this.g = g;
        gyRuns = new GyRunsF32(g);
        sums = new RunSumsF32(g.cout, g.kVol, null, null);
        scratch = ThreadLocal.withInitial(() -> new Scratch(g, gyRuns.bufferLength()));
    }

    /**
     * Where channels fill at most a third of a vector: the split of gy's rows costs more here than in the input
     * gradient (against the channel vectors at 512 bits: 3 channels 11.6 → 17.9 GFLOP/s, 5 15.8 → 16.2, but
     * 6 19.2 → 17.3 and 8 26.2 → 19.0).
     */
    static boolean suits(Geometry g) {
        return DepthwiseLastF32.suits(g) && g.cog == 1 && 3 * g.groups <= L;
    }

    @Override
    public String name() { return "depthwise channels-last runs"; }

    @Override
    public int tasksPerImage() { return g.in[0] * gyRuns.blocksPerPlane; }

    @Override
    public boolean allGroups() { return true; }

    @Override
    public long macsPerTask() {
        return Math.max(1, gyRuns.blockRows * (long) g.in[2] * g.cout * g.kVol + 4L * gyRuns.bufferLength());
    }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] gy, int gyOff, float[] out, int outOff) {
        int id = task / gyRuns.blocksPerPlane, block = task % gyRuns.blocksPerPlane, ih0 = block * gyRuns.blockRows;
        int gyImage = gyOff + n * g.outImage(), ohLo = gyRuns.firstRow(block), c = g.cout, inW = g.in[2];
        Scratch s = scratch.get();
        Arrays.fill(s.lanes, 0f);
        Arrays.fill(s.ends, 0f);
        gyRuns.split(id, block, gy, gyImage, s.runs);
        float[] src = g.s[2] == 1 ? gy : s.runs;   // at W stride 1 a gy row is its own run
        int i0 = gyRuns.interior[0], i1 = gyRuns.interior[1];   // the pixels whose every W tap lands inside gy
        for (int ih = ih0; ih < Math.min(g.in[1], ih0 + gyRuns.blockRows); ih++) {
            int xRow = xOff + n * g.inImage() + (id * g.in[1] + ih) * inW * c;
            int terms = gyRuns.terms(id, ih, ohLo, gyImage, s.gyRows, s.rowTaps, s.from, s.tap, s.wTap);
            sums.dots(x, xRow, src, s.from, s.tap, terms, i0 * c, i1 * c, s.lanes);
            for (int iw = 0; iw < inW; iw++) {
                if (iw == i0) iw = i1;   // the interior is done
                if (iw >= inW) break;
                pixel(x, xRow + iw * c, src, s, terms, iw);
            }
        }
        for (int t = 0; t < g.kVol; t++) {
            for (int ch = 0; ch < c; ch++) out[outOff + ch * g.kVol + t] = s.ends[t * L + ch];
            for (int first = 0; first < c; first++) {
                for (int i = 0, at = (t * c + first) * L, ch = first; i < L; i++, ch = ch + 1 == c ? 0 : ch + 1) {
                    out[outOff + ch * g.kVol + t] += s.lanes[at + i];
                }
            }
        }
    }

    /**
     * Adds x pixel iw's products with its terms whose W tap lands inside gy (x at xa) into the end sums: its channels
     * in a masked vector, or one at a time where that vector could reach past the end of x or gy (where masked
     * loads check their lanes one by one, tens of times slower).
     */
    private void pixel(float[] x, int xa, float[] src, Scratch s, int terms, int iw) {
        int c = g.cout;
        boolean inside = xa + L <= x.length;
        for (int t = 0; t < terms; t++) inside &= s.from[t] + iw * c + L <= src.length;
        VectorMask<Float> m = RunSumsF32.lanes(c);
        FloatVector xv = inside ? FloatVector.fromArray(RunSumsF32.S, x, xa, m) : null;
        for (int t = 0; t < terms; t++) {
            if (!gyRuns.inside(s.wTap[t], iw)) continue;
            int ga = s.from[t] + iw * c, at = s.tap[t] * L;
            if (inside) {
                xv.fma(FloatVector.fromArray(RunSumsF32.S, src, ga, m), FloatVector.fromArray(RunSumsF32.S, s.ends, at)).intoArray(s.ends, at);
            } else {
                for (int ch = 0; ch < c; ch++) s.ends[at + ch] += x[xa + ch] * src[ga + ch];
            }
        }
    }
}
