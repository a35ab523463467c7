package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import jdk.incubator.vector.VectorShuffle;

/**
 * For the gradients of a channels-last depthwise layer with fewer channels than lanes, whose vectors run along
 * rows' flat runs of (pixel, channel): gy's rows split into their W residues' runs. x (or gx) pixel iw's W tap t
 * meets gy pixel iw·s + e, e = t·d − pb: residue r = e mod s at cell iw + δ, δ = ⌊e/s⌋, so a tap's terms along an
 * x row are that residue's run shifted by δ·C. A task is a block of x rows of one plane; the gy rows they meet
 * are split once per block ({@link RowRuns}, by vector compresses or rearranges) into a per-thread buffer, a slot per (D tap,
 * gy row); at W stride 1 a gy row is its own run and nothing is split.
 */
final class GyRunsF32 {
    /** A block's split gy rows at most this (L2 resident while its x rows read them). */
    static final long BLOCK_BYTES = 256 << 10;

    private final Geometry g;
    /** Per W tap: the gy residue it reads, its offset δ, that residue's cells. */
    final int[] tapResidue, tapDelta, residueCells;
    /** The x columns whose every W tap lands inside gy. */
    final int[] interior;
    /** With a W stride: a gy row's residues, and the length of a residue's run in the buffer (with slack). */
    private final RowRuns rowRuns;
    private final int runLength;
    /** {@link RunSumsF32#unpair}'s rearranges for residues 0 and 1, where they apply; else null. */
    private final VectorShuffle<Float> even, odd;
    /** x rows per task (a block of one plane), tasks per plane, and the gy rows per D tap a block meets: its slots. */
    final int blockRows, blocksPerPlane;
    private final int span;

    GyRunsF32(Geometry g) {
        this.g = g;
        int c = g.cout, sw = g.s[2], kw = g.k[2];
        rowRuns = sw == 1 ? null : new RowRuns(g.out[2], c, sw, RunSumsF32.L);
        runLength = sw == 1 ? 0 : rowRuns.longestRun(c) + RunSumsF32.L;
        even = RunSumsF32.unpair(c, sw, 0);
        odd = RunSumsF32.unpair(c, sw, 1);
        // Blocks whose split gy rows fit BLOCK_BYTES: each gy row is split once per block, not once per x row that
        // meets it (kH / sH of them).
        long rowBytes = (long) Float.BYTES * g.k[0] * sw * runLength;
        int rows = 1;
        while (rows < g.in[1] && rows < 64 && spanOf(rows * 2) <= BLOCK_BYTES / Math.max(1, rowBytes)) rows *= 2;
        blocksPerPlane = (g.in[1] + rows - 1) / rows;
        blockRows = (g.in[1] + blocksPerPlane - 1) / blocksPerPlane;
        span = Math.toIntExact(spanOf(blockRows));
        tapResidue = new int[kw];
        tapDelta = new int[kw];
        for (int t = 0; t < kw; t++) {
            long e = (long) t * g.d[2] - g.pb[2];
            tapResidue[t] = (int) Math.floorMod(e, sw);
            tapDelta[t] = (int) Math.floorDiv(e, sw);
        }
        interior = GyTaps.interior(g);
        residueCells = new int[sw];
        for (int r = 0; r < sw; r++) residueCells[r] = g.out[2] > r ? (g.out[2] - r + sw - 1) / sw : 0;
    }

    /** {@return the gy rows a block of {@code rows} x rows meets per D tap, from its first (which may be negative)} */
    private long spanOf(int rows) {
        return (rows - 1L) * g.s[1] + (g.k[1] - 1L) * g.d[1] + 1;
    }

    /** {@return the elements of a thread's buffer} */
    int bufferLength() {
        return g.k[0] * span * g.s[2] * runLength;
    }

    long sharedBytes() {
        return 12L * g.k[2] + 4L * g.s[2] + (rowRuns == null ? 0 : rowRuns.bytes());
    }

    /** {@return the first gy row (in H) that block {@code block} of a plane meets} */
    int firstRow(int block) {
        return block * blockRows * g.s[1] - g.pb[1];
    }

    /** Splits the gy rows that block {@code block} of x plane id meets (image at {@code gyImage}) into {@code runs}. */
    void split(int id, int block, float[] gy, int gyImage, float[] runs) {
        int sw = g.s[2], c = g.cout, ohLo = firstRow(block);
        if (sw == 1) return;
        for (int kd = 0; kd < g.k[0]; kd++) {
            long od = (long) id * g.s[0] - g.pb[0] + (long) kd * g.d[0];
            if (od < 0 || od >= g.out[0]) continue;
            for (int oh = Math.max(0, ohLo), end = (int) Math.min(g.out[1], (long) ohLo + span); oh < end; oh++) {
                int gyRow = gyImage + (int) ((od * g.out[1] + oh) * g.out[2] * c);
                RunSumsF32.compress(gy, gyRow, rowRuns, even, odd, runs, (kd * span + oh - ohLo) * sw * runLength, runLength);
            }
        }
    }

    /**
     * Lists the terms of x row (id, ih) of a block whose first gy row is ohLo, in (D, H, W) tap order: where each
     * reads its run for iw = 0 (in the split buffer, or in gy itself at W stride 1), its flat tap, its W tap.
     * {@code gyRows} and {@code rowTaps} are scratch of kD·kH. Returns how many.
     */
    int terms(int id, int ih, int ohLo, int gyImage, int[] gyRows, int[] rowTaps, int[] from, int[] tap, int[] wTap) {
        int c = g.cout, sw = g.s[2], plane = g.out[1] * g.out[2] * c;
        int rows = GyTaps.of(g, id, ih, gyImage, gyRows, rowTaps), terms = 0;
        for (int j = 0; j < rows; j++) {
            int gyRow = gyRows[j], at = gyRow - gyImage, od = at / plane, oh = at % plane / (g.out[2] * c);
            int runs = ((od - (id * g.s[0] - g.pb[0])) / g.d[0] * span + oh - ohLo) * sw * runLength;   // its slot: (kd, oh − ohLo)
            for (int kw = 0; kw < g.k[2]; kw++, terms++) {
                from[terms] = (sw == 1 ? gyRow : runs + tapResidue[kw] * runLength) + tapDelta[kw] * c;
                tap[terms] = rowTaps[j] + kw;
                wTap[terms] = kw;
            }
        }
        return terms;
    }

    /** {@return whether W tap kw of x pixel iw lands inside gy} */
    boolean inside(int kw, int iw) {
        int q = iw + tapDelta[kw];
        return q >= 0 && q < residueCells[tapResidue[kw]];
    }
}
