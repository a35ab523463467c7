package io.tconv.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes L × L blocks in registers, for 16 and 8 lanes: log2(L) rounds of the perfect shuffle
 * (row i of a round is the interleave of rows i/2 and i/2 + L/2 of the last, from their low or high halves), each a
 * two-vector rearrange. Copying channels-last rows into channel rows this way reads each vector once (a gather
 * per channel read every element as a lane of its own: a 32 × 64 row 550 → 210 ns in a probe). The same rounds
 * over K < L rows interleave them (a channels-last row of few channels from its channels' rows).
 */
final class TransposeF32 {
    private TransposeF32() {}

    private static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    private static final int L = S.length();
    /** Lane i of a round's even and odd rows: lane i/2 of the first row or (negative, exceptional) of the second. */
    private static final VectorShuffle<Float> LOW, HIGH;
    /** The inverse: the even (odd) lanes of two vectors, the first's then the second's (negative, exceptional). */
    private static final VectorShuffle<Float> EVENS, ODDS;

    static {
        int[] low = new int[L], high = new int[L], evens = new int[L], odds = new int[L];
        for (int i = 0; i < L; i++) {
            low[i] = (i % 2 == 0 ? 0 : -L) + i / 2;
            high[i] = low[i] + L / 2;
            evens[i] = i < L / 2 ? 2 * i : 2 * i - 2 * L;
            odds[i] = evens[i] + 1;
        }
        LOW = VectorShuffle.fromArray(S, low, 0);
        HIGH = VectorShuffle.fromArray(S, high, 0);
        EVENS = VectorShuffle.fromArray(S, evens, 0);
        ODDS = VectorShuffle.fromArray(S, odds, 0);
    }

    /** {@return whether blocks of this width are transposed here} */
    static boolean available() {
        return L == 16 || L == 8;
    }

    /**
     * Row i of the block at {@code src[at + i·srcStride …]} (L elements) becomes column i of the block at
     * {@code dst[to + j·dstStride …]}.
     */
    static void block(float[] src, int at, int srcStride, float[] dst, int to, int dstStride) {
        if (L == 16) t16(src, at, srcStride, dst, to, dstStride);
        else t8(src, at, srcStride, dst, to, dstStride);
    }

    /** The 16 × 16 block (L = 16). */
    private static void t16(float[] src, int at, int srcStride, float[] dst, int to, int dstStride) {
        FloatVector r0 = FloatVector.fromArray(S, src, at + 0 * srcStride), r1 = FloatVector.fromArray(S, src, at + 1 * srcStride);
        FloatVector r2 = FloatVector.fromArray(S, src, at + 2 * srcStride), r3 = FloatVector.fromArray(S, src, at + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(S, src, at + 4 * srcStride), r5 = FloatVector.fromArray(S, src, at + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(S, src, at + 6 * srcStride), r7 = FloatVector.fromArray(S, src, at + 7 * srcStride);
        FloatVector r8 = FloatVector.fromArray(S, src, at + 8 * srcStride), r9 = FloatVector.fromArray(S, src, at + 9 * srcStride);
        FloatVector r10 = FloatVector.fromArray(S, src, at + 10 * srcStride), r11 = FloatVector.fromArray(S, src, at + 11 * srcStride);
        FloatVector r12 = FloatVector.fromArray(S, src, at + 12 * srcStride), r13 = FloatVector.fromArray(S, src, at + 13 * srcStride);
        FloatVector r14 = FloatVector.fromArray(S, src, at + 14 * srcStride), r15 = FloatVector.fromArray(S, src, at + 15 * srcStride);
        FloatVector a0 = r0.rearrange(LOW, r8), a1 = r0.rearrange(HIGH, r8);
        FloatVector a2 = r1.rearrange(LOW, r9), a3 = r1.rearrange(HIGH, r9);
        FloatVector a4 = r2.rearrange(LOW, r10), a5 = r2.rearrange(HIGH, r10);
        FloatVector a6 = r3.rearrange(LOW, r11), a7 = r3.rearrange(HIGH, r11);
        FloatVector a8 = r4.rearrange(LOW, r12), a9 = r4.rearrange(HIGH, r12);
        FloatVector a10 = r5.rearrange(LOW, r13), a11 = r5.rearrange(HIGH, r13);
        FloatVector a12 = r6.rearrange(LOW, r14), a13 = r6.rearrange(HIGH, r14);
        FloatVector a14 = r7.rearrange(LOW, r15), a15 = r7.rearrange(HIGH, r15);
        FloatVector b0 = a0.rearrange(LOW, a8), b1 = a0.rearrange(HIGH, a8);
        FloatVector b2 = a1.rearrange(LOW, a9), b3 = a1.rearrange(HIGH, a9);
        FloatVector b4 = a2.rearrange(LOW, a10), b5 = a2.rearrange(HIGH, a10);
        FloatVector b6 = a3.rearrange(LOW, a11), b7 = a3.rearrange(HIGH, a11);
        FloatVector b8 = a4.rearrange(LOW, a12), b9 = a4.rearrange(HIGH, a12);
        FloatVector b10 = a5.rearrange(LOW, a13), b11 = a5.rearrange(HIGH, a13);
        FloatVector b12 = a6.rearrange(LOW, a14), b13 = a6.rearrange(HIGH, a14);
        FloatVector b14 = a7.rearrange(LOW, a15), b15 = a7.rearrange(HIGH, a15);
        FloatVector c0 = b0.rearrange(LOW, b8), c1 = b0.rearrange(HIGH, b8);
        FloatVector c2 = b1.rearrange(LOW, b9), c3 = b1.rearrange(HIGH, b9);
        FloatVector c4 = b2.rearrange(LOW, b10), c5 = b2.rearrange(HIGH, b10);
        FloatVector c6 = b3.rearrange(LOW, b11), c7 = b3.rearrange(HIGH, b11);
        FloatVector c8 = b4.rearrange(LOW, b12), c9 = b4.rearrange(HIGH, b12);
        FloatVector c10 = b5.rearrange(LOW, b13), c11 = b5.rearrange(HIGH, b13);
        FloatVector c12 = b6.rearrange(LOW, b14), c13 = b6.rearrange(HIGH, b14);
        FloatVector c14 = b7.rearrange(LOW, b15), c15 = b7.rearrange(HIGH, b15);
        FloatVector d0 = c0.rearrange(LOW, c8), d1 = c0.rearrange(HIGH, c8);
        FloatVector d2 = c1.rearrange(LOW, c9), d3 = c1.rearrange(HIGH, c9);
        FloatVector d4 = c2.rearrange(LOW, c10), d5 = c2.rearrange(HIGH, c10);
        FloatVector d6 = c3.rearrange(LOW, c11), d7 = c3.rearrange(HIGH, c11);
        FloatVector d8 = c4.rearrange(LOW, c12), d9 = c4.rearrange(HIGH, c12);
        FloatVector d10 = c5.rearrange(LOW, c13), d11 = c5.rearrange(HIGH, c13);
        FloatVector d12 = c6.rearrange(LOW, c14), d13 = c6.rearrange(HIGH, c14);
        FloatVector d14 = c7.rearrange(LOW, c15), d15 = c7.rearrange(HIGH, c15);
        d0.intoArray(dst, to + 0 * dstStride);
        d1.intoArray(dst, to + 1 * dstStride);
        d2.intoArray(dst, to + 2 * dstStride);
        d3.intoArray(dst, to + 3 * dstStride);
        d4.intoArray(dst, to + 4 * dstStride);
        d5.intoArray(dst, to + 5 * dstStride);
        d6.intoArray(dst, to + 6 * dstStride);
        d7.intoArray(dst, to + 7 * dstStride);
        d8.intoArray(dst, to + 8 * dstStride);
        d9.intoArray(dst, to + 9 * dstStride);
        d10.intoArray(dst, to + 10 * dstStride);
        d11.intoArray(dst, to + 11 * dstStride);
        d12.intoArray(dst, to + 12 * dstStride);
        d13.intoArray(dst, to + 13 * dstStride);
        d14.intoArray(dst, to + 14 * dstStride);
        d15.intoArray(dst, to + 15 * dstStride);
    }

    /** The 8 × 8 block (L = 8). */
    private static void t8(float[] src, int at, int srcStride, float[] dst, int to, int dstStride) {
        FloatVector r0 = FloatVector.fromArray(S, src, at + 0 * srcStride), r1 = FloatVector.fromArray(S, src, at + 1 * srcStride);
        FloatVector r2 = FloatVector.fromArray(S, src, at + 2 * srcStride), r3 = FloatVector.fromArray(S, src, at + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(S, src, at + 4 * srcStride), r5 = FloatVector.fromArray(S, src, at + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(S, src, at + 6 * srcStride), r7 = FloatVector.fromArray(S, src, at + 7 * srcStride);
        FloatVector a0 = r0.rearrange(LOW, r4), a1 = r0.rearrange(HIGH, r4);
        FloatVector a2 = r1.rearrange(LOW, r5), a3 = r1.rearrange(HIGH, r5);
        FloatVector a4 = r2.rearrange(LOW, r6), a5 = r2.rearrange(HIGH, r6);
        FloatVector a6 = r3.rearrange(LOW, r7), a7 = r3.rearrange(HIGH, r7);
        FloatVector b0 = a0.rearrange(LOW, a4), b1 = a0.rearrange(HIGH, a4);
        FloatVector b2 = a1.rearrange(LOW, a5), b3 = a1.rearrange(HIGH, a5);
        FloatVector b4 = a2.rearrange(LOW, a6), b5 = a2.rearrange(HIGH, a6);
        FloatVector b6 = a3.rearrange(LOW, a7), b7 = a3.rearrange(HIGH, a7);
        FloatVector c0 = b0.rearrange(LOW, b4), c1 = b0.rearrange(HIGH, b4);
        FloatVector c2 = b1.rearrange(LOW, b5), c3 = b1.rearrange(HIGH, b5);
        FloatVector c4 = b2.rearrange(LOW, b6), c5 = b2.rearrange(HIGH, b6);
        FloatVector c6 = b3.rearrange(LOW, b7), c7 = b3.rearrange(HIGH, b7);
        c0.intoArray(dst, to + 0 * dstStride);
        c1.intoArray(dst, to + 1 * dstStride);
        c2.intoArray(dst, to + 2 * dstStride);
        c3.intoArray(dst, to + 3 * dstStride);
        c4.intoArray(dst, to + 4 * dstStride);
        c5.intoArray(dst, to + 5 * dstStride);
        c6.intoArray(dst, to + 6 * dstStride);
        c7.intoArray(dst, to + 7 * dstStride);
    }

    /** L zeros: a pattern that adds nothing (to sums that start from +0, which are never −0). */
    static final float[] ZEROS = new float[L];

    /** {@return whether K rows are interleaved here: K of 2, 4, 8 or 16, at most L} */
    static boolean interleaves(int k) {
        return available() && (k == 2 || k == 4 || k == 8 || k == 16) && k <= L;
    }

    /**
     * Interleaves K rows of L elements (row r from {@code src[q + rowAt[r]]}) into K vectors at {@code dst[to …]}:
     * element j of row r goes to {@code dst[to + j·K + r]}, plus {@code pattern[(j·K + r) mod L]}. The same
     * perfect-shuffle rounds as the transpose, log2(K) of them.
     */
    static void interleave(int k, float[] src, int q, int[] rowAt, float[] pattern, float[] dst, int to) {
        if (k == 2) two(src, q, rowAt, pattern, dst, to);
        else if (k == 4) four(src, q, rowAt, pattern, dst, to);
        else if (k == 8) eight(src, q, rowAt, pattern, dst, to);
        else sixteen(src, q, rowAt, pattern, dst, to);
    }

    private static void two(float[] src, int q, int[] rowAt, float[] pattern, float[] dst, int to) {
        FloatVector r0 = FloatVector.fromArray(S, src, q + rowAt[0]), r1 = FloatVector.fromArray(S, src, q + rowAt[1]);
        FloatVector b = FloatVector.fromArray(S, pattern, 0);
        r0.rearrange(LOW, r1).add(b).intoArray(dst, to);
        r0.rearrange(HIGH, r1).add(b).intoArray(dst, to + L);
    }

    private static void four(float[] src, int q, int[] rowAt, float[] pattern, float[] dst, int to) {
        FloatVector r0 = FloatVector.fromArray(S, src, q + rowAt[0]), r1 = FloatVector.fromArray(S, src, q + rowAt[1]);
        FloatVector r2 = FloatVector.fromArray(S, src, q + rowAt[2]), r3 = FloatVector.fromArray(S, src, q + rowAt[3]);
        FloatVector a0 = r0.rearrange(LOW, r2), a1 = r0.rearrange(HIGH, r2);
        FloatVector a2 = r1.rearrange(LOW, r3), a3 = r1.rearrange(HIGH, r3);
        FloatVector b = FloatVector.fromArray(S, pattern, 0);
        a0.rearrange(LOW, a2).add(b).intoArray(dst, to);
        a0.rearrange(HIGH, a2).add(b).intoArray(dst, to + L);
        a1.rearrange(LOW, a3).add(b).intoArray(dst, to + 2 * L);
        a1.rearrange(HIGH, a3).add(b).intoArray(dst, to + 3 * L);
    }

    private static void eight(float[] src, int q, int[] rowAt, float[] pattern, float[] dst, int to) {
        FloatVector r0 = FloatVector.fromArray(S, src, q + rowAt[0]), r1 = FloatVector.fromArray(S, src, q + rowAt[1]);
        FloatVector r2 = FloatVector.fromArray(S, src, q + rowAt[2]), r3 = FloatVector.fromArray(S, src, q + rowAt[3]);
        FloatVector r4 = FloatVector.fromArray(S, src, q + rowAt[4]), r5 = FloatVector.fromArray(S, src, q + rowAt[5]);
        FloatVector r6 = FloatVector.fromArray(S, src, q + rowAt[6]), r7 = FloatVector.fromArray(S, src, q + rowAt[7]);
        FloatVector a0 = r0.rearrange(LOW, r4), a1 = r0.rearrange(HIGH, r4);
        FloatVector a2 = r1.rearrange(LOW, r5), a3 = r1.rearrange(HIGH, r5);
        FloatVector a4 = r2.rearrange(LOW, r6), a5 = r2.rearrange(HIGH, r6);
        FloatVector a6 = r3.rearrange(LOW, r7), a7 = r3.rearrange(HIGH, r7);
        FloatVector b0 = a0.rearrange(LOW, a4), b1 = a0.rearrange(HIGH, a4);
        FloatVector b2 = a1.rearrange(LOW, a5), b3 = a1.rearrange(HIGH, a5);
        FloatVector b4 = a2.rearrange(LOW, a6), b5 = a2.rearrange(HIGH, a6);
        FloatVector b6 = a3.rearrange(LOW, a7), b7 = a3.rearrange(HIGH, a7);
        FloatVector b = FloatVector.fromArray(S, pattern, 0);
        b0.rearrange(LOW, b4).add(b).intoArray(dst, to);
        b0.rearrange(HIGH, b4).add(b).intoArray(dst, to + L);
        b1.rearrange(LOW, b5).add(b).intoArray(dst, to + 2 * L);
        b1.rearrange(HIGH, b5).add(b).intoArray(dst, to + 3 * L);
        b2.rearrange(LOW, b6).add(b).intoArray(dst, to + 4 * L);
        b2.rearrange(HIGH, b6).add(b).intoArray(dst, to + 5 * L);
        b3.rearrange(LOW, b7).add(b).intoArray(dst, to + 6 * L);
        b3.rearrange(HIGH, b7).add(b).intoArray(dst, to + 7 * L);
    }

    /** Sixteen rows (L = 16): the four rounds written out, as in the 16 × 16 transpose. */
    private static void sixteen(float[] src, int q, int[] rowAt, float[] pattern, float[] dst, int to) {
        FloatVector r0 = FloatVector.fromArray(S, src, q + rowAt[0]), r1 = FloatVector.fromArray(S, src, q + rowAt[1]);
        FloatVector r2 = FloatVector.fromArray(S, src, q + rowAt[2]), r3 = FloatVector.fromArray(S, src, q + rowAt[3]);
        FloatVector r4 = FloatVector.fromArray(S, src, q + rowAt[4]), r5 = FloatVector.fromArray(S, src, q + rowAt[5]);
        FloatVector r6 = FloatVector.fromArray(S, src, q + rowAt[6]), r7 = FloatVector.fromArray(S, src, q + rowAt[7]);
        FloatVector r8 = FloatVector.fromArray(S, src, q + rowAt[8]), r9 = FloatVector.fromArray(S, src, q + rowAt[9]);
        FloatVector r10 = FloatVector.fromArray(S, src, q + rowAt[10]), r11 = FloatVector.fromArray(S, src, q + rowAt[11]);
        FloatVector r12 = FloatVector.fromArray(S, src, q + rowAt[12]), r13 = FloatVector.fromArray(S, src, q + rowAt[13]);
        FloatVector r14 = FloatVector.fromArray(S, src, q + rowAt[14]), r15 = FloatVector.fromArray(S, src, q + rowAt[15]);
        FloatVector a0 = r0.rearrange(LOW, r8), a1 = r0.rearrange(HIGH, r8);
        FloatVector a2 = r1.rearrange(LOW, r9), a3 = r1.rearrange(HIGH, r9);
        FloatVector a4 = r2.rearrange(LOW, r10), a5 = r2.rearrange(HIGH, r10);
        FloatVector a6 = r3.rearrange(LOW, r11), a7 = r3.rearrange(HIGH, r11);
        FloatVector a8 = r4.rearrange(LOW, r12), a9 = r4.rearrange(HIGH, r12);
        FloatVector a10 = r5.rearrange(LOW, r13), a11 = r5.rearrange(HIGH, r13);
        FloatVector a12 = r6.rearrange(LOW, r14), a13 = r6.rearrange(HIGH, r14);
        FloatVector a14 = r7.rearrange(LOW, r15), a15 = r7.rearrange(HIGH, r15);
        FloatVector b0 = a0.rearrange(LOW, a8), b1 = a0.rearrange(HIGH, a8);
        FloatVector b2 = a1.rearrange(LOW, a9), b3 = a1.rearrange(HIGH, a9);
        FloatVector b4 = a2.rearrange(LOW, a10), b5 = a2.rearrange(HIGH, a10);
        FloatVector b6 = a3.rearrange(LOW, a11), b7 = a3.rearrange(HIGH, a11);
        FloatVector b8 = a4.rearrange(LOW, a12), b9 = a4.rearrange(HIGH, a12);
        FloatVector b10 = a5.rearrange(LOW, a13), b11 = a5.rearrange(HIGH, a13);
        FloatVector b12 = a6.rearrange(LOW, a14), b13 = a6.rearrange(HIGH, a14);
        FloatVector b14 = a7.rearrange(LOW, a15), b15 = a7.rearrange(HIGH, a15);
        FloatVector c0 = b0.rearrange(LOW, b8), c1 = b0.rearrange(HIGH, b8);
        FloatVector c2 = b1.rearrange(LOW, b9), c3 = b1.rearrange(HIGH, b9);
        FloatVector c4 = b2.rearrange(LOW, b10), c5 = b2.rearrange(HIGH, b10);
        FloatVector c6 = b3.rearrange(LOW, b11), c7 = b3.rearrange(HIGH, b11);
        FloatVector c8 = b4.rearrange(LOW, b12), c9 = b4.rearrange(HIGH, b12);
        FloatVector c10 = b5.rearrange(LOW, b13), c11 = b5.rearrange(HIGH, b13);
        FloatVector c12 = b6.rearrange(LOW, b14), c13 = b6.rearrange(HIGH, b14);
        FloatVector c14 = b7.rearrange(LOW, b15), c15 = b7.rearrange(HIGH, b15);
        FloatVector b = FloatVector.fromArray(S, pattern, 0);
        c0.rearrange(LOW, c8).add(b).intoArray(dst, to + 0 * L);
        c0.rearrange(HIGH, c8).add(b).intoArray(dst, to + 1 * L);
        c1.rearrange(LOW, c9).add(b).intoArray(dst, to + 2 * L);
        c1.rearrange(HIGH, c9).add(b).intoArray(dst, to + 3 * L);
        c2.rearrange(LOW, c10).add(b).intoArray(dst, to + 4 * L);
        c2.rearrange(HIGH, c10).add(b).intoArray(dst, to + 5 * L);
        c3.rearrange(LOW, c11).add(b).intoArray(dst, to + 6 * L);
        c3.rearrange(HIGH, c11).add(b).intoArray(dst, to + 7 * L);
        c4.rearrange(LOW, c12).add(b).intoArray(dst, to + 8 * L);
        c4.rearrange(HIGH, c12).add(b).intoArray(dst, to + 9 * L);
        c5.rearrange(LOW, c13).add(b).intoArray(dst, to + 10 * L);
        c5.rearrange(HIGH, c13).add(b).intoArray(dst, to + 11 * L);
        c6.rearrange(LOW, c14).add(b).intoArray(dst, to + 12 * L);
        c6.rearrange(HIGH, c14).add(b).intoArray(dst, to + 13 * L);
        c7.rearrange(LOW, c15).add(b).intoArray(dst, to + 14 * L);
        c7.rearrange(HIGH, c15).add(b).intoArray(dst, to + 15 * L);
    }

    /**
     * The inverse of {@link #interleave}, without a pattern: K vectors from {@code src[from …]} (a run of L
     * groups of K elements) into K rows, element {@code j·K + r} of the run to {@code dst[to + rowAt[r] + j]}.
     */
    static void deinterleave(int k, float[] src, int from, float[] dst, int to, int[] rowAt) {
        if (k == 16) {
            split16(src, from, dst, to, rowAt);
        } else if (k == 2) {
            FloatVector v0 = FloatVector.fromArray(S, src, from), v1 = FloatVector.fromArray(S, src, from + L);
            v0.rearrange(EVENS, v1).intoArray(dst, to + rowAt[0]);
            v0.rearrange(ODDS, v1).intoArray(dst, to + rowAt[1]);
        } else if (k == 4) {
            FloatVector v0 = FloatVector.fromArray(S, src, from), v1 = FloatVector.fromArray(S, src, from + L);
            FloatVector v2 = FloatVector.fromArray(S, src, from + 2 * L), v3 = FloatVector.fromArray(S, src, from + 3 * L);
            FloatVector a0 = v0.rearrange(EVENS, v1), a2 = v0.rearrange(ODDS, v1), a1 = v2.rearrange(EVENS, v3), a3 = v2.rearrange(ODDS, v3);
            a0.rearrange(EVENS, a1).intoArray(dst, to + rowAt[0]);
            a0.rearrange(ODDS, a1).intoArray(dst, to + rowAt[2]);
            a2.rearrange(EVENS, a3).intoArray(dst, to + rowAt[1]);
            a2.rearrange(ODDS, a3).intoArray(dst, to + rowAt[3]);
        } else {
            FloatVector v0 = FloatVector.fromArray(S, src, from), v1 = FloatVector.fromArray(S, src, from + L);
            FloatVector v2 = FloatVector.fromArray(S, src, from + 2 * L), v3 = FloatVector.fromArray(S, src, from + 3 * L);
            FloatVector v4 = FloatVector.fromArray(S, src, from + 4 * L), v5 = FloatVector.fromArray(S, src, from + 5 * L);
            FloatVector v6 = FloatVector.fromArray(S, src, from + 6 * L), v7 = FloatVector.fromArray(S, src, from + 7 * L);
            FloatVector a0 = v0.rearrange(EVENS, v1), a4 = v0.rearrange(ODDS, v1), a1 = v2.rearrange(EVENS, v3), a5 = v2.rearrange(ODDS, v3);
            FloatVector a2 = v4.rearrange(EVENS, v5), a6 = v4.rearrange(ODDS, v5), a3 = v6.rearrange(EVENS, v7), a7 = v6.rearrange(ODDS, v7);
            FloatVector b0 = a0.rearrange(EVENS, a1), b4 = a0.rearrange(ODDS, a1), b1 = a2.rearrange(EVENS, a3), b5 = a2.rearrange(ODDS, a3);
            FloatVector b2 = a4.rearrange(EVENS, a5), b6 = a4.rearrange(ODDS, a5), b3 = a6.rearrange(EVENS, a7), b7 = a6.rearrange(ODDS, a7);
            b0.rearrange(EVENS, b1).intoArray(dst, to + rowAt[0]);
            b0.rearrange(ODDS, b1).intoArray(dst, to + rowAt[4]);
            b2.rearrange(EVENS, b3).intoArray(dst, to + rowAt[1]);
            b2.rearrange(ODDS, b3).intoArray(dst, to + rowAt[5]);
            b4.rearrange(EVENS, b5).intoArray(dst, to + rowAt[2]);
            b4.rearrange(ODDS, b5).intoArray(dst, to + rowAt[6]);
            b6.rearrange(EVENS, b7).intoArray(dst, to + rowAt[3]);
            b6.rearrange(ODDS, b7).intoArray(dst, to + rowAt[7]);
        }
    }

    /**
     * Lane i of channel c's row from a run of L pixels of three channels (three vectors end to end): element
     * 3i + c, from the first two vectors ({@code THREE_LOW[c]}, the second's lanes negative) or from the third
     * ({@code THREE_HIGH[c]}, in the lanes {@code THREE_FROM_HIGH[c]} selects).
     */
    private static final VectorShuffle<Float>[] THREE_LOW = three((c, i) -> {
        int e = 3 * i + c;
        return e < L ? e : e < 2 * L ? e - 2 * L : 0;
    });
    private static final VectorShuffle<Float>[] THREE_HIGH = three((c, i) -> Math.max(0, 3 * i + c - 2 * L));
    private static final VectorMask<Float>[] THREE_FROM_HIGH = threeMasks((c, i) -> 3 * i + c >= 2 * L);

    /** {@return three shuffles, lane i of shuffle j from lane {@code index(j, i)}} */
    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] three(java.util.function.IntBinaryOperator index) {
        VectorShuffle<Float>[] shuffles = new VectorShuffle[3];
        for (int j = 0; j < 3; j++) {
            int[] lanes = new int[L];   // (negative: the second vector's, in a two-vector rearrange)
            for (int i = 0; i < L; i++) lanes[i] = index.applyAsInt(j, i);
            shuffles[j] = VectorShuffle.fromArray(S, lanes, 0);
        }
        return shuffles;
    }

    /** Lane i of mask j (of j, i). */
    private interface LaneBit {
        boolean set(int j, int i);
    }

    /** {@return three masks, lane i of mask j set where {@code bit(j, i)}} */
    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] threeMasks(LaneBit bit) {
        VectorMask<Float>[] masks = new VectorMask[3];
        for (int j = 0; j < 3; j++) {
            boolean[] bits = new boolean[L];
            for (int i = 0; i < L; i++) bits[i] = bit.set(j, i);
            masks[j] = VectorMask.fromArray(S, bits, 0);
        }
        return masks;
    }

    /**
     * {@link #deinterleave} for three rows: a run of L pixels of three channels from {@code src[from …]} into
     * three rows, element {@code 3j + r} of the run to {@code dst[to + rowAt[r] + j]}; each row one two-vector
     * rearrange of the first two vectors, blended with one of the third.
     */
    static void split3(float[] src, int from, float[] dst, int to, int[] rowAt) {
        FloatVector v0 = FloatVector.fromArray(S, src, from), v1 = FloatVector.fromArray(S, src, from + L);
        FloatVector v2 = FloatVector.fromArray(S, src, from + 2 * L);
        v0.rearrange(THREE_LOW[0], v1).blend(v2.rearrange(THREE_HIGH[0]), THREE_FROM_HIGH[0]).intoArray(dst, to + rowAt[0]);
        v0.rearrange(THREE_LOW[1], v1).blend(v2.rearrange(THREE_HIGH[1]), THREE_FROM_HIGH[1]).intoArray(dst, to + rowAt[1]);
        v0.rearrange(THREE_LOW[2], v1).blend(v2.rearrange(THREE_HIGH[2]), THREE_FROM_HIGH[2]).intoArray(dst, to + rowAt[2]);
    }

    /**
     * {@link #split3} of 2L pixels, each channel's row then split by the pixels' parity (a W stride of 2): element
     * {@code 6j + 3r + c} of the run to {@code dst[to + rowAt[3r + c] + j]}.
     */
    static void split3Residues(float[] src, int from, float[] dst, int to, int[] rowAt) {
        FloatVector v0 = FloatVector.fromArray(S, src, from), v1 = FloatVector.fromArray(S, src, from + L);
        FloatVector v2 = FloatVector.fromArray(S, src, from + 2 * L), v3 = FloatVector.fromArray(S, src, from + 3 * L);
        FloatVector v4 = FloatVector.fromArray(S, src, from + 4 * L), v5 = FloatVector.fromArray(S, src, from + 5 * L);
        FloatVector a0 = v0.rearrange(THREE_LOW[0], v1).blend(v2.rearrange(THREE_HIGH[0]), THREE_FROM_HIGH[0]);
        FloatVector b0 = v3.rearrange(THREE_LOW[0], v4).blend(v5.rearrange(THREE_HIGH[0]), THREE_FROM_HIGH[0]);
        a0.rearrange(EVENS, b0).intoArray(dst, to + rowAt[0]);
        a0.rearrange(ODDS, b0).intoArray(dst, to + rowAt[3]);
        FloatVector a1 = v0.rearrange(THREE_LOW[1], v1).blend(v2.rearrange(THREE_HIGH[1]), THREE_FROM_HIGH[1]);
        FloatVector b1 = v3.rearrange(THREE_LOW[1], v4).blend(v5.rearrange(THREE_HIGH[1]), THREE_FROM_HIGH[1]);
        a1.rearrange(EVENS, b1).intoArray(dst, to + rowAt[1]);
        a1.rearrange(ODDS, b1).intoArray(dst, to + rowAt[4]);
        FloatVector a2 = v0.rearrange(THREE_LOW[2], v1).blend(v2.rearrange(THREE_HIGH[2]), THREE_FROM_HIGH[2]);
        FloatVector b2 = v3.rearrange(THREE_LOW[2], v4).blend(v5.rearrange(THREE_HIGH[2]), THREE_FROM_HIGH[2]);
        a2.rearrange(EVENS, b2).intoArray(dst, to + rowAt[2]);
        a2.rearrange(ODDS, b2).intoArray(dst, to + rowAt[5]);
    }

    /**
     * The inverse of {@link #split3}'s shuffles: lane i of run vector v (run element v·L + i) is element
     * ⌊(v·L + i) / 3⌋ of row (v·L + i) mod 3, from rows 0 and 1 by {@code WEAVE3_LOW[v]} (row 1's lanes negative) or
     * from row 2 by {@code WEAVE3_HIGH[v]}, in the lanes {@code WEAVE3_FROM_HIGH[v]} selects.
     */
    private static final VectorShuffle<Float>[] WEAVE3_LOW = three((v, i) -> {
        int e = v * L + i;
        return e % 3 == 0 ? e / 3 : e % 3 == 1 ? e / 3 - L : 0;
    });
    private static final VectorShuffle<Float>[] WEAVE3_HIGH = three((v, i) -> (v * L + i) % 3 == 2 ? (v * L + i) / 3 : 0);
    private static final VectorMask<Float>[] WEAVE3_FROM_HIGH = threeMasks((v, i) -> (v * L + i) % 3 == 2);

    /**
     * {@link #interleave} of three rows: element j of row r (from {@code src[q + rowAt[r]]}) to
     * {@code dst[to + 3j + r]}, plus {@code pattern[(3j + r) mod L]}; each vector one two-vector rearrange of
     * rows 0 and 1, blended with one of row 2.
     */
    static void weave3(float[] src, int q, int[] rowAt, float[] pattern, float[] dst, int to) {
        FloatVector r0 = FloatVector.fromArray(S, src, q + rowAt[0]), r1 = FloatVector.fromArray(S, src, q + rowAt[1]);
        FloatVector r2 = FloatVector.fromArray(S, src, q + rowAt[2]), b = FloatVector.fromArray(S, pattern, 0);
        r0.rearrange(WEAVE3_LOW[0], r1).blend(r2.rearrange(WEAVE3_HIGH[0]), WEAVE3_FROM_HIGH[0]).add(b).intoArray(dst, to);
        r0.rearrange(WEAVE3_LOW[1], r1).blend(r2.rearrange(WEAVE3_HIGH[1]), WEAVE3_FROM_HIGH[1]).add(b).intoArray(dst, to + L);
        r0.rearrange(WEAVE3_LOW[2], r1).blend(r2.rearrange(WEAVE3_HIGH[2]), WEAVE3_FROM_HIGH[2]).add(b).intoArray(dst, to + 2 * L);
    }

    /** {@return whether K rows are woven and split here: 3 ({@link #weave3}, {@link #split3}) or a power of two from 4 to L} */
    static boolean stridesOf(int k) {
        return available() && (k == 3 || k > 2 && interleaves(k));
    }

    /** {@link #interleave} or {@link #weave3}, for K of {@link #stridesOf}. */
    static void weave(int k, float[] src, int q, int[] rowAt, float[] pattern, float[] dst, int to) {
        if (k == 3) weave3(src, q, rowAt, pattern, dst, to);
        else interleave(k, src, q, rowAt, pattern, dst, to);
    }

    /** {@link #deinterleave} or {@link #split3}, for K of {@link #stridesOf}. */
    static void split(int k, float[] src, int from, float[] dst, int to, int[] rowAt) {
        if (k == 3) split3(src, from, dst, to, rowAt);
        else deinterleave(k, src, from, dst, to, rowAt);
    }

    /**
     * Every third (K = 3) or fourth (4) element: {@code dst[to + j] = src[from + K·j]} for j < L, from K vectors
     * (the first row of {@link #split}).
     */
    static void pick(int k, float[] src, int from, float[] dst, int to) {
        FloatVector v0 = FloatVector.fromArray(S, src, from), v1 = FloatVector.fromArray(S, src, from + L);
        FloatVector v2 = FloatVector.fromArray(S, src, from + 2 * L);
        if (k == 3) {
            v0.rearrange(THREE_LOW[0], v1).blend(v2.rearrange(THREE_HIGH[0]), THREE_FROM_HIGH[0]).intoArray(dst, to);
        } else {
            FloatVector v3 = FloatVector.fromArray(S, src, from + 3 * L);
            v0.rearrange(EVENS, v1).rearrange(EVENS, v2.rearrange(EVENS, v3)).intoArray(dst, to);
        }
    }

    /**
     * Runs of C channels a pixel handled as runs of P, the power of two above C (at most L; the other P − C
     * channels a padding, computed as zeros or not at all): each vector of a padded run, L/P pixels, written as
     * the run of C it pads by one rearrange (its real lanes to the front) and a masked store of (L/P)·C lanes;
     * and made from it by one load and one rearrange.
     */
    static final class Padding {
        final int channels, padded;
        private final VectorShuffle<Float> front, spread;
        private final VectorMask<Float> real;

        Padding(int channels) {
            this.channels = channels;
            padded = paddedChannels(channels);
            int p = padded, kept = L / p * channels;
            front = VectorShuffle.fromOp(S, j -> j < kept ? j / channels * p + j % channels : 0);
            spread = VectorShuffle.fromOp(S, i -> i / p * channels + Math.min(i % p, channels - 1));
            real = VectorMask.fromLong(S, kept == 64 ? -1L : (1L << kept) - 1);
        }

        /** {@return the power of two at or above c that pads it, where the shuffles weave that many rows; else 0} */
        static int paddedChannels(int c) {
            int p = Integer.highestOneBit(Math.max(1, c));
            if (p < c) p <<= 1;
            return interleaves(p) ? p : 0;
        }

        /** {@return the elements a padded vector holds of the run it pads: (L/P)·C} */
        int kept() {
            return L / padded * channels;
        }

        /**
         * The inverse: the padded vector of the L/P pixels whose run of C starts at {@code src[at …]} (L elements
         * inside src), into {@code dst[to …]}; a padding lane repeats its pixel's last channel.
         */
        void expand(float[] src, int at, float[] dst, int to) {
            FloatVector.fromArray(S, src, at).rearrange(spread).intoArray(dst, to);
        }

        /**
         * The padded vector at {@code src[at …]} into {@code dst[to …]} as its (L/P)·C elements of the run of C.
         * (Guarding the masked store's reach past dst's end, by a branch on either side of the vector, measured
         * 25 → 16–17 GFLOP/s on three channels' forward pass: kept as one line.)
         */
        void compact(float[] src, int at, float[] dst, int to) {
            FloatVector.fromArray(S, src, at).rearrange(front).intoArray(dst, to, real);
        }
    }

    /** {@link #deinterleave} of sixteen rows (L = 16): the four rounds written out. */
    private static void split16(float[] src, int from, float[] dst, int to, int[] rowAt) {
        FloatVector v0 = FloatVector.fromArray(S, src, from + 0 * L), v1 = FloatVector.fromArray(S, src, from + 1 * L);
        FloatVector v2 = FloatVector.fromArray(S, src, from + 2 * L), v3 = FloatVector.fromArray(S, src, from + 3 * L);
        FloatVector v4 = FloatVector.fromArray(S, src, from + 4 * L), v5 = FloatVector.fromArray(S, src, from + 5 * L);
        FloatVector v6 = FloatVector.fromArray(S, src, from + 6 * L), v7 = FloatVector.fromArray(S, src, from + 7 * L);
        FloatVector v8 = FloatVector.fromArray(S, src, from + 8 * L), v9 = FloatVector.fromArray(S, src, from + 9 * L);
        FloatVector v10 = FloatVector.fromArray(S, src, from + 10 * L), v11 = FloatVector.fromArray(S, src, from + 11 * L);
        FloatVector v12 = FloatVector.fromArray(S, src, from + 12 * L), v13 = FloatVector.fromArray(S, src, from + 13 * L);
        FloatVector v14 = FloatVector.fromArray(S, src, from + 14 * L), v15 = FloatVector.fromArray(S, src, from + 15 * L);
        FloatVector w0 = v0.rearrange(EVENS, v1), w8 = v0.rearrange(ODDS, v1);
        FloatVector w1 = v2.rearrange(EVENS, v3), w9 = v2.rearrange(ODDS, v3);
        FloatVector w2 = v4.rearrange(EVENS, v5), w10 = v4.rearrange(ODDS, v5);
        FloatVector w3 = v6.rearrange(EVENS, v7), w11 = v6.rearrange(ODDS, v7);
        FloatVector w4 = v8.rearrange(EVENS, v9), w12 = v8.rearrange(ODDS, v9);
        FloatVector w5 = v10.rearrange(EVENS, v11), w13 = v10.rearrange(ODDS, v11);
        FloatVector w6 = v12.rearrange(EVENS, v13), w14 = v12.rearrange(ODDS, v13);
        FloatVector w7 = v14.rearrange(EVENS, v15), w15 = v14.rearrange(ODDS, v15);
        FloatVector x0 = w0.rearrange(EVENS, w1), x8 = w0.rearrange(ODDS, w1);
        FloatVector x1 = w2.rearrange(EVENS, w3), x9 = w2.rearrange(ODDS, w3);
        FloatVector x2 = w4.rearrange(EVENS, w5), x10 = w4.rearrange(ODDS, w5);
        FloatVector x3 = w6.rearrange(EVENS, w7), x11 = w6.rearrange(ODDS, w7);
        FloatVector x4 = w8.rearrange(EVENS, w9), x12 = w8.rearrange(ODDS, w9);
        FloatVector x5 = w10.rearrange(EVENS, w11), x13 = w10.rearrange(ODDS, w11);
        FloatVector x6 = w12.rearrange(EVENS, w13), x14 = w12.rearrange(ODDS, w13);
        FloatVector x7 = w14.rearrange(EVENS, w15), x15 = w14.rearrange(ODDS, w15);
        FloatVector y0 = x0.rearrange(EVENS, x1), y8 = x0.rearrange(ODDS, x1);
        FloatVector y1 = x2.rearrange(EVENS, x3), y9 = x2.rearrange(ODDS, x3);
        FloatVector y2 = x4.rearrange(EVENS, x5), y10 = x4.rearrange(ODDS, x5);
        FloatVector y3 = x6.rearrange(EVENS, x7), y11 = x6.rearrange(ODDS, x7);
        FloatVector y4 = x8.rearrange(EVENS, x9), y12 = x8.rearrange(ODDS, x9);
        FloatVector y5 = x10.rearrange(EVENS, x11), y13 = x10.rearrange(ODDS, x11);
        FloatVector y6 = x12.rearrange(EVENS, x13), y14 = x12.rearrange(ODDS, x13);
        FloatVector y7 = x14.rearrange(EVENS, x15), y15 = x14.rearrange(ODDS, x15);
        y0.rearrange(EVENS, y1).intoArray(dst, to + rowAt[0]);
        y0.rearrange(ODDS, y1).intoArray(dst, to + rowAt[8]);
        y2.rearrange(EVENS, y3).intoArray(dst, to + rowAt[1]);
        y2.rearrange(ODDS, y3).intoArray(dst, to + rowAt[9]);
        y4.rearrange(EVENS, y5).intoArray(dst, to + rowAt[2]);
        y4.rearrange(ODDS, y5).intoArray(dst, to + rowAt[10]);
        y6.rearrange(EVENS, y7).intoArray(dst, to + rowAt[3]);
        y6.rearrange(ODDS, y7).intoArray(dst, to + rowAt[11]);
        y8.rearrange(EVENS, y9).intoArray(dst, to + rowAt[4]);
        y8.rearrange(ODDS, y9).intoArray(dst, to + rowAt[12]);
        y10.rearrange(EVENS, y11).intoArray(dst, to + rowAt[5]);
        y10.rearrange(ODDS, y11).intoArray(dst, to + rowAt[13]);
        y12.rearrange(EVENS, y13).intoArray(dst, to + rowAt[6]);
        y12.rearrange(ODDS, y13).intoArray(dst, to + rowAt[14]);
        y14.rearrange(EVENS, y15).intoArray(dst, to + rowAt[7]);
        y14.rearrange(ODDS, y15).intoArray(dst, to + rowAt[15]);
    }
}
