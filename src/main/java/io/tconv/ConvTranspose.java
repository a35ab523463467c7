package io.tconv;

import io.tconv.internal.Geometry;
import io.tconv.internal.Provider;
import io.tconv.internal.Providers;
import io.tconv.internal.ScalarProvider;
import io.tconv.internal.Workspace;

/**
 * Entry point: turns a {@link ConvTransposeSpec} and its weights into a {@link Plan}.
 *
 * <pre>{@code
 * ConvTransposeSpec spec = ConvTransposeSpec.builder(16, 8).inputSize(32, 32)
 *         .kernel(4, 4).stride(2).padding(1).bias(true).build();
 * FloatPlan plan = ConvTranspose.plan(spec, weight, bias);   // weight [16, 8, 4, 4], bias [8]
 * float[] y = new float[(int) plan.outputLength(batch)];
 * plan.execute(x, y);                                        // x [batch, 16, 32, 32] -> y [batch, 8, 64, 64]
 * }</pre>
 */
public final class ConvTranspose {
    private ConvTranspose() {}

    /**
     * A float plan on all available processors.
     *
     * @param spec   the geometry
     * @param weight {@code [Cin, Cout/groups, k…]}, C-order (PyTorch's layout); copied
     * @param bias   {@code [Cout]} when the spec has a bias, else null; copied
     * @return the plan
     * @throws IllegalArgumentException if the arrays do not match the spec
     */
    public static FloatPlan plan(ConvTransposeSpec spec, float[] weight, float[] bias) {
        return plan(spec, weight, bias, Parallelism.allCores());
    }

    /**
     * A float plan.
     *
     * @param spec        the geometry
     * @param weight      {@code [Cin, Cout/groups, k…]}, C-order (PyTorch's layout); copied, so later changes
     *                    to the array do not affect the plan
     * @param bias        {@code [Cout]} when the spec has a bias, else null; copied
     * @param parallelism how many threads an execute call may use
     * @return the plan
     * @throws IllegalArgumentException if the arrays do not match the spec
     */
    public static FloatPlan plan(ConvTransposeSpec spec, float[] weight, float[] bias, Parallelism parallelism) {
        return plan(spec, weight, bias, parallelism, Providers.current());
    }

    /**
     * A float plan from weights in any {@link WeightLayout}; they are rearranged and packed at plan time (the
     * array itself is not changed or kept).
     *
     * @param spec        the geometry
     * @param layout      how {@code weight} is laid out
     * @param weight      the weights, {@code spec.weightElements()} of them
     * @param bias        {@code [Cout]} when the spec has a bias, else null; copied
     * @param parallelism how many threads an execute call may use
     * @return the plan
     * @throws IllegalArgumentException if the arrays do not match the spec
     */
    public static FloatPlan plan(ConvTransposeSpec spec, WeightLayout layout, float[] weight, float[] bias, Parallelism parallelism) {
        if (spec == null || layout == null) throw new IllegalArgumentException("spec and weight layout must not be null");
        return plan(spec, layout == WeightLayout.IOK ? weight : layout.toIok(spec, weight), bias, parallelism);
    }

    /**
     * A double plan from weights in any {@link WeightLayout}; see
     * {@link #plan(ConvTransposeSpec, WeightLayout, float[], float[], Parallelism)}.
     *
     * @param spec        the geometry
     * @param layout      how {@code weight} is laid out
     * @param weight      the weights, {@code spec.weightElements()} of them
     * @param bias        {@code [Cout]} when the spec has a bias, else null; copied
     * @param parallelism how many threads an execute call may use
     * @return the plan
     */
    public static DoublePlan plan(ConvTransposeSpec spec, WeightLayout layout, double[] weight, double[] bias, Parallelism parallelism) {
        if (spec == null || layout == null) throw new IllegalArgumentException("spec and weight layout must not be null");
        return plan(spec, layout == WeightLayout.IOK ? weight : layout.toIok(spec, weight), bias, parallelism);
    }

    /**
     * The gradients of a float transposed convolution (input, weight and bias), for training.
     *
     * @param spec        the geometry
     * @param weight      {@code [Cin, Cout/groups, k…]}; copied
     * @param parallelism how many threads a call may use
     * @return the gradients
     * @throws IllegalArgumentException if the weights do not match the spec
     */
    public static FloatGradients gradients(ConvTransposeSpec spec, float[] weight, Parallelism parallelism) {
        checkParameters(spec, weight == null ? -1 : weight.length, spec != null && spec.hasBias() ? spec.outChannels() : -1, parallelism);
        return FloatGradients.create(spec, weight, parallelism, Providers.current());
    }

    /**
     * The gradients of a double transposed convolution; see {@link #gradients(ConvTransposeSpec, float[], Parallelism)}.
     *
     * @param spec        the geometry
     * @param weight      {@code [Cin, Cout/groups, k…]}; copied
     * @param parallelism how many threads a call may use
     * @return the gradients
     */
    public static DoubleGradients gradients(ConvTransposeSpec spec, double[] weight, Parallelism parallelism) {
        checkParameters(spec, weight == null ? -1 : weight.length, spec != null && spec.hasBias() ? spec.outChannels() : -1, parallelism);
        return DoubleGradients.create(spec, weight, parallelism, Providers.current());
    }

    /** A float plan from a given provider (tests compare providers in one JVM). */
    static FloatPlan plan(ConvTransposeSpec spec, float[] weight, float[] bias, Parallelism parallelism, Provider provider) {
        checkParameters(spec, weight == null ? -1 : weight.length, bias == null ? -1 : bias.length, parallelism);
        return new FloatPlan(spec, provider.floatKernel(new Geometry(spec), weight, bias, new Workspace(parallelism.threads())), parallelism);
    }

    /**
     * A double plan on all available processors.
     *
     * @param spec   the geometry
     * @param weight {@code [Cin, Cout/groups, k…]}, C-order (PyTorch's layout); copied
     * @param bias   {@code [Cout]} when the spec has a bias, else null; copied
     * @return the plan
     * @throws IllegalArgumentException if the arrays do not match the spec
     */
    public static DoublePlan plan(ConvTransposeSpec spec, double[] weight, double[] bias) {
        return plan(spec, weight, bias, Parallelism.allCores());
    }

    /**
     * A double plan; same rules as {@link #plan(ConvTransposeSpec, float[], float[], Parallelism)}.
     *
     * @param spec        the geometry
     * @param weight      {@code [Cin, Cout/groups, k…]}, C-order; copied
     * @param bias        {@code [Cout]} when the spec has a bias, else null; copied
     * @param parallelism how many threads an execute call may use
     * @return the plan
     * @throws IllegalArgumentException if the arrays do not match the spec
     */
    public static DoublePlan plan(ConvTransposeSpec spec, double[] weight, double[] bias, Parallelism parallelism) {
        return plan(spec, weight, bias, parallelism, Providers.current());
    }

    /** A double plan from a given provider (tests compare providers in one JVM). */
    static DoublePlan plan(ConvTransposeSpec spec, double[] weight, double[] bias, Parallelism parallelism, Provider provider) {
        checkParameters(spec, weight == null ? -1 : weight.length, bias == null ? -1 : bias.length, parallelism);
        return new DoublePlan(spec, provider.doubleKernel(new Geometry(spec), weight, bias, new Workspace(parallelism.threads())), parallelism);
    }

    /**
     * A float plan on the plain-Java (scalar) kernels whatever the provider: to compare their speed with the
     * vector kernels', or to rule the vector kernels out while debugging. Same rules as
     * {@link #plan(ConvTransposeSpec, float[], float[], Parallelism)}.
     *
     * @param spec        the geometry
     * @param weight      {@code [Cin, Cout/groups, k…]}, C-order; copied
     * @param bias        {@code [Cout]} when the spec has a bias, else null; copied
     * @param parallelism how many threads an execute call may use
     * @return the plan
     * @throws IllegalArgumentException if the arrays do not match the spec
     */
    public static FloatPlan planScalar(ConvTransposeSpec spec, float[] weight, float[] bias, Parallelism parallelism) {
        return plan(spec, weight, bias, parallelism, SCALAR);
    }

    /**
     * A double plan on the plain-Java kernels; see {@link #planScalar(ConvTransposeSpec, float[], float[], Parallelism)}.
     *
     * @param spec        the geometry
     * @param weight      {@code [Cin, Cout/groups, k…]}, C-order; copied
     * @param bias        {@code [Cout]} when the spec has a bias, else null; copied
     * @param parallelism how many threads an execute call may use
     * @return the plan
     * @throws IllegalArgumentException if the arrays do not match the spec
     */
    public static DoublePlan planScalar(ConvTransposeSpec spec, double[] weight, double[] bias, Parallelism parallelism) {
        return plan(spec, weight, bias, parallelism, SCALAR);
    }

    private static final Provider SCALAR = new ScalarProvider();

    /** {@return the implementation family in use: {@code scalar}, or the Vector API provider and its width ({@code vector-512})} */
    public static String provider() {
        return Providers.current().name();
    }

    /** {@return details of the provider in use (vector width, FMA, ...), as "key: value" lines} */
    public static String providerDetails() {
        return Providers.current().details();
    }

    /**
     * One core's FMA peak in GFLOP/s for float or double at the provider's vector width, measured by a short
     * calibration loop (about a quarter of a second).
     *
     * @param f64 double precision rather than float
     * @return GFLOP/s, or NaN on the scalar path
     */
    public static double measurePeakGflops(boolean f64) {
        return Providers.current().peakGflops(f64);
    }

    /** {@return why the scalar kernels are in use (for example the missing {@code --add-modules} flag), or null if they are not} */
    public static String providerFallbackReason() {
        return Providers.fallback();
    }

    private static void checkParameters(ConvTransposeSpec spec, int weightLength, int biasLength, Parallelism p) {
        if (spec == null) throw new IllegalArgumentException("spec must not be null");
        if (p == null) throw new IllegalArgumentException("parallelism must not be null");
        if (weightLength < 0) throw new IllegalArgumentException("weight must not be null");
        if (weightLength != spec.weightElements()) {
            throw new IllegalArgumentException("weight has " + weightLength + " elements but [Cin=" + spec.inChannels()
                    + ", Cout/groups=" + spec.outChannelsPerGroup() + ", kernel " + java.util.Arrays.toString(spec.kernel())
                    + "] needs " + spec.weightElements());
        }
        if (spec.hasBias() && biasLength != spec.outChannels()) {
            throw new IllegalArgumentException("bias must have out_channels=" + spec.outChannels() + " elements, got "
                    + (biasLength < 0 ? "none" : String.valueOf(biasLength)));
        }
        if (!spec.hasBias() && biasLength >= 0) {
            throw new IllegalArgumentException("bias given but the spec has bias(false)");
        }
    }
}
