package io.tconv.internal;

/**
 * For one spatial dimension, the taps that reach each output index: the pairs (tap t, input i) with
 * {@code i·s + t·d − pb = o} and {@code 0 ≤ i < in}, in increasing t. Stored flat: the pairs of output o are
 * {@code [start[o], start[o + 1])}. Output indices that no tap reaches have an empty range (bias only).
 */
public final class Taps {
    public final int[] start;
    public final int[] tap;
    public final int[] input;

    public Taps(int in, int k, int s, int d, int pb, int out) {
        start = new int[out + 1];
        int count = 0;
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < k; t++) if (inputOf(o, t, in, s, d, pb) >= 0) count++;
        }
        tap = new int[count];
        input = new int[count];
        int n = 0;
        for (int o = 0; o < out; o++) {
            start[o] = n;
            for (int t = 0; t < k; t++) {
                int i = inputOf(o, t, in, s, d, pb);
                if (i >= 0) {
                    tap[n] = t;
                    input[n++] = i;
                }
            }
        }
        start[out] = n;
    }

    /** The input index that tap t maps onto output o, or −1 when none does. */
    static int inputOf(int o, int t, int in, int s, int d, int pb) {
        long num = (long) o + pb - (long) t * d;
        if (num < 0 || num % s != 0) return -1;
        long i = num / s;
        return i < in ? (int) i : -1;
    }

    /** First input index i ≥ 0 whose output {@code i·s + t·d − pb} is ≥ 0 (ceil division). */
    public static int firstInput(int t, int s, int d, int pb) {
        long num = (long) pb - (long) t * d;
        return num <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (num + s - 1) / s);
    }

    /** One past the last input index i whose output {@code i·s + t·d − pb} is < out, clipped to [0, in]. */
    public static int endInput(int t, int s, int d, int pb, int out, int in) {
        long num = (long) out - 1 + pb - (long) t * d;
        if (num < 0) return 0;
        return (int) Math.min(in, num / s + 1);
    }
}
