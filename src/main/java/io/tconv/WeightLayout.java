package io.tconv;

/**
 * How a weight tensor is laid out, with {@code i} the input channels ({@code Cin}), {@code o} the output channels
 * per group ({@code Cout/groups}) and {@code k} the kernel's spatial dimensions in order (C-order arrays).
 * Plans take any of them and pack them at plan time; {@link #IOK} is the canonical one.
 */
public enum WeightLayout {
    /** {@code [Cin, Cout/groups, k…]}: PyTorch and ONNX. */
    IOK,
    /** {@code [k…, Cout/groups, Cin]}: TensorFlow ({@code [kH, kW, Cout, Cin]}). */
    KOI,
    /** {@code [Cin, k…, Cout/groups]}: the channels-last upsampling formulation. */
    IKO,
    /** {@code [Cout/groups, k…, Cin]}: XNNPACK. */
    OKI;

    /**
     * Index in this layout of weight (input channel {@code i}, output channel in its group {@code o}, flat kernel
     * index {@code t}).
     *
     * @param i    input channel, {@code 0 ≤ i < cin}
     * @param o    output channel within its group, {@code 0 ≤ o < cog}
     * @param t    flat kernel index, {@code 0 ≤ t < kVol}
     * @param cin  input channels
     * @param cog  output channels per group
     * @param kVol kernel elements
     * @return the index
     */
    public int index(int i, int o, int t, int cin, int cog, int kVol) {
        return switch (this) {
            case IOK -> (i * cog + o) * kVol + t;
            case KOI -> (t * cog + o) * cin + i;
            case IKO -> (i * kVol + t) * cog + o;
            case OKI -> (o * kVol + t) * cin + i;
        };
    }

    /**
     * A copy of {@code w} (in this layout) in {@link #IOK}.
     *
     * @param spec the geometry the weights belong to
     * @param w    weights in this layout, {@code spec.weightElements()} of them
     * @return the weights as {@code [Cin, Cout/groups, k…]}
     * @throws IllegalArgumentException if the length does not match the spec
     */
    public float[] toIok(ConvTransposeSpec spec, float[] w) {
        int cin = spec.inChannels(), cog = spec.outChannelsPerGroup(), kVol = kernelVolume(spec, w == null ? -1 : w.length);
        float[] r = new float[w.length];
        for (int i = 0; i < cin; i++) {
            for (int o = 0; o < cog; o++) {
                for (int t = 0; t < kVol; t++) r[(i * cog + o) * kVol + t] = w[index(i, o, t, cin, cog, kVol)];
            }
        }
        return r;
    }

    /**
     * A copy of {@code w} (in this layout) in {@link #IOK}; see {@link #toIok(ConvTransposeSpec, float[])}.
     *
     * @param spec the geometry the weights belong to
     * @param w    weights in this layout
     * @return the weights as {@code [Cin, Cout/groups, k…]}
     */
    public double[] toIok(ConvTransposeSpec spec, double[] w) {
        int cin = spec.inChannels(), cog = spec.outChannelsPerGroup(), kVol = kernelVolume(spec, w == null ? -1 : w.length);
        double[] r = new double[w.length];
        for (int i = 0; i < cin; i++) {
            for (int o = 0; o < cog; o++) {
                for (int t = 0; t < kVol; t++) r[(i * cog + o) * kVol + t] = w[index(i, o, t, cin, cog, kVol)];
            }
        }
        return r;
    }

    /**
     * A copy of {@code w} (in {@link #IOK}) in this layout: the inverse of {@link #toIok(ConvTransposeSpec, float[])},
     * for weight gradients that should match the weights' layout.
     *
     * @param spec the geometry the weights belong to
     * @param w    weights as {@code [Cin, Cout/groups, k…]}
     * @return the weights in this layout
     */
    public float[] fromIok(ConvTransposeSpec spec, float[] w) {
        int cin = spec.inChannels(), cog = spec.outChannelsPerGroup(), kVol = kernelVolume(spec, w == null ? -1 : w.length);
        float[] r = new float[w.length];
        for (int i = 0; i < cin; i++) {
            for (int o = 0; o < cog; o++) {
                for (int t = 0; t < kVol; t++) r[index(i, o, t, cin, cog, kVol)] = w[(i * cog + o) * kVol + t];
            }
        }
        return r;
    }

    /**
     * A copy of {@code w} (in {@link #IOK}) in this layout; see {@link #fromIok(ConvTransposeSpec, float[])}.
     *
     * @param spec the geometry the weights belong to
     * @param w    weights as {@code [Cin, Cout/groups, k…]}
     * @return the weights in this layout
     */
    public double[] fromIok(ConvTransposeSpec spec, double[] w) {
        int cin = spec.inChannels(), cog = spec.outChannelsPerGroup(), kVol = kernelVolume(spec, w == null ? -1 : w.length);
        double[] r = new double[w.length];
        for (int i = 0; i < cin; i++) {
            for (int o = 0; o < cog; o++) {
                for (int t = 0; t < kVol; t++) r[index(i, o, t, cin, cog, kVol)] = w[(i * cog + o) * kVol + t];
            }
        }
        return r;
    }

    private int kernelVolume(ConvTransposeSpec spec, int length) {
        if (length != spec.weightElements()) {
            throw new IllegalArgumentException("weight has " + (length < 0 ? "no" : String.valueOf(length)) + " elements but "
                    + this + " weights of this spec need " + spec.weightElements());
        }
        return (int) ConvTransposeSpec.product(spec.kernel());
    }
}
