package io.tconv;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One transposed-convolution problem in PyTorch's own terms (padding, output_padding), with its data. The
 * oracle works from these fields, never from {@link ConvTransposeSpec}, so the spec's formulas get checked.
 */
record Case(int batch, int cin, int cout, int groups, int[] in, int[] k, int[] s, int[] p, int[] op, int[] d,
            boolean bias, long seed) {

    int rank() { return k.length; }

    /** {@return this case with another batch} */
    Case withBatch(int n) {
        return new Case(n, cin, cout, groups, in, k, s, p, op, d, bias, seed);
    }

    ConvTransposeSpec spec() {
        return ConvTransposeSpec.builder(cin, cout).inputSize(in).kernel(k).stride(s).padding(p)
                .outputPadding(op).dilation(d).groups(groups).bias(bias).build();
    }

    /** PyTorch's documented formula, written out here independently of the spec. */
    int[] outputSize() {
        int[] out = new int[rank()];
        for (int i = 0; i < rank(); i++) out[i] = (in[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1;
        return out;
    }

    int inputLength() { return batch * cin * prod(in); }
    int outputLength() { return batch * cout * prod(outputSize()); }
    int weightLength() { return cin * (cout / groups) * prod(k); }

    static int prod(int[] v) {
        int p = 1;
        for (int x : v) p *= x;
        return p;
    }

    /** Input, weight and bias drawn from U(-1, 1) with this case's seed. */
    double[][] data() {
        SplittableRandom r = new SplittableRandom(seed);
        return new double[][] {uniform(r, inputLength()), uniform(r, weightLength()), bias ? uniform(r, cout) : null};
    }

    private static double[] uniform(SplittableRandom r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);   // representable in float too
        return a;
    }

    @Override
    public String toString() {
        return "Case(N=" + batch + ", Cin=" + cin + ", Cout=" + cout + ", groups=" + groups + ", in=" + Arrays.toString(in)
                + ", k=" + Arrays.toString(k) + ", s=" + Arrays.toString(s) + ", p=" + Arrays.toString(p)
                + ", op=" + Arrays.toString(op) + ", d=" + Arrays.toString(d) + ", bias=" + bias + ", seed=" + seed + ")";
    }

    /**
     * Random valid cases, small first: {@code size} grows the bounds on channels and extents. Corners are
     * drawn on purpose: stride above the dilated kernel (gaps that get only the bias), padding beyond the
     * kernel's reach, output_padding at its maximum (also op ≥ s through dilation), 1-pixel inputs, k = 1.
     */
    static Case random(SplittableRandom r, int size, int rank) {
        while (true) {
            int groups = r.nextInt(4) == 0 ? 1 + r.nextInt(Math.min(4, 1 + size)) : 1;
            int cig = 1 + r.nextInt(1 + size);
            int cog = 1 + r.nextInt(1 + size);
            boolean depthwise = r.nextInt(6) == 0;
            if (depthwise) { groups = 1 + r.nextInt(1 + size); cig = 1; cog = 1 + r.nextInt(2); }
            int[] in = new int[rank], k = new int[rank], s = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
            for (int i = 0; i < rank; i++) {
                in[i] = r.nextInt(5) == 0 ? 1 : 1 + r.nextInt(2 + 2 * size);
                k[i] = 1 + r.nextInt(r.nextInt(4) == 0 ? 7 : 4);
                s[i] = 1 + r.nextInt(r.nextInt(3) == 0 ? 6 : 3);
                d[i] = r.nextInt(3) == 0 ? 1 + r.nextInt(4) : 1;
                int limit = Math.max(s[i], d[i]);
                op[i] = r.nextInt(3) == 0 ? limit - 1 : r.nextInt(limit);
                int full = (in[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 + op[i];
                p[i] = r.nextInt(3) == 0 ? 0 : r.nextInt(Math.max(1, full / 2 + 1));
            }
            Case c = new Case(r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(2), groups * cig, groups * cog, groups, in, k, s, p, op, d,
                    r.nextBoolean(), r.nextLong());
            if (Arrays.stream(c.outputSize()).allMatch(o -> o >= 1)) return c;
        }
    }
}
