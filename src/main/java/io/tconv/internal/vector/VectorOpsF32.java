package io.tconv.internal.vector;

import io.tconv.internal.FloatOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatOps} with the Vector API: whole vectors, then a scalar tail. The sums keep one vector of partial
 * sums (lane j adds elements j, j + L, …), reduced once at the end, so their order depends only on n.
 */
final class VectorOpsF32 implements FloatOps {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();

    @Override
    public void axpy(float[] y, int yOff, float a, float[] x, int xOff, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector.fromArray(S, x, xOff + j).fma(av, FloatVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) y[yOff + j] = Math.fma(a, x[xOff + j], y[yOff + j]);
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) acc = FloatVector.fromArray(S, x, xOff + j).fma(FloatVector.fromArray(S, y, yOff + j), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) s = Math.fma(x[xOff + j], y[yOff + j], s);
        return s;
    }

    @Override
    public float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) acc = acc.add(FloatVector.fromArray(S, x, off + j));
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) s += x[off + j];
        return s;
    }
}
