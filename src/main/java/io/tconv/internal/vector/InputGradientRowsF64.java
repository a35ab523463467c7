package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double input gradient of a layer with small weights, {@code gx = conv(gy, w)}, row by row: as a kernel its
 * input is gy and its output gx (of {@link Geometry} g, the forward layer's). Input cell {@code i} of gx sums
 * {@code w[ci][co][t] · gy[co][i·s − pb + t·d]} over co and taps t. A task is a band of gx rows of one group and
 * D position (of every group, for a channels-last depthwise layer whose rows split and weave by shuffles:
 * {@link RowLayout#gradientsTakeAllGroups}), whose gy rows {@link GyRowsF64} buffers split by W residue, so that
 * every term is a constant offset: vectors run along a gx row with every term's weight a broadcast, four input
 * channels (or one channel and four vectors over two rows) at a time, the sums in registers. No split of gy
 * into residue planes, no plan per residue class, no partial sums added afterwards. Zeros stand in for taps
 * outside gy, exact only for finite weights: the provider checks.
 */
final class InputGradientRowsF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    private final Geometry g;
    /** Gx channels per register block: four where a group has at least two, else one (with four vectors). */
    private final int block;
    /** Packed weights {@code [group][channel block][term][block]}, zero past the group's channels. */
    private final double[] w;
    private final int terms, width;
    private final GyRowsF64 gyRows;
    private final ThreadLocal<Scratch> scratch;
    /**
     * Where {@link #runs}: the offsets of the channels' rows of sums, which {@link TransposeF64#interleave} weaves
     * into the gx row's run of (cell, channel). Null elsewhere.
     */
    private final int[] runRows;
    /** Where {@link #runs} pads the channels: how the woven vectors are written. Else null. */
    private final TransposeF64.Padding padding;
    /** Whether a task takes every group ({@link RowLayout#gradientsTakeAllGroups}): one channel each, two rows at a time. */
    private final boolean allGroups;

    private static final class Scratch {
        /** The band's gy rows, the rows of sums, the woven vectors of padded channels (where padded). */
        final double[] lines, out, stage;

        Scratch(int bufferLength, int outLength, int stageLength) {
            lines = new double[bufferLength];
            out = new double[outLength];
            stage = new double[stageLength];
        }
    }

    private static boolean allGroups(Geometry g) {
        return RowLayout.gradientsTakeAllGroups(g, L);
    }

    /**
     * Channels-last with one group of 2 to L input channels, in blocks of four, or every group at once: a gx row
     * is one run of (cell, channel), woven from every channel's row at once (channel counts that are not a power
     * of two padded to one, by zero rows).
     */
    private static boolean runs(Geometry g) {
        return g.xp != 1 && (allGroups(g) || g.groups == 1 && block(g) == 4 && TransposeF64.Padding.paddedChannels(g.cin) > 0);
    }

    /** {@return the channels a gx row is woven from: all, padded to a power of two} */
    private static int woven(Geometry g) {
        return TransposeF64.Padding.paddedChannels(g.cin);
    }

    /**
     * {@return the rows of sums a thread keeps: every channel's of two rows with every group, every channel's
     * where {@link #runs}, else a block's}
     */
    private static int outRows(Geometry g) {
        return allGroups(g) ? 2 * woven(g) : runs(g) ? Math.max(4, woven(g)) : 4;
    }

    private static int block(Geometry g) {
        return g.cig >= 2 ? 4 : 1;
    }

    /**
     * {@return gx cells computed per row: the row rounded up to two vectors} ({@link #four} takes two at a time,
     * {@link #one} four and then the last two: rounding to four wasted half the work on rows of two vectors)
     */
    private static int width(Geometry g) {
        return (int) (((long) g.in[2] + 2 * L - 1) / (2 * L) * 2 * L);
    }

    /** {@return the bytes of one thread's buffers for g} */
    static long bytesPerThread(Geometry g, long bandBytes) {
        return Double.BYTES * (GyRowsF64.bufferLength(g, width(g), bandBytes, allGroups(g)) + (long) outRows(g) * width(g));
    }

    InputGradientRowsF64(Geometry g, double[] weight, Workspace workspace, long bandBytes) {
        this.g = g;
        block = block(g);
        width = width(g);
        workspace.check(name(), sharedBytes(), bytesPerThread(g, bandBytes));
        allGroups = allGroups(g);
        gyRows = new GyRowsF64(g, width, bandBytes, allGroups);
        terms = g.cog * g.kVol;
        int blocks = (g.cig + block - 1) / block;
        w = new double[g.groups * blocks * terms * block];
        for (int grp = 0; grp < g.groups; grp++) {
            for (int ci = 0; ci < g.cig; ci++) {
                for (int t = 0; t < terms; t++) {
                    int kw = t % g.k[2], kh = t / g.k[2] % g.k[1], co = t / g.k[2] / g.k[1] % g.cog, kd = t / g.k[2] / g.k[1] / g.cog;
                    int tap = (kd * g.k[1] + kh) * g.k[2] + kw;
                    w[((grp * blocks + ci / block) * terms + t) * block + ci % block] = weight[((grp * g.cig + ci) * g.cog + co) * g.kVol + tap];
                }
            }
        }
        int bufferLength = gyRows.bufferLength;
        int outRows = outRows(g);
        int stageLength = runs(g) && woven(g) != g.cin ? woven(g) * L : 0;
        scratch = ThreadLocal.withInitial(() -> new Scratch(bufferLength, outRows * width, stageLength));
        if (runs(g)) {
            runRows = new int[woven(g)];
            for (int c = 0; c < runRows.length; c++) runRows[c] = c * width;
        } else {
            runRows = null;
        }
        padding = runs(g) && woven(g) != g.cin ? new TransposeF64.Padding(g.cin) : null;
    }

    @Override
    public String name() {
        return "vector-" + VectorConstants.BITS + " input gradient rows " + (allGroups ? "all groups" : "c" + block);
    }

    @Override
    public int tasksPerImage() { return (allGroups ? 1 : g.groups) * g.in[0] * gyRows.bands; }

    @Override
    public long macsPerTask() {
        // its multiply-adds, and moving its gy rows at a few multiply-adds' cost per element
        return Math.max(1, (long) gyRows.bandRows * g.in[2] * gyRows.channels * g.cig * g.kVol + 4L * g.k[0] * gyRows.channels * gyRows.channelStride);
    }

    @Override
    public long sharedBytes() {
        long termCount = (long) g.cog * g.kVol;
        return (long) Double.BYTES * g.groups * ((g.cig + block - 1) / block) * termCount * block + 4L * termCount;
    }

    @Override
    public long bytesPerThread() {
        return (long) Double.BYTES * (gyRows.bufferLength + (long) outRows(g) * width);
    }

    /** Gx rows of task {@code task} of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int bands = gyRows.bands, band = task % bands, id = task / bands % g.in[0], grp = task / bands / g.in[0];
        int h0 = gyRows.firstRow(band), h1 = Math.min(g.in[1], h0 + gyRows.bandRows);
        Scratch s = scratch.get();
        gyRows.copy(x, xOff + n * g.outImage(), grp, id, h0, s.lines);
        int blocks = (g.cig + block - 1) / block, rowStep = gyRows.rowStep;
        int gxImage = yOff + n * g.inImage();
        if (allGroups) {   // two rows of every group's channel, then each row's run woven from them
            int c = g.cin, next = runRows.length * width;   // (a padding channel's rows stay zero)
            for (int ih = h0; ih < h1; ) {
                boolean pair = ih + 1 < h1;
                for (int grpAt = 0; grpAt < c; grpAt++) {
                    one(s.lines, (ih - h0) * rowStep + grpAt * gyRows.channelStride, pair ? rowStep : 0, grpAt * terms, s.out, grpAt * width,
                            next + grpAt * width);
                }
                int row = gxImage + (id * g.in[1] + ih) * g.in[2] * g.xp;
                write(s, 0, c, y, row);
                if (pair) write(s, next, c, y, row + g.in[2] * g.xp);
                ih += pair ? 2 : 1;
            }
            return;
        }
        if (runRows != null) {   // every block of a row first, then the row's run woven from all its channels' rows
            for (int ih = h0; ih < h1; ih++) {
                for (int cb = 0; cb < blocks; cb++) four(s.lines, (ih - h0) * rowStep, cb * terms * block, s.out, cb * block * width);
                write(s, 0, g.cin, y, gxImage + (id * g.in[1] + ih) * g.in[2] * g.xp);
            }
            return;
        }
        for (int cb = 0; cb < blocks; cb++) {
            int wAt = (grp * blocks + cb) * terms * block, channels = Math.min(block, g.cig - cb * block);
            for (int ih = h0; ih < h1; ) {
                int at = (ih - h0) * rowStep, ci0 = grp * g.cig + cb * block, row = (id * g.in[1] + ih) * g.in[2];
                if (block == 4) {
                    four(s.lines, at, wAt, s.out, 0);
                    write(s, 0, channels, y, gxImage + ci0 * g.xc + row * g.xp);
                    ih++;
                } else {   // two rows at once: eight sums in flight, enough to hide the FMA latency
                    boolean pair = ih + 1 < h1;
                    one(s.lines, at, pair ? rowStep : 0, wAt, s.out, 0, width);
                    write(s, 0, 1, y, gxImage + ci0 * g.xc + row * g.xp);
                    if (pair) write(s, width, 1, y, gxImage + ci0 * g.xc + (row + g.in[2]) * g.xp);
                    ih += pair ? 2 : 1;
                }
            }
        }
    }

    /** Four gx channels, two vectors at a time along the row: {@code out[o + c·width + i]}. */
    private void four(double[] lines, int at, int wAt, double[] out, int o) {
        int[] termAt = gyRows.termAt;
        for (int i = 0; i < width; i += 2 * L) {
            DoubleVector a00 = DoubleVector.zero(S), a01 = DoubleVector.zero(S), a10 = DoubleVector.zero(S), a11 = DoubleVector.zero(S);
            DoubleVector a20 = DoubleVector.zero(S), a21 = DoubleVector.zero(S), a30 = DoubleVector.zero(S), a31 = DoubleVector.zero(S);
            for (int t = 0, wt = wAt; t < terms; t++, wt += 4) {
                int xt = at + termAt[t] + i;
                DoubleVector x0 = DoubleVector.fromArray(S, lines, xt), x1 = DoubleVector.fromArray(S, lines, xt + L);
                DoubleVector w0 = DoubleVector.broadcast(S, w[wt]);
                a00 = x0.fma(w0, a00);
                a01 = x1.fma(w0, a01);
                DoubleVector w1 = DoubleVector.broadcast(S, w[wt + 1]);
                a10 = x0.fma(w1, a10);
                a11 = x1.fma(w1, a11);
                DoubleVector w2 = DoubleVector.broadcast(S, w[wt + 2]);
                a20 = x0.fma(w2, a20);
                a21 = x1.fma(w2, a21);
                DoubleVector w3 = DoubleVector.broadcast(S, w[wt + 3]);
                a30 = x0.fma(w3, a30);
                a31 = x1.fma(w3, a31);
            }
            a00.intoArray(out, o + i);
            a01.intoArray(out, o + i + L);
            a10.intoArray(out, o + width + i);
            a11.intoArray(out, o + width + i + L);
            a20.intoArray(out, o + 2 * width + i);
            a21.intoArray(out, o + 2 * width + i + L);
            a30.intoArray(out, o + 3 * width + i);
            a31.intoArray(out, o + 3 * width + i + L);
        }
    }

    /**
     * One gx channel, four vectors at a time along the row: {@code out[o + i]}; and with {@code next} above 0 the
     * next gx row too (its gy rows {@code next} further on), into {@code out[oNext + i]}.
     */
    private void one(double[] lines, int at, int next, int wAt, double[] out, int o, int oNext) {
        int[] termAt = gyRows.termAt;
        int i = 0;
        for (; i + 2 * L < width; i += 4 * L) {
            DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
            if (next > 0) {
                DoubleVector b0 = DoubleVector.zero(S), b1 = DoubleVector.zero(S), b2 = DoubleVector.zero(S), b3 = DoubleVector.zero(S);
                for (int t = 0; t < terms; t++) {
                    int xt = at + termAt[t] + i, xn = xt + next;
                    DoubleVector wv = DoubleVector.broadcast(S, w[wAt + t]);
                    a0 = DoubleVector.fromArray(S, lines, xt).fma(wv, a0);
                    a1 = DoubleVector.fromArray(S, lines, xt + L).fma(wv, a1);
                    a2 = DoubleVector.fromArray(S, lines, xt + 2 * L).fma(wv, a2);
                    a3 = DoubleVector.fromArray(S, lines, xt + 3 * L).fma(wv, a3);
                    b0 = DoubleVector.fromArray(S, lines, xn).fma(wv, b0);
                    b1 = DoubleVector.fromArray(S, lines, xn + L).fma(wv, b1);
                    b2 = DoubleVector.fromArray(S, lines, xn + 2 * L).fma(wv, b2);
                    b3 = DoubleVector.fromArray(S, lines, xn + 3 * L).fma(wv, b3);
                }
                b0.intoArray(out, oNext + i);
                b1.intoArray(out, oNext + i + L);
                b2.intoArray(out, oNext + i + 2 * L);
                b3.intoArray(out, oNext + i + 3 * L);
            } else {
                for (int t = 0; t < terms; t++) {
                    int xt = at + termAt[t] + i;
                    DoubleVector wv = DoubleVector.broadcast(S, w[wAt + t]);
                    a0 = DoubleVector.fromArray(S, lines, xt).fma(wv, a0);
                    a1 = DoubleVector.fromArray(S, lines, xt + L).fma(wv, a1);
                    a2 = DoubleVector.fromArray(S, lines, xt + 2 * L).fma(wv, a2);
                    a3 = DoubleVector.fromArray(S, lines, xt + 3 * L).fma(wv, a3);
                }
            }
            a0.intoArray(out, o + i);
            a1.intoArray(out, o + i + L);
            a2.intoArray(out, o + i + 2 * L);
            a3.intoArray(out, o + i + 3 * L);
        }
        if (i < width) {   // the row's last one or two vectors: two at a time, not four (a 32-cell row: half the FMAs)
            DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), b0 = DoubleVector.zero(S), b1 = DoubleVector.zero(S);
            for (int t = 0; t < terms; t++) {
                int xt = at + termAt[t] + i;
                DoubleVector wv = DoubleVector.broadcast(S, w[wAt + t]);
                a0 = DoubleVector.fromArray(S, lines, xt).fma(wv, a0);
                a1 = DoubleVector.fromArray(S, lines, xt + L).fma(wv, a1);
                if (next > 0) {
                    b0 = DoubleVector.fromArray(S, lines, xt + next).fma(wv, b0);
                    b1 = DoubleVector.fromArray(S, lines, xt + next + L).fma(wv, b1);
                }
            }
            a0.intoArray(out, o + i);
            a1.intoArray(out, o + i + L);
            if (next > 0) {
                b0.intoArray(out, oNext + i);
                b1.intoArray(out, oNext + i + L);
            }
        }
    }

    /**
     * The first {@code channels} rows of the thread's sums from {@code out[from …]} into gx at {@code to}
     * (channel 0, the row's first cell).
     */
    private void write(Scratch s, int from, int channels, double[] gx, int to) {
        double[] out = s.out;
        int inW = g.in[2];
        if (g.xp == 1) {
            for (int c = 0; c < channels; c++) System.arraycopy(out, from + c * width, gx, to + c * g.xc, inW);
        } else if (runRows != null) {   // channels-last, every channel's row at hand: the row is one run, woven a vector of cells at a time
            int i = 0;
            if (runRows.length == channels) {
                for (; i + L <= inW; i += L) TransposeF64.interleave(channels, out, from + i, runRows, TransposeF64.ZEROS, gx, to + i * channels);
            } else {   // channels woven padded, each woven vector written as its cells' real channels
                int rows = runRows.length, kept = padding.kept();
                for (; i + L <= inW; i += L) {
                    TransposeF64.interleave(rows, out, from + i, runRows, TransposeF64.ZEROS, s.stage, 0);
                    for (int v = 0; v < rows; v++) padding.compact(s.stage, v * L, gx, to + i * channels + v * kept);
                }
            }
            for (; i < inW; i++) {
                for (int c = 0; c < channels; c++) gx[to + i * channels + c] = out[from + c * width + i];
            }
        } else {   // channels-last: a cell's channels are adjacent
            for (int i = 0, o = to; i < inW; i++, o += g.xp) {
                for (int c = 0; c < channels; c++) gx[o + c] = out[from + c * width + i];
            }
        }
    }

}
