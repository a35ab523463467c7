package io.tconv.internal.vector;

/**
 * How a channels-last row of {@code pixels} pixels × C channels splits into its W residues' runs (residue r:
 * pixels r, r + s, r + 2s, …, each run flat over (pixel, channel)), vector by vector: per vector o of the row
 * and residue r, which of the vector's lanes belong to r and where the first of them lies in r's run. The
 * depthwise kernels that sum along runs expand runs into rows and compress rows into runs by these tables.
 */
final class RowRuns {
    /** The row's length in elements, the W stride, and the vectors a row takes. */
    final int length, stride, vectors;
    /** At {@code o·stride + r}: where residue r's first lane of vector o lies in r's run; its lanes as bits. */
    final int[] from;
    final long[] lanes;

    RowRuns(int pixels, int channels, int stride, int lanesPerVector) {
        this.stride = stride;
        length = pixels * channels;
        vectors = (length + lanesPerVector - 1) / lanesPerVector;
        from = new int[vectors * stride];
        lanes = new long[vectors * stride];
        for (int o = 0; o < vectors; o++) {
            for (int i = 0; i < lanesPerVector; i++) {
                long f = (long) o * lanesPerVector + i, pixel = f / channels;
                if (pixel >= pixels) break;
                int r = (int) (pixel % stride), at = o * stride + r;
                if (lanes[at] == 0) from[at] = (int) (pixel / stride * channels + f % channels);
                lanes[at] |= 1L << i;
            }
        }
    }

    /** {@return the most elements of any residue's run} */
    int longestRun(int channels) {
        int pixels = length / Math.max(1, channels);
        return (pixels + stride - 1) / stride * channels;
    }

    long bytes() {
        return 12L * from.length;
    }
}
