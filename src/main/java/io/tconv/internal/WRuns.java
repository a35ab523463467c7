package io.tconv.internal;

/**
 * Along W, the inputs each kernel tap carries into the output row: tap t maps inputs {@code [first[t], end[t])}
 * onto outputs {@code firstOut[t], firstOut[t] + sW, …}; inputs outside that range land in a crop. The kernels
 * that sweep a tap along an output row use it.
 */
public final class WRuns {
    public final int[] first, end, firstOut;

    public WRuns(Geometry g) {
        int kw = g.k[2];
        first = new int[kw];
        end = new int[kw];
        firstOut = new int[kw];
        for (int t = 0; t < kw; t++) {
            first[t] = Taps.firstInput(t, g.s[2], g.d[2], g.pb[2]);
            end[t] = Taps.endInput(t, g.s[2], g.d[2], g.pb[2], g.out[2], g.in[2]);
            firstOut[t] = first[t] * g.s[2] + t * g.d[2] - g.pb[2];
        }
    }

    /** {@return the bytes of these tables} */
    public long bytes() { return 12L * first.length; }
}
