package io.tconv;

/**
 * The test oracle: transposed convolution as its definition reads, input-stationary. Every input element of
 * every channel is multiplied with every tap of every output channel of its group and added (in double) to
 * the output cell it lands on, if that cell survives the crop. Also returns, per output cell, the sum of
 * |x·w| (plus |bias|) and the number of terms, which scale the tolerance.
 */
final class Oracle {
    final double[] y;
    final double[] magnitude;
    final int[] terms;

    private Oracle(int n) {
        y = new double[n];
        magnitude = new double[n];
        terms = new int[n];
    }

    static Oracle compute(Case c, double[] x, double[] w, double[] bias) {
        int[] out = c.outputSize();
        int outPlane = Case.prod(out), inPlane = Case.prod(c.in()), kVol = Case.prod(c.k());
        int cig = c.cin() / c.groups(), cog = c.cout() / c.groups();
        Oracle r = new Oracle(c.outputLength());
        for (int n = 0; n < c.batch(); n++) {
            for (int co = 0; co < c.cout(); co++) {
                for (int o = 0; o < outPlane; o++) {
                    int cell = (n * c.cout() + co) * outPlane + o;
                    double b = bias == null ? 0 : bias[co];
                    r.y[cell] = b;
                    r.magnitude[cell] = Math.abs(b);
                }
            }
            for (int ci = 0; ci < c.cin(); ci++) {
                int g = ci / cig;
                for (int i = 0; i < inPlane; i++) {
                    double xv = x[(n * c.cin() + ci) * inPlane + i];
                    for (int t = 0; t < kVol; t++) {
                        int o = landing(c, i, t);
                        if (o < 0) continue;
                        for (int oc = 0; oc < cog; oc++) {
                            double wv = w[(ci * cog + oc) * kVol + t];
                            int cell = (n * c.cout() + g * cog + oc) * outPlane + o;
                            r.y[cell] += xv * wv;
                            r.magnitude[cell] += Math.abs(xv * wv);
                            r.terms[cell]++;
                        }
                    }
                }
            }
        }
        return r;
    }

    /**
     * {@return the flat output cell that input pixel i (flat) reaches through tap t (flat), {@code i·s + t·d − p}
     * per dimension, or −1 where the crop removes it}
     */
    static int landing(Case c, int i, int t) {
        int[] in = unflatten(i, c.in()), tap = unflatten(t, c.k()), out = c.outputSize(), o = new int[c.rank()];
        for (int a = 0; a < o.length; a++) {
            o[a] = in[a] * c.s()[a] + tap[a] * c.d()[a] - c.p()[a];
            if (o[a] < 0 || o[a] >= out[a]) return -1;
        }
        return flatten(o, out);
    }

    static int[] unflatten(int index, int[] dims) {
        int[] idx = new int[dims.length];
        for (int a = dims.length - 1; a >= 0; a--) {
            idx[a] = index % dims[a];
            index /= dims[a];
        }
        return idx;
    }

    static int flatten(int[] idx, int[] dims) {
        int f = 0;
        for (int a = 0; a < dims.length; a++) f = f * dims[a] + idx[a];
        return f;
    }
}
