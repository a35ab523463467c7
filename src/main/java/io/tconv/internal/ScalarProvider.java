package io.tconv.internal;

/** The plain Java kernels, available on every JVM. */
public final class ScalarProvider implements Provider {
    @Override
    public String name() { return "scalar"; }

    @Override
    public FloatKernel floatKernel(Geometry g, float[] weight, float[] bias, Workspace workspace) {
        return new ScalarKernels.F32(g, weight, bias, workspace);
    }

    @Override
    public DoubleKernel doubleKernel(Geometry g, double[] weight, double[] bias, Workspace workspace) {
        return new ScalarKernels.F64(g, weight, bias, workspace);
    }

    /** None: the input gradient runs as forward plans. */
    @Override
    public FloatKernel floatInputGradient(Geometry g, float[] weight, Workspace workspace, long bandBytes) { return null; }

    /** None: the input gradient runs as forward plans. */
    @Override
    public DoubleKernel doubleInputGradient(Geometry g, double[] weight, Workspace workspace, long bandBytes) { return null; }

    /** None: the weight gradient's own bands run. */
    @Override
    public FloatWeightRows floatWeightRows(Geometry g, long bandBytes) { return null; }

    /** None: the weight gradient's own bands run. */
    @Override
    public DoubleWeightRows doubleWeightRows(Geometry g, long bandBytes) { return null; }

    @Override
    public FloatOps floatOps() { return ScalarOps.F32; }

    @Override
    public DoubleOps doubleOps() { return ScalarOps.F64; }

    @Override
    public String details() {
        return "vector width: none (scalar kernels)\n";
    }

    /** The scalar path has no vector width to calibrate: NaN. */
    @Override
    public double peakGflops(boolean f64) {
        return Double.NaN;
    }
}
