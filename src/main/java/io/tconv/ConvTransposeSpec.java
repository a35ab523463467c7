package io.tconv;

import java.util.Arrays;

/**
 * The validated geometry of one transposed convolution (PyTorch's {@code ConvTranspose1d/2d/3d}, ONNX's
 * {@code ConvTranspose}; oneDNN and XNNPACK call it deconvolution): channels, groups, the spatial size of the
 * input and, per spatial dimension, kernel, stride, dilation and the crops of the full output.
 *
 * <p>Whatever convention the caller speaks, the spec keeps one internal form per spatial dimension: stride
 * {@code s}, dilation {@code d}, kernel {@code k}, and signed crops {@code pb} (begin) and {@code pe} (end) of
 * the full output. A negative crop extends the output with cells that receive only the bias.
 * <pre>
 *   full = s·(in − 1) + d·(k − 1) + 1
 *   out  = full − pb − pe
 *   y[n, g·Cog + co, o] = bias[g·Cog + co] + Σ x[n, g·Cig + ci, i] · w[g·Cig + ci, co, t]   over i·s + t·d − pb = o
 * </pre>
 * PyTorch's {@code padding p} and {@code output_padding op} map to {@code pb = p}, {@code pe = p − op}.
 *
 * <p>Instances are immutable; every accessor returns a copy. Build one with {@link #builder(int, int)}:
 * <pre>{@code
 * ConvTransposeSpec spec = ConvTransposeSpec.builder(512, 256)   // in, out channels
 *         .inputSize(32, 32).kernel(4, 4).stride(2).padding(1)
 *         .build();                                               // output 64 x 64
 * }</pre>
 * Every invalid geometry is refused by {@link Builder#build()} with an {@link IllegalArgumentException} that
 * names the parameter, its value and the valid range, following PyTorch's rules.
 */
public final class ConvTransposeSpec {

    private final int inChannels;
    private final int outChannels;
    private final int groups;
    private final boolean bias;
    private final boolean channelsLast;
    private final int[] inputSize;
    private final int[] kernel;
    private final int[] stride;
    private final int[] dilation;
    private final int[] cropBegin;
    private final int[] cropEnd;
    private final int[] outputSize;

    private ConvTransposeSpec(Builder b, int[] cropBegin, int[] cropEnd, int[] outputSize) {
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.groups = b.groups;
        this.bias = b.bias;
        this.channelsLast = b.channelsLast;
        this.inputSize = b.inputSize.clone();
        this.kernel = b.kernel.clone();
        this.stride = b.stride.clone();
        this.dilation = b.dilation.clone();
        this.cropBegin = cropBegin;
        this.cropEnd = cropEnd;
        this.outputSize = outputSize;
    }

    /**
     * Starts a spec.
     *
     * @param inChannels  input channels {@code Cin}
     * @param outChannels output channels {@code Cout}
     * @return a builder with the defaults listed at {@link Builder}
     */
    public static Builder builder(int inChannels, int outChannels) {
        return new Builder(inChannels, outChannels);
    }

    /**
     * The full (uncropped) output length of one dimension: {@code s·(in − 1) + d·(k − 1) + 1}.
     * The one place the output-size formula lives; the output is this minus both crops.
     */
    static long fullOutputLength(long in, long kernel, long stride, long dilation) {
        return stride * (in - 1) + dilation * (kernel - 1) + 1;
    }

    /** {@return the number of spatial dimensions: 1, 2 or 3} */
    public int rank() { return kernel.length; }
    /** {@return input channels {@code Cin}} */
    public int inChannels() { return inChannels; }
    /** {@return output channels {@code Cout}} */
    public int outChannels() { return outChannels; }
    /** {@return the number of groups; {@code Cin} and {@code Cout} are both divisible by it} */
    public int groups() { return groups; }
    /** {@return input channels per group, {@code Cin / groups}} */
    public int inChannelsPerGroup() { return inChannels / groups; }
    /** {@return output channels per group, {@code Cout / groups}} */
    public int outChannelsPerGroup() { return outChannels / groups; }
    /** {@return whether the layer adds a bias of length {@code Cout}} */
    public boolean hasBias() { return bias; }
    /**
     * {@return whether the input and output tensors are channels-last, {@code [N, spatial…, C]} (NWC, NHWC,
     * NDHWC), rather than {@code [N, C, spatial…]}}
     */
    public boolean channelsLast() { return channelsLast; }
    /** {@return spatial size of the input, one entry per dimension} */
    public int[] inputSize() { return inputSize.clone(); }
    /** {@return kernel size, one entry per dimension} */
    public int[] kernel() { return kernel.clone(); }
    /** {@return stride, one entry per dimension} */
    public int[] stride() { return stride.clone(); }
    /** {@return dilation, one entry per dimension} */
    public int[] dilation() { return dilation.clone(); }
    /** {@return cells cropped from the start of the full output, per dimension (PyTorch's padding)} */
    public int[] cropBegin() { return cropBegin.clone(); }
    /** {@return cells cropped from the end of the full output, per dimension; negative means bias-only cells appended} */
    public int[] cropEnd() { return cropEnd.clone(); }
    /** {@return spatial size of the output, per dimension} */
    public int[] outputSize() { return outputSize.clone(); }

    /** {@return elements of one input image, {@code Cin · ∏ inputSize}} */
    public int inputElementsPerImage() { return (int) (inChannels * product(inputSize)); }
    /** {@return elements of one output image, {@code Cout · ∏ outputSize}} */
    public int outputElementsPerImage() { return (int) (outChannels * product(outputSize)); }
    /** {@return elements of the weight tensor {@code [Cin, Cout/groups, k…]}} */
    public int weightElements() { return (int) ((long) inChannels * outChannelsPerGroup() * product(kernel)); }

    /**
     * Multiply-adds per image counted the direct way (every tap of every input pixel, including taps that land
     * in a crop): {@code Cin · Cout/groups · ∏ in · ∏ k}. FLOPs are twice this.
     *
     * @return the count
     */
    public long multiplyAddsPerImage() {
        return (long) inChannels * outChannelsPerGroup() * product(inputSize) * product(kernel);
    }

    static long product(int[] values) {
        long p = 1;
        for (int v : values) p *= v;
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvTransposeSpec s && inChannels == s.inChannels && outChannels == s.outChannels
                && groups == s.groups && bias == s.bias && channelsLast == s.channelsLast && Arrays.equals(inputSize, s.inputSize)
                && Arrays.equals(kernel, s.kernel) && Arrays.equals(stride, s.stride)
                && Arrays.equals(dilation, s.dilation) && Arrays.equals(cropBegin, s.cropBegin)
                && Arrays.equals(cropEnd, s.cropEnd);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {inChannels, outChannels, groups, bias ? 1 : 0, channelsLast ? 1 : 0,
                Arrays.hashCode(inputSize), Arrays.hashCode(kernel), Arrays.hashCode(stride),
                Arrays.hashCode(dilation), Arrays.hashCode(cropBegin), Arrays.hashCode(cropEnd)});
    }

    @Override
    public String toString() {
        return "ConvTransposeSpec{in=" + inChannels + ", out=" + outChannels + ", groups=" + groups
                + ", bias=" + bias + (channelsLast ? ", channelsLast" : "") + ", inputSize=" + Arrays.toString(inputSize) + ", kernel="
                + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", dilation="
                + Arrays.toString(dilation) + ", cropBegin=" + Arrays.toString(cropBegin) + ", cropEnd="
                + Arrays.toString(cropEnd) + ", outputSize=" + Arrays.toString(outputSize) + "}";
    }

    /**
     * Collects the parameters of a {@link ConvTransposeSpec}. Per-dimension parameters take either one value
     * for every spatial dimension or one value per dimension; the number of spatial dimensions is the length
     * of {@link #kernel(int...)}. Defaults: stride 1, padding 0, output_padding 0, dilation 1, groups 1,
     * no bias. Nothing is checked before {@link #build()}.
     *
     * <p>The crops of the full output can be given in one of these conventions, never two at once:
     * <ul>
     * <li>PyTorch: {@link #padding(int...)} and {@link #outputPadding(int...)}, or {@link #padding(int...)} and
     *     {@link #outputSize(int...)} (PyTorch's {@code forward(x, output_size)});</li>
     * <li>ONNX: {@link #pads(int...)} and {@link #outputPadding(int...)}, or {@link #autoPad(AutoPad)} and/or
     *     {@link #outputShape(int...)} (with {@link #outputPadding(int...)});</li>
     * <li>TensorFlow / Keras: {@link #tfPadding(TfPadding, int...)} with the output shape;</li>
     * <li>the internal form: {@link #crops(int[], int[])}.</li>
     * </ul>
     */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private int groups = 1;
        private boolean bias;
        private boolean channelsLast;
        private int[] inputSize;
        private int[] kernel;
        private int[] stride = {1};
        private int[] padding = {0};
        private int[] outputPadding = {0};
        private int[] dilation = {1};
        private boolean paddingSet, outputPaddingSet;
        private int[] outputSize, pads, outputShape, cropBegin, cropEnd;
        private AutoPad autoPad;
        private TfPadding tfPadding;

        private Builder(int inChannels, int outChannels) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
        }

        /**
         * Sets the spatial size of the input.
         *
         * @param size spatial size of the input: {@code L}, {@code H, W} or {@code D, H, W}
         * @return this builder
         */
        public Builder inputSize(int... size) { this.inputSize = size.clone(); return this; }
        /**
         * Sets the kernel size.
         *
         * @param size kernel size; its length sets the number of spatial dimensions (1 to 3)
         * @return this builder
         */
        public Builder kernel(int... size) { this.kernel = size.clone(); return this; }
        /**
         * Sets the stride.
         *
         * @param s stride, ≥ 1: one value for every dimension or one per dimension
         * @return this builder
         */
        public Builder stride(int... s) { this.stride = s.clone(); return this; }
        /**
         * Sets the padding.
         *
         * @param p PyTorch's padding: cells cropped from both ends of the full output, ≥ 0
         * @return this builder
         */
        public Builder padding(int... p) { this.padding = p.clone(); this.paddingSet = true; return this; }
        /**
         * Sets the output padding.
         *
         * @param op PyTorch's output_padding: cells added back at the end, {@code 0 ≤ op < max(stride, dilation)}
         * @return this builder
         */
        public Builder outputPadding(int... op) { this.outputPadding = op.clone(); this.outputPaddingSet = true; return this; }

        /**
         * Sets PyTorch's {@code output_size} (as in {@code forward(x, output_size)}): the output padding is
         * derived from it. Valid sizes per dimension are {@code min … min + stride − 1} with
         * {@code min = (in − 1)·stride − 2·padding + dilation·(k − 1) + 1}.
         *
         * @param size spatial output size, one value per dimension
         * @return this builder
         */
        public Builder outputSize(int... size) { this.outputSize = size.clone(); return this; }

        /**
         * Sets ONNX's explicit {@code pads}: all begin crops, then all end crops ({@code [b1, …, bn, e1, …, en]}),
         * each ≥ 0. With {@link #outputPadding(int...)} the end crop is {@code e − output_padding}.
         *
         * @param beginsThenEnds 2 × rank values
         * @return this builder
         */
        public Builder pads(int... beginsThenEnds) { this.pads = beginsThenEnds.clone(); return this; }

        /**
         * Sets ONNX's {@code auto_pad}. {@code SAME_UPPER}/{@code SAME_LOWER} aim at
         * {@link #outputShape(int...)} if given, else at {@code in · stride}; the total padding
         * {@code (in − 1)·s + output_padding + d·(k − 1) + 1 − target} is split with floor division, the odd
         * cell at the end for SAME_UPPER and at the beginning for SAME_LOWER (and for NOTSET with an output
         * shape), as in ONNX's reference; a negative total extends the output with bias-only cells.
         * {@code VALID}: no padding.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder autoPad(AutoPad mode) { this.autoPad = mode; return this; }

        /**
         * Sets ONNX's {@code output_shape} (spatial dimensions only); see {@link #autoPad(AutoPad)}.
         *
         * @param shape spatial output size, one value per dimension
         * @return this builder
         */
        public Builder outputShape(int... shape) { this.outputShape = shape.clone(); return this; }

        /**
         * TensorFlow's {@code conv_transpose(..., output_shape, strides, padding)}: the output shape is given,
         * and it must be one that TensorFlow's forward convolution maps back onto the input:
         * {@code ceil(out / s) = in} for {@code SAME}, {@code ceil((out − d·(k − 1)) / s) = in} for
         * {@code VALID}. SAME crops {@code max(0, (in − 1)·s + d·(k − 1) + 1 − out)} cells, the odd one at the end;
         * VALID crops nothing at the beginning. Cells past the kernels' reach get only the bias.
         *
         * @param mode  SAME or VALID
         * @param shape spatial output size, one value per dimension
         * @return this builder
         */
        public Builder tfPadding(TfPadding mode, int... shape) {
            this.tfPadding = mode;
            this.outputShape = shape.clone();
            return this;
        }

        /**
         * Sets the internal form directly: signed crops of the full output {@code s·(in − 1) + d·(k − 1) + 1},
         * at the beginning and at the end of each dimension; a negative crop adds bias-only cells.
         *
         * @param begin one value per dimension
         * @param end   one value per dimension
         * @return this builder
         */
        public Builder crops(int[] begin, int[] end) {
            this.cropBegin = begin.clone();
            this.cropEnd = end.clone();
            return this;
        }
        /**
         * Sets the dilation.
         *
         * @param d dilation (spacing between kernel taps), ≥ 1
         * @return this builder
         */
        public Builder dilation(int... d) { this.dilation = d.clone(); return this; }
        /**
         * Sets the number of groups.
         *
         * @param g number of groups, ≥ 1, dividing both channel counts
         * @return this builder
         */
        public Builder groups(int g) { this.groups = g; return this; }
        /**
         * Sets whether there is a bias.
         *
         * @param hasBias whether a bias of length {@code Cout} is added
         * @return this builder
         */
        public Builder bias(boolean hasBias) { this.bias = hasBias; return this; }
        /**
         * Sets the tensors' layout: channels-last ({@code [N, spatial…, C]}: NWC, NHWC, NDHWC) or, by default,
         * channels-first ({@code [N, C, spatial…]}). Input and output share it; the kernels read and write it
         * directly.
         *
         * @param yes true for channels-last
         * @return this builder
         */
        public Builder channelsLast(boolean yes) { this.channelsLast = yes; return this; }

        /**
         * Validates the parameters with PyTorch's rules and returns the spec.
         *
         * @return the spec
         * @throws IllegalArgumentException naming the first parameter that breaks a rule, its value and the
         *         valid range
         */
        public ConvTransposeSpec build() {
            if (kernel == null) throw new IllegalArgumentException("kernel_size is required (1 to 3 values)");
            if (inputSize == null) throw new IllegalArgumentException("input size is required (one value per spatial dimension)");
            int rank = kernel.length;
            if (rank < 1 || rank > 3) {
                throw new IllegalArgumentException("kernel_size must have 1, 2 or 3 values (one per spatial dimension), got "
                        + Arrays.toString(kernel));
            }
            if (inChannels < 1) throw new IllegalArgumentException("in_channels must be >= 1, got " + inChannels);
            if (outChannels < 1) throw new IllegalArgumentException("out_channels must be >= 1, got " + outChannels);
            if (groups < 1) throw new IllegalArgumentException("groups must be >= 1, got " + groups);
            if (inChannels % groups != 0) {
                throw new IllegalArgumentException("in_channels must be divisible by groups, got in_channels="
                        + inChannels + ", groups=" + groups);
            }
            if (outChannels % groups != 0) {
                throw new IllegalArgumentException("out_channels must be divisible by groups, got out_channels="
                        + outChannels + ", groups=" + groups);
            }
            if (inputSize.length != rank) {
                throw new IllegalArgumentException("input size must have " + rank + " spatial dimension"
                        + (rank == 1 ? "" : "s") + " to match kernel_size " + Arrays.toString(kernel) + ", got "
                        + Arrays.toString(inputSize));
            }
            int[] s = perDimension("stride", stride, rank);
            int[] p = perDimension("padding", padding, rank);
            int[] op = perDimension("output_padding", outputPadding, rank);
            int[] d = perDimension("dilation", dilation, rank);
            atLeast("kernel_size", kernel, 1);
            atLeast("stride", s, 1);
            atLeast("padding", p, 0);
            atLeast("output_padding", op, 0);
            atLeast("dilation", d, 1);
            atLeast("input size", inputSize, 1);
            for (int i = 0; i < rank; i++) {
                int limit = Math.max(s[i], d[i]);
                if (op[i] >= limit) {
                    throw new IllegalArgumentException("output_padding must be smaller than either stride or dilation, got output_padding="
                            + Arrays.toString(op) + " with stride=" + Arrays.toString(s) + ", dilation="
                            + Arrays.toString(d) + " (valid range in dimension " + i + ": 0.." + (limit - 1) + ")");
                }
            }
            this.stride = s;
            this.dilation = d;
            refuseMixedConventions();
            long[] full = new long[rank];
            for (int i = 0; i < rank; i++) full[i] = fullOutputLength(inputSize[i], kernel[i], s[i], d[i]);
            long[] begin = new long[rank], end = new long[rank];
            if (cropBegin != null) {
                if (cropBegin.length != rank || cropEnd.length != rank) {
                    throw new IllegalArgumentException("crops must have " + rank + " begin and " + rank + " end values, got "
                            + Arrays.toString(cropBegin) + " and " + Arrays.toString(cropEnd));
                }
                for (int i = 0; i < rank; i++) {
                    begin[i] = cropBegin[i];
                    end[i] = cropEnd[i];
                }
            } else if (tfPadding != null) {
                int[] target = exactly("output shape", outputShape, rank);
                for (int i = 0; i < rank; i++) {
                    long ke = (long) d[i] * (kernel[i] - 1) + 1;
                    long lo = tfPadding == TfPadding.SAME ? (long) (inputSize[i] - 1) * s[i] + 1 : full[i];
                    long hi = tfPadding == TfPadding.SAME ? (long) inputSize[i] * s[i] : full[i] + s[i] - 1;
                    if (target[i] < lo || target[i] > hi) {
                        throw new IllegalArgumentException("output shape " + Arrays.toString(target) + " does not fit padding "
                                + tfPadding + ": TensorFlow needs " + (tfPadding == TfPadding.SAME ? "ceil(out / stride)"
                                : "ceil((out - dilation*(kernel - 1)) / stride)") + " = input size " + inputSize[i]
                                + ", so dimension " + i + " must be in " + lo + ".." + hi + ", got " + target[i]);
                    }
                    long total = tfPadding == TfPadding.SAME ? Math.max(0, (long) (inputSize[i] - 1) * s[i] + ke - target[i]) : 0;
                    begin[i] = total / 2;
                    end[i] = full[i] - begin[i] - target[i];
                }
            } else if (pads != null) {
                if (pads.length != 2 * rank) {
                    throw new IllegalArgumentException("pads must have " + 2 * rank + " values (" + rank + " begins, then "
                            + rank + " ends), got " + Arrays.toString(pads));
                }
                atLeast("pads", pads, 0);
                for (int i = 0; i < rank; i++) {
                    begin[i] = pads[i];
                    end[i] = (long) pads[rank + i] - op[i];
                }
            } else if (autoPad != null || outputShape != null) {
                AutoPad mode = autoPad == null ? AutoPad.NOTSET : autoPad;
                if (mode == AutoPad.VALID && outputShape != null) {
                    throw new IllegalArgumentException("auto_pad VALID takes no output_shape (VALID means no padding), got output_shape "
                            + Arrays.toString(outputShape));
                }
                int[] target = outputShape == null ? null : exactly("output_shape", outputShape, rank);
                atLeast("output_shape", target == null ? new int[0] : target, 1);
                for (int i = 0; i < rank; i++) {
                    if (mode == AutoPad.VALID || (mode == AutoPad.NOTSET && target == null)) {
                        begin[i] = 0;
                        end[i] = -op[i];
                        continue;
                    }
                    long aim = target != null ? target[i] : (long) inputSize[i] * s[i];
                    long total = full[i] + op[i] - aim;
                    long half = Math.floorDiv(total, 2);
                    long b = mode == AutoPad.SAME_UPPER ? half : total - half;
                    begin[i] = b;
                    end[i] = total - b - op[i];
                }
            } else if (outputSize != null) {
                int[] size = exactly("output_size", outputSize, rank);
                for (int i = 0; i < rank; i++) {
                    long min = full[i] - 2L * p[i], max = min + s[i] - 1;
                    if (size[i] < min || size[i] > max) {
                        throw new IllegalArgumentException("requested an output size of " + Arrays.toString(size)
                                + ", but valid sizes range from " + Math.max(min, 1) + " to " + max + " in dimension " + i
                                + " (for an input of " + Arrays.toString(inputSize) + ")");
                    }
                    begin[i] = p[i];
                    end[i] = (long) p[i] - (size[i] - min);
                }
            } else {
                for (int i = 0; i < rank; i++) {
                    begin[i] = p[i];
                    end[i] = (long) p[i] - op[i];
                }
            }
            return fromCrops(toInts("crop", begin), toInts("crop", end));
        }

        /** Each front end fully determines the crops: a second one given as well is a mistake, not a refinement. */
        private void refuseMixedConventions() {
            java.util.List<String> given = new java.util.ArrayList<>();
            if (paddingSet) given.add("padding");
            if (outputPaddingSet) given.add("output_padding");
            if (outputSize != null) given.add("output_size");
            if (pads != null) given.add("pads");
            if (autoPad != null) given.add("auto_pad");
            if (outputShape != null && tfPadding == null) given.add("output_shape");
            if (tfPadding != null) given.add("TensorFlow padding");
            if (cropBegin != null) given.add("crops");
            java.util.Set<java.util.Set<String>> allowed = java.util.Set.of(
                    java.util.Set.of("padding", "output_padding"), java.util.Set.of("padding", "output_size"),
                    java.util.Set.of("pads", "output_padding"),
                    java.util.Set.of("auto_pad", "output_shape", "output_padding"));
            java.util.Set<String> g = java.util.Set.copyOf(given);
            if (g.size() <= 1 || allowed.stream().anyMatch(a -> a.containsAll(g))) return;
            throw new IllegalArgumentException("conflicting padding conventions: " + String.join(", ", given)
                    + " given together; use PyTorch's (padding with output_padding or output_size), ONNX's (pads with"
                    + " output_padding, or auto_pad/output_shape with output_padding), TensorFlow's, or crops");
        }

        private static int[] exactly(String name, int[] values, int rank) {
            if (values.length != rank) {
                throw new IllegalArgumentException(name + " must have " + rank + " values (one per spatial dimension), got "
                        + Arrays.toString(values));
            }
            return values;
        }

        private static int[] toInts(String name, long[] values) {
            int[] r = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                if (values[i] < Integer.MIN_VALUE || values[i] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(name + " " + Arrays.toString(values) + " is out of range");
                }
                r[i] = (int) values[i];
            }
            return r;
        }

        /** Builds from already-checked strides/dilations and signed crops; checks sizes and element counts. */
        private ConvTransposeSpec fromCrops(int[] cropBegin, int[] cropEnd) {
            int rank = kernel.length;
            int[] out = new int[rank];
            long[] computed = new long[rank];
            boolean tooSmall = false;
            for (int i = 0; i < rank; i++) {
                computed[i] = fullOutputLength(inputSize[i], kernel[i], stride[i], dilation[i])
                        - cropBegin[i] - cropEnd[i];
                tooSmall |= computed[i] < 1;
            }
            if (tooSmall) {
                throw new IllegalArgumentException("Output size is too small: input size " + Arrays.toString(inputSize)
                        + " with kernel_size " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                        + ", dilation " + Arrays.toString(dilation) + ", crops begin " + Arrays.toString(cropBegin)
                        + " / end " + Arrays.toString(cropEnd) + " gives output size " + Arrays.toString(computed)
                        + "; every dimension must be >= 1");
            }
            for (int i = 0; i < rank; i++) {
                if (computed[i] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("output size " + Arrays.toString(computed)
                            + " is too large: each dimension must be <= " + Integer.MAX_VALUE);
                }
                out[i] = (int) computed[i];
            }
            requireArraySized("input (one image)", saturatingProduct(inChannels, inputSize));
            requireArraySized("output (one image)", saturatingProduct(outChannels, out));
            requireArraySized("weight", saturatingProduct((long) inChannels * (outChannels / groups), kernel));
            return new ConvTransposeSpec(this, cropBegin, cropEnd, out);
        }

        /** {@code first · ∏ values}, or {@link Long#MAX_VALUE} when that does not fit a long. */
        private static long saturatingProduct(long first, int[] values) {
            long p = first;
            for (int v : values) {
                if (v != 0 && p > Long.MAX_VALUE / v) return Long.MAX_VALUE;
                p *= v;
            }
            return p;
        }

        private static void requireArraySized(String what, long elements) {
            if (elements > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(what + " would have "
                        + (elements == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(elements))
                        + " elements; a Java array holds at most " + (Integer.MAX_VALUE - 8));
            }
        }

        private static int[] perDimension(String name, int[] values, int rank) {
            if (values.length == 1) {
                int[] all = new int[rank];
                Arrays.fill(all, values[0]);
                return all;
            }
            if (values.length != rank) {
                throw new IllegalArgumentException(name + " must have 1 or " + rank + " values (one per spatial dimension), got "
                        + Arrays.toString(values));
            }
            return values.clone();
        }

        private static void atLeast(String name, int[] values, int min) {
            for (int v : values) {
                if (v < min) {
                    throw new IllegalArgumentException(name + " must be >= " + min + " in every dimension, got "
                            + Arrays.toString(values));
                }
            }
        }
    }
}
