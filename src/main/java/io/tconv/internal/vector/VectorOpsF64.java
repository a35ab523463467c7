package io.tconv.internal.vector;

import io.tconv.internal.DoubleOps;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DoubleOps} with the Vector API: whole vectors, then a scalar tail. The sums keep one vector of partial
 * sums (lane j adds elements j, j + L, …), added up lane by lane at the end, so their order depends only on n.
 * Not {@code reduceLanes(ADD)}: its order is unspecified, and C2's intrinsic and the interpreter's fallback do
 * differ, which made results change once the code was compiled (caught by the 1/2/7-thread test).
 */
final class VectorOpsF64 implements DoubleOps {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();

    @Override
    public void axpy(double[] y, int yOff, double a, double[] x, int xOff, int n) {
        DoubleVector av = DoubleVector.broadcast(S, a);
        int j = 0;
        for (; j <= n - L; j += L) {
            DoubleVector.fromArray(S, x, xOff + j).fma(av, DoubleVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) y[yOff + j] = Math.fma(a, x[xOff + j], y[yOff + j]);
    }

    @Override
    public double dot(double[] x, int xOff, double[] y, int yOff, int n) {
        DoubleVector acc = DoubleVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) acc = DoubleVector.fromArray(S, x, xOff + j).fma(DoubleVector.fromArray(S, y, yOff + j), acc);
        double s = lanes(acc);
        for (; j < n; j++) s = Math.fma(x[xOff + j], y[yOff + j], s);
        return s;
    }

    @Override
    public void dot4(double[] x, int xOff, int xStride, double[] y, int y0, int y1, int y2, int y3, int yStride, int images, int n,
                     double[] out, int outOff) {
        DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = 0; i < images; i++) {
            int xi = xOff + i * xStride, yi = i * yStride;
            int j = 0;
            for (; j <= n - L; j += L) {
                DoubleVector xv = DoubleVector.fromArray(S, x, xi + j);
                a0 = xv.fma(DoubleVector.fromArray(S, y, y0 + yi + j), a0);
                a1 = xv.fma(DoubleVector.fromArray(S, y, y1 + yi + j), a1);
                a2 = xv.fma(DoubleVector.fromArray(S, y, y2 + yi + j), a2);
                a3 = xv.fma(DoubleVector.fromArray(S, y, y3 + yi + j), a3);
            }
            for (; j < n; j++) {
                double xv = x[xi + j];
                s0 = Math.fma(xv, y[y0 + yi + j], s0);
                s1 = Math.fma(xv, y[y1 + yi + j], s1);
                s2 = Math.fma(xv, y[y2 + yi + j], s2);
                s3 = Math.fma(xv, y[y3 + yi + j], s3);
            }
        }
        out[outOff] += lanes(a0) + s0;
        out[outOff + 1] += lanes(a1) + s1;
        out[outOff + 2] += lanes(a2) + s2;
        out[outOff + 3] += lanes(a3) + s3;
    }

    @Override
    public double sum(double[] x, int off, int n) {
        DoubleVector acc = DoubleVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) acc = acc.add(DoubleVector.fromArray(S, x, off + j));
        double s = lanes(acc);
        for (; j < n; j++) s += x[off + j];
        return s;
    }

    /** Shuffles that fold the upper half of the live lanes onto the lower half: i → i + L/2, i + L/4, …, i + 1. */
    private static final VectorShuffle<Double>[] FOLD = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Double>[] folds() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Double>[] f = new VectorShuffle[steps];
        for (int k = 0, half = L / 2; k < steps; k++, half /= 2) {
            int h = half;
            f[k] = VectorShuffle.fromOp(S, i -> (i + h) % L);
        }
        return f;
    }

    /**
     * The lanes of v added by a fixed tree of element-wise adds (halves folded onto each other), the same in the
     * interpreter and in C2; with two lanes, by their sum (a one-vector shuffle of two lanes is not intrinsic).
     */
    private static double lanes(DoubleVector v) {
        if (L == 2) return v.lane(0) + v.lane(1);
        for (VectorShuffle<Double> f : FOLD) v = v.add(v.rearrange(f));
        return v.lane(0);
    }
}
