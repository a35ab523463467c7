package io.tconv.internal.vector;

import io.tconv.internal.Geometry;

/**
 * What the gradients by pairs of W taps ({@link InputGradientPairsF32}, {@link WeightGradientPairsF32} and their
 * double twins) share: which layers they suit, and per x row the (D, H) taps through which it meets a row of gy.
 * With a W stride of 2 and no W dilation, W taps 2q and 2q + 1 of x cell j meet gy columns
 * {@code 2j − pw + 2q} and the one after: a vector of gy holds both terms of half a vector of cells.
 */
final class TapPairs {
    /** Vectors of x cells per block: eight vectors of pairs. */
    static final int VECTORS = 4;
    /**
     * Per x row (id, ih): entries {@code first[row]} to {@code first[row + 1]} of {@code gyRow} (that gy row's
     * column 0 in its channel's plane) and of {@code tap} (the tap's flat (D, H) index), in tap order.
     */
    final int[] first, gyRow, tap;

    TapPairs(Geometry g) {
        int rows = g.in[0] * g.in[1], rowTaps = g.k[0] * g.k[1];
        first = new int[rows + 1];
        gyRow = new int[rows * rowTaps];
        tap = new int[rows * rowTaps];
        for (int row = 0, count = 0; row < rows; row++) {
            count += GyTaps.of(g, row / g.in[1], row % g.in[1], 0, 1, gyRow, tap, count);
            for (int e = first[row]; e < count; e++) tap[e] /= g.k[2];
            first[row + 1] = count;
        }
    }

    /** {@return the bytes of the tables for g} */
    static long bytes(Geometry g) {
        return Integer.BYTES * (2L * g.k[0] * g.k[1] + 1) * g.in[0] * g.in[1];
    }

    /**
     * Channels-first, one input channel per group, W stride 2, W dilation 1, an even W kernel (an odd one would
     * leave a lane of gy against nothing), L ≥ 8 (with 4 lanes, doubles at 256 bits, a vector holds two cells'
     * pairs and the row kernel measured 1.5× faster), rows of a block of 4L cells or more (a whole number of them
     * where {@code wholeBlocks}, else the last block moves back to end at the row's end), and blocks whose
     * vectors of pairs other than the first and last lie inside gy's row for every pair of taps.
     */
    static boolean suit(Geometry g, int lanes, boolean wholeBlocks) {
        if (g.channelsLast || lanes < 8 || g.cig != 1 || g.s[2] != 2 || g.d[2] != 1 || g.k[2] % 2 != 0) return false;
        int inW = g.in[2], block = VECTORS * lanes;
        if (inW < block || wholeBlocks && inW % block != 0) return false;
        for (int j0 = 0; ; j0 += block) {
            j0 = Math.min(j0, inW - block);
            int col0 = 2 * j0 - g.pb[2];
            if (col0 + lanes < 0 || col0 + (g.k[2] - 2) + 7 * lanes > g.out[2]) return false;
            if (j0 == inW - block) return true;
        }
    }

    /** {@return the lanes of a vector of gy from column {@code col} that lie inside its row of outW, as bits} */
    static long inRow(int col, int outW, int lanes) {
        int lo = Math.min(lanes, Math.max(0, -col)), hi = Math.max(lo, Math.min(lanes, outW - col));
        return hi > lo ? -1L >>> (64 - (hi - lo)) << lo : 0L;
    }
}
