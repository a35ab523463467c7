package io.tconv;

import io.tconv.internal.FloatOps;
import io.tconv.internal.Geometry;
import io.tconv.internal.Parallel;

/**
 * The input gradient of single-pixel layers (every spatial input size 1, one group), as a DCGAN generator's
 * first layer: {@code gx[n][ci] = Σ_col gy[n][col] · W'[ci][col]} over the columns of gy's image that a tap
 * reaches (the others hold only the bias, so gy there is not read: a NaN there stays out of gx, as in PyTorch),
 * one GEMM over the batch instead of the class plans' one output pixel a tile. The register tiles' rows are a
 * block of images (their reached gy columns packed), their vectors the input channels (W' transposed at plan
 * time). A task is a block of images.
 */
final class PixelInputGradientF32 {
    private final Geometry g;
    private final FloatOps ops;
    /** gy's columns a tap reaches, ascending: the reduction. */
    private final int[] reached;
    /** W' transposed, {@code [reached column][input channel, padded to whole tiles]}. */
    private final float[] w;
    private final int mr, vectors, nr, cinPadded;
    /** The tiles' row tables: A packed {@code [column][image in block]}, B the rows of W'ᵀ. */
    private final int[] aRow, bRow;
    /** Per thread: a block of images' reached gy columns, packed; a tile of sums. */
    private final ThreadLocal<float[][]> scratch;

    /** A single input pixel, one group, and tiles of at least a vector. */
    static boolean suits(Geometry g, FloatOps ops) {
        return g.singlePixel() && ops.lanes() >= 4;
    }

    PixelInputGradientF32(Geometry g, float[] weight, FloatOps ops) {
        this.g = g;
        this.ops = ops;
        mr = ops.tileRows();
        vectors = ops.tileVectors();
        nr = vectors * ops.lanes();
        cinPadded = (g.cin + nr - 1) / nr * nr;
        int[] target = g.singlePixelTaps();
        reached = java.util.stream.IntStream.range(0, target.length).filter(col -> target[col] >= 0).toArray();
        if ((long) reached.length * cinPadded > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("the single-pixel input gradient needs a weight matrix of "
                    + (long) reached.length * cinPadded + " elements, over Java's limit for an array");
        }
        w = new float[reached.length * cinPadded];
        for (int k = 0; k < reached.length; k++) {
            for (int ci = 0; ci < g.cin; ci++) w[k * cinPadded + ci] = weight[ci * g.cout * g.kVol + target[reached[k]]];
        }
        aRow = new int[reached.length];
        bRow = new int[reached.length];
        for (int k = 0; k < reached.length; k++) {
            aRow[k] = k * mr;
            bRow[k] = k * cinPadded;
        }
        scratch = ThreadLocal.withInitial(() -> new float[][] {new float[reached.length * mr], new float[mr * nr]});
    }

    /** gx for a batch: every element written. */
    void run(int batch, float[] gy, int gyOff, float[] gx, int gxOff, Parallel parallel) {
        int blocks = (batch + mr - 1) / mr, cols = g.outImage(), cin = g.cin, k = reached.length;
        parallel.run(blocks, (long) mr * k * cinPadded, block -> {
            float[][] s = scratch.get();
            float[] a = s[0], c = s[1];
            int n0 = block * mr, images = Math.min(mr, batch - n0);
            for (int j = 0; j < k; j++) {   // a[j][r]: image n0 + r's j-th reached column; zero past the batch
                int col = gyOff + reached[j];
                for (int r = 0; r < mr; r++) a[j * mr + r] = r < images ? gy[col + (n0 + r) * cols] : 0f;
            }
            for (int ci0 = 0; ci0 < cin; ci0 += nr) {
                if (k > 0) ops.tile(a, 0, aRow, w, ci0, bRow, 0, k, vectors, c, 0, nr, false);
                else java.util.Arrays.fill(c, 0f);   // (no tap reaches gy: gx is zero)
                int count = Math.min(nr, cin - ci0);
                for (int r = 0; r < images; r++) System.arraycopy(c, r * nr, gx, gxOff + (n0 + r) * cin + ci0, count);
            }
        });
    }
}
