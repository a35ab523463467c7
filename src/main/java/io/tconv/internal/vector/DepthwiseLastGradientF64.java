package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double input gradient of a channels-last depthwise layer (one input and one output channel per group):
 * {@code gx[i][c] = Σ_t w[c][t] · gy[i·s − pb + t·d][c]}. A pixel's channels are adjacent in gy and gx, so the
 * vectors run across channels, with the weights packed {@code [tap][channel]}: each gx cell sums its taps that
 * land inside gy in registers, in (D, H, W) tap order, and is stored once. A task is a gx row. (The row kernel's
 * tasks are one group each: on a channels-last depthwise layer each would read every cache line of gy's rows
 * for one double of it.)
 */
final class DepthwiseLastGradientF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    private final Geometry g;
    private final double[] w;

    /** The gx columns whose every W tap lands inside gy: no bounds checks there. */
    private final int interior0, interior1;
    /** Per thread: a row's (D, H) taps inside gy, their gy rows and their tap indices (times kW). */
    private final ThreadLocal<int[][]> taps;

    DepthwiseLastGradientF64(Geometry g, double[] weight, Workspace workspace) {
        this.g = g;
        int[] interior = GyTaps.interior(g);
        interior0 = interior[0];
        interior1 = interior[1];
        taps = ThreadLocal.withInitial(() -> new int[2][g.k[0] * g.k[1]]);
        workspace.check(name(), sharedBytes(), 0);
        int c = g.cout;
        w = new double[g.kVol * c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < g.kVol; t++) w[t * c + ch] = weight[ch * g.kVol + t];
        }
    }

    static boolean suits(Geometry g) {
        return DepthwiseLastF64.suits(g);
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
    public long sharedBytes() { return (long) Double.BYTES * g.kVol * g.cout; }

    @Override
    public long bytesPerThread() { return 0; }

    /** Gx row {@code task} of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int id = task / g.in[1], ih = task % g.in[1], c = g.cout, inW = g.in[2], outW = g.out[2], sw = g.s[2], kw = g.k[2];
        int gyImage = xOff + n * g.outImage(), gxRow = yOff + n * g.inImage() + (id * g.in[1] + ih) * inW * c;
        int[][] rows = taps.get();   // the (D, H) taps inside gy for this row: their gy rows and tap indices
        int count = GyTaps.of(g, id, ih, gyImage, rows[0], rows[1]);
        int[] gyRows = rows[0], tapRows = rows[1];
        for (int iw = 0; iw < inW; iw++) {
            int ow0 = iw * sw - g.pb[2];   // the gy column of W tap 0
            boolean inside = iw >= interior0 && iw < interior1;
            for (int c0 = 0; c0 < c; c0 += L) {
                VectorMask<Double> m = S.indexInRange(c0, c);   // all lanes but in the last, partial vector of channels
                DoubleVector acc = DoubleVector.zero(S);
                for (int j = 0; j < count; j++) {
                    int gyAt = gyRows[j] + ow0 * c + c0, wAt = tapRows[j] * c + c0;
                    for (int t = 0; t < kw; t++, gyAt += g.d[2] * c, wAt += c) {
                        if (!inside && (ow0 + t * g.d[2] < 0 || ow0 + t * g.d[2] >= outW)) continue;
                        acc = DoubleVector.fromArray(S, x, gyAt, m).fma(DoubleVector.fromArray(S, w, wAt, m), acc);
                    }
                }
                acc.intoArray(y, gxRow + iw * c + c0, m);
            }
        }
    }
}
