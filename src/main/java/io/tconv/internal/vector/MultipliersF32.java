package io.tconv.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Channels-last depthwise multipliers (one input channel per group, m output channels per group): input channel
 * c meets output channels c·m … c·m + m − 1, so in channels-last tensors a pixel's output channels are its input
 * channels each repeated m times. The depthwise channels-last kernels, whose vectors run across a pixel's
 * channels with one output channel per lane, run on them through this: x's pixels {@linkplain #spread spread}
 * to one value per output channel (per vector of output channels, one load and one register shuffle), and the
 * input gradient's per-output-channel sums {@linkplain #sum added back} over each group's m lanes (shifted
 * copies of a vector added, then every m-th lane picked).
 */
final class MultipliersF32 {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();
    /** Whether to use vectors: a rearrange of two lanes (doubles at 128 bits) is not intrinsic, and would box. */
    static final boolean VECTORS = L >= 4;

    /** Input channels (groups), output channels per group, output channels. */
    final int channels, m, outChannels;
    /** Per vector of output channels: the input channel its first lane reads, and each lane's offset from it. */
    private final int[] source;
    private final VectorShuffle<Float>[] spreads;
    /**
     * Summing back (m ≤ L): groups per vector; the shifts added (by 1, 2, 4, … when m is a power of two, else by
     * 1 … m − 1), the pick of lanes 0, m, 2m, …, and the mask of a vector's groups.
     */
    private final int perVector;
    private final boolean doubling;
    private final VectorShuffle<Float>[] shifts;
    private final VectorShuffle<Float> pick;
    private final VectorMask<Float> groupsMask;

    @SuppressWarnings("unchecked")
    MultipliersF32(int channels, int m) {
        this.channels = channels;
        this.m = m;
        outChannels = channels * m;
        int vectors = (outChannels + L - 1) / L;
        source = new int[vectors];
        spreads = new VectorShuffle[vectors];
        for (int v = 0; v < vectors; v++) {
            int c0 = v * L;
            source[v] = c0 / m;
            spreads[v] = VectorShuffle.fromOp(S, i -> (c0 + i) / m - c0 / m);
        }
        perVector = Math.max(1, L / m);
        doubling = Integer.bitCount(m) == 1;
        int count = m > L ? 0 : doubling ? Integer.numberOfTrailingZeros(m) : m - 1;
        shifts = new VectorShuffle[count];
        for (int j = 0; j < count; j++) {
            int by = doubling ? 1 << j : j + 1;
            shifts[j] = VectorShuffle.fromOp(S, i -> Math.min(i + by, L - 1));
        }
        pick = VectorShuffle.fromOp(S, i -> Math.min(i * m, L - 1));
        groupsMask = S.indexInRange(0, perVector);
    }

    /**
     * Writes {@code pixels} pixels of x from {@code from} (channels-last, {@link #channels} per pixel) spread to
     * {@link #outChannels} per pixel into {@code dst} from {@code to}.
     */
    void spread(float[] x, int from, int pixels, float[] dst, int to) {
        if (!VECTORS) {
            for (int p = 0; p < pixels; p++) {
                for (int c = 0; c < outChannels; c++) dst[to + p * outChannels + c] = x[from + p * channels + c / m];
            }
            return;
        }
        int last = source.length - 1;
        VectorMask<Float> tail = S.indexInRange(last * L, outChannels);
        for (int v = 0; v <= last; v++) {
            VectorShuffle<Float> lanes = spreads[v];
            for (int p = 0, at = from + source[v], d = to + v * L; p < pixels; p++, at += channels, d += outChannels) {
                // a load that would run past the array (the tensor's last pixel) reads only what is there
                FloatVector in = at + L <= x.length ? FloatVector.fromArray(S, x, at) : FloatVector.fromArray(S, x, at, S.indexInRange(at, x.length));
                FloatVector out = in.rearrange(lanes);
                if (v < last) out.intoArray(dst, d);
                else out.intoArray(dst, d, tail);   // the next pixel's first channels are already written
            }
        }
    }

    /**
     * Writes {@code pixels} pixels of per-output-channel values from {@code from} ({@link #outChannels} per pixel,
     * with at least L elements after the last) summed over each group's m into {@code dst} from {@code to}
     * ({@link #channels} per pixel).
     */
    void sum(float[] src, int from, int pixels, float[] dst, int to) {
        for (int p = 0, s = from, d = to; p < pixels; p++, s += outChannels, d += channels) {
            if (m > L || !VECTORS) {   // a group past a vector: in order, one at a time (reduceLanes' order may change when C2 compiles it)
                for (int c = 0; c < channels; c++) {
                    float sum = 0;
                    for (int j = 0, at = s + c * m; j < m; j++) sum += src[at + j];
                    dst[d + c] = sum;
                }
                continue;
            }
            for (int c0 = 0; c0 < channels; c0 += perVector) {
                FloatVector v = FloatVector.fromArray(S, src, s + c0 * m), acc = v;
                if (doubling) {
                    for (VectorShuffle<Float> shift : shifts) acc = acc.add(acc.rearrange(shift));   // lane i: lanes i … i + 2^(j+1) − 1
                } else {
                    for (VectorShuffle<Float> shift : shifts) acc = acc.add(v.rearrange(shift));   // lane i: lanes i … i + j + 1
                }
                FloatVector sums = acc.rearrange(pick);
                if (c0 + perVector <= channels) sums.intoArray(dst, d + c0, groupsMask);
                else sums.intoArray(dst, d + c0, S.indexInRange(c0, channels));
            }
        }
    }
}
