package io.tconv.internal.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums along flat runs of (pixel, channel) of a channels-last depthwise layer with C channels, for the
 * kernels whose vectors run along a row's pixels and channels together (every lane in use whatever C is). A
 * term adds a source run times its tap's weights repeated along the run; which weights a vector needs depends
 * on the channel of its first lane, which repeats every {@link #period} vectors. Also the moves between a row
 * and its W residues' runs ({@link RowRuns}): expanding the runs into a row, compressing a row into runs.
 */
final class RunSumsF32 {
    static final VectorSpecies<Float> S = VectorConstants.FLOATS;
    static final int L = S.length();

    private final int c;
    /** Vectors after which the channel of a vector's first lane repeats: C / gcd(C, L). */
    private final int period;
    /** The weights repeated along a run, {@code [tap][first channel][lane]}; the bias likewise, {@code [first channel][lane]}. */
    private final float[] wRun, biasRun;

    /** @param weight {@code [C][taps]}, or null for dot products only; @param bias C values, or null for none */
    RunSumsF32(int c, int taps, float[] weight, float[] bias) {
        this.c = c;
        int gcd = c;
        for (int b = L; b != 0; ) {
            int t = gcd % b;
            gcd = b;
            b = t;
        }
        period = c / gcd;
        wRun = new float[weight == null ? 0 : taps * c * L];
        for (int t = 0; t < taps && weight != null; t++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < L; i++) wRun[(t * c + ch) * L + i] = weight[(ch + i) % c * taps + t];
            }
        }
        biasRun = new float[c * L];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < L; i++) biasRun[ch * L + i] = bias == null ? 0 : bias[(ch + i) % c];
        }
    }

    long bytes() {
        return (long) Float.BYTES * (wRun.length + biasRun.length);
    }

    /**
     * {@code run[at + f] = bias + Σ_t src[from[t] + f] · w[tap[t]]} over f in [f0, f1), f0 a multiple of C (its first
     * lane channel 0), the terms in order: the whole vectors four terms per pass over the run (a vector's sum kept
     * in the run between passes), then the rest.
     */
    void sum(float[] src, int[] from, int[] tap, int terms, float[] run, int at, int f0, int f1) {
        int end = f0 + (f1 - f0) / L * L;
        for (int j = 0; j < terms; j += 4) {
            int count = Math.min(4, terms - j), last = j + count - 1;
            int j1 = Math.min(j + 1, last), j2 = Math.min(j + 2, last);
            pass(src, run, at, f0, end, j == 0, count, from[j], from[j1], from[j2], from[last], tap[j] * c * L, tap[j1] * c * L,
                    tap[j2] * c * L, tap[last] * c * L);
        }
        if (terms == 0) pass(src, run, at, f0, end, true, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        if (end < f1) rest(src, from, tap, terms, run, at, f0, end, f1);
    }

    /**
     * The whole vectors of [f0, end) for up to four terms: from the bias when {@code first}, else from the run. The
     * vectors go in {@link #period} strided sweeps, each with its weights in registers (reloading them per vector
     * made the loop twice as slow).
     */
    private void pass(float[] src, float[] run, int at, int f0, int end, boolean first, int count, int x0, int x1, int x2, int x3,
                      int w0, int w1, int w2, int w3) {
        int stride = period * L;
        for (int k = 0; k < period && f0 + k * L < end; k++) {
            int rot = k * L % c * L;
            FloatVector v0 = FloatVector.fromArray(S, wRun, w0 + rot), v1 = FloatVector.fromArray(S, wRun, w1 + rot);
            FloatVector v2 = FloatVector.fromArray(S, wRun, w2 + rot), v3 = FloatVector.fromArray(S, wRun, w3 + rot);
            FloatVector b = FloatVector.fromArray(S, biasRun, rot);
            for (int f = f0 + k * L; f < end; f += stride) {
                FloatVector acc = first ? b : FloatVector.fromArray(S, run, at + f);
                if (count > 0) acc = FloatVector.fromArray(S, src, x0 + f).fma(v0, acc);
                if (count > 1) acc = FloatVector.fromArray(S, src, x1 + f).fma(v1, acc);
                if (count > 2) acc = FloatVector.fromArray(S, src, x2 + f).fma(v2, acc);
                if (count > 3) acc = FloatVector.fromArray(S, src, x3 + f).fma(v3, acc);
                acc.intoArray(run, at + f);
            }
        }
    }

    /**
     * [end, f1), less than a vector after the whole ones, every term summed in a register: as the whole vector that
     * ends at f1 where the run is that long (its lanes before {@code end} get the same values again, by the same
     * operations in the same order), else masked. A masked load or store that might reach past its array checks its
     * lanes one by one, tens of times slower: at the end of the caller's tensors it would.
     */
    private void rest(float[] src, int[] from, int[] tap, int terms, float[] run, int at, int f0, int end, int f1) {
        boolean whole = f1 - f0 >= L;
        int f = whole ? f1 - L : end, rot = (f - f0) % c * L;
        VectorMask<Float> m = lanes(f1 - f);
        FloatVector acc = FloatVector.fromArray(S, biasRun, rot);
        for (int t = 0; t < terms; t++) {
            FloatVector v = whole ? FloatVector.fromArray(S, src, from[t] + f) : FloatVector.fromArray(S, src, from[t] + f, m);
            acc = v.fma(FloatVector.fromArray(S, wRun, tap[t] * c * L + rot), acc);
        }
        if (whole) acc.intoArray(run, at + f);
        else acc.intoArray(run, at + f, m);
    }

    /**
     * Adds {@code x[xAt + f] · src[from[t] + f]} over f in [f0, f1) (f0 a multiple of C) into
     * {@code acc[(tap[t]·C + ch)·L + lane]}, ch the channel of the vector's first lane: per sweep four terms, each x
     * vector loaded once for them; the last, partial vector's products masked (a channel at a time where its
     * vectors could reach past an array's end).
     */
    void dots(float[] x, int xAt, float[] src, int[] from, int[] tap, int terms, int f0, int f1, float[] acc) {
        int end = f0 + (f1 - f0) / L * L, stride = period * L;
        for (int j = 0; j < terms; j += 4) {
            int count = Math.min(4, terms - j), last = j + count - 1, j1 = Math.min(j + 1, last), j2 = Math.min(j + 2, last);
            int s0 = from[j], s1 = from[j1], s2 = from[j2], s3 = from[last];
            for (int k = 0; k < period && f0 + k * L < end; k++) {
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int f = f0 + k * L; f < end; f += stride) {
                    FloatVector xv = FloatVector.fromArray(S, x, xAt + f);
                    a0 = xv.fma(FloatVector.fromArray(S, src, s0 + f), a0);
                    if (count > 1) a1 = xv.fma(FloatVector.fromArray(S, src, s1 + f), a1);
                    if (count > 2) a2 = xv.fma(FloatVector.fromArray(S, src, s2 + f), a2);
                    if (count > 3) a3 = xv.fma(FloatVector.fromArray(S, src, s3 + f), a3);
                }
                int ch = k * L % c;
                add(acc, (tap[j] * c + ch) * L, a0);
                if (count > 1) add(acc, (tap[j1] * c + ch) * L, a1);
                if (count > 2) add(acc, (tap[j2] * c + ch) * L, a2);
                if (count > 3) add(acc, (tap[last] * c + ch) * L, a3);
            }
        }
        if (end == f1) return;
        int ch = (end - f0) % c, n = f1 - end;
        boolean inside = xAt + end + L <= x.length;
        for (int t = 0; t < terms; t++) inside &= from[t] + end + L <= src.length;
        if (inside) {
            FloatVector xv = FloatVector.zero(S).blend(FloatVector.fromArray(S, x, xAt + end), lanes(n));
            for (int t = 0; t < terms; t++) add(acc, (tap[t] * c + ch) * L, xv.mul(FloatVector.fromArray(S, src, from[t] + end)));
        } else {
            for (int t = 0; t < terms; t++) {
                for (int i = 0, at = (tap[t] * c + ch) * L; i < n; i++) acc[at + i] += x[xAt + end + i] * src[from[t] + end + i];
            }
        }
    }

    private static void add(float[] acc, int at, FloatVector v) {
        FloatVector.fromArray(S, acc, at).add(v).intoArray(acc, at);
    }

    /** {@return whether a row's vector holds an even number of whole pixels at W stride 2: C divides L/2} */
    private static boolean pairsApply(int c, int sw) {
        return sw == 2 && L / 2 % c == 0;
    }

    /**
     * At W stride 2 with C dividing L / 2, the two-vector rearrange that makes a vector of the row from the two
     * residues' runs at the same place (a vector holds an even number of pixels, half of them from each); else null.
     */
    static VectorShuffle<Float> pairs(int c, int sw) {
        if (!pairsApply(c, sw)) return null;
        int[] index = new int[L];
        for (int i = 0; i < L; i++) {
            int pixel = i / c;
            index[i] = (pixel % 2 == 0 ? 0 : -L) + pixel / 2 * c + i % c;   // negative: the second vector's lane
        }
        return VectorShuffle.fromArray(S, index, 0);
    }

    /**
     * Writes row {@code y[yRow …]} from its residues' runs (residue r's at {@code runs[r · runLength]}): with
     * {@link #pairs}, a whole vector by one rearrange of the runs' vectors at half its offset; else by expanding
     * each residue's lanes into place.
     */
    static void expand(float[] runs, int runLength, RowRuns rr, VectorShuffle<Float> pairs, float[] y, int yRow) {
        int sw = rr.stride, length = rr.length, whole = length - length % L;
        int[] from = rr.from;
        long[] lanes = rr.lanes;
        if (pairs != null) {
            for (int f = 0; f < whole; f += L) {
                FloatVector.fromArray(S, runs, f / 2).rearrange(pairs, FloatVector.fromArray(S, runs, runLength + f / 2)).intoArray(y, yRow + f);
            }
        } else if (sw == 2) {   // the common stride, without the loop over residues
            for (int f = 0, at = 0; f < whole; f += L, at += 2) {
                VectorMask<Float> odd = VectorMask.fromLong(S, lanes[at + 1]);
                FloatVector.fromArray(S, runs, from[at]).expand(VectorMask.fromLong(S, lanes[at]))
                        .blend(FloatVector.fromArray(S, runs, runLength + from[at + 1]).expand(odd), odd).intoArray(y, yRow + f);
            }
        }
        for (int f = sw == 2 ? whole : 0, o = f / L; f < length; o++, f += L) {
            FloatVector v = FloatVector.zero(S);
            for (int r = 0, at = o * sw; r < sw; r++, at++) {
                if (lanes[at] == 0) continue;
                VectorMask<Float> m = VectorMask.fromLong(S, lanes[at]);
                v = v.blend(FloatVector.fromArray(S, runs, r * runLength + from[at]).expand(m), m);
            }
            if (f + L <= length) v.intoArray(y, yRow + f);
            else v.intoArray(y, yRow + f, lanes(length - f));
        }
    }

    /**
     * The inverse of {@link #pairs}: the two-vector rearrange that takes residue r's lanes (r of 0 and 1) out of
     * two vectors of a row, where {@link #pairs} applies; else null.
     */
    static VectorShuffle<Float> unpair(int c, int sw, int r) {
        if (!pairsApply(c, sw)) return null;
        int[] index = new int[L];
        for (int i = 0; i < L; i++) {
            int e = (2 * (i / c) + r) * c + i % c;   // in the two vectors end to end
            index[i] = e < L ? e : e - 2 * L;   // negative: the second vector's lane
        }
        return VectorShuffle.fromArray(S, index, 0);
    }

    /**
     * Splits row {@code src[row …]} into its residues' runs (residue r's at {@code runs[at + r · runLength]}, each
     * with L elements of slack after it: a vector's compressed lanes are stored whole, the lanes past them
     * overwritten by the next vector's): with {@link #unpair}'s rearranges ({@code even}, {@code odd}), two
     * vectors of the row at a time; else by compressing each vector's lanes of each residue.
     */
    static void compress(float[] src, int row, RowRuns rr, VectorShuffle<Float> even, VectorShuffle<Float> odd, float[] runs, int at,
                         int runLength) {
        int sw = rr.stride, length = rr.length;
        int[] from = rr.from;
        long[] lanes = rr.lanes;
        int whole = length - length % L, done = 0;
        if (even != null) {
            for (; done + 2 * L <= length; done += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(S, src, row + done), v1 = FloatVector.fromArray(S, src, row + done + L);
                v0.rearrange(even, v1).intoArray(runs, at + done / 2);
                v0.rearrange(odd, v1).intoArray(runs, at + runLength + done / 2);
            }
        } else if (sw == 2) {   // the common stride, without the loop over residues
            for (int t = 0; done < whole; done += L, t += 2) {
                FloatVector v = FloatVector.fromArray(S, src, row + done);
                v.compress(VectorMask.fromLong(S, lanes[t])).intoArray(runs, at + from[t]);
                v.compress(VectorMask.fromLong(S, lanes[t + 1])).intoArray(runs, at + runLength + from[t + 1]);
            }
        }
        for (int f = done, o = f / L; f < length; o++, f += L) {
            FloatVector v = f + L <= length ? FloatVector.fromArray(S, src, row + f) : FloatVector.fromArray(S, src, row + f, lanes(length - f));
            for (int r = 0, t = o * sw; r < sw; r++, t++) {
                if (lanes[t] != 0) v.compress(VectorMask.fromLong(S, lanes[t])).intoArray(runs, at + r * runLength + from[t]);
            }
        }
    }

    /** The first n lanes (all for n ≥ L), from bits: cheaper than {@code indexInRange} in these short loops. */
    static VectorMask<Float> lanes(int n) {
        return VectorMask.fromLong(S, n >= L ? -1L : (1L << n) - 1);
    }
}
