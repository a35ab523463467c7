package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The layout of the padded input bands that the few-channel path and the phase GEMM read, for either precision
 * ({@code BandCopyF32/F64} fill them).
 *
 * <p>Output {@code (oh, ow) = (rh + sH·qh, rw + sW·qw)} of residue pair (rh, rw) is a stride-1 correlation over
 * (qh, qw) with the taps that reach that residue, each from input {@code (qh + δh, qw + δw)}. A band is a range
 * of qh (and, when the rows are too long for the buffer, a window of qw) of one output D plane. Its input rows,
 * for every input channel of a group and every D tap of the plane, are copied into a per-thread buffer with
 * zero columns around every row and zero rows where the band reaches past the input. With the buffer's row
 * pitch P, pixel {@code (qh, qw)} is {@code p = (qh − q0)·P + (qw − w0)} and every tap is a constant offset
 * from it, so a vector running along p needs no masks, no bounds and no per-row set-up, and a tap that falls
 * outside the input multiplies a zero. The pad columns are computed too, and dropped. Only the taps that reach
 * a residue are listed: no inserted zero is ever multiplied.
 *
 * <p>Where the pad columns would be a large share of short rows (an 8-pixel row padded to 10), a GEMM's bands
 * are <b>shifted</b> instead: every input row is buffered once per W offset δw, already shifted by it, with zeros
 * where it runs past the input, and no pad columns (the pitch is the columns). A tap is then still a constant
 * offset, into the copy of its δw, and no pixel is computed only to be dropped.
 */
final class Bands {
    final Geometry g;
    /** Per output D plane, the D taps that reach it and their input planes. */
    final Taps tapsD;
    /** The most D taps of any output plane: the buffer's slots. */
    final int dTaps;
    /** Per H and W residue: the taps (kernel index) that reach it and their input offsets δ. */
    final int[][] hTap, hDelta, wTap, wDelta;
    /** Per H and W residue, the number of q it has. */
    final int[] hCount, wCount;
    /** Smallest and largest δ over the residues (0 included); the left pad of a buffered row (none when shifted). */
    final int hDeltaMin, hDeltaMax, wDeltaMax, padLeft;
    /** Each input row buffered once per W offset, shifted, with no pad columns; and how many copies (else 1). */
    final boolean shifted;
    final int wCopies;
    /** q columns per window, windows per row, the buffer's row pitch, q rows per band (the most). */
    final int cols, windowsPerRow, pitch, rows;
    /** Buffered rows per D tap and W copy, and elements per input channel. */
    final int rowsPerSlot, channelStride;
    /**
     * The input channels a band buffers: a group's, or every group's (a band then serves every group, and its
     * tasks are per band only).
     */
    final int channels;
    /** Bands of a group: D plane, first and end qh, first and end qw. */
    final int[] bandOd, bandQ0, bandQ1, bandW0, bandW1;
    final int bandsPerGroup;
    /**
     * Channels-last input: where one channel of successive pixels lies, {@code {0, xp, 2·xp, …}} (as many as a
     * float vector has lanes), the index map of the gathers that copy a channel's run of pixels into its row.
     */
    final int[] pixelOffsets;
    /** Where each input channel's rows start in the buffer, {@code {0, channelStride, 2·channelStride, …}}. */
    final int[] channelRows;

    /**
     * @param bytes    bytes per element
     * @param maxBytes buffer size above which bands get fewer rows (down to one) and, with {@code windows}, rows
     *                 are cut into windows of qw
     * @param shiftable whether shifted rows may be used (when the pad columns would be over a tenth of a row)
     * @param rowsFor  the band rows wanted, given the row pitch
     * @param channels the input channels a band buffers: a group's, or every group's
     */
    Bands(Geometry g, int bytes, long maxBytes, boolean windows, boolean shiftable, IntUnaryOperator rowsFor, int channels) {
        this.g = g;
        this.channels = channels;
        tapsD = new Taps(g.in[0], g.k[0], g.s[0], g.d[0], g.pb[0], g.out[0]);
        int dt = 1;
        for (int od = 0; od < g.out[0]; od++) dt = Math.max(dt, tapsD.start[od + 1] - tapsD.start[od]);
        dTaps = dt;

        int sh = g.s[1], sw = g.s[2];
        hTap = new int[sh][];
        hDelta = new int[sh][];
        hCount = new int[sh];
        int[] hRange = residues(1, hTap, hDelta, hCount);
        hDeltaMin = hRange[0];
        hDeltaMax = hRange[1];
        wTap = new int[sw][];
        wDelta = new int[sw][];
        wCount = new int[sw];
        int[] wRange = residues(2, wTap, wDelta, wCount);
        padLeft = -wRange[0];
        wDeltaMax = wRange[1];

        int qCols = 0;
        for (int c : wCount) qCols = Math.max(qCols, c);
        long perColumnRow = (long) channels * dTaps * bytes;   // one buffered row, per column
        int spread = hDeltaMax - hDeltaMin;
        int c = qCols;
        if (windows && perColumnRow * (1 + spread) * (padLeft + c + wDeltaMax) > maxBytes) {
            long fit = maxBytes / (perColumnRow * (1 + spread)) - padLeft - wDeltaMax;
            c = (int) Math.max(64, Math.min(qCols, fit));
        }
        windowsPerRow = TileShape.ceilDiv(Math.max(1, qCols), Math.max(1, c));
        cols = TileShape.ceilDiv(Math.max(1, qCols), windowsPerRow);
        int pads = padLeft + wDeltaMax;
        shifted = shiftable && windowsPerRow == 1 && pads > 0 && 10 * pads > padLeft + cols + wDeltaMax;
        wCopies = shifted ? pads + 1 : 1;
        pitch = shifted ? cols : padLeft + cols + wDeltaMax;
        perColumnRow *= wCopies;

        int qRows = Math.max(1, hCount[0]);
        int r = Math.max(1, Math.min(qRows, rowsFor.applyAsInt(pitch)));
        while (r > 1 && perColumnRow * (r + spread) * pitch > maxBytes) r /= 2;
        int perPlane = TileShape.ceilDiv(qRows, r);
        rows = TileShape.ceilDiv(qRows, perPlane);
        rowsPerSlot = rows + spread;
        channelStride = dTaps * wCopies * rowsPerSlot * pitch;

        bandsPerGroup = g.out[0] * perPlane * windowsPerRow;
        pixelOffsets = new int[VectorConstants.FLOATS.length()];
        for (int i = 0; i < pixelOffsets.length; i++) pixelOffsets[i] = i * g.xp;
        channelRows = new int[channels];
        for (int i = 0; i < channels; i++) channelRows[i] = i * channelStride;
        bandOd = new int[bandsPerGroup];
        bandQ0 = new int[bandsPerGroup];
        bandQ1 = new int[bandsPerGroup];
        bandW0 = new int[bandsPerGroup];
        bandW1 = new int[bandsPerGroup];
        for (int b = 0; b < bandsPerGroup; b++) {
            int window = b % windowsPerRow, band = b / windowsPerRow;
            bandOd[b] = band / perPlane;
            bandQ0[b] = band % perPlane * rows;
            bandQ1[b] = Math.min(qRows, bandQ0[b] + rows);
            bandW0[b] = window * cols;
            bandW1[b] = Math.min(qCols, bandW0[b] + cols);
        }
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

    /** Elements of a buffer for one band, with {@code slack} more for reads that run past its end. */
    int bufferLength(int slack) {
        return channels * channelStride + slack;
    }

    /**
     * Lists the taps that reach residue (rh, rw) of a band's D plane: their flat kernel index and their offset in
     * the buffer from a pixel's p. Returns how many.
     */
    int taps(int od, int rh, int rw, int[] kernelTap, int[] offset) {
        int n = 0;
        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
            int slot = (a - tapsD.start[od]) * wCopies;
            for (int b = 0; b < hTap[rh].length; b++) {
                for (int c = 0; c < wTap[rw].length; c++) {
                    int dw = wDelta[rw][c], copy = shifted ? slot + padLeft + dw : slot;
                    kernelTap[n] = (tapsD.tap[a] * g.k[1] + hTap[rh][b]) * g.k[2] + wTap[rw][c];
                    offset[n++] = (copy * rowsPerSlot + hDelta[rh][b] - hDeltaMin) * pitch + (shifted ? 0 : padLeft + dw);
                }
            }
        }
        return n;
    }

    /**
     * Elements of one input channel that a run of {@code pixels} pixels reads through all of a plane's taps (the
     * pixels, the taps' spread over rows and pad columns, per D tap and W copy).
     */
    long readSpan(int pixels) {
        long perCopy = pixels + (long) (hDeltaMax - hDeltaMin) * pitch + (shifted ? 0 : padLeft + wDeltaMax);
        return dTaps * wCopies * perCopy;
    }

    /** The most taps of any residue pair: the size of the tables {@link #taps} fills. */
    int maxTaps() {
        int h = 0, w = 0;
        for (int[] t : hTap) h = Math.max(h, t.length);
        for (int[] t : wTap) w = Math.max(w, t.length);
        return dTaps * h * w;
    }
}
