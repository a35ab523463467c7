package io.tconv;

import java.util.SplittableRandom;

/**
 * A trainable float layer like PyTorch's {@code nn.ConvTranspose1d/2d/3d}: it owns its weights
 * {@code [Cin, Cout/groups, k…]} and bias, initialises them as PyTorch does, and runs forward (a
 * {@link FloatPlan}) and backward ({@link FloatGradients}) on all cores. {@link #step} applies plain gradient
 * descent; anything fancier can read the gradients and call {@link #setParameters}. Not thread-safe while its
 * parameters change; forward and backward alone may run concurrently.
 */
public final class ConvTransposeLayer {
    private final ConvTransposeSpec spec;
    private final Parallelism parallelism;
    private float[] weight, bias;
    private FloatPlan plan;
    private FloatGradients gradients;

    /**
     * The three gradients of one backward pass.
     *
     * @param input  {@code ∂L/∂x}, the input's shape
     * @param weight {@code ∂L/∂w}, PyTorch's layout, summed over the batch
     * @param bias   {@code ∂L/∂b}, or null when the layer has no bias
     */
    public record Gradients(float[] input, float[] weight, float[] bias) {}

    private ConvTransposeLayer(ConvTransposeSpec spec, float[] weight, float[] bias, Parallelism parallelism) {
        this.spec = spec;
        this.parallelism = parallelism;
        setParameters(weight, bias);
    }

    /**
     * A layer with PyTorch's default initialisation, from a seeded generator: weights, then bias, each uniform in
     * {@code [−b, b)} with {@code b = 1/√(fan_in)} and {@code fan_in = (Cout/groups)·∏k} (for a transposed
     * convolution PyTorch takes the fan-in from the weight's second dimension). The distribution and order are
     * PyTorch's; the random numbers are this library's, not torch's.
     *
     * @param spec        the geometry (its {@code hasBias()} decides whether there is a bias)
     * @param seed        the generator's seed: the same seed gives the same parameters
     * @param parallelism threads for forward and backward
     * @return the layer
     */
    public static ConvTransposeLayer initialised(ConvTransposeSpec spec, long seed, Parallelism parallelism) {
        double bound = 1 / Math.sqrt(fanIn(spec));
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[spec.weightElements()];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextDouble(-bound, bound);
        float[] b = null;
        if (spec.hasBias()) {
            b = new float[spec.outChannels()];
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-bound, bound);
        }
        return new ConvTransposeLayer(spec, w, b, parallelism);
    }

    /**
     * A layer with given parameters (copied).
     *
     * @param spec        the geometry
     * @param weight      {@code [Cin, Cout/groups, k…]}
     * @param bias        {@code [Cout]}, or null when the spec has no bias
     * @param parallelism threads for forward and backward
     * @return the layer
     */
    public static ConvTransposeLayer of(ConvTransposeSpec spec, float[] weight, float[] bias, Parallelism parallelism) {
        return new ConvTransposeLayer(spec, weight, bias, parallelism);
    }

    /**
     * PyTorch's fan-in of the layer's weights: the initial bound is its inverse square root.
     *
     * @param spec the geometry
     * @return {@code (Cout/groups)·∏k}
     */
    public static long fanIn(ConvTransposeSpec spec) {
        return spec.outChannelsPerGroup() * ConvTransposeSpec.product(spec.kernel());
    }

    /** {@return the geometry} */
    public ConvTransposeSpec spec() { return spec; }

    /** {@return a copy of the weights, {@code [Cin, Cout/groups, k…]}} */
    public float[] weight() { return weight.clone(); }

    /** {@return a copy of the bias, or null} */
    public float[] bias() { return bias == null ? null : bias.clone(); }

    /**
     * Replaces the parameters (copied) and re-plans.
     *
     * @param weight {@code [Cin, Cout/groups, k…]}
     * @param bias   {@code [Cout]}, or null when the spec has no bias
     */
    public void setParameters(float[] weight, float[] bias) {
        FloatPlan p = ConvTranspose.plan(spec, weight, bias, parallelism);   // checks the lengths
        this.weight = weight.clone();
        this.bias = bias == null ? null : bias.clone();
        this.plan = p;
        this.gradients = ConvTranspose.gradients(spec, this.weight, parallelism);
    }

    /**
     * Forward: {@code y = convT(x) + b} for a batch.
     *
     * @param x {@code [N, Cin, in…]}
     * @return {@code [N, Cout, out…]}
     */
    public float[] forward(float[] x) {
        float[] y = new float[Math.toIntExact(plan.outputLength(plan.batchOf(x.length)))];
        plan.execute(x, y);
        return y;
    }

    /**
     * Backward: the gradients of a loss {@code L} given {@code gy = ∂L/∂y}, for the batch {@code x} that produced y.
     *
     * @param x  the forward pass's input {@code [N, Cin, in…]}
     * @param gy {@code ∂L/∂y}, {@code [N, Cout, out…]}
     * @return {@code ∂L/∂x}, {@code ∂L/∂w} summed over the batch, and {@code ∂L/∂b}
     */
    public Gradients backward(float[] x, float[] gy) {
        int batch = plan.batchOf(x.length);
        if (gy.length != plan.outputLength(batch)) {
            throw new IllegalArgumentException("gy must have " + plan.outputLength(batch) + " elements for a batch of " + batch + ", got " + gy.length);
        }
        float[] gx = new float[x.length], gw = new float[weight.length];
        gradients.input(batch, gy, 0, gx, 0);
        gradients.weight(batch, x, 0, gy, 0, gw);
        float[] gb = null;
        if (bias != null) gradients.bias(batch, gy, 0, gb = new float[bias.length]);
        return new Gradients(gx, gw, gb);
    }

    /**
     * One step of gradient descent: {@code w −= rate·gw}, {@code b −= rate·gb}, then re-plans.
     *
     * @param g    gradients from {@link #backward}
     * @param rate the learning rate
     */
    public void step(Gradients g, float rate) {
        float[] w = weight.clone();
        for (int i = 0; i < w.length; i++) w[i] -= rate * g.weight()[i];
        float[] b = bias == null ? null : bias.clone();
        if (b != null) for (int i = 0; i < b.length; i++) b[i] -= rate * g.bias()[i];
        setParameters(w, b);
    }

    /**
     * The output size of an ordinary convolution with these hyper-parameters, {@code ⌊(in + 2p − d·(k − 1) − 1)/s⌋ + 1}
     * per dimension: the convolution whose transpose this layer is maps that size back to {@code in}.
     *
     * @param in input size of the convolution, one per dimension
     * @param k  kernel
     * @param s  stride
     * @param p  padding
     * @param d  dilation
     * @return its output size
     */
    public static int[] convolutionOutputSize(int[] in, int[] k, int[] s, int[] p, int[] d) {
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = Math.toIntExact(Math.floorDiv((long) in[i] + 2L * p[i] - (long) d[i] * (k[i] - 1) - 1, s[i]) + 1);
        }
        return out;
    }
}
