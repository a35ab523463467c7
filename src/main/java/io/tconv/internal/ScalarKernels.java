package io.tconv.internal;

/**
 * The plain Java path, used where the vector module is not available: one task per output channel, each
 * output row accumulated in place. Only taps that land are visited (no inserted zeros are multiplied), so
 * cells that no tap reaches hold exactly the bias and a NaN or Inf only spreads where PyTorch's does. The sum
 * of a cell runs over (ci, td, th, tw) in increasing order whatever the thread count.
 */
public final class ScalarKernels {
    private ScalarKernels() {}

    /** What both precisions share: geometry, the taps of D and H, and the input range of each W tap. */
    private static class Shape {
        final Geometry g;
        final Taps tapsD, tapsH;
        final WRuns runs;

        Shape(Geometry g) {
            this.g = g;
            tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
            tapsH = new Taps(g.in[1], g.k[1], g.s[1], g.d[1], g.pb[1], g.out[1]);
            int kw = g.k[2];
            runs = new WRuns(g);
        }

        public String name() { return "scalar"; }

        public int tasksPerImage() { return g.cout; }

        public long macsPerTask() { return (long) g.cig * g.inPlane * g.kVol; }

        public long bytesPerThread() { return 0; }

        /** Weights and bias at {@code bytes} each, and the tap tables. */
        long sharedBytes(int bytes) {
            long tables = 4L * (tapsD.start.length + tapsD.tap.length + tapsD.input.length + tapsH.start.length
                    + tapsH.tap.length + tapsH.input.length) + runs.bytes();
            return (long) bytes * ((long) g.cig * g.cout * g.kVol + g.cout) + tables;
        }
    }

    /** Scalar float path. */
    public static final class F32 extends Shape implements FloatKernel {
        @Override
        public long sharedBytes() { return sharedBytes(Float.BYTES); }

        private final float[] w;
        private final float[] bias;

        /**
         * @param w weights [Cin, Cout/groups, kD, kH, kW] (copied); @param bias length Cout or null (copied)
         * @param workspace checked before the weights are copied
         */
        public F32(Geometry g, float[] w, float[] bias, Workspace workspace) {
            super(g);
            workspace.check(name(), sharedBytes(), 0);
            this.w = w.clone();
            this.bias = bias == null ? new float[g.cout] : bias.clone();
        }

        @Override
        public void run(int n, int co, float[] x, int xOff, float[] y, int yOff) {
            final Geometry g = this.g;
            final int outW = g.out[2], sw = g.s[2], kh = g.k[1], kw = g.k[2], inW = g.in[2];
            final int group = co / g.cog, col = co % g.cog;
            final int xp = g.xp, yp = g.yp, ystep = sw * yp;
            final int yChannel = yOff + n * g.outImage() + co * g.yc;
            if (yp == 1) java.util.Arrays.fill(y, yChannel, yChannel + g.outPlane, bias[co]);
            else for (int p = 0; p < g.outPlane; p++) y[yChannel + p * yp] = bias[co];
            final int xImage = xOff + n * g.inImage();
            for (int od = 0; od < g.out[0]; od++) {
                for (int oh = 0; oh < g.out[1]; oh++) {
                    final int yRow = yChannel + (od * g.out[1] + oh) * outW * yp;
                    for (int ci = 0; ci < g.cig; ci++) {
                        final int c = group * g.cig + ci;
                        final int xChannel = xImage + c * g.xc;
                        final int wChannel = (c * g.cog + col) * g.kVol;
                        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
                            for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                                final int xRow = xChannel + (tapsD.input[a] * g.in[1] + tapsH.input[b]) * inW * xp;
                                final int wRow = wChannel + (tapsD.tap[a] * kh + tapsH.tap[b]) * kw;
                                for (int t = 0; t < kw; t++) {
                                    final float wv = w[wRow + t];
                                    int o = yRow + runs.firstOut[t] * yp;
                                    for (int i = runs.first[t], end = runs.end[t]; i < end; i++, o += ystep) y[o] += x[xRow + i * xp] * wv;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Scalar double path: the float path's loops on doubles. */
    public static final class F64 extends Shape implements DoubleKernel {
        @Override
        public long sharedBytes() { return sharedBytes(Double.BYTES); }

        private final double[] w;
        private final double[] bias;

        /**
         * @param w weights [Cin, Cout/groups, kD, kH, kW] (copied); @param bias length Cout or null (copied)
         * @param workspace checked before the weights are copied
         */
        public F64(Geometry g, double[] w, double[] bias, Workspace workspace) {
            super(g);
            workspace.check(name(), sharedBytes(), 0);
            this.w = w.clone();
            this.bias = bias == null ? new double[g.cout] : bias.clone();
        }

        @Override
        public void run(int n, int co, double[] x, int xOff, double[] y, int yOff) {
            final Geometry g = this.g;
            final int outW = g.out[2], sw = g.s[2], kh = g.k[1], kw = g.k[2], inW = g.in[2];
            final int group = co / g.cog, col = co % g.cog;
            final int xp = g.xp, yp = g.yp, ystep = sw * yp;
            final int yChannel = yOff + n * g.outImage() + co * g.yc;
            if (yp == 1) java.util.Arrays.fill(y, yChannel, yChannel + g.outPlane, bias[co]);
            else for (int p = 0; p < g.outPlane; p++) y[yChannel + p * yp] = bias[co];
            final int xImage = xOff + n * g.inImage();
            for (int od = 0; od < g.out[0]; od++) {
                for (int oh = 0; oh < g.out[1]; oh++) {
                    final int yRow = yChannel + (od * g.out[1] + oh) * outW * yp;
                    for (int ci = 0; ci < g.cig; ci++) {
                        final int c = group * g.cig + ci;
                        final int xChannel = xImage + c * g.xc;
                        final int wChannel = (c * g.cog + col) * g.kVol;
                        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
                            for (int b = tapsH.start[oh]; b < tapsH.start[oh + 1]; b++) {
                                final int xRow = xChannel + (tapsD.input[a] * g.in[1] + tapsH.input[b]) * inW * xp;
                                final int wRow = wChannel + (tapsD.tap[a] * kh + tapsH.tap[b]) * kw;
                                for (int t = 0; t < kw; t++) {
                                    final double wv = w[wRow + t];
                                    int o = yRow + runs.firstOut[t] * yp;
                                    for (int i = runs.first[t], end = runs.end[t]; i < end; i++, o += ystep) y[o] += x[xRow + i * xp] * wv;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
