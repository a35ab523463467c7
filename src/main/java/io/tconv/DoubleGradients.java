package io.tconv;

import io.tconv.internal.Geometry;
import io.tconv.internal.Parallel;

/**
 * The gradients of a double transposed convolution {@code y = convT(x, w) + b}, for training: given
 * {@code gy = ∂L/∂y}, the input gradient {@code gx = ∂L/∂x} (an ordinary convolution of gy with the same weights,
 * stride, padding, dilation and groups, so {@link #input} is also that convolution as a forward op), the
 * weight gradient {@code gw = ∂L/∂w} and the bias gradient {@code gb = ∂L/∂b}. Create with
 * {@link ConvTranspose#gradients(ConvTransposeSpec, double[], Parallelism)}. Like a plan it copies the weights,
 * is immutable, may be used from several threads at once, splits work over outputs only (results do not
 * depend on the thread count) and writes every element of the gradient it computes.
 */
public final class DoubleGradients {
    private final ConvTransposeSpec spec;
    private final Geometry geometry;
    private final io.tconv.internal.DoubleOps ops;
    private final Parallel parallel;
    private final InputGradientF64 input;
    private final io.tconv.internal.WeightGradientF64 weights;

    private DoubleGradients(ConvTransposeSpec spec, double[] weight, Parallelism parallelism, io.tconv.internal.Provider provider) {
        this.spec = spec;
        this.geometry = new Geometry(spec);
        this.ops = provider.doubleOps();
        this.parallel = new Parallel(parallelism.threads(), parallelism.executor());
        this.input = new InputGradientF64(spec, weight, parallelism, provider);
        this.weights = new io.tconv.internal.WeightGradientF64(geometry, provider);
    }

    /** {@return the geometry} */
    public ConvTransposeSpec spec() { return spec; }

    /**
     * The input gradient for a batch: {@code gx[batch, Cin, in…]} from {@code gy[batch, Cout, out…]}; the batch is
     * {@code gy.length} divided by one output image.
     *
     * @param gy the output gradient; only read
     * @param gx receives the input gradient; every element is overwritten
     */
    public void input(double[] gy, double[] gx) {
        int batch = Checks.batchOf("gy", gy.length, spec.outputElementsPerImage());
        Checks.length("gx", gx.length, (long) batch * spec.inputElementsPerImage());
        input(batch, gy, 0, gx, 0);
    }

    /**
     * The input gradient: {@code gx[batch, Cin, in…]} at {@code gx[gxOffset]} from {@code gy[batch, Cout, out…]} at
     * {@code gy[gyOffset]}. With output_padding ≥ stride (possible through dilation) the bias-only cells at the
     * end of y get no input, and gx is simply the input's size.
     *
     * @param batch    images, ≥ 0
     * @param gy       the output gradient; only read
     * @param gyOffset where it starts
     * @param gx       receives the input gradient
     * @param gxOffset where it starts
     */
    public void input(int batch, double[] gy, int gyOffset, double[] gx, int gxOffset) {
        Checks.range("gy", batch, gy.length, gyOffset, spec.outputElementsPerImage());
        Checks.range("gx", batch, gx.length, gxOffset, spec.inputElementsPerImage());
        if (batch > 0) input.run(batch, gy, gyOffset, gx, gxOffset);
    }

    /**
     * The weight gradient summed over a batch, {@code [Cin, Cout/groups, k…]} (PyTorch's layout).
     *
     * @param batch    images, ≥ 0 (0 gives zeros)
     * @param x        the layer's input {@code [batch, Cin, in…]}; only read
     * @param xOffset  where it starts
     * @param gy       the output gradient {@code [batch, Cout, out…]}; only read
     * @param gyOffset where it starts
     * @param gw       receives the weight gradient, {@code spec().weightElements()} elements; every one is overwritten
     */
    public void weight(int batch, double[] x, int xOffset, double[] gy, int gyOffset, double[] gw) {
        Checks.range("x", batch, x.length, xOffset, spec.inputElementsPerImage());
        Checks.range("gy", batch, gy.length, gyOffset, spec.outputElementsPerImage());
        Checks.length("gw", gw.length, spec.weightElements());
        weights.run(batch, x, xOffset, gy, gyOffset, gw, parallel);
    }

    /**
     * The bias gradient summed over a batch and all output positions, {@code [Cout]}.
     *
     * @param batch    images, ≥ 0 (0 gives zeros)
     * @param gy       the output gradient {@code [batch, Cout, out…]}; only read
     * @param gyOffset where it starts
     * @param gb       receives the bias gradient, {@code Cout} elements
     */
    public void bias(int batch, double[] gy, int gyOffset, double[] gb) {
        Checks.range("gy", batch, gy.length, gyOffset, spec.outputElementsPerImage());
        Checks.length("gb", gb.length, spec.outChannels());
        parallel.run(spec.outChannels(), (long) batch * spec.outputElementsPerImage() / spec.outChannels(),
                co -> gb[co] = biasOf(batch, co, gy, gyOffset));
    }

    /** The bias gradient of output channel co: its output-gradient plane summed over the batch, in a fixed order. */
    private double biasOf(int batch, int co, double[] gy, int gyOffset) {
        Geometry g = geometry;
        double s = 0;
        for (int n = 0; n < batch; n++) {
            int at = gyOffset + n * g.outImage() + co * g.yc;
            if (g.yp == 1) {
                s += ops.sum(gy, at, g.outPlane);
            } else {   // channels-last: C apart
                double t = 0;
                for (int p = 0; p < g.outPlane; p++) t += gy[at + p * g.yp];
                s += t;
            }
        }
        return s;
    }

    static DoubleGradients create(ConvTransposeSpec spec, double[] weight, Parallelism parallelism, io.tconv.internal.Provider provider) {
        return new DoubleGradients(spec, weight, parallelism, provider);
    }
}
