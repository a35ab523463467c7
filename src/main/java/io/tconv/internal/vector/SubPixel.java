package io.tconv.internal.vector;

import io.tconv.ConvTransposeSpec;
import io.tconv.internal.Geometry;

/**
 * The sub-pixel rewrite of a layer with few output channels, for either precision: where every kernel size is a
 * multiple of its stride (dilation 1), a transposed convolution is a stride-1 one with ∏s times the output
 * channels, followed by depth-to-space. Per dimension, output cell o is cell {@code u = o + pb} of the uncropped
 * output, {@code u = s·U + r}, and only the taps {@code t = r + s·j} (j < k/s) reach it, from input {@code U − j}:
 * <pre>  y[co, s·U + r − pb] = b[co] + Σ_{ci, j} x[ci, U − j] · w[ci, co, r + s·j]</pre>
 * which is output {@code U} of channel (r, co) of a stride-1 transposed convolution with kernel k/s and weights
 * {@code w'[ci, (r, co), j] = w[ci, co, r + s·j]}. Its GEMM (the phase GEMM with a single phase) has ∏s·Cout/groups
 * rows where the layer's own phases have Cout/groups each: FSRCNN's last layer (56 → 1, k9s3) 9 rows instead of one,
 * a 256 → 1 k4s2 layer 4, enough for a register tile. The inner layer computes U from
 * {@code floor(pb/s)} to {@code floor((pb + out − 1)/s)} (a cell more than the output at most at either end,
 * dropped), into a per-thread image; each task then moves what its band wrote to the output cells.
 *
 * <p>Inner channels are ordered (rD, rH, rW, co) within a group; the inner image is channels-first whatever the
 * layer's layout (the GEMM's tiles are rows of cells), so that an output row is woven from its W residues' rows.
 */
final class SubPixel {
    final Geometry g, inner;
    final GemmLayout gemm;
    /** Output channels per group of the inner layer: ∏s · Cout/groups. */
    final int cogInner;
    /**
     * Per dimension, where output cell 0 lies among the inner layer's cells: inner cell {@code U'} of residue r is
     * output cell {@code s·U' + r − lead}, {@code lead = pb mod s}.
     */
    final int[] lead = new int[3];

    SubPixel(Geometry g, int lanes, int bytes) {
        this.g = g;
        int[] m = new int[3], begin = new int[3], end = new int[3], in = g.in.clone();
        int phases = 1;
        for (int a = 0; a < 3; a++) {
            m[a] = g.k[a] / g.s[a];
            phases *= g.s[a];
            int first = Math.floorDiv(g.pb[a], g.s[a]), last = Math.floorDiv(g.pb[a] + g.out[a] - 1, g.s[a]);
            lead[a] = g.pb[a] - g.s[a] * first;
            begin[a] = first;
            end[a] = in[a] + m[a] - 1 - last - 1;   // the full stride-1 output is in + m − 1 cells
        }
        cogInner = phases * g.cog;
        ConvTransposeSpec spec = ConvTransposeSpec.builder(g.cin, g.groups * cogInner).groups(g.groups).inputSize(in)
                .kernel(m).stride(1, 1, 1).crops(begin, end).bias(true).channelsLast(g.channelsLast).build();
        inner = new Geometry(spec, true);   // (its image is private: rows of cells, whatever x's layout)
        gemm = new GemmLayout(inner, false, lanes, bytes);
    }

    /**
     * Whether the rewrite applies and pays: dilation 1, kernels that are multiples of the strides, not all
     * equal to them; one or two output channels per group (whose few-channel planes load an input vector per
     * multiply-add: three or four share its loads and run faster there), at least four inner rows, and a
     * reduction of at least 128 per cell (shorter ones do not pay for the GEMM's tile stores and the moves).
     */
    static boolean suits(Geometry g) {
        if (g.cog > 2 || GemmLayout.strideEqualsKernel(g)) return false;   // (that one is the depth-to-space GEMM)
        long phases = 1, taps = 1;
        for (int a = 0; a < 3; a++) {
            if (g.d[a] != 1 || g.k[a] % g.s[a] != 0) return false;
            phases *= g.s[a];
            taps *= g.k[a] / g.s[a];
        }
        return phases > 1 && phases * g.cog >= 4 && g.cig * taps >= 128;
    }

    /** Index in the layer's {@code [Cin, Cout/groups, k…]} weights of each inner weight, in the inner layer's order. */
    int[] weightSources() {
        int[] m = inner.k, src = new int[g.cin * cogInner * inner.kVol];
        for (int ci = 0; ci < g.cin; ci++) {
            for (int c = 0; c < cogInner; c++) {
                int co = c % g.cog, r = c / g.cog, rw = r % g.s[2], rh = r / g.s[2] % g.s[1], rd = r / (g.s[2] * g.s[1]);
                for (int j = 0; j < inner.kVol; j++) {
                    int jw = j % m[2], jh = j / m[2] % m[1], jd = j / (m[2] * m[1]);
                    int tap = ((rd + g.s[0] * jd) * g.k[1] + rh + g.s[1] * jh) * g.k[2] + rw + g.s[2] * jw;
                    src[(ci * cogInner + c) * inner.kVol + j] = (ci * g.cog + co) * g.kVol + tap;
                }
            }
        }
        return src;
    }

    /** The inner channel of residues (rd, rh, rw) and output channel co of a group. */
    int channel(int rd, int rh, int rw, int co) {
        return ((rd * g.s[1] + rh) * g.s[2] + rw) * g.cog + co;
    }

    /** Output cell of inner cell {@code u} of residue r in dimension a, or −1 where it is cropped. */
    int cell(int a, int u, int r) {
        int o = g.s[a] * u + r - lead[a];
        return o >= 0 && o < g.out[a] ? o : -1;
    }

    /** First inner row and end of the inner rows (channels of a group) that task {@code local} of a group computes. */
    int firstRow(int local) {
        return local % gemm.rowParts * gemm.blocksPerPart * gemm.mr;
    }

    int endRow(int local) {
        return Math.min(gemm.rows, (local % gemm.rowParts + 1) * gemm.blocksPerPart * gemm.mr);
    }

    String describe() {
        return "sub-pixel " + gemm.describe();
    }
}
