package io.tconv.internal.vector;

import io.tconv.internal.DoubleOps;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DoubleOps} with the Vector API: whole vectors, then a scalar tail. The sums keep one vector of partial
 * sums (lane j adds elements j, j + L, …), reduced once at the end, so their order depends only on n.
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
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) s = Math.fma(x[xOff + j], y[yOff + j], s);
        return s;
    }

    @Override
    public double sum(double[] x, int off, int n) {
        DoubleVector acc = DoubleVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) acc = acc.add(DoubleVector.fromArray(S, x, off + j));
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) s += x[off + j];
        return s;
    }
}
