package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gy rows of a band of gx rows, split by W residue, for the gradients of layers with small weights (double).
 * Gx cell {@code i} meets {@code gy[co][i·s − pb + t·d]} through tap t. A band is a range of gx rows (along H) of
 * one group (or, for a channels-last depthwise layer whose rows split by shuffles, of every group: see
 * {@link #channels}) and D position; its gy rows, for every D tap and gy channel of the group, are copied into a
 * per-thread buffer where sub-row r of a row holds {@code gy[s·j + r]} at column j (shifted by the smallest tap
 * offset), with zeros where j lies outside gy, and zero rows where the band reaches past gy. Term (D tap, gy
 * channel, H tap, W tap) then reads gx cell {@code i} of the band's first row from sub-row {@code (t·d − pb) mod s}
 * at column {@code i + ⌊(t·d − pb) / s⌋}: {@link #termAt} plus i, and each further gx row {@link #rowStep} on.
 */
final class GyRowsF64 {
    private static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    private static final int L = S.length();
    private final Geometry g;
    /** The smallest W offset ⌊(t·d − pb) / s⌋ over the taps, and the length of a sub-row. */
    final int deltaMin, pitch;
    /** Gx rows per band, bands per (group, D position), buffered gy rows per band. */
    final int bandRows, bands, rows;
    /** Buffer elements per gy channel and D tap; from one gx row's terms to the next's. */
    final int channelStride, rowStep;
    /**
     * The gy channels buffered: a group's, or with {@code allGroups} every group's (one each), group c's terms
     * then {@code c · channelStride} after {@link #termAt}; or a group's padded to a power of two
     * ({@link #bufferedChannels}).
     */
    final int channels;
    /** The gy channels a band's tasks read (the buffered ones less any padding). */
    private final int real;
    /** Where the buffered channels pad the real ones: how gy's runs become padded runs. Else null. */
    private final TransposeF64.Padding padding;
    /** Per term, in the order (D tap, gy channel, H tap, W tap): its offset for the band's first gx row and i = 0. */
    final int[] termAt;
    /** Per W residue: whether any tap reads it (the sub-rows of the others are never copied). */
    private final boolean[] residueRead;
    /** Where successive gy columns of one sub-row lie, {@code {0, s·P, 2·s·P, …}} (P: gy's pixel stride): a gather's index map. */
    private final int[] columns;
    /** The buffer's elements, with slack for reads up to {@code width} past a row's first cell. */
    final int bufferLength;
    /**
     * Channels-last with one group, or every group buffered: a gy row is one run of (column, channel), whose
     * L-column blocks {@link TransposeF64#deinterleave} (or {@code split3}) splits into the sub-rows of every
     * residue and channel at once; per (residue, channel) its sub-row's offset from channel 0's residue 0. Null
     * where the split goes channel by channel.
     */
    private final int[] runRows;
    /**
     * Channels-first at a W stride of 3, 4, 8 or 16 (within the lanes): the residues' sub-row offsets, for
     * {@link TransposeF64#split} of L columns of all of them at once. Else null.
     */
    private final int[] subRows;

    /**
     * @param width     the gx cells a reader reads per row (the row rounded up to its vectors)
     * @param bandBytes the size the buffer is kept near (small values: one gx row per band)
     * @param allGroups whether a band holds every group's gy channel (one input and one output channel per group)
     */
    GyRowsF64(Geometry g, int width, long bandBytes, boolean allGroups) {
        this.g = g;
        real = allGroups ? g.cout : g.cog;
        channels = bufferedChannels(g, allGroups);
        padding = channels != real ? new TransposeF64.Padding(real) : null;
        long[] shape = shape(g, width, bandBytes, allGroups);
        deltaMin = (int) shape[0];
        pitch = (int) shape[1];
        bandRows = (int) shape[2];
        rows = (int) shape[3];
        channelStride = Math.toIntExact(shape[4]);
        bufferLength = Math.toIntExact(shape[5]);
        bands = (g.in[1] + bandRows - 1) / bandRows;
        int sw = g.s[2];
        rowStep = g.s[1] * sw * pitch;
        columns = new int[L];
        for (int i = 0; i < L; i++) columns[i] = i * sw * g.yp;
        residueRead = new boolean[sw];
        for (int kw = 0; kw < g.k[2]; kw++) residueRead[(int) Math.floorMod((long) kw * g.d[2] - g.pb[2], sw)] = true;
        int k = sw * channels;
        // (three channels: split by three-vector shuffles, at W strides 1 and 2)
        if (splits(g, channels, real)) {
            runRows = new int[k];
            for (int i = 0; i < k; i++) runRows[i] = i % channels * rows * sw * pitch + i / channels * pitch;
        } else {
            runRows = null;
        }
        if (g.yp == 1 && sw > 2 && TransposeF64.stridesOf(sw)) {
            subRows = new int[sw];
            for (int r = 0; r < sw; r++) subRows[r] = r * pitch;
        } else {
            subRows = null;
        }
        termAt = new int[g.cog * g.kVol];
        for (int kd = 0, t = 0; kd < g.k[0]; kd++) {
            for (int co = 0; co < g.cog; co++) {
                for (int kh = 0; kh < g.k[1]; kh++) {
                    for (int kw = 0; kw < g.k[2]; kw++, t++) {
                        long off = (long) kw * g.d[2] - g.pb[2];
                        int r = (int) Math.floorMod(off, sw), delta = (int) Math.floorDiv(off, sw);
                        termAt[t] = ((kd * channels + co) * rows + kh * g.d[1]) * sw * pitch + r * pitch + delta - deltaMin;
                    }
                }
            }
        }
    }

    /** Whether gy's rows of C real channels, buffered as {@code channels}, are runs that shuffles split (else a channel at a time). */
    private static boolean splits(Geometry g, int channels, int real) {
        return g.yp != 1 && g.yp == real && (TransposeF64.interleaves(g.s[2] * channels) || threeChannels(g, channels));
    }

    /** {@return whether a group's channels-last gy rows split by shuffles into the buffer (else a channel at a time)} */
    static boolean splitsRuns(Geometry g) {
        return splits(g, bufferedChannels(g, false), g.cog);
    }

    /** Whether gy's runs of three channels split by {@link TransposeF64#split3} (W stride 1) or its residues' variant (2). */
    private static boolean threeChannels(Geometry g, int channels) {
        return channels == 3 && g.yp == 3 && g.s[2] <= 2 && TransposeF64.available();
    }

    /**
     * {@return the gy channels a band buffers: a group's, or every group's; one group's channels-last runs of C
     * channels that no shuffles split padded to a power of two P (if s·P is one within the lanes), its padding
     * channels' rows split and never read}
     */
    private static int bufferedChannels(Geometry g, boolean allGroups) {
        int real = allGroups ? g.cout : g.cog, sw = g.s[2];
        if (allGroups || g.yp == 1 || g.yp != real || TransposeF64.interleaves(sw * real) || threeChannels(g, real)) return real;
        int padded = TransposeF64.Padding.paddedChannels(real);
        return padded > 0 && TransposeF64.interleaves(sw * padded) ? padded : real;
    }

    /** {@return the elements of the buffer for g} (in long: callers check it before building one) */
    static long bufferLength(Geometry g, int width, long bandBytes, boolean allGroups) {
        return shape(g, width, bandBytes, allGroups)[5];
    }

    /** {deltaMin, pitch, bandRows, rows, channelStride, bufferLength}, in long. */
    private static long[] shape(Geometry g, int width, long bandBytes, boolean allGroups) {
        int channels = bufferedChannels(g, allGroups), real = allGroups ? g.cout : g.cog;
        int sw = g.s[2];
        long dMin = Long.MAX_VALUE, dMax = Long.MIN_VALUE;
        for (int t = 0; t < g.k[2]; t++) {
            long delta = Math.floorDiv((long) t * g.d[2] - g.pb[2], sw);
            dMin = Math.min(dMin, delta);
            dMax = Math.max(dMax, delta);
        }
        long pitch = g.in[2] + dMax - dMin;
        long perRow = (long) g.k[0] * channels * sw * pitch * Double.BYTES;   // one gy row, every D tap and channel
        long halo = (long) (g.k[1] - 1) * g.d[1] + 1;
        long fit = Math.min(g.in[1], Math.max(1, (bandBytes / perRow - halo) / g.s[1] + 1));
        long count = (g.in[1] + fit - 1) / fit;
        long bandRows = (g.in[1] + count - 1) / count;
        long rows = (bandRows - 1) * g.s[1] + halo;
        long channelStride = rows * sw * pitch;
        // (padded: a stage for a block's padded run at the end, past the readers' slack)
        long stage = channels == real ? 0 : (long) sw * channels * L;
        return new long[] {dMin, pitch, bandRows, rows, channelStride, g.k[0] * channels * channelStride + width + pitch + stage};
    }

    /** {@return the band's first gx row} */
    int firstRow(int band) {
        return band * bandRows;
    }

    /**
     * The band's gy rows (from gx row h0 on, at D position id) of every D tap and gy channel of group grp (of every
     * group, with all of them buffered) into {@code lines}, split by W residue, zeros outside gy.
     */
    void copy(double[] gy, int gyImage, int grp, int id, int h0, double[] lines) {
        int outD = g.out[0], outH = g.out[1], outW = g.out[2], sw = g.s[2], yp = g.yp;
        int oh0 = h0 * g.s[1] - g.pb[1];
        for (int kd = 0; kd < g.k[0]; kd++) {
            long od = (long) id * g.s[0] - g.pb[0] + (long) kd * g.d[0];
            if (runRows != null) {
                runs(gy, gyImage, kd, od, oh0, lines);
                continue;
            }
            for (int co = 0; co < g.cog; co++) {
                int plane = gyImage + (grp * g.cog + co) * g.yc;
                for (int row = 0; row < rows; row++) {
                    int dst = ((kd * g.cog + co) * rows + row) * sw * pitch, oh = oh0 + row;
                    if (od < 0 || od >= outD || oh < 0 || oh >= outH) {
                        for (int r = 0; r < sw; r++) {
                            if (residueRead[r]) Arrays.fill(lines, dst + r * pitch, dst + (r + 1) * pitch, 0.0);
                        }
                        continue;
                    }
                    int src = plane + (int) ((od * outH + oh) * outW) * yp;
                    // Sub-row r, column p holds gy[s·(p + deltaMin) + r]: inside gy for p + deltaMin in [0, count_r).
                    // The columns outside are the same in every band and row: zero from the buffer's allocation,
                    // they stay zero (a zero row above only zeroes them again).
                    int p0 = Math.min(pitch, Math.max(0, -deltaMin));
                    if (sw == 2 && yp == 1 && residueRead[0] && residueRead[1]) {
                        int evens = (outW + 1) / 2, odds = outW / 2;
                        int e1 = Math.max(p0, Math.min(pitch, evens - deltaMin)), o1 = Math.max(p0, Math.min(pitch, odds - deltaMin));
                        int both = Math.min(e1, o1);
                        ZipF64.unzip(gy, src + 2 * (p0 + deltaMin), both - p0, lines, dst + p0, dst + pitch + p0);
                        for (int p = both; p < e1; p++) lines[dst + p] = gy[src + 2 * (p + deltaMin)];
                        for (int p = both; p < o1; p++) lines[dst + pitch + p] = gy[src + 2 * (p + deltaMin) + 1];
                        continue;
                    }
                    int split = p0;   // the columns split into every residue's sub-row at once
                    if (subRows != null) {   // L columns of every residue by shuffles, while the last residue has them
                        int pEnd = Math.max(p0, Math.min(pitch, outW / sw - deltaMin));
                        for (; split + L <= pEnd; split += L) TransposeF64.split(sw, gy, src + sw * (split + deltaMin), lines, dst + split, subRows);
                    }
                    for (int r = 0, sub = dst; r < sw; r++, sub += pitch) {
                        if (!residueRead[r]) continue;   // no tap reads it: left as it is (only lanes past gx read it)
                        int count = (outW - r + sw - 1) / sw;   // columns s·j + r inside gy
                        int p1 = Math.max(p0, Math.min(pitch, count - deltaMin));
                        if (sw == 1 && yp == 1) System.arraycopy(gy, src + p0 + deltaMin, lines, sub + p0, p1 - p0);
                        else {
                            int p = split, from = src + (sw * (split + deltaMin) + r) * yp;
                            if (yp != 1 && co < g.cog / L * L && TransposeF64.available()) {
                                // channels-last, a whole vector of channels: L columns × L channels transposed at
                                // once, at the block's first channel; its other channels skip those columns
                                int whole = p0 + (p1 - p0) / L * L, step = L * sw * yp;
                                if (co % L == 0) {
                                    for (; p < whole; p += L, from += step) TransposeF64.block(gy, from, sw * yp, lines, sub + p, channelStride);
                                } else {
                                    from += (whole - p) / L * step;
                                    p = whole;
                                }
                            }
                            for (; p + L <= p1; p += L, from += L * sw * yp) DoubleVector.fromArray(S, gy, from, columns, 0).intoArray(lines, sub + p);
                            for (; p < p1; p++, from += sw * yp) lines[sub + p] = gy[from];
                        }
                    }
                }
            }
        }
    }

    /** {@link #copy}'s rows of D tap kd (at gy's D position od) where a gy row is one run of (column, channel). */
    private void runs(double[] gy, int gyImage, int kd, long od, int oh0, double[] lines) {
        int outD = g.out[0], outH = g.out[1], outW = g.out[2], sw = g.s[2], yp = g.yp, channelStride = rows * sw * pitch;
        int p0 = Math.min(pitch, Math.max(0, -deltaMin));
        // the columns inside gy for every residue: the last residue has the fewest, ⌊outW / s⌋
        int pEnd = Math.max(p0, Math.min(pitch, outW / sw - deltaMin));
        for (int row = 0; row < rows; row++) {
            int base = (kd * channels * rows + row) * sw * pitch, oh = oh0 + row;
            if (od < 0 || od >= outD || oh < 0 || oh >= outH) {
                for (int co = 0; co < channels; co++) Arrays.fill(lines, base + co * channelStride, base + co * channelStride + sw * pitch, 0.0);
                continue;
            }
            int src = gyImage + (int) ((od * outH + oh) * outW) * yp, p = p0;
            if (padding != null) {   // a block's run padded into the stage, then split
                int k = sw * channels, kept = padding.kept(), stage = bufferLength - k * L;
                for (; p + L <= pEnd && src + sw * (p + deltaMin + L) * yp + L <= gy.length; p += L) {
                    for (int v = 0, from = src + sw * (p + deltaMin) * yp; v < k; v++) padding.expand(gy, from + v * kept, lines, stage + v * L);
                    TransposeF64.deinterleave(k, lines, stage, lines, base + p, runRows);
                }
            } else if (channels != 3) {
                for (; p + L <= pEnd; p += L) TransposeF64.deinterleave(sw * channels, gy, src + sw * (p + deltaMin) * yp, lines, base + p, runRows);
            } else if (sw == 1) {
                for (; p + L <= pEnd; p += L) TransposeF64.split3(gy, src + (p + deltaMin) * yp, lines, base + p, runRows);
            } else {
                for (; p + L <= pEnd; p += L) TransposeF64.split3Residues(gy, src + 2 * (p + deltaMin) * yp, lines, base + p, runRows);
            }
            for (int r = 0; r < sw; r++) {   // the rest of each residue's columns inside gy
                int p1 = Math.max(p0, Math.min(pitch, (outW - r + sw - 1) / sw - deltaMin));
                for (int co = 0; co < real; co++) {   // (a padding channel's rows are never read)
                    int sub = base + co * channelStride + r * pitch;
                    for (int q = p; q < p1; q++) lines[sub + q] = gy[src + ((q + deltaMin) * sw + r) * yp + co];
                }
            }
        }
    }
}
