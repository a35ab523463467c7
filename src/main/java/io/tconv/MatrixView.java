package io.tconv;

/**
 * The dense matrix of a transposed convolution, for small shapes: one image's output (flattened
 * {@code [Cout, out…]}) is {@code M · x} for its input (flattened {@code [Cin, in…]}), without the bias.
 * {@code M} has {@code Cout·∏out} rows and {@code Cin·∏in} columns and is the transpose of the matrix of the
 * ordinary convolution with the same weights, stride, padding, dilation and groups — the reason for the name:
 * the convolution maps {@code out → in} with {@code Mᵀ}. Column {@code (ci, i)} holds the weights that input
 * cell scatters: {@code M[(g·Cog + co, o)][(ci, i)] = w[ci, co, t]} wherever {@code o = i·s + t·d − pb} in every
 * dimension. Useful to see what the operation does, and as an oracle of its own in the tests.
 */
public final class MatrixView {
    /** The most matrix elements this view builds (a 16 M element matrix is 128 MB of doubles). */
    public static final long MAX_ELEMENTS = 1L << 24;

    private MatrixView() {}

    /**
     * Builds the matrix.
     *
     * @param spec   the geometry
     * @param weight {@code [Cin, Cout/groups, k…]}
     * @return row-major, {@code rows() × columns()} with rows {@code Cout·∏out} and columns {@code Cin·∏in}
     * @throws IllegalArgumentException if the weights do not match or the matrix would exceed {@link #MAX_ELEMENTS}
     */
    public static double[] matrix(ConvTransposeSpec spec, double[] weight) {
        long rows = spec.outputElementsPerImage(), cols = spec.inputElementsPerImage();
        if (rows * cols > MAX_ELEMENTS) {
            throw new IllegalArgumentException("the matrix view is for small shapes: " + rows + " x " + cols
                    + " elements exceed " + MAX_ELEMENTS);
        }
        if (weight == null || weight.length != spec.weightElements()) {
            throw new IllegalArgumentException("weight must have " + spec.weightElements() + " elements");
        }
        int rank = spec.rank(), cig = spec.inChannelsPerGroup(), cog = spec.outChannelsPerGroup();
        int[] in = spec.inputSize(), k = spec.kernel(), s = spec.stride(), d = spec.dilation(), pb = spec.cropBegin();
        int[] out = spec.outputSize();
        int inPlane = (int) ConvTransposeSpec.product(in), outPlane = (int) ConvTransposeSpec.product(out);
        int kVol = (int) ConvTransposeSpec.product(k);
        double[] m = new double[(int) (rows * cols)];
        int[] ii = new int[rank], tt = new int[rank];
        for (int ci = 0; ci < spec.inChannels(); ci++) {
            int g = ci / cig;
            for (int i = 0; i < inPlane; i++) {
                unflatten(i, in, ii);
                for (int t = 0; t < kVol; t++) {
                    unflatten(t, k, tt);
                    int o = 0;
                    boolean inside = true;
                    for (int a = 0; a < rank && inside; a++) {
                        long oa = (long) ii[a] * s[a] + (long) tt[a] * d[a] - pb[a];
                        inside = oa >= 0 && oa < out[a];
                        o = o * out[a] + (int) oa;
                    }
                    if (!inside) continue;
                    for (int co = 0; co < cog; co++) {
                        long row = (long) (g * cog + co) * outPlane + o, col = (long) ci * inPlane + i;
                        m[(int) (row * cols + col)] += weight[(ci * cog + co) * kVol + t];
                    }
                }
            }
        }
        return m;
    }

    private static void unflatten(int index, int[] dims, int[] into) {
        for (int a = dims.length - 1; a >= 0; a--) {
            into[a] = index % dims[a];
            index /= dims[a];
        }
    }
}
