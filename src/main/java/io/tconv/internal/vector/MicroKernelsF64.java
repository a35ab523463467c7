package io.tconv.internal.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked double microkernels: {@code C[MR][NR] (+)= Σ_k A[k][0..MR) ⊗ B[k][0..NR)}, NR = NV vectors.
 * A is a packed weight panel read as broadcast scalars ({@code a[aOff + k·MR + r]}), B a pixel panel read
 * as vectors ({@code b[bOff + k·bStride + v·L]}), C a dense MR × NR tile ({@code c[cOff + r·NR + j]}).
 * With {@code accumulate} the tile starts from what c holds, else from zero. Accumulators are separate
 * locals (an array of vectors would be boxed), stored once after the reduction loop.
 * Only used where the CPU has hardware FMA (the provider checks).
 * Shapes: 12×2 and 4×6 fill 24 of AVX-512's 32 registers; 5×2 and 2×4 fit AVX2's 16.
 * Generated once from a template; edit all shapes alike.
 */
final class MicroKernelsF64 {
    private MicroKernelsF64() {}

    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();


    /** Runs the kernel of {@code shape}. */
    static void run(TileShape shape, double[] a, int aOff, double[] b, int bOff, int bStride, int kLen, double[] c, int cOff,
                    boolean accumulate) {
        switch (shape) {
            case M12x2 -> k12x2(a, aOff, b, bOff, bStride, kLen, c, cOff, accumulate);
            case M4x6 -> k4x6(a, aOff, b, bOff, bStride, kLen, c, cOff, accumulate);
            case M5x2 -> k5x2(a, aOff, b, bOff, bStride, kLen, c, cOff, accumulate);
            case M2x4 -> k2x4(a, aOff, b, bOff, bStride, kLen, c, cOff, accumulate);
        }
    }

    private static void k12x2(double[] a, int aOff, double[] b, int bOff, int bStride, int kLen, double[] c, int cOff,
                              boolean accumulate) {
        final int nr = 2 * L;
        DoubleVector c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1, c5_0, c5_1, c6_0, c6_1, c7_0, c7_1, c8_0, c8_1, c9_0, c9_1, c10_0, c10_1, c11_0, c11_1;
        if (accumulate) {
            c0_0 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 0 * L);
            c0_1 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 1 * L);
            c1_0 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 0 * L);
            c1_1 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 1 * L);
            c2_0 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 0 * L);
            c2_1 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 1 * L);
            c3_0 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 0 * L);
            c3_1 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 1 * L);
            c4_0 = DoubleVector.fromArray(S, c, cOff + 4 * nr + 0 * L);
            c4_1 = DoubleVector.fromArray(S, c, cOff + 4 * nr + 1 * L);
            c5_0 = DoubleVector.fromArray(S, c, cOff + 5 * nr + 0 * L);
            c5_1 = DoubleVector.fromArray(S, c, cOff + 5 * nr + 1 * L);
            c6_0 = DoubleVector.fromArray(S, c, cOff + 6 * nr + 0 * L);
            c6_1 = DoubleVector.fromArray(S, c, cOff + 6 * nr + 1 * L);
            c7_0 = DoubleVector.fromArray(S, c, cOff + 7 * nr + 0 * L);
            c7_1 = DoubleVector.fromArray(S, c, cOff + 7 * nr + 1 * L);
            c8_0 = DoubleVector.fromArray(S, c, cOff + 8 * nr + 0 * L);
            c8_1 = DoubleVector.fromArray(S, c, cOff + 8 * nr + 1 * L);
            c9_0 = DoubleVector.fromArray(S, c, cOff + 9 * nr + 0 * L);
            c9_1 = DoubleVector.fromArray(S, c, cOff + 9 * nr + 1 * L);
            c10_0 = DoubleVector.fromArray(S, c, cOff + 10 * nr + 0 * L);
            c10_1 = DoubleVector.fromArray(S, c, cOff + 10 * nr + 1 * L);
            c11_0 = DoubleVector.fromArray(S, c, cOff + 11 * nr + 0 * L);
            c11_1 = DoubleVector.fromArray(S, c, cOff + 11 * nr + 1 * L);
        } else {
            DoubleVector zero = DoubleVector.zero(S);
            c0_0 = zero; c0_1 = zero;
            c1_0 = zero; c1_1 = zero;
            c2_0 = zero; c2_1 = zero;
            c3_0 = zero; c3_1 = zero;
            c4_0 = zero; c4_1 = zero;
            c5_0 = zero; c5_1 = zero;
            c6_0 = zero; c6_1 = zero;
            c7_0 = zero; c7_1 = zero;
            c8_0 = zero; c8_1 = zero;
            c9_0 = zero; c9_1 = zero;
            c10_0 = zero; c10_1 = zero;
            c11_0 = zero; c11_1 = zero;
        }
        for (int k = 0, ak = aOff, bk = bOff; k < kLen; k++, ak += 12, bk += bStride) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bk + 1 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, a[ak + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            DoubleVector a1 = DoubleVector.broadcast(S, a[ak + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            DoubleVector a2 = DoubleVector.broadcast(S, a[ak + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            DoubleVector a3 = DoubleVector.broadcast(S, a[ak + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            DoubleVector a4 = DoubleVector.broadcast(S, a[ak + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
            DoubleVector a5 = DoubleVector.broadcast(S, a[ak + 5]);
            c5_0 = a5.fma(b0, c5_0); c5_1 = a5.fma(b1, c5_1);
            DoubleVector a6 = DoubleVector.broadcast(S, a[ak + 6]);
            c6_0 = a6.fma(b0, c6_0); c6_1 = a6.fma(b1, c6_1);
            DoubleVector a7 = DoubleVector.broadcast(S, a[ak + 7]);
            c7_0 = a7.fma(b0, c7_0); c7_1 = a7.fma(b1, c7_1);
            DoubleVector a8 = DoubleVector.broadcast(S, a[ak + 8]);
            c8_0 = a8.fma(b0, c8_0); c8_1 = a8.fma(b1, c8_1);
            DoubleVector a9 = DoubleVector.broadcast(S, a[ak + 9]);
            c9_0 = a9.fma(b0, c9_0); c9_1 = a9.fma(b1, c9_1);
            DoubleVector a10 = DoubleVector.broadcast(S, a[ak + 10]);
            c10_0 = a10.fma(b0, c10_0); c10_1 = a10.fma(b1, c10_1);
            DoubleVector a11 = DoubleVector.broadcast(S, a[ak + 11]);
            c11_0 = a11.fma(b0, c11_0); c11_1 = a11.fma(b1, c11_1);
        }
        c0_0.intoArray(c, cOff + 0 * nr + 0 * L);
        c0_1.intoArray(c, cOff + 0 * nr + 1 * L);
        c1_0.intoArray(c, cOff + 1 * nr + 0 * L);
        c1_1.intoArray(c, cOff + 1 * nr + 1 * L);
        c2_0.intoArray(c, cOff + 2 * nr + 0 * L);
        c2_1.intoArray(c, cOff + 2 * nr + 1 * L);
        c3_0.intoArray(c, cOff + 3 * nr + 0 * L);
        c3_1.intoArray(c, cOff + 3 * nr + 1 * L);
        c4_0.intoArray(c, cOff + 4 * nr + 0 * L);
        c4_1.intoArray(c, cOff + 4 * nr + 1 * L);
        c5_0.intoArray(c, cOff + 5 * nr + 0 * L);
        c5_1.intoArray(c, cOff + 5 * nr + 1 * L);
        c6_0.intoArray(c, cOff + 6 * nr + 0 * L);
        c6_1.intoArray(c, cOff + 6 * nr + 1 * L);
        c7_0.intoArray(c, cOff + 7 * nr + 0 * L);
        c7_1.intoArray(c, cOff + 7 * nr + 1 * L);
        c8_0.intoArray(c, cOff + 8 * nr + 0 * L);
        c8_1.intoArray(c, cOff + 8 * nr + 1 * L);
        c9_0.intoArray(c, cOff + 9 * nr + 0 * L);
        c9_1.intoArray(c, cOff + 9 * nr + 1 * L);
        c10_0.intoArray(c, cOff + 10 * nr + 0 * L);
        c10_1.intoArray(c, cOff + 10 * nr + 1 * L);
        c11_0.intoArray(c, cOff + 11 * nr + 0 * L);
        c11_1.intoArray(c, cOff + 11 * nr + 1 * L);
    }

    private static void k4x6(double[] a, int aOff, double[] b, int bOff, int bStride, int kLen, double[] c, int cOff,
                              boolean accumulate) {
        final int nr = 6 * L;
        DoubleVector c0_0, c0_1, c0_2, c0_3, c0_4, c0_5, c1_0, c1_1, c1_2, c1_3, c1_4, c1_5, c2_0, c2_1, c2_2, c2_3, c2_4, c2_5, c3_0, c3_1, c3_2, c3_3, c3_4, c3_5;
        if (accumulate) {
            c0_0 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 0 * L);
            c0_1 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 1 * L);
            c0_2 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 2 * L);
            c0_3 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 3 * L);
            c0_4 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 4 * L);
            c0_5 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 5 * L);
            c1_0 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 0 * L);
            c1_1 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 1 * L);
            c1_2 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 2 * L);
            c1_3 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 3 * L);
            c1_4 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 4 * L);
            c1_5 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 5 * L);
            c2_0 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 0 * L);
            c2_1 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 1 * L);
            c2_2 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 2 * L);
            c2_3 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 3 * L);
            c2_4 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 4 * L);
            c2_5 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 5 * L);
            c3_0 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 0 * L);
            c3_1 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 1 * L);
            c3_2 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 2 * L);
            c3_3 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 3 * L);
            c3_4 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 4 * L);
            c3_5 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 5 * L);
        } else {
            DoubleVector zero = DoubleVector.zero(S);
            c0_0 = zero; c0_1 = zero; c0_2 = zero; c0_3 = zero; c0_4 = zero; c0_5 = zero;
            c1_0 = zero; c1_1 = zero; c1_2 = zero; c1_3 = zero; c1_4 = zero; c1_5 = zero;
            c2_0 = zero; c2_1 = zero; c2_2 = zero; c2_3 = zero; c2_4 = zero; c2_5 = zero;
            c3_0 = zero; c3_1 = zero; c3_2 = zero; c3_3 = zero; c3_4 = zero; c3_5 = zero;
        }
        for (int k = 0, ak = aOff, bk = bOff; k < kLen; k++, ak += 4, bk += bStride) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bk + 1 * L);
            DoubleVector b2 = DoubleVector.fromArray(S, b, bk + 2 * L);
            DoubleVector b3 = DoubleVector.fromArray(S, b, bk + 3 * L);
            DoubleVector b4 = DoubleVector.fromArray(S, b, bk + 4 * L);
            DoubleVector b5 = DoubleVector.fromArray(S, b, bk + 5 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, a[ak + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1); c0_2 = a0.fma(b2, c0_2); c0_3 = a0.fma(b3, c0_3); c0_4 = a0.fma(b4, c0_4); c0_5 = a0.fma(b5, c0_5);
            DoubleVector a1 = DoubleVector.broadcast(S, a[ak + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1); c1_2 = a1.fma(b2, c1_2); c1_3 = a1.fma(b3, c1_3); c1_4 = a1.fma(b4, c1_4); c1_5 = a1.fma(b5, c1_5);
            DoubleVector a2 = DoubleVector.broadcast(S, a[ak + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1); c2_2 = a2.fma(b2, c2_2); c2_3 = a2.fma(b3, c2_3); c2_4 = a2.fma(b4, c2_4); c2_5 = a2.fma(b5, c2_5);
            DoubleVector a3 = DoubleVector.broadcast(S, a[ak + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1); c3_2 = a3.fma(b2, c3_2); c3_3 = a3.fma(b3, c3_3); c3_4 = a3.fma(b4, c3_4); c3_5 = a3.fma(b5, c3_5);
        }
        c0_0.intoArray(c, cOff + 0 * nr + 0 * L);
        c0_1.intoArray(c, cOff + 0 * nr + 1 * L);
        c0_2.intoArray(c, cOff + 0 * nr + 2 * L);
        c0_3.intoArray(c, cOff + 0 * nr + 3 * L);
        c0_4.intoArray(c, cOff + 0 * nr + 4 * L);
        c0_5.intoArray(c, cOff + 0 * nr + 5 * L);
        c1_0.intoArray(c, cOff + 1 * nr + 0 * L);
        c1_1.intoArray(c, cOff + 1 * nr + 1 * L);
        c1_2.intoArray(c, cOff + 1 * nr + 2 * L);
        c1_3.intoArray(c, cOff + 1 * nr + 3 * L);
        c1_4.intoArray(c, cOff + 1 * nr + 4 * L);
        c1_5.intoArray(c, cOff + 1 * nr + 5 * L);
        c2_0.intoArray(c, cOff + 2 * nr + 0 * L);
        c2_1.intoArray(c, cOff + 2 * nr + 1 * L);
        c2_2.intoArray(c, cOff + 2 * nr + 2 * L);
        c2_3.intoArray(c, cOff + 2 * nr + 3 * L);
        c2_4.intoArray(c, cOff + 2 * nr + 4 * L);
        c2_5.intoArray(c, cOff + 2 * nr + 5 * L);
        c3_0.intoArray(c, cOff + 3 * nr + 0 * L);
        c3_1.intoArray(c, cOff + 3 * nr + 1 * L);
        c3_2.intoArray(c, cOff + 3 * nr + 2 * L);
        c3_3.intoArray(c, cOff + 3 * nr + 3 * L);
        c3_4.intoArray(c, cOff + 3 * nr + 4 * L);
        c3_5.intoArray(c, cOff + 3 * nr + 5 * L);
    }

    private static void k5x2(double[] a, int aOff, double[] b, int bOff, int bStride, int kLen, double[] c, int cOff,
                              boolean accumulate) {
        final int nr = 2 * L;
        DoubleVector c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1;
        if (accumulate) {
            c0_0 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 0 * L);
            c0_1 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 1 * L);
            c1_0 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 0 * L);
            c1_1 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 1 * L);
            c2_0 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 0 * L);
            c2_1 = DoubleVector.fromArray(S, c, cOff + 2 * nr + 1 * L);
            c3_0 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 0 * L);
            c3_1 = DoubleVector.fromArray(S, c, cOff + 3 * nr + 1 * L);
            c4_0 = DoubleVector.fromArray(S, c, cOff + 4 * nr + 0 * L);
            c4_1 = DoubleVector.fromArray(S, c, cOff + 4 * nr + 1 * L);
        } else {
            DoubleVector zero = DoubleVector.zero(S);
            c0_0 = zero; c0_1 = zero;
            c1_0 = zero; c1_1 = zero;
            c2_0 = zero; c2_1 = zero;
            c3_0 = zero; c3_1 = zero;
            c4_0 = zero; c4_1 = zero;
        }
        for (int k = 0, ak = aOff, bk = bOff; k < kLen; k++, ak += 5, bk += bStride) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bk + 1 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, a[ak + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1);
            DoubleVector a1 = DoubleVector.broadcast(S, a[ak + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1);
            DoubleVector a2 = DoubleVector.broadcast(S, a[ak + 2]);
            c2_0 = a2.fma(b0, c2_0); c2_1 = a2.fma(b1, c2_1);
            DoubleVector a3 = DoubleVector.broadcast(S, a[ak + 3]);
            c3_0 = a3.fma(b0, c3_0); c3_1 = a3.fma(b1, c3_1);
            DoubleVector a4 = DoubleVector.broadcast(S, a[ak + 4]);
            c4_0 = a4.fma(b0, c4_0); c4_1 = a4.fma(b1, c4_1);
        }
        c0_0.intoArray(c, cOff + 0 * nr + 0 * L);
        c0_1.intoArray(c, cOff + 0 * nr + 1 * L);
        c1_0.intoArray(c, cOff + 1 * nr + 0 * L);
        c1_1.intoArray(c, cOff + 1 * nr + 1 * L);
        c2_0.intoArray(c, cOff + 2 * nr + 0 * L);
        c2_1.intoArray(c, cOff + 2 * nr + 1 * L);
        c3_0.intoArray(c, cOff + 3 * nr + 0 * L);
        c3_1.intoArray(c, cOff + 3 * nr + 1 * L);
        c4_0.intoArray(c, cOff + 4 * nr + 0 * L);
        c4_1.intoArray(c, cOff + 4 * nr + 1 * L);
    }

    private static void k2x4(double[] a, int aOff, double[] b, int bOff, int bStride, int kLen, double[] c, int cOff,
                              boolean accumulate) {
        final int nr = 4 * L;
        DoubleVector c0_0, c0_1, c0_2, c0_3, c1_0, c1_1, c1_2, c1_3;
        if (accumulate) {
            c0_0 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 0 * L);
            c0_1 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 1 * L);
            c0_2 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 2 * L);
            c0_3 = DoubleVector.fromArray(S, c, cOff + 0 * nr + 3 * L);
            c1_0 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 0 * L);
            c1_1 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 1 * L);
            c1_2 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 2 * L);
            c1_3 = DoubleVector.fromArray(S, c, cOff + 1 * nr + 3 * L);
        } else {
            DoubleVector zero = DoubleVector.zero(S);
            c0_0 = zero; c0_1 = zero; c0_2 = zero; c0_3 = zero;
            c1_0 = zero; c1_1 = zero; c1_2 = zero; c1_3 = zero;
        }
        for (int k = 0, ak = aOff, bk = bOff; k < kLen; k++, ak += 2, bk += bStride) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bk + 1 * L);
            DoubleVector b2 = DoubleVector.fromArray(S, b, bk + 2 * L);
            DoubleVector b3 = DoubleVector.fromArray(S, b, bk + 3 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, a[ak + 0]);
            c0_0 = a0.fma(b0, c0_0); c0_1 = a0.fma(b1, c0_1); c0_2 = a0.fma(b2, c0_2); c0_3 = a0.fma(b3, c0_3);
            DoubleVector a1 = DoubleVector.broadcast(S, a[ak + 1]);
            c1_0 = a1.fma(b0, c1_0); c1_1 = a1.fma(b1, c1_1); c1_2 = a1.fma(b2, c1_2); c1_3 = a1.fma(b3, c1_3);
        }
        c0_0.intoArray(c, cOff + 0 * nr + 0 * L);
        c0_1.intoArray(c, cOff + 0 * nr + 1 * L);
        c0_2.intoArray(c, cOff + 0 * nr + 2 * L);
        c0_3.intoArray(c, cOff + 0 * nr + 3 * L);
        c1_0.intoArray(c, cOff + 1 * nr + 0 * L);
        c1_1.intoArray(c, cOff + 1 * nr + 1 * L);
        c1_2.intoArray(c, cOff + 1 * nr + 2 * L);
        c1_3.intoArray(c, cOff + 1 * nr + 3 * L);
    }
}
