package io.tconv.internal;

/** {@link FloatOps} and {@link DoubleOps} as plain loops. */
public final class ScalarOps {
    private ScalarOps() {}

    /** Float. */
    public static final FloatOps F32 = new FloatOps() {
        @Override
        public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
            float s = 0;
            for (int j = 0; j < n; j++) s += x[xOff + j] * y[yOff + j];
            return s;
        }

        @Override
        public void dot4(float[] x, int xOff, int xStride, float[] y, int y0, int y1, int y2, int y3, int yStride, int images, int n,
                         float[] out, int outOff) {
            for (int i = 0; i < images; i++) {
                int xi = xOff + i * xStride, yi = i * yStride;
                out[outOff] += dot(x, xi, y, y0 + yi, n);
                out[outOff + 1] += dot(x, xi, y, y1 + yi, n);
                out[outOff + 2] += dot(x, xi, y, y2 + yi, n);
                out[outOff + 3] += dot(x, xi, y, y3 + yi, n);
            }
        }

        @Override
        public void dots4x5(float[] x, int[] xs, int xStride, float[] y, int[] ys, int yStride, int images, int n, float[] out,
                            int outOff) {
            for (int i = 0; i < images; i++) {
                for (int a = 0; a < 4; a++) {
                    for (int m = 0; m < 5; m++) out[outOff + 5 * a + m] += dot(x, xs[a] + i * xStride, y, ys[m] + i * yStride, n);
                }
            }
        }

        @Override
        public float sum(float[] x, int off, int n) {
            float s = 0;
            for (int j = 0; j < n; j++) s += x[off + j];
            return s;
        }

        @Override
        public void gather(float[] src, int from, int step, float[] dst, int to, int n) {
            for (int i = 0; i < n; i++) dst[to + i] = src[from + i * step];
        }

        @Override
        public void transpose(float[] src, int from, int srcStride, float[] dst, int to, int dstStride) {
            dst[to] = src[from];   // a block of one
        }

        @Override
        public int tileRows() { return 4; }

        @Override
        public int tileVectors() { return 4; }

        @Override
        public int lanes() { return 1; }

        @Override
        public void tile(float[] a, int aOff, int[] aRow, float[] b, int bOff, int[] bRow, int k0, int kLen, int vectors, float[] c,
                         int cOff, int cStride, boolean accumulate) {
            for (int r = 0; r < 4; r++) {
                for (int j = 0; j < vectors; j++) {
                    float s = accumulate ? c[cOff + r * cStride + j] : 0;
                    for (int k = k0; k < k0 + kLen; k++) s += a[aOff + aRow[k] + r] * b[bOff + bRow[k] + j];
                    c[cOff + r * cStride + j] = s;
                }
            }
        }
    };

    /** Double. */
    public static final DoubleOps F64 = new DoubleOps() {
        @Override
        public double dot(double[] x, int xOff, double[] y, int yOff, int n) {
            double s = 0;
            for (int j = 0; j < n; j++) s += x[xOff + j] * y[yOff + j];
            return s;
        }

        @Override
        public void dot4(double[] x, int xOff, int xStride, double[] y, int y0, int y1, int y2, int y3, int yStride, int images, int n,
                         double[] out, int outOff) {
            for (int i = 0; i < images; i++) {
                int xi = xOff + i * xStride, yi = i * yStride;
                out[outOff] += dot(x, xi, y, y0 + yi, n);
                out[outOff + 1] += dot(x, xi, y, y1 + yi, n);
                out[outOff + 2] += dot(x, xi, y, y2 + yi, n);
                out[outOff + 3] += dot(x, xi, y, y3 + yi, n);
            }
        }

        @Override
        public void dots4x5(double[] x, int[] xs, int xStride, double[] y, int[] ys, int yStride, int images, int n, double[] out,
                            int outOff) {
            for (int i = 0; i < images; i++) {
                for (int a = 0; a < 4; a++) {
                    for (int m = 0; m < 5; m++) out[outOff + 5 * a + m] += dot(x, xs[a] + i * xStride, y, ys[m] + i * yStride, n);
                }
            }
        }

        @Override
        public double sum(double[] x, int off, int n) {
            double s = 0;
            for (int j = 0; j < n; j++) s += x[off + j];
            return s;
        }

        @Override
        public void gather(double[] src, int from, int step, double[] dst, int to, int n) {
            for (int i = 0; i < n; i++) dst[to + i] = src[from + i * step];
        }

        @Override
        public void transpose(double[] src, int from, int srcStride, double[] dst, int to, int dstStride) {
            dst[to] = src[from];   // a block of one
        }

        @Override
        public int tileRows() { return 4; }

        @Override
        public int tileVectors() { return 4; }

        @Override
        public int lanes() { return 1; }

        @Override
        public void tile(double[] a, int aOff, int[] aRow, double[] b, int bOff, int[] bRow, int k0, int kLen, int vectors, double[] c,
                         int cOff, int cStride, boolean accumulate) {
            for (int r = 0; r < 4; r++) {
                for (int j = 0; j < vectors; j++) {
                    double s = accumulate ? c[cOff + r * cStride + j] : 0;
                    for (int k = k0; k < k0 + kLen; k++) s += a[aOff + aRow[k] + r] * b[bOff + bRow[k] + j];
                    c[cOff + r * cStride + j] = s;
                }
            }
        }
    };
}
