package io.tconv.internal;

/** Builds the kernels of one implementation family (scalar or Vector API) for a planned geometry. */
public interface Provider {
    /** Short name: {@code scalar} or {@code vector-512} and the like. */
    String name();

    /**
     * A float kernel for {@code g}; weights are {@code [Cin, Cout/groups, kD, kH, kW]}, bias length Cout or null.
     * The kernel checks its memory against {@code workspace} before it allocates anything large.
     */
    FloatKernel floatKernel(Geometry g, float[] weight, float[] bias, Workspace workspace);

    /** A double kernel for {@code g}; same layouts and checks as {@link #floatKernel}. */
    DoubleKernel doubleKernel(Geometry g, double[] weight, double[] bias, Workspace workspace);

    /**
     * A kernel for the input gradient of {@code g} (its input gy, its output gx) that computes it straight from gy,
     * for layers with small weights; or null where this provider has none for g (the input gradient then runs as
     * forward plans). Weights as for {@link #floatKernel}.
     *
     * @param bandBytes the size its per-thread buffer is kept near (small values: one gx row per task)
     */
    FloatKernel floatInputGradient(Geometry g, float[] weight, Workspace workspace, long bandBytes);

    /** The double twin of {@link #floatInputGradient}. */
    DoubleKernel doubleInputGradient(Geometry g, double[] weight, Workspace workspace, long bandBytes);

    /**
     * The weight gradient's dot products over bands of rows for {@code g}, or null where this provider has none
     * for g (the weight gradient's own bands run then).
     *
     * @param bandBytes the size its per-thread buffer is kept near (small values: one row per task)
     */
    FloatWeightRows floatWeightRows(Geometry g, long bandBytes);

    /** The double twin of {@link #floatWeightRows}. */
    DoubleWeightRows doubleWeightRows(Geometry g, long bandBytes);

    /** {@return the vector primitives of the gradient kernels, float} */
    FloatOps floatOps();

    /** {@return the vector primitives of the gradient kernels, double} */
    DoubleOps doubleOps();

    /** What this provider uses of the machine, as "key: value" lines for {@code tconv info}. */
    String details();

    /** One core's measured FMA peak in GFLOP/s at this provider's width (a short calibration), or NaN. */
    double peakGflops(boolean f64);
}
