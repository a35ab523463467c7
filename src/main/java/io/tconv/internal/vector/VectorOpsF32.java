package io.tconv.internal.vector;

import io.tconv.internal.FloatOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatOps} with the Vector API: whole vectors, then a scalar tail. The sums keep one vector of partial
 * sums (lane j adds elements j, j + L, …), added up lane by lane at the end, so their order depends only on n.
 * Not {@code reduceLanes(ADD)}: its order is unspecified, and C2's intrinsic and the interpreter's fallback do
 * differ, which made results change once the code was compiled (caught by the 1/2/7-thread test).
 */
final class VectorOpsF32 implements FloatOps {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) acc = FloatVector.fromArray(S, x, xOff + j).fma(FloatVector.fromArray(S, y, yOff + j), acc);
        float s = lanes(acc);
        for (; j < n; j++) s = Math.fma(x[xOff + j], y[yOff + j], s);
        return s;
    }

    @Override
    public void dot4(float[] x, int xOff, int xStride, float[] y, int y0, int y1, int y2, int y3, int yStride, int images, int n,
                     float[] out, int outOff) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = 0; i < images; i++) {
            int xi = xOff + i * xStride, yi = i * yStride;
            int j = 0;
            for (; j <= n - L; j += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xi + j);
                a0 = xv.fma(FloatVector.fromArray(S, y, y0 + yi + j), a0);
                a1 = xv.fma(FloatVector.fromArray(S, y, y1 + yi + j), a1);
                a2 = xv.fma(FloatVector.fromArray(S, y, y2 + yi + j), a2);
                a3 = xv.fma(FloatVector.fromArray(S, y, y3 + yi + j), a3);
            }
            for (; j < n; j++) {
                float xv = x[xi + j];
                s0 = Math.fma(xv, y[y0 + yi + j], s0);
                s1 = Math.fma(xv, y[y1 + yi + j], s1);
                s2 = Math.fma(xv, y[y2 + yi + j], s2);
                s3 = Math.fma(xv, y[y3 + yi + j], s3);
            }
        }
        if (L > 2) {   // lane sums by lanes()'s fixed tree, in line: a call here is not inlined and boxes its vector
            for (VectorShuffle<Float> f : FOLD) {
                a0 = a0.add(a0.rearrange(f));
                a1 = a1.add(a1.rearrange(f));
                a2 = a2.add(a2.rearrange(f));
                a3 = a3.add(a3.rearrange(f));
            }
        }
        out[outOff] += (L == 2 ? a0.lane(0) + a0.lane(1) : a0.lane(0)) + s0;
        out[outOff + 1] += (L == 2 ? a1.lane(0) + a1.lane(1) : a1.lane(0)) + s1;
        out[outOff + 2] += (L == 2 ? a2.lane(0) + a2.lane(1) : a2.lane(0)) + s2;
        out[outOff + 3] += (L == 2 ? a3.lane(0) + a3.lane(1) : a3.lane(0)) + s3;
    }

    @Override
    public void dots4x5(float[] x, int[] xs, int xStride, float[] y, int[] ys, int yStride, int images, int n, float[] out,
                        int outOff) {
        int x0 = xs[0], x1 = xs[1], x2 = xs[2], x3 = xs[3], y0 = ys[0], y1 = ys[1], y2 = ys[2], y3 = ys[3], y4 = ys[4];
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00, a34 = a00;
        int whole = n - n % L;
        for (int img = 0; img < images; img++, x0 += xStride, x1 += xStride, x2 += xStride, x3 += xStride,
                y0 += yStride, y1 += yStride, y2 += yStride, y3 += yStride, y4 += yStride) {
            for (int j = 0; j < whole; j += L) {
                FloatVector b0 = FloatVector.fromArray(S, y, y0 + j), b1 = FloatVector.fromArray(S, y, y1 + j);
                FloatVector b2 = FloatVector.fromArray(S, y, y2 + j), b3 = FloatVector.fromArray(S, y, y3 + j);
                FloatVector b4 = FloatVector.fromArray(S, y, y4 + j);
                FloatVector v0 = FloatVector.fromArray(S, x, x0 + j);
                a00 = v0.fma(b0, a00); a01 = v0.fma(b1, a01); a02 = v0.fma(b2, a02); a03 = v0.fma(b3, a03); a04 = v0.fma(b4, a04);
                FloatVector v1 = FloatVector.fromArray(S, x, x1 + j);
                a10 = v1.fma(b0, a10); a11 = v1.fma(b1, a11); a12 = v1.fma(b2, a12); a13 = v1.fma(b3, a13); a14 = v1.fma(b4, a14);
                FloatVector v2 = FloatVector.fromArray(S, x, x2 + j);
                a20 = v2.fma(b0, a20); a21 = v2.fma(b1, a21); a22 = v2.fma(b2, a22); a23 = v2.fma(b3, a23); a24 = v2.fma(b4, a24);
                FloatVector v3 = FloatVector.fromArray(S, x, x3 + j);
                a30 = v3.fma(b0, a30); a31 = v3.fma(b1, a31); a32 = v3.fma(b2, a32); a33 = v3.fma(b3, a33); a34 = v3.fma(b4, a34);
            }
        }
        for (int img = 0; img < images && whole < n; img++) {   // the tails, in the same order for any caller
            for (int i = 0; i < 4; i++) {
                for (int m = 0; m < 5; m++) {
                    float t = 0;
                    for (int j = whole, xi = xs[i] + img * xStride, ym = ys[m] + img * yStride; j < n; j++) t = Math.fma(x[xi + j], y[ym + j], t);
                    out[outOff + 5 * i + m] += t;
                }
            }
        }
        if (L > 2) {   // lane sums by lanes()'s fixed tree, in line: a call here is not inlined and boxes its vector
            for (VectorShuffle<Float> f : FOLD) {
                a00 = a00.add(a00.rearrange(f)); a01 = a01.add(a01.rearrange(f)); a02 = a02.add(a02.rearrange(f)); a03 = a03.add(a03.rearrange(f)); a04 = a04.add(a04.rearrange(f));
                a10 = a10.add(a10.rearrange(f)); a11 = a11.add(a11.rearrange(f)); a12 = a12.add(a12.rearrange(f)); a13 = a13.add(a13.rearrange(f)); a14 = a14.add(a14.rearrange(f));
                a20 = a20.add(a20.rearrange(f)); a21 = a21.add(a21.rearrange(f)); a22 = a22.add(a22.rearrange(f)); a23 = a23.add(a23.rearrange(f)); a24 = a24.add(a24.rearrange(f));
                a30 = a30.add(a30.rearrange(f)); a31 = a31.add(a31.rearrange(f)); a32 = a32.add(a32.rearrange(f)); a33 = a33.add(a33.rearrange(f)); a34 = a34.add(a34.rearrange(f));
            }
        }
        out[outOff + 0] += L == 2 ? a00.lane(0) + a00.lane(1) : a00.lane(0);
        out[outOff + 1] += L == 2 ? a01.lane(0) + a01.lane(1) : a01.lane(0);
        out[outOff + 2] += L == 2 ? a02.lane(0) + a02.lane(1) : a02.lane(0);
        out[outOff + 3] += L == 2 ? a03.lane(0) + a03.lane(1) : a03.lane(0);
        out[outOff + 4] += L == 2 ? a04.lane(0) + a04.lane(1) : a04.lane(0);
        out[outOff + 5] += L == 2 ? a10.lane(0) + a10.lane(1) : a10.lane(0);
        out[outOff + 6] += L == 2 ? a11.lane(0) + a11.lane(1) : a11.lane(0);
        out[outOff + 7] += L == 2 ? a12.lane(0) + a12.lane(1) : a12.lane(0);
        out[outOff + 8] += L == 2 ? a13.lane(0) + a13.lane(1) : a13.lane(0);
        out[outOff + 9] += L == 2 ? a14.lane(0) + a14.lane(1) : a14.lane(0);
        out[outOff + 10] += L == 2 ? a20.lane(0) + a20.lane(1) : a20.lane(0);
        out[outOff + 11] += L == 2 ? a21.lane(0) + a21.lane(1) : a21.lane(0);
        out[outOff + 12] += L == 2 ? a22.lane(0) + a22.lane(1) : a22.lane(0);
        out[outOff + 13] += L == 2 ? a23.lane(0) + a23.lane(1) : a23.lane(0);
        out[outOff + 14] += L == 2 ? a24.lane(0) + a24.lane(1) : a24.lane(0);
        out[outOff + 15] += L == 2 ? a30.lane(0) + a30.lane(1) : a30.lane(0);
        out[outOff + 16] += L == 2 ? a31.lane(0) + a31.lane(1) : a31.lane(0);
        out[outOff + 17] += L == 2 ? a32.lane(0) + a32.lane(1) : a32.lane(0);
        out[outOff + 18] += L == 2 ? a33.lane(0) + a33.lane(1) : a33.lane(0);
        out[outOff + 19] += L == 2 ? a34.lane(0) + a34.lane(1) : a34.lane(0);
    }

    @Override
    public float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j <= n - L; j += L) acc = acc.add(FloatVector.fromArray(S, x, off + j));
        float s = lanes(acc);
        for (; j < n; j++) s += x[off + j];
        return s;
    }

    /**
     * {@code values} (one per channel) into each of n channels-last pixels from {@code at}: by vectors, one
     * channel block at a time (a copy per pixel cost a quarter of channels-last dw32's time).
     */
    static void fillPixels(float[] y, int at, float[] values, int n) {
        int c = values.length, full = c - c % L;
        for (int c0 = 0; c0 < full; c0 += L) {
            FloatVector v = FloatVector.fromArray(S, values, c0);
            for (int p = 0, to = at + c0; p < n; p++, to += c) v.intoArray(y, to);
        }
        for (int ch = full; ch < c; ch++) {
            float v = values[ch];
            for (int p = 0, to = at + ch; p < n; p++, to += c) y[to] = v;
        }
    }

    @Override
    public void gather(float[] src, int from, int step, float[] dst, int to, int n) {
        if (step == 1) {
            System.arraycopy(src, from, dst, to, n);
            return;
        }
        int i = 0;
        if (step == 2 && L >= 4) {   // two vectors' even lanes by one-vector shuffles and a blend, as in ZipF32
            for (int at = from; i + L <= n && at + 2 * L <= src.length; i += L, at += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(S, src, at), v1 = FloatVector.fromArray(S, src, at + L);
                v0.rearrange(ZipF32.EVENS).blend(v1.rearrange(ZipF32.EVENS), ZipF32.UPPER).intoArray(dst, to + i);
            }
        }
        if ((step == 3 || step == 4) && TransposeF32.available()) {   // by shuffles of 3 or 4 vectors
            for (int at = from; i + L <= n && at + step * L <= src.length; i += L, at += step * L) TransposeF32.pick(step, src, at, dst, to + i);
        }
        for (; i < n; i++) dst[to + i] = src[from + i * step];
    }

    @Override
    public void transpose(float[] src, int from, int srcStride, float[] dst, int to, int dstStride) {
        if (TransposeF32.available()) {
            TransposeF32.block(src, from, srcStride, dst, to, dstStride);
            return;
        }
        for (int i = 0; i < L; i++) {
            for (int j = 0; j < L; j++) dst[to + j * dstStride + i] = src[from + i * srcStride + j];
        }
    }

    /** The weight gradient's tile: 8×3 with 32 vector registers, 5×2 with 16. */
    private static final TileShape TILE = VectorConstants.REGISTERS == 32 ? TileShape.M8x3 : TileShape.M5x2;

    @Override
    public int tileRows() { return TILE.mr; }

    @Override
    public int tileVectors() { return TILE.nv; }

    @Override
    public int lanes() { return L; }

    @Override
    public void tile(float[] a, int aOff, int[] aRow, float[] b, int bOff, int[] bRow, int k0, int kLen, int vectors, float[] c,
                     int cOff, int cStride, boolean accumulate) {
        MicroKernelsF32.run(TILE, vectors, a, aOff, aRow, b, bOff, bRow, k0, kLen, c, cOff, cStride, accumulate);
    }

    /** Shuffles that fold the upper half of the live lanes onto the lower half: i → i + L/2, i + L/4, …, i + 1. */
    private static final VectorShuffle<Float>[] FOLD = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int k = 0, half = L / 2; k < steps; k++, half /= 2) {
            int h = half;
            f[k] = VectorShuffle.fromOp(S, i -> (i + h) % L);
        }
        return f;
    }

    /**
     * The even lanes of v added into lane 0 and the odd lanes into lane 1, by the fixed tree of {@link #lanes}
     * less its last step (every fold before it moves lanes by an even count); for L ≥ 4.
     */
    static FloatVector pairLanes(FloatVector v) {
        for (int k = 0; k < FOLD.length - 1; k++) v = v.add(v.rearrange(FOLD[k]));
        return v;
    }

    /**
     * The lanes of v added by a fixed tree of element-wise adds (halves folded onto each other), the same in the
     * interpreter and in C2; with two lanes, by their sum (a one-vector shuffle of two lanes is not intrinsic).
     */
    static float lanes(FloatVector v) {
        if (L == 2) return v.lane(0) + v.lane(1);
        for (VectorShuffle<Float> f : FOLD) v = v.add(v.rearrange(f));
        return v.lane(0);
    }

    /**
     * {@code a[at + k]} = {@link #lanes(FloatVector)} of the vector stored at {@code a[at + k·L …]}, for k below
     * count (each result lands where the vectors before it lay). For large methods, where a call with a vector
     * argument is not inlined (C2: callee too large, or the caller's node-count cut-off) and boxes the vector:
     * they store their sums and call this. (The tree is written out here too: a call of lanes from this loop,
     * which mostly runs once, is itself not inlined.)
     */
    static void lanes(float[] a, int at, int count) {
        for (int k = 0; k < count; k++) {
            FloatVector v = FloatVector.fromArray(S, a, at + k * L);
            if (L == 2) {
                a[at + k] = v.lane(0) + v.lane(1);
                continue;
            }
            for (VectorShuffle<Float> f : FOLD) v = v.add(v.rearrange(f));
            a[at + k] = v.lane(0);
        }
    }
}
