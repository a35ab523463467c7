package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double input gradient of a channels-last depthwise layer with fewer channels than lanes (see
 * {@link DepthwiseLastRunsF64}): {@code gx[i][c] = Σ_t w[c][t] · gy[i·s − pb + t·d][c]}, with the vectors along a
 * gx row's flat run of (pixel, channel). A task is a block of gx rows of a plane; the gy rows it meets are split
 * into W residues' runs once ({@link GyRunsF64}), and each gx row's run is a sum of those runs shifted by δ·C
 * ({@link RunSumsF64}), the taps in (D, H, W) order, over the pixels whose every W tap lands inside gy; the
 * pixels at the row's ends sum their taps inside gy one pixel at a time, in the same order. No inserted zero is
 * visited.
 */
final class DepthwiseLastGradientRunsF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();

    private final Geometry g;
    private final GyRunsF64 gyRuns;
    private final RunSumsF64 sums;
    /** Weights {@code [tap][channel]}, for the pixels at the rows' ends, with L zeros after them (masked vectors stay inside). */
    private final double[] w;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread buffers: a block's split gy rows, and a gx row's terms: source run, tap, W tap (and GyTaps' scratch). */
    private static final class Scratch {
        final double[] runs;
        final int[] from, tap, wTap, gyRows, rowTaps;

        Scratch(int runs, int rows, int terms) {
            this.runs = new double[runs];
            gyRows = new int[rows];
            rowTaps = new int[rows];
            from = new int[terms];
            tap = new int[terms];
            wTap = new int[terms];
        }
    }

    DepthwiseLastGradientRunsF64(Geometry g, double[] weight, Workspace workspace) {
        this.g = g;
        gyRuns = new GyRunsF64(g);
        workspace.check(name(), sharedBytes(), bytesPerThread());
        int c = g.cout, rows = g.k[0] * g.k[1];
        sums = new RunSumsF64(c, g.kVol, weight, null);
        w = new double[g.kVol * c + L];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < g.kVol; t++) w[t * c + ch] = weight[ch * g.kVol + t];
        }
        scratch = ThreadLocal.withInitial(() -> new Scratch(gyRuns.bufferLength(), rows, rows * g.k[2]));
    }

    static boolean suits(Geometry g) {
        return DepthwiseLastRunsF64.suits(g);
    }

    @Override
    public String name() { return "vector-" + VectorConstants.BITS + " depthwise channels-last input gradient runs"; }

    @Override
    public int tasksPerImage() { return g.in[0] * gyRuns.blocksPerPlane; }

    @Override
    public long macsPerTask() {
        // its multiply-adds, and splitting its gy rows at a few multiply-adds' cost per element
        return Math.max(1, gyRuns.blockRows * (long) g.in[2] * g.cout * g.kVol + 4L * gyRuns.bufferLength());
    }

    @Override
    public long sharedBytes() {
        return (long) Double.BYTES * (L * g.cout * (g.kVol + 1L) + g.kVol * g.cout + L) + gyRuns.sharedBytes();
    }

    @Override
    public long bytesPerThread() { return (long) Double.BYTES * gyRuns.bufferLength() + 20L * g.kVol; }

    /** Block {@code task} of gx rows of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int id = task / gyRuns.blocksPerPlane, block = task % gyRuns.blocksPerPlane, ih0 = block * gyRuns.blockRows;
        int gyImage = xOff + n * g.outImage(), ohLo = gyRuns.firstRow(block), c = g.cout, inW = g.in[2];
        Scratch s = scratch.get();
        gyRuns.split(id, block, x, gyImage, s.runs);
        double[] src = g.s[2] == 1 ? x : s.runs;   // at W stride 1 a gy row is its own run
        int i0 = gyRuns.interior[0], i1 = gyRuns.interior[1];   // the pixels whose every W tap lands inside gy
        for (int ih = ih0; ih < Math.min(g.in[1], ih0 + gyRuns.blockRows); ih++) {
            int gxRow = yOff + n * g.inImage() + (id * g.in[1] + ih) * inW * c;
            int terms = gyRuns.terms(id, ih, ohLo, gyImage, s.gyRows, s.rowTaps, s.from, s.tap, s.wTap);
            sums.sum(src, s.from, s.tap, terms, y, gxRow, i0 * c, i1 * c);
            for (int iw = 0; iw < inW; iw++) {
                if (iw == i0) iw = i1;   // the interior is done
                if (iw < inW) pixel(src, s, terms, iw, y, gxRow + iw * c);
            }
        }
    }

    /**
     * Gx pixel iw into {@code gx[to …]}: its terms whose W tap lands inside gy, in order, its channels in a masked
     * vector, or one at a time where that vector could reach past the end of gy or gx (where masked loads and
     * stores check their lanes one by one, tens of times slower).
     */
    private void pixel(double[] src, Scratch s, int terms, int iw, double[] gx, int to) {
        int c = g.cout;
        boolean inside = to + L <= gx.length;
        for (int t = 0; t < terms; t++) inside &= s.from[t] + iw * c + L <= src.length;
        if (inside) {
            VectorMask<Double> m = RunSumsF64.lanes(c);
            DoubleVector acc = DoubleVector.zero(S);
            for (int t = 0; t < terms; t++) {
                if (!gyRuns.inside(s.wTap[t], iw)) continue;
                acc = DoubleVector.fromArray(S, src, s.from[t] + iw * c, m).fma(DoubleVector.fromArray(S, w, s.tap[t] * c, m), acc);
            }
            acc.intoArray(gx, to, m);
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            double acc = 0;
            for (int t = 0; t < terms; t++) {
                if (gyRuns.inside(s.wTap[t], iw)) acc = Math.fma(src[s.from[t] + iw * c + ch], w[s.tap[t] * c + ch], acc);
            }
            gx[to + ch] = acc;
        }
    }
}
