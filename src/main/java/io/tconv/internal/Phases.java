package io.tconv.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The sub-pixel (phase) decomposition of a transposed convolution. Output index {@code o = r + s·q} of one
 * dimension is reached only by the taps {@code t} with {@code (r + pb − t·d) ≡ 0 (mod s)}, from input
 * {@code i = q + δ(t)} where {@code δ(t) = (r + pb − t·d) / s}. So each phase {@code r = (rD, rH, rW)} is a
 * stride-1 correlation over its own pixels {@code q}: no inserted zero is ever multiplied.
 *
 * <p>Taps that cannot reach any pixel of a phase (their input falls outside for every q) are dropped.
 */
public final class Phases {

    /** One phase: its residues, its pixel extents, and its taps with their input offsets per dimension. */
    public static final class Phase {
        /** Residue per dimension: the phase's outputs are {@code r + s·q}. */
        public final int[] r = new int[3];
        /** Number of q per dimension; the phase has {@code q[0]·q[1]·q[2]} pixels. */
        public final int[] q = new int[3];
        /** Flat kernel index {@code (tD·kH + tH)·kW + tW} of each tap. */
        public final int[] tap;
        /** Input offset δ per dimension of each tap: input {@code q + δ}. */
        public final int[] dD, dH, dW;

        Phase(int[] r, int[] q, List<int[]> taps) {
            System.arraycopy(r, 0, this.r, 0, 3);
            System.arraycopy(q, 0, this.q, 0, 3);
            int n = taps.size();
            tap = new int[n];
            dD = new int[n];
            dH = new int[n];
            dW = new int[n];
            for (int i = 0; i < n; i++) {
                int[] t = taps.get(i);
                tap[i] = t[0];
                dD[i] = t[1];
                dH[i] = t[2];
                dW[i] = t[3];
            }
        }

        /** Pixels of this phase. */
        public int pixels() { return q[0] * q[1] * q[2]; }

        /** Taps of this phase. */
        public int taps() { return tap.length; }
    }

    /** The phases that own at least one output pixel, in residue order. */
    public final Phase[] phases;

    public Phases(Geometry g) {
        List<Phase> list = new ArrayList<>();
        int[] r = new int[3], q = new int[3];
        for (r[0] = 0; r[0] < Math.min(g.s[0], g.out[0]); r[0]++) {
            for (r[1] = 0; r[1] < Math.min(g.s[1], g.out[1]); r[1]++) {
                for (r[2] = 0; r[2] < Math.min(g.s[2], g.out[2]); r[2]++) {
                    for (int a = 0; a < 3; a++) q[a] = (g.out[a] - r[a] + g.s[a] - 1) / g.s[a];
                    List<int[]> taps = new ArrayList<>();
                    for (int td = 0; td < g.k[0]; td++) {
                        Integer od = offset(g, 0, r[0], td, q[0]);
                        if (od == null) continue;
                        for (int th = 0; th < g.k[1]; th++) {
                            Integer oh = offset(g, 1, r[1], th, q[1]);
                            if (oh == null) continue;
                            for (int tw = 0; tw < g.k[2]; tw++) {
                                Integer ow = offset(g, 2, r[2], tw, q[2]);
                                if (ow == null) continue;
                                taps.add(new int[] {(td * g.k[1] + th) * g.k[2] + tw, od, oh, ow});
                            }
                        }
                    }
                    list.add(new Phase(r, q, taps));
                }
            }
        }
        phases = list.toArray(new Phase[0]);
    }

    /** δ of tap t in dimension a for residue r, or null if the tap misses this phase or never meets the input. */
    private static Integer offset(Geometry g, int a, int r, int t, int qCount) {
        long num = (long) r + g.pb[a] - (long) t * g.d[a];
        if (Math.floorMod(num, g.s[a]) != 0) return null;
        long delta = Math.floorDiv(num, g.s[a]);
        // some q in [0, qCount) must give an input q + δ in [0, in)
        if (delta + qCount - 1 < 0 || delta > g.in[a] - 1) return null;
        return (int) delta;
    }
}
