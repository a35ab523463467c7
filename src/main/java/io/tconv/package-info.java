/**
 * Transposed convolution (PyTorch's {@code ConvTranspose1d/2d/3d}, ONNX's {@code ConvTranspose}, oneDNN's
 * "deconvolution") for {@code float[]} and {@code double[]} tensors, with hand-written Vector API kernels.
 *
 * <h2>What it computes</h2>
 * For input {@code x[N][Cin][in…]} and weights {@code w[Cin][Cout/groups][k…]} (PyTorch's layout), every input
 * cell scatters {@code x·w} into the output: output index {@code o = i·stride + t·dilation − padding} along
 * each spatial dimension, for input index {@code i} and kernel tap {@code t}; each output channel starts
 * from its bias. The output size is
 * {@code out = (in − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1} (ONNX's and TensorFlow's
 * padding conventions are also accepted). Tensors are dense, C-order (N, C, D, H, W) arrays, or channels-last
 * (N, D, H, W, C); 1-D and 2-D problems simply have fewer spatial dimensions. {@link io.tconv.FloatGradients}
 * and {@link io.tconv.ConvTransposeLayer} add training.
 *
 * <h2>How to use it</h2>
 * <ol>
 * <li>Describe the layer with {@link io.tconv.ConvTransposeSpec#builder}: channels, input size, kernel, stride,
 *     padding, output padding, dilation, groups and whether it has a bias. {@code build()} checks PyTorch's
 *     validity rules and throws {@link java.lang.IllegalArgumentException} naming the parameter and the rule.</li>
 * <li>{@link io.tconv.ConvTranspose#plan(ConvTransposeSpec, float[], float[], Parallelism)} copies and packs
 *     the weights and picks a kernel for the geometry, once.</li>
 * <li>{@link io.tconv.FloatPlan#execute(float[], float[])} (or {@link io.tconv.DoublePlan}) runs it as often as
 *     needed: it allocates nothing, only reads its input, may be called from several threads at once, and
 *     gives bit-identical results for any thread count.</li>
 * </ol>
 * <pre>{@code
 * ConvTransposeSpec spec = ConvTransposeSpec.builder(16, 8)    // Cin = 16, Cout = 8
 *         .inputSize(32, 32).kernel(4, 4).stride(2).padding(1)  // 2x upsampling
 *         .bias(true).build();
 * float[] weight = new float[spec.weightElements()];           // [16][8][4][4]
 * float[] bias = new float[spec.outChannels()];                // [8]
 * FloatPlan plan = ConvTranspose.plan(spec, weight, bias, Parallelism.threads(2));
 * float[] x = new float[(int) plan.inputLength(1)];            // [1][16][32][32]
 * float[] y = new float[(int) plan.outputLength(1)];           // [1][8][64][64]
 * plan.execute(x, y);
 * }</pre>
 *
 * <h2>How it is computed</h2>
 * A plan holds one of these kernels, named by {@link io.tconv.Plan#kernel()}:
 * <ul>
 * <li><b>Phase GEMM</b> (the general case): output cells are split into sub-pixel phases (residues modulo the
 *     stride); each phase is a stride-1 correlation with only the taps that reach it, so the zeros a naive
 *     implementation inserts between input cells are never multiplied. Each phase is a GEMM of the output
 *     channels × the phase's pixels over (tap, input channel), computed by register-blocked microkernels on
 *     weights packed at plan time and on bands of input rows copied once into a zero-padded buffer, where every
 *     tap is a constant shift (very long rows are cut into windows).</li>
 * <li><b>Stride = kernel GEMM</b>: with stride equal to the kernel and no dilation, every output cell gets
 *     exactly one term per input channel, so one GEMM over the input pixels stores (not accumulates) its
 *     results to their cells (depth-to-space).</li>
 * <li><b>Few-channel planes</b>: for few output channels per group (depthwise layers included) or short
 *     reductions, an output-stationary kernel vectorized over a phase's pixels, on zero-padded input rows.</li>
 * <li><b>Channels-last depthwise</b> and <b>channels-last rows</b>: with channels-last tensors
 *     ({@link io.tconv.ConvTransposeSpec.Builder#channelsLast(boolean)}), depthwise layers and layers with few
 *     input channels vectorize across a pixel's channels instead, each tap swept along an output row.</li>
 * <li><b>Scalar</b>: plain Java loops over the taps that land, used where the Vector API is not available
 *     (the JVM needs {@code --add-modules jdk.incubator.vector}, JDK 21 or newer and the C2 compiler), for
 *     weights holding NaN or infinity (so that they spread exactly as in PyTorch), or on request
 *     ({@link io.tconv.ConvTranspose#planScalar(ConvTransposeSpec, float[], float[], Parallelism)}).</li>
 * </ul>
 * Work is split over output cells only (image, group, pixel tiles or row bands), never over the reduction,
 * which is why results do not depend on the thread count. {@link io.tconv.ConvTranspose#provider()} and
 * {@link io.tconv.ConvTranspose#providerFallbackReason()} say which kernels are in use and why.
 */
package io.tconv;
