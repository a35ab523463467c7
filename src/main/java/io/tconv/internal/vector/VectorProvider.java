package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.DoubleOps;
import io.tconv.internal.DoubleWeightRows;
import io.tconv.internal.FloatKernel;
import io.tconv.internal.FloatOps;
import io.tconv.internal.FloatWeightRows;
import io.tconv.internal.Geometry;
import io.tconv.internal.Provider;
import io.tconv.internal.ScalarKernels;
import io.tconv.internal.Workspace;

/**
 * The Vector API kernels. Loaded by name only after the module check (see {@code Providers}), so that the
 * scalar path never links the incubator module. Picks the path per geometry:
 * <ul>
 * <li>non-finite weights: the exact scalar path (the GEMM's zero padding would turn Inf·0 into NaN in cells
 *     PyTorch leaves at the bias);</li>
 * <li>a single input pixel, one group: one GEMM over the batch ({@link PixelGemmF32});</li>
 * <li>few output channels per group, kernels multiples of the strides ({@link SubPixel#suits}): a stride-1 layer
 *     with a channel per output channel and residue, on the phase GEMM, then depth-to-space;</li>
 * <li>channels-last depthwise with few channels whose pixels' runs split into channel rows by register shuffles
 *     ({@link RowLayout#takesAllGroups}): the few-channel planes, every group of a band in one task;</li>
 * <li>channels-last depthwise (one input channel per group; one output channel per group, or several, x's
 *     channels then spread to one per output channel, {@link MultipliersF32}): vectors across the channels of a
 *     pixel, with at least four lanes;</li>
 * <li>channels-last with few input channels and at least a vector of output channels per group: vectors
 *     across a pixel's output channels;</li>
 * <li>few output channels per group, or a short reduction ({@link RowLayout#suits}): the few-channel planes,
 *     where a GEMM's tiles would be mostly padding or overhead, unless their per-thread buffer would exceed
 *     {@link #ROW_BUFFER_LIMIT};</li>
 * <li>stride = kernel, dilation 1: the depth-to-space GEMM;</li>
 * <li>anything else: the phase GEMM.</li>
 * </ul>
 */
public final class VectorProvider implements Provider {

    /** @throws UnsupportedOperationException where the CPU lacks FMA (the Vector API would emulate it slowly) */
    public VectorProvider() {
        if (!VectorConstants.HAS_FMA) throw new UnsupportedOperationException("this CPU has no hardware FMA");
    }

    @Override
    public String name() {
        return "vector-" + VectorConstants.BITS;
    }

    @Override
    public FloatKernel floatKernel(Geometry g, float[] weight, float[] bias, Workspace workspace) {
        if (!finite(weight)) return new ScalarKernels.F32(g, weight, bias, workspace);
        if (PixelGemmF32.suits(g)) return new PixelGemmF32(g, weight, bias, workspace);
        if (SubPixel.suits(g)) return new SubPixelF32(g, weight, bias, workspace);
        if (RowLayout.takesAllGroups(g, RowKernelF32.L)) {
            RowLayout rows = rows(g, RowKernelF32.L, Float.BYTES);
            if (rows != null) return new RowKernelF32(rows, weight, bias, workspace);
        }
        if (DepthwiseLastRunsF32.suits(g)) return new DepthwiseLastRunsF32(g, weight, bias, workspace);
        if (DepthwiseLastF32.suits(g)) return new DepthwiseLastF32(g, weight, bias, workspace);
        if (ChannelsLastRowsF32.suits(g)) return new ChannelsLastRowsF32(g, weight, bias, workspace);
        RowLayout rows = rows(g, RowKernelF32.L, Float.BYTES);
        if (rows != null) return new RowKernelF32(rows, weight, bias, workspace);
        return new GemmKernelF32(layout(g, MicroKernelsF32.L, Float.BYTES), weight, bias, workspace);
    }

    @Override
    public DoubleKernel doubleKernel(Geometry g, double[] weight, double[] bias, Workspace workspace) {
        if (!finite(weight)) return new ScalarKernels.F64(g, weight, bias, workspace);
        if (PixelGemmF64.suits(g)) return new PixelGemmF64(g, weight, bias, workspace);
        if (SubPixel.suits(g)) return new SubPixelF64(g, weight, bias, workspace);
        if (RowLayout.takesAllGroups(g, RowKernelF64.L)) {
            RowLayout rows = rows(g, RowKernelF64.L, Double.BYTES);
            if (rows != null) return new RowKernelF64(rows, weight, bias, workspace);
        }
        if (DepthwiseLastRunsF64.suits(g)) return new DepthwiseLastRunsF64(g, weight, bias, workspace);
        if (DepthwiseLastF64.suits(g)) return new DepthwiseLastF64(g, weight, bias, workspace);
        if (ChannelsLastRowsF64.suits(g)) return new ChannelsLastRowsF64(g, weight, bias, workspace);
        RowLayout rows = rows(g, RowKernelF64.L, Double.BYTES);
        if (rows != null) return new RowKernelF64(rows, weight, bias, workspace);
        return new GemmKernelF64(layout(g, MicroKernelsF64.L, Double.BYTES), weight, bias, workspace);
    }

    /**
     * Channels-last depthwise layers whose rows split and weave by shuffles, with finite weights: the row kernel,
     * every group of a band per task. Channels-last depthwise layers' own kernel, and channels-last layers' dot
     * products over gy's channels or broadcasts of gy against gx's channels where they suit (all three visit
     * only taps inside gy: any weights); else, where the weights are finite (zeros stand in for taps outside
     * gy), pairs of W taps read from gy where they suit (one input channel per group, W stride 2), or the row
     * kernel where its buffer is modest.
     */
    @Override
    public FloatKernel floatInputGradient(Geometry g, float[] weight, Workspace workspace, long bandBytes) {
        if (RowLayout.gradientsTakeAllGroups(g, InputGradientRowsF32.L) && finite(weight)
                && InputGradientRowsF32.bytesPerThread(g, bandBytes) <= ROW_BUFFER_LIMIT) {
            return new InputGradientRowsF32(g, weight, workspace, bandBytes);
        }
        if (DepthwiseLastGradientRunsF32.suits(g)) return new DepthwiseLastGradientRunsF32(g, weight, workspace);
        if (DepthwiseLastGradientF32.suits(g)) return new DepthwiseLastGradientF32(g, weight, workspace);
        if (InputGradientDotsF32.suits(g)) return new InputGradientDotsF32(g, weight, workspace);
        if (InputGradientBroadcastF32.suits(g)) return new InputGradientBroadcastF32(g, weight, workspace);
        if (!finite(weight)) return null;
        if (InputGradientPairsF32.suits(g)) return new InputGradientPairsF32(g, weight, workspace);
        if (InputGradientRowsF32.bytesPerThread(g, bandBytes) > ROW_BUFFER_LIMIT || narrowRowsLast(g, InputGradientRowsF32.L, GyRowsF32.splitsRuns(g))
                || depthwiseStrideOne(g)) return null;
        return new InputGradientRowsF32(g, weight, workspace, bandBytes);
    }

    /** The double twin of {@link #floatInputGradient}. */
    @Override
    public DoubleKernel doubleInputGradient(Geometry g, double[] weight, Workspace workspace, long bandBytes) {
        if (RowLayout.gradientsTakeAllGroups(g, InputGradientRowsF64.L) && finite(weight)
                && InputGradientRowsF64.bytesPerThread(g, bandBytes) <= ROW_BUFFER_LIMIT) {
            return new InputGradientRowsF64(g, weight, workspace, bandBytes);
        }
        if (DepthwiseLastGradientRunsF64.suits(g)) return new DepthwiseLastGradientRunsF64(g, weight, workspace);
        if (DepthwiseLastGradientF64.suits(g)) return new DepthwiseLastGradientF64(g, weight, workspace);
        if (InputGradientDotsF64.suits(g)) return new InputGradientDotsF64(g, weight, workspace);
        if (InputGradientBroadcastF64.suits(g)) return new InputGradientBroadcastF64(g, weight, workspace);
        if (!finite(weight)) return null;
        if (InputGradientPairsF64.suits(g)) return new InputGradientPairsF64(g, weight, workspace);
        if (InputGradientRowsF64.bytesPerThread(g, bandBytes) > ROW_BUFFER_LIMIT || narrowRowsLast(g, InputGradientRowsF64.L, GyRowsF64.splitsRuns(g))
                || depthwiseStrideOne(g)) return null;
        return new InputGradientRowsF64(g, weight, workspace, bandBytes);
    }

    /**
     * Channels-last depthwise layers whose rows split by shuffles: the rows, every group of a band per task.
     * Channels-last depthwise layers' own kernel, and channels-last layers' dot products across gy's channels or
     * broadcasts against x's where they suit; else the weight gradient by rows for
     * layers with at most four input channels per group, a W stride of 1 or 2 and a modest buffer: it sums one
     * input channel at a time (with more, the bands' blocks of four channels share their loads better: dcgan_rgb
     * 69 → 49 GFLOP/s on rows), and splits gy by vector shuffles only at those strides (c3to5_k5s3 20 → 11).
     */
    @Override
    public FloatWeightRows floatWeightRows(Geometry g, long bandBytes) {
        if (RowLayout.gradientsTakeAllGroups(g, WeightGradientRowsF32.L)
                && WeightGradientRowsF32.bytesPerThread(g, bandBytes) <= ROW_BUFFER_LIMIT) {
            return new WeightGradientRowsF32(g, bandBytes);
        }
        if (DepthwiseLastWeightRunsF32.suits(g)) return new DepthwiseLastWeightRunsF32(g);
        if (DepthwiseLastWeightF32.suits(g)) return new DepthwiseLastWeightF32(g, bandBytes);
        if (WeightGradientDotsF32.suits(g)) return new WeightGradientDotsF32(g);
        if (WeightGradientBroadcastF32.suits(g)) return new WeightGradientBroadcastF32(g);
        if (WeightGradientPairsF32.suits(g)) return new WeightGradientPairsF32(g);
        if (!weightRowsSuit(g) || WeightGradientRowsF32.bytesPerThread(g, bandBytes) > ROW_BUFFER_LIMIT) return null;
        return new WeightGradientRowsF32(g, bandBytes);
    }

    /** The double twin of {@link #floatWeightRows}. */
    @Override
    public DoubleWeightRows doubleWeightRows(Geometry g, long bandBytes) {
        if (RowLayout.gradientsTakeAllGroups(g, WeightGradientRowsF64.L)
                && WeightGradientRowsF64.bytesPerThread(g, bandBytes) <= ROW_BUFFER_LIMIT) {
            return new WeightGradientRowsF64(g, bandBytes);
        }
        if (DepthwiseLastWeightRunsF64.suits(g)) return new DepthwiseLastWeightRunsF64(g);
        if (DepthwiseLastWeightF64.suits(g)) return new DepthwiseLastWeightF64(g, bandBytes);
        if (WeightGradientDotsF64.suits(g)) return new WeightGradientDotsF64(g);
        if (WeightGradientBroadcastF64.suits(g)) return new WeightGradientBroadcastF64(g);
        if (WeightGradientPairsF64.suits(g)) return new WeightGradientPairsF64(g);
        if (!weightRowsSuit(g) || WeightGradientRowsF64.bytesPerThread(g, bandBytes) > ROW_BUFFER_LIMIT) return null;
        return new WeightGradientRowsF64(g, bandBytes);
    }

    /**
     * Channels-last rows narrower than a vector whose gy runs no shuffle splits: the input gradient's class plans,
     * not the rows, which would use a fraction of their lanes and copy gy a cell at a time (32 → 16 channels k2s2
     * at 8³: 22 → 68 GFLOP/s; where shuffles split the runs the rows stay ahead: 8 channels at 12², 103 against
     * 50). Channels-first, the rows stay (mixed: 29 → 37 at k2s2, 30 → 24 at k3s2).
     */
    private static boolean narrowRowsLast(Geometry g, int lanes, boolean runsSplit) {
        return g.channelsLast && g.in[2] < lanes && !runsSplit;
    }

    /**
     * Channels-first depthwise at stride 1: the input gradient is a forward pass of the same shape with the taps
     * flipped, run on gy where it lies (the class plans' stride-1 plan); the few-channel planes' forward kernels
     * beat the row kernel there (64 channels k3s1 at 56²: 20 → 45 GFLOP/s, 32 k5s1 d2 at 28² 19 → 30, 64 k3s1
     * d2 at 56² 21 → 29, 32 k2s1 at 32² 7.5 → 16; NOTES.md, sessions 14 and 15). Not for layers of more channels
     * per group (8 → 8 k3s1 at 56²: 75 → 64).
     */
    private static boolean depthwiseStrideOne(Geometry g) {
        return !g.channelsLast && g.cig == 1 && g.cog == 1 && g.s[0] == 1 && g.s[1] == 1 && g.s[2] == 1;
    }

    private static boolean weightRowsSuit(Geometry g) {
        return g.cig <= 4 && g.s[2] <= 2;
    }

    private final FloatOps floatOps = new VectorOpsF32();
    private final DoubleOps doubleOps = new VectorOpsF64();

    @Override
    public FloatOps floatOps() { return floatOps; }

    @Override
    public DoubleOps doubleOps() { return doubleOps; }

    @Override
    public String details() {
        return "vector width: " + VectorConstants.BITS + " bits (float lanes " + MicroKernelsF32.L + ", double lanes "
                + MicroKernelsF64.L + "); widest on this CPU: "
                + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits\n"
                + "hardware FMA: " + (VectorConstants.HAS_FMA ? "yes" : "no") + "\n"
                + "vector registers assumed for tiles: " + VectorConstants.REGISTERS + "\n";
    }

    @Override
    public double peakGflops(boolean f64) {
        return PeakProbe.gflops(f64, 5, 40);
    }

    /**
     * The few-channel layout where it suits the geometry and its per-thread buffers stay modest (a band holds
     * input rows of every input channel of a group: with very many input channels the GEMM, whose buffers
     * do not grow with them, is the better choice); else null.
     */
    private static RowLayout rows(Geometry g, int lanes, int bytes) {
        if (!RowLayout.suits(g)) return null;
        RowLayout rows = new RowLayout(g, lanes, bytes);
        return rows.bytesPerThread(bytes) <= ROW_BUFFER_LIMIT ? rows : null;
    }

    private static boolean finite(float[] weight) {
        for (float v : weight) {
            if (!Float.isFinite(v)) return false;
        }
        return true;
    }

    private static boolean finite(double[] weight) {
        for (double v : weight) {
            if (!Double.isFinite(v)) return false;
        }
        return true;
    }

    /** The largest per-thread buffer the few-channel path may use. */
    static final long ROW_BUFFER_LIMIT = 16L << 20;

    private static GemmLayout layout(Geometry g, int lanes, int bytes) {
        return new GemmLayout(g, GemmLayout.strideEqualsKernel(g), lanes, bytes);
    }
}
