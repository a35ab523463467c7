package io.tconv.internal;

import io.tconv.ConvTransposeSpec;

/**
 * A spec seen as 3-D: 1-D and 2-D problems get leading dimensions of size 1 (kernel 1, stride 1, dilation 1,
 * no crop), so every kernel is written once for (D, H, W). Index 0 is D, 1 is H, 2 is W.
 */
public final class Geometry {
    public final int cin, cout, groups, cig, cog;
    public final int[] in = new int[3], k = new int[3], s = new int[3], d = new int[3], pb = new int[3], out = new int[3];
    /** Spatial elements of one input channel, one output channel, one kernel. */
    public final int inPlane, outPlane, kVol;
    public final boolean bias;
    /**
     * Where a channel and a pixel (one step along W, the last spatial dimension) lie in a tensor, per image:
     * channels-first {@code (plane, 1)}, channels-last {@code (1, C)}; x and y. Pixel p (flat spatial index) of
     * channel c of image n is at {@code n·C·plane + c·chanStride + p·pixelStride}.
     */
    public final int xc, xp, yc, yp;
    /**
     * Whether the kernels see channels-last tensors: not with a single channel on each side, whose tensors lie
     * the same way in both layouts (the channels-first kernels run them; channels-last ones would fill one lane
     * of each vector: a 1 → 1 layer's forward pass 0.4 GFLOP/s against 50).
     */
    public final boolean channelsLast;

    public Geometry(ConvTransposeSpec spec) {
        this(spec, false);
    }

    /**
     * @param channelsFirstOutput the output channels-first whatever the input's layout: for a kernel that writes into
     *                            a private buffer of its own layout (the sub-pixel GEMM's inner image)
     */
    public Geometry(ConvTransposeSpec spec, boolean channelsFirstOutput) {
        cin = spec.inChannels();
        cout = spec.outChannels();
        groups = spec.groups();
        cig = cin / groups;
        cog = cout / groups;
        bias = spec.hasBias();
        int rank = spec.rank();
        int lead = 3 - rank;
        int[] in0 = spec.inputSize(), k0 = spec.kernel(), s0 = spec.stride(), d0 = spec.dilation();
        int[] pb0 = spec.cropBegin(), out0 = spec.outputSize();
        for (int i = 0; i < 3; i++) {
            boolean real = i >= lead;
            in[i] = real ? in0[i - lead] : 1;
            k[i] = real ? k0[i - lead] : 1;
            s[i] = real ? s0[i - lead] : 1;
            d[i] = real ? d0[i - lead] : 1;
            pb[i] = real ? pb0[i - lead] : 0;
            out[i] = real ? out0[i - lead] : 1;
        }
        inPlane = in[0] * in[1] * in[2];
        outPlane = out[0] * out[1] * out[2];
        kVol = k[0] * k[1] * k[2];
        channelsLast = spec.channelsLast() && (cin > 1 || cout > 1);
        xc = channelsLast ? 1 : inPlane;
        xp = channelsLast ? cin : 1;
        yc = channelsLast && !channelsFirstOutput ? 1 : outPlane;
        yp = channelsLast && !channelsFirstOutput ? cout : 1;
    }

    /** Elements of one input image. */
    public int inImage() { return cin * inPlane; }

    /** Elements of one output image. */
    public int outImage() { return cout * outPlane; }

    /** {@return whether the input is a single pixel (every spatial size 1) and there is one group} */
    public boolean singlePixel() { return inPlane == 1 && groups == 1; }

    /**
     * For a single input pixel and one group: per element of an output image (a cell and channel, in the output's
     * layout) the weight that reaches it within an input channel's, {@code co·kVol + tap}, or −1 where no tap
     * lands (output padding, dilation's gaps, negative crops: the bias only). Each tap lands on one cell, at
     * {@code t·d − pb} in each dimension, or on none where a crop removes it.
     */
    public int[] singlePixelTaps() {
        int[] target = new int[outImage()];
        java.util.Arrays.fill(target, -1);
        for (int co = 0; co < cout; co++) {
            for (int td = 0; td < k[0]; td++) {
                for (int th = 0; th < k[1]; th++) {
                    for (int tw = 0; tw < k[2]; tw++) {
                        int od = td * d[0] - pb[0], oh = th * d[1] - pb[1], ow = tw * d[2] - pb[2];
                        if (od < 0 || od >= out[0] || oh < 0 || oh >= out[1] || ow < 0 || ow >= out[2]) continue;
                        target[co * yc + ((od * out[1] + oh) * out[2] + ow) * yp] = co * kVol + (td * k[1] + th) * k[2] + tw;
                    }
                }
            }
        }
        return target;
    }
}
