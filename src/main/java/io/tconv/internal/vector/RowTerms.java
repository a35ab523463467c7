package io.tconv.internal.vector;

import io.tconv.internal.Geometry;

/**
 * For the channels-last input gradients that read gy where it lies: a gx row's terms. The (D, H) taps through
 * which the row meets gy ({@link GyTaps}), and, for the pixels whose every W tap lands inside gy (the row's
 * {@link #interior0 interior}, the same for every row), one flat list of terms (D, H) tap × W tap × gy channel
 * step: each term's offset in gy from pixel 0 and in the packed weights. Per thread, rebuilt per row.
 */
final class RowTerms {
    private final Geometry g;
    /** The terms per (D, H, W) tap. */
    private final int channelSteps;
    /** The gx columns whose every W tap lands inside gy. */
    final int interior0, interior1;
    /**
     * Per thread: {gy rows of the (D, H) taps, their tap indices × kW, the terms' gy offsets, their weight offsets,
     * {how many (D, H) taps, how many terms}}.
     */
    private final ThreadLocal<int[][]> arrays;

    /** @param channelSteps the terms per (D, H, W) tap: the gy channel steps */
    RowTerms(Geometry g, int channelSteps) {
        this.g = g;
        this.channelSteps = channelSteps;
        int[] interior = GyTaps.interior(g);
        interior0 = interior[0];
        interior1 = interior[1];
        int taps = g.k[0] * g.k[1], terms = g.kVol * channelSteps;
        arrays = ThreadLocal.withInitial(() -> new int[][] {new int[taps], new int[taps], new int[terms], new int[terms], new int[2]});
    }

    /** {@return this thread's arrays: {gyRows, tapIndices, gyTerms, weightTerms, counts}} (as the last {@link #build} left them) */
    int[][] arrays() {
        return arrays.get();
    }

    /**
     * Builds gx row (id, ih)'s (D, H) taps inside gy (from {@code gyImage}) and its terms: per (D, H) tap, W tap
     * t and gy channel c = 0, step, … (the constructor's channel steps), the offset of gy[column t·d − pb][c] and the weight offset
     * {@code tap·wTap + c·wChannel} (tap: the flat (D, H, W) index); their counts into {@code counts}.
     */
    void build(int id, int ih, int gyImage, int step, int wTap, int wChannel) {
        int[][] a = arrays.get();
        int count = GyTaps.of(g, id, ih, gyImage, a[0], a[1]), terms = 0;
        for (int j = 0; j < count; j++) {
            for (int t = 0; t < g.k[2]; t++) {
                for (int u = 0, c = 0; u < channelSteps; u++, c += step, terms++) {
                    a[2][terms] = a[0][j] + (t * g.d[2] - g.pb[2]) * g.yp + c;
                    a[3][terms] = (a[1][j] + t) * wTap + c * wChannel;
                }
            }
        }
        a[4][0] = count;
        a[4][1] = terms;
    }
}
