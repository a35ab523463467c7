package io.tconv.internal.vector;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layers whose input is a single pixel (every spatial size 1, one group), such as a DCGAN generator's first layer:
 * each image's output is one row of {@code Y = X · W'}, X the batch's inputs (N × Cin) and W' the weights as a
 * Cin × (Cout·out…) matrix whose columns are the image's output cells in their layout order (the taps a crop
 * removes left out; zero where no tap lands, as in output padding or between dilated taps, whose cells are then
 * set to the bias), plus the bias. One GEMM over the whole batch, the images as the microkernel's broadcast rows
 * and the output cells along its vectors: the per-image GEMMs had one pixel a tile (100 → 512 at 1×1, k4, 64
 * images: 8 GFLOP/s). A task is a range of columns over every image ({@link #spansBatch}), so that its weights
 * stay in cache while the images' tiles pass.
 */
final class PixelGemmF32 implements FloatKernel {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();
    private static final TileShape SHAPE = VectorConstants.REGISTERS == 32 ? TileShape.M12x2 : TileShape.M5x2;
    /** The weights a task reads, in bytes: about half of L2. */
    private static final long TASK_BYTES = 512 << 10;
    private final Geometry g;
    /** An image's output cells (the columns), rounded up to whole tiles; tile width; column tiles per task; tasks. */
    private final int cols, padded, nr, tilesPerTask, tasks;
    /** W', {@code [Cin][padded]}, and the bias of each column. */
    private final float[] w, bias;
    /**
     * The columns no tap reaches (output padding, dilation's gaps, negative crops), ascending: the GEMM's zero
     * columns would turn a NaN or Inf input into NaN there, where the output is exactly the bias.
     */
    private final int[] biasOnly;
    /** The microkernel's row tables: A packed {@code [ci][image in block]}, B the rows of W'. */
    private final int[] aRow, bRow;
    /** Per thread: a block of images' inputs, packed; a tile of sums. */
    private final ThreadLocal<float[][]> scratch;

    /** Every spatial size 1 and one group. */
    static boolean suits(Geometry g) {
        return g.singlePixel();
    }

    PixelGemmF32(Geometry g, float[] weight, float[] bias, Workspace workspace) {
        this.g = g;
        cols = g.outImage();
        nr = SHAPE.nv * L;
        padded = TileShape.ceilDiv(cols, nr) * nr;
        int tiles = padded / nr;
        tilesPerTask = (int) Math.max(1, Math.min(tiles, TASK_BYTES / ((long) Float.BYTES * g.cin * nr)));
        tasks = TileShape.ceilDiv(tiles, tilesPerTask);
        workspace.check(name(), sharedBytes(), bytesPerThread());
        if ((long) g.cin * padded > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("the single-pixel GEMM needs a weight matrix of " + (long) g.cin * padded
                    + " elements, over Java's limit for an array");
        }
        w = new float[g.cin * padded];
        this.bias = new float[padded];
        int[] target = g.singlePixelTaps(), none = new int[cols];
        int bare = 0;
        for (int col = 0; col < cols; col++) {
            if (bias != null) this.bias[col] = bias[col / g.yc % g.cout];
            if (target[col] < 0) {
                none[bare++] = col;
                continue;
            }
            for (int ci = 0; ci < g.cin; ci++) w[ci * padded + col] = weight[ci * g.cout * g.kVol + target[col]];
        }
        biasOnly = java.util.Arrays.copyOf(none, bare);
        aRow = new int[g.cin];
        bRow = new int[g.cin];
        for (int ci = 0; ci < g.cin; ci++) {
            aRow[ci] = ci * SHAPE.mr;
            bRow[ci] = ci * padded;
        }
        scratch = ThreadLocal.withInitial(() -> new float[][] {new float[g.cin * SHAPE.mr], new float[SHAPE.mr * nr]});
    }

    @Override
    public String name() {
        return "vector-" + VectorConstants.BITS + " single-pixel gemm " + SHAPE.mr + "x" + SHAPE.nv;
    }

    @Override
    public int tasksPerImage() { return tasks; }

    @Override
    public long macsPerTask() { return (long) g.cin * nr * tilesPerTask; }

    @Override
    public long sharedBytes() { return (long) Float.BYTES * (g.cin + 1L) * padded + 8L * g.cin + 4L * cols; }

    @Override
    public long bytesPerThread() { return (long) Float.BYTES * SHAPE.mr * (g.cin + nr); }

    @Override
    public boolean spansBatch() { return true; }

    @Override
    public void run(int n, int task, float[] x, int xOff, float[] y, int yOff) {
        runBatch(1, task, x, xOff + n * g.inImage(), y, yOff + n * g.outImage());
    }

    /** Task {@code task}'s columns for every image: per block of MR images, their inputs packed, then each tile. */
    @Override
    public void runBatch(int batch, int task, float[] x, int xOff, float[] y, int yOff) {
        float[][] s = scratch.get();
        float[] a = s[0], c = s[1];
        int mr = SHAPE.mr, cin = g.cin, col0 = task * tilesPerTask * nr, col1 = Math.min(padded, col0 + tilesPerTask * nr);
        for (int n0 = 0; n0 < batch; n0 += mr) {
            int images = Math.min(mr, batch - n0);
            for (int ci = 0; ci < cin; ci++) {   // a[ci][r]: image n0 + r's input channel ci; zero past the batch
                for (int r = 0; r < mr; r++) a[ci * mr + r] = r < images ? x[xOff + (n0 + r) * cin + ci] : 0f;
            }
            for (int col = col0; col < col1; col += nr) {
                MicroKernelsF32.run(SHAPE, SHAPE.nv, a, 0, aRow, w, col, bRow, 0, cin, c, 0, nr, false);
                int count = Math.min(nr, cols - col);   // (the columns past the image's cells are padding)
                for (int r = 0; r < images; r++) {
                    int o = yOff + (n0 + r) * cols + col, v = 0;
                    for (; v + L <= count; v += L) {
                        FloatVector.fromArray(S, c, r * nr + v).add(FloatVector.fromArray(S, bias, col + v)).intoArray(y, o + v);
                    }
                    if (v < count) {
                        FloatVector.fromArray(S, c, r * nr + v).add(FloatVector.fromArray(S, bias, col + v))
                                .intoArray(y, o + v, S.indexInRange(v, count));
                    }
                }
            }
            for (int col : biasOnly) {
                if (col < col0 || col >= col1) continue;
                for (int r = 0; r < images; r++) y[yOff + (n0 + r) * cols + col] = bias[col];
            }
        }
    }
}
