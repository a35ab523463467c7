package io.tconv.internal.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The write-back of a W stride of 2: the sums of the even and the odd output columns of a row, interleaved into
 * it with the bias. By two one-vector shuffles and a blend per half (the two-vector rearrange is not intrinsic
 * at every width); with two lanes (doubles at 128 bits) neither is, and callers write scalars instead
 * ({@link #VECTORS} is false).
 */
final class ZipF64 {
    private ZipF64() {}

    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    static final boolean VECTORS = L >= 4;
    static final VectorShuffle<Double> SPREAD_LO = VectorShuffle.fromOp(S, i -> i / 2);
    static final VectorShuffle<Double> SPREAD_HI = VectorShuffle.fromOp(S, i -> (L + i) / 2);
    static final VectorMask<Double> ODD = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL);
    /** Every other lane of two vectors, packed: the even (or odd) lanes of each, then {@code UPPER} from the second. */
    static final VectorShuffle<Double> EVENS = VectorShuffle.fromOp(S, i -> 2 * i % L);
    static final VectorShuffle<Double> ODDS = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    static final VectorMask<Double> UPPER = VectorMask.fromLong(S, -1L << (L / 2));

    /**
     * Interleaves runs {@code c[even …]} and {@code c[odd …]} of n sums each into {@code y[o …]} with the bias,
     * the last vector masked; reads up to a vector past either run unless n is a multiple of L (the callers'
     * arrays have the slack). Sums held in registers are zipped in line with these shuffles instead: a call
     * with vector arguments is not always inlined, and then boxes them.
     */
    static void runs(double[] c, int even, int odd, int n, double b, double[] y, int o) {
        if (!VECTORS) {
            for (int i = 0; i < n; i++, o += 2) {
                y[o] = b + c[even + i];
                y[o + 1] = b + c[odd + i];
            }
            return;
        }
        for (int i = 0; i < n; i += L, o += 2 * L) {
            DoubleVector e = DoubleVector.fromArray(S, c, even + i), d = DoubleVector.fromArray(S, c, odd + i);
            DoubleVector lo = e.rearrange(SPREAD_LO).blend(d.rearrange(SPREAD_LO), ODD).add(b);
            DoubleVector hi = e.rearrange(SPREAD_HI).blend(d.rearrange(SPREAD_HI), ODD).add(b);
            if (i + L <= n) {
                lo.intoArray(y, o);
                hi.intoArray(y, o + L);
            } else {
                int cells = 2 * (n - i);
                lo.intoArray(y, o, S.indexInRange(0, cells));
                if (cells > L) hi.intoArray(y, o + L, S.indexInRange(L, cells));
            }
        }
    }

    /**
     * The inverse: {@code dst[even + i] = src[from + 2i]} and {@code dst[odd + i] = src[from + 2i + 1]} for i < n,
     * two vectors in, two out, while whole vectors fit in src; where n is at least a vector, the rest as one more
     * block moved back to end at n (the overlap written again, with the same values), else one at a time.
     */
    static void unzip(double[] src, int from, int n, double[] dst, int even, int odd) {
        int i = 0;
        if (VECTORS) {
            for (int at = from; i + L <= n && at + 2 * L <= src.length; i += L, at += 2 * L) unzipBlock(src, at, dst, even + i, odd + i);
            if (i < n && n >= L) {   // (it reads src up to from + 2n, as the pairs do)
                unzipBlock(src, from + 2 * (n - L), dst, even + n - L, odd + n - L);
                i = n;
            }
        }
        for (; i < n; i++) {
            dst[even + i] = src[from + 2 * i];
            dst[odd + i] = src[from + 2 * i + 1];
        }
    }

    /** One block of {@link #unzip}: L pairs from {@code src[at …]}. */
    private static void unzipBlock(double[] src, int at, double[] dst, int even, int odd) {
        DoubleVector v0 = DoubleVector.fromArray(S, src, at), v1 = DoubleVector.fromArray(S, src, at + L);
        v0.rearrange(EVENS).blend(v1.rearrange(EVENS), UPPER).intoArray(dst, even);
        v0.rearrange(ODDS).blend(v1.rearrange(ODDS), UPPER).intoArray(dst, odd);
    }
}
