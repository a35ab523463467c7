package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;

/**
 * How the few-channel path cuts a geometry, for either precision. It is output-stationary and vectorized
 * along W: one output line (od, oh) of a block of output channels at a time, each W residue {@code r} (outputs
 * {@code ow = r + sW·q}) computed as a stride-1 correlation over q, then the residues interleaved into the line.
 * <ul>
 * <li>A task is a band of output lines of one D plane of one group. It first copies the input lines its band
 *     reads, of every input channel of the group, into a zero-padded per-thread buffer, so the reduction loads
 *     whole vectors with no bounds or masks and a tap that falls outside the input multiplies a zero.</li>
 * <li>Per W residue only the taps that reach it are listed, with their input offset δ: no inserted zero is
 *     ever multiplied.</li>
 * </ul>
 * Weights are packed as {@code [group][ci][tap][co]}, with output channels padded to the channel block.
 */
final class RowLayout {
    final Geometry g;
    final Taps tapsD, tapsH;
    /** Output channels computed together: 1 for depthwise-like layers (one channel per group), else 4. */
    final int block, cogPad;
    /** Per W residue: the taps (kernel index along W) that reach it and their input offsets δ. */
    final int[][] wTap, wDelta;
    /** q positions computed per line (a multiple of two vectors) and the padded input line length. */
    final int qCeil, padLeft, lineLength;
    /** Bands: D plane, first and end output row, first and end input row read. */
    final int[] bandOd, bandH0, bandH1, bandIh0, bandIh1;
    final int bandsPerGroup;
    /** Packed input lines per input channel in the buffer: D taps × input rows, the largest over bands. */
    final int slotsPerChannel, hSpan;
    final long macsPerTask;

    /** @param lanes vector lanes; @param bytes bytes per element */
    RowLayout(Geometry g, int lanes, int bytes) {
        this.g = g;
        tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
        tapsH = new Taps(g.in[1], g.k[1], g.s[1], g.d[1], g.pb[1], g.out[1]);
        block = g.cog == 1 ? 1 : 4;
        cogPad = TileShape.ceilDiv(g.cog, block) * block;

        int sw = g.s[2], outW = g.out[2], inW = g.in[2];
        int qMax = TileShape.ceilDiv(outW, sw);
        qCeil = TileShape.ceilDiv(qMax, 2 * lanes) * 2 * lanes;
        wTap = new int[sw][];
        wDelta = new int[sw][];
        int minDelta = 0, maxDelta = 0;
        for (int r = 0; r < sw; r++) {
            int qCount = outW > r ? TileShape.ceilDiv(outW - r, sw) : 0;
            int n = 0;
            int[] taps = new int[g.k[2]], deltas = new int[g.k[2]];
            for (int t = 0; t < g.k[2]; t++) {
                long num = (long) r + g.pb[2] - (long) t * g.d[2];
                if (Math.floorMod(num, sw) != 0) continue;
                long delta = Math.floorDiv(num, sw);
                if (qCount == 0 || delta + qCount - 1 < 0 || delta > inW - 1) continue;   // never meets the input
                taps[n] = t;
                deltas[n++] = (int) delta;
                minDelta = Math.min(minDelta, (int) delta);
                maxDelta = Math.max(maxDelta, (int) delta);
            }
            wTap[r] = java.util.Arrays.copyOf(taps, n);
            wDelta[r] = java.util.Arrays.copyOf(deltas, n);
        }
        padLeft = -minDelta;
        lineLength = Math.max(padLeft + inW, padLeft + qCeil + maxDelta);

        // Bands: enough lines for ~512K multiply-adds per task (each band copies its input once, and neighbouring
        // bands share input rows), and a buffer of at most ~512 KiB.
        long tapsPerOutput = Math.max(1, (long) g.kVol / ((long) g.s[0] * g.s[1] * g.s[2]));
        long macsPerLine = Math.max(1, (long) g.cig * g.cog * outW * tapsPerOutput);
        int rows = (int) Math.max(1, Math.min(g.out[1], (1 << 19) / macsPerLine));
        int dTaps = 1;
        for (int od = 0; od < g.out[0]; od++) dTaps = Math.max(dTaps, tapsD.start[od + 1] - tapsD.start[od]);
        while (rows > 1 && (long) g.cig * dTaps * inputRows(rows) * lineLength * bytes > (512 << 10)) rows /= 2;
        int perPlane = TileShape.ceilDiv(g.out[1], rows);
        bandsPerGroup = g.out[0] * perPlane;
        bandOd = new int[bandsPerGroup];
        bandH0 = new int[bandsPerGroup];
        bandH1 = new int[bandsPerGroup];
        bandIh0 = new int[bandsPerGroup];
        bandIh1 = new int[bandsPerGroup];
        int span = 0;
        for (int b = 0; b < bandsPerGroup; b++) {
            bandOd[b] = b / perPlane;
            bandH0[b] = b % perPlane * rows;
            bandH1[b] = Math.min(g.out[1], bandH0[b] + rows);
            int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
            for (int i = tapsH.start[bandH0[b]]; i < tapsH.start[bandH1[b]]; i++) {
                lo = Math.min(lo, tapsH.input[i]);
                hi = Math.max(hi, tapsH.input[i]);
            }
            bandIh0[b] = lo > hi ? 0 : lo;
            bandIh1[b] = lo > hi ? 0 : hi + 1;
            span = Math.max(span, bandIh1[b] - bandIh0[b]);
        }
        hSpan = span;
        slotsPerChannel = dTaps * span;
        macsPerTask = Math.max(1, macsPerLine * rows);
    }

    /** Input rows a band of {@code rows} output rows can read, at most. */
    private int inputRows(int rows) {
        long span = ((long) rows - 1 + (long) (g.k[1] - 1) * g.d[1]) / g.s[1] + 2;
        return (int) Math.min(g.in[1], span);
    }

    /** Index in {@code [Cin, Cout/groups, k…]} of packed weight (group, ci, tap, co). */
    int weightIndex(int grp, int ci, int tap, int co) {
        return ((grp * g.cig + ci) * g.cog + co) * g.kVol + tap;
    }

    /** Packed index of (group, ci, tap, co). */
    int packedIndex(int grp, int ci, int tap, int co) {
        return ((grp * g.cig + ci) * g.kVol + tap) * cogPad + co;
    }

    /**
     * Whether the few-channel path suits a geometry better than a GEMM: the phase GEMM's rows are the output
     * channels and its reduction the input channels × a phase's taps; the depth-to-space GEMM's rows are
     * (output channel, tap) and its reduction the input channels. Tiles mostly padding, or a reduction too short
     * to pay for loading and storing them, favour the rows.
     */
    static boolean suits(Geometry g) {
        if (GemmLayout.strideEqualsKernel(g)) return (long) g.cog * g.kVol < 8 || g.cig < 8;
        long reduction = (long) g.cig * g.kVol, phases = (long) g.s[0] * g.s[1] * g.s[2];
        return g.cog < 8 || reduction < 32 * phases;
    }

    String describe() {
        return "few-channel rows c" + block;
    }
}
