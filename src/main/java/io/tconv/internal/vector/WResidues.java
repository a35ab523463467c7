package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import java.util.Arrays;

/**
 * Along W, per output residue r (the cells r, r + s, r + 2s, …): the W taps that reach its cells, in
 * increasing order, with their input offsets δ (cell r + s·q reads input q + δ), and its cell count. For the
 * channels-last kernels that sum a cell's terms in registers.
 */
final class WResidues {
    /** Per residue: its W taps, their offsets δ. */
    final int[][] tap, delta;
    /** Per residue: its cells in the output row, and the cells q whose every W tap reads inside the input. */
    final int[] count, interior0, interior1;

    WResidues(Geometry g) {
        int sw = g.s[2];
        tap = new int[sw][];
        delta = new int[sw][];
        count = new int[sw];
        interior0 = new int[sw];
        interior1 = new int[sw];
        for (int r = 0; r < sw; r++) {
            count[r] = g.out[2] > r ? (g.out[2] - r + sw - 1) / sw : 0;
            int[] taps = new int[g.k[2]], deltas = new int[g.k[2]];
            int n = 0;
            for (int t = 0; t < g.k[2]; t++) {
                long off = (long) r + g.pb[2] - (long) t * g.d[2];   // output r + s·q reads input q + off / s
                if (Math.floorMod(off, sw) != 0) continue;
                taps[n] = t;
                deltas[n++] = Math.toIntExact(Math.floorDiv(off, sw));
            }
            tap[r] = Arrays.copyOf(taps, n);
            delta[r] = Arrays.copyOf(deltas, n);
            int q0 = 0, q1 = count[r];
            for (int dl : delta[r]) {
                q0 = Math.max(q0, -dl);
                q1 = Math.min(q1, g.in[2] - dl);
            }
            interior0[r] = Math.min(q0, count[r]);
            interior1[r] = Math.max(q1, interior0[r]);
        }
    }

    /** {@return the bytes of these tables} */
    long bytes() {
        long n = 3L * count.length;
        for (int[] t : tap) n += 2L * t.length;
        return 4 * n;
    }
}
