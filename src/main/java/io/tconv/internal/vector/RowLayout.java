package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import java.util.Arrays;

/**
 * How the few-channel path cuts a geometry, for either precision. It is output-stationary and vectorized over
 * the pixels of a phase: output {@code (oh, ow) = (rh + sH·qh, rw + sW·qw)} of residue pair (rh, rw) is a
 * stride-1 correlation over (qh, qw) with the taps that reach that residue, each from input
 * {@code (qh + δh, qw + δw)}.
 * <ul>
 * <li>A task is a band of qh of one D plane of one group. It first copies the input rows its band reads, of
 *     every input channel of the group, into a per-thread buffer with zero pads around every row and zero rows
 *     where the band reaches past the input. With the buffer's row pitch P, a pixel is {@code p = qh·P + qw}
 *     and every tap is a constant offset, so one long vector loop over p computes a whole band of a phase
 *     (the pad columns are computed too, and dropped): no masks, no bounds, no per-row set-up, and a tap that
 *     falls outside the input multiplies a zero.</li>
 * <li>Per residue only the taps that reach it are visited: no inserted zero is ever multiplied.</li>
 * <li>The W residues of each output row are then interleaved into it with the bias.</li>
 * </ul>
 * Weights are packed as {@code [group][ci][tap][co]}, with output channels padded to the channel block.
 */
final class RowLayout {
    final Geometry g;
    final Taps tapsD;
    /** Output channels computed together: 1 for depthwise-like layers (one channel per group), else 4. */
    final int block, cogPad;
    /** Per H and W residue: the taps (kernel index) that reach it and their input offsets δ. */
    final int[][] hTap, hDelta, wTap, wDelta;
    /** Per H residue, the number of qh it has. */
    final int[] hCount;
    /** Smallest and largest δ over the H residues; the left pad and pitch of a buffered input row. */
    final int hDeltaMin, hDeltaMax, padLeft, pitch;
    /** Bands: D plane, first and end qh. */
    final int[] bandOd, bandQ0, bandQ1;
    final int bandsPerGroup;
    /** Buffered rows per D tap slot, per input channel, and the buffer's and the sums' lengths. */
    final int rowsPerSlot, channelStride, bufferLength;
    /**
     * Sums of one channel of one W residue: rows {@code sumsRowStride} apart. A single channel sweeps the band's
     * pixels flat, at the buffer's pitch; a block of four runs row by row over the row's q rounded up to two
     * vectors, so the pad columns cost nothing.
     */
    final int sumsRowStride, sumsLength;
    final long macsPerTask;

    /** @param lanes vector lanes; @param bytes bytes per element */
    RowLayout(Geometry g, int lanes, int bytes) {
        this.g = g;
        tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
        block = g.cog == 1 ? 1 : 4;
        cogPad = TileShape.ceilDiv(g.cog, block) * block;

        int sh = g.s[1], sw = g.s[2];
        hTap = new int[sh][];
        hDelta = new int[sh][];
        hCount = new int[sh];
        int[] hRange = residues(1, hTap, hDelta, hCount);
        hDeltaMin = hRange[0];
        hDeltaMax = hRange[1];
        wTap = new int[sw][];
        wDelta = new int[sw][];
        int[] wCount = new int[sw];
        int[] wRange = residues(2, wTap, wDelta, wCount);
        padLeft = -wRange[0];
        // A row holds every q of every residue (the write-back reads them, even where no tap lands) and every
        // column a valid pixel reads, from the left pad on.
        int reach = g.in[2];
        for (int r = 0; r < sw; r++) {
            reach = Math.max(reach, wCount[r]);
            for (int d : wDelta[r]) reach = Math.max(reach, wCount[r] + d);
        }
        pitch = padLeft + reach;

        // Bands of qh: ~512 K multiply-adds per task (each band copies its input once; bands share rows),
        // and a buffer of at most ~512 KiB.
        int dTaps = 1;
        for (int od = 0; od < g.out[0]; od++) dTaps = Math.max(dTaps, tapsD.start[od + 1] - tapsD.start[od]);
        int qRows = TileShape.ceilDiv(g.out[1], sh);
        long tapsPerOutput = Math.max(1, (long) g.kVol / ((long) g.s[0] * sh * sw));
        long macsPerQRow = Math.max(1, (long) g.cig * g.cog * g.out[2] * sh * tapsPerOutput);
        int rows = (int) Math.max(1, Math.min(qRows, (1 << 19) / macsPerQRow));
        while (rows > 1 && (long) g.cig * dTaps * (rows + hDeltaMax - hDeltaMin) * pitch * bytes > (512 << 10)) rows /= 2;
        int perPlane = TileShape.ceilDiv(qRows, rows);
        bandsPerGroup = g.out[0] * perPlane;
        bandOd = new int[bandsPerGroup];
        bandQ0 = new int[bandsPerGroup];
        bandQ1 = new int[bandsPerGroup];
        for (int b = 0; b < bandsPerGroup; b++) {
            bandOd[b] = b / perPlane;
            bandQ0[b] = b % perPlane * rows;
            bandQ1[b] = Math.min(qRows, bandQ0[b] + rows);
        }
        rowsPerSlot = rows + hDeltaMax - hDeltaMin;
        channelStride = dTaps * rowsPerSlot * pitch;
        int maxCount = 0;
        for (int c : wCount) maxCount = Math.max(maxCount, c);
        sumsRowStride = block == 1 ? pitch : TileShape.ceilDiv(maxCount, 2 * lanes) * 2 * lanes;
        sumsLength = block == 1 ? TileShape.ceilDiv(rows * pitch, lanes) * lanes : rows * sumsRowStride;
        // The last vectors of a band run past its rows, by up to a row and two vectors: slack so that they
        // read the buffer, never beyond (what they compute is dropped).
        bufferLength = g.cig * channelStride + pitch + 2 * lanes;
        macsPerTask = Math.max(1, macsPerQRow * rows);
    }

    /**
     * For dimension a: per residue r, the taps that reach outputs {@code r + s·q} with their δ, and the count of
     * q; taps that never meet the input are dropped. Returns the smallest and largest δ (with 0 included).
     */
    private int[] residues(int a, int[][] taps, int[][] deltas, int[] counts) {
        int s = g.s[a], min = 0, max = 0;
        for (int r = 0; r < s; r++) {
            int qCount = g.out[a] > r ? TileShape.ceilDiv(g.out[a] - r, s) : 0;
            counts[r] = qCount;
            int n = 0;
            int[] t = new int[g.k[a]], dl = new int[g.k[a]];
            for (int k = 0; k < g.k[a]; k++) {
                long num = (long) r + g.pb[a] - (long) k * g.d[a];
                if (Math.floorMod(num, s) != 0) continue;
                long delta = Math.floorDiv(num, s);
                if (qCount == 0 || delta + qCount - 1 < 0 || delta > g.in[a] - 1) continue;   // never meets the input
                t[n] = k;
                dl[n++] = (int) delta;
                min = Math.min(min, (int) delta);
                max = Math.max(max, (int) delta);
            }
            taps[r] = Arrays.copyOf(t, n);
            deltas[r] = Arrays.copyOf(dl, n);
        }
        return new int[] {min, max};
    }

    /** {@return packed weights and bias, for elements of {@code bytes} bytes} */
    long sharedBytes(int bytes) {
        return bytes * ((long) g.groups * g.cig * g.kVol * cogPad + g.cout) + 4L * (3L * bandsPerGroup);
    }

    /** {@return the buffers of one thread: padded input rows, sums, and the tap and term tables} */
    long bytesPerThread(int bytes) {
        long terms = block == 1 ? (long) g.cig * g.kVol : 0;
        return bytes * ((long) bufferLength + (long) g.s[2] * block * sumsLength + terms) + 4L * (2L * g.k[0] * g.k[1] + terms);
    }

    /** Index in {@code [Cin, Cout/groups, k…]} of weight (group, ci, tap, co). */
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
     * to pay for loading and storing them, favour the few-channel path.
     */
    static boolean suits(Geometry g) {
        if (GemmLayout.strideEqualsKernel(g)) return (long) g.cog * g.kVol < 8 || g.cig < 8;
        long reduction = (long) g.cig * g.kVol, phases = (long) g.s[0] * g.s[1] * g.s[2];
        return g.cog < 8 || reduction < 32 * phases;
    }

    String describe() {
        return "few-channel planes c" + block;
    }
}
