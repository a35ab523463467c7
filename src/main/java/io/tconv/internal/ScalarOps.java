package io.tconv.internal;

/** {@link FloatOps} and {@link DoubleOps} as plain loops (C2 vectorizes the axpy by itself). */
public final class ScalarOps {
    private ScalarOps() {}

    /** Float. */
    public static final FloatOps F32 = new FloatOps() {
        @Override
        public void axpy(float[] y, int yOff, float a, float[] x, int xOff, int n) {
            for (int j = 0; j < n; j++) y[yOff + j] += a * x[xOff + j];
        }

        @Override
        public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
            float s = 0;
            for (int j = 0; j < n; j++) s += x[xOff + j] * y[yOff + j];
            return s;
        }

        @Override
        public float sum(float[] x, int off, int n) {
            float s = 0;
            for (int j = 0; j < n; j++) s += x[off + j];
            return s;
        }
    };

    /** Double. */
    public static final DoubleOps F64 = new DoubleOps() {
        @Override
        public void axpy(double[] y, int yOff, double a, double[] x, int xOff, int n) {
            for (int j = 0; j < n; j++) y[yOff + j] += a * x[xOff + j];
        }

        @Override
        public double dot(double[] x, int xOff, double[] y, int yOff, int n) {
            double s = 0;
            for (int j = 0; j < n; j++) s += x[xOff + j] * y[yOff + j];
            return s;
        }

        @Override
        public double sum(double[] x, int off, int n) {
            double s = 0;
            for (int j = 0; j < n; j++) s += x[off + j];
            return s;
        }
    };
}
