package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import io.tconv.internal.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double input gradient of a layer with small weights, {@code gx = conv(gy, w)}, row by row: as a kernel its
 * input is gy and its output gx (of {@link Geometry} g, the forward layer's). Input cell {@code i} of gx sums
 * {@code w[ci][co][t] · gy[co][i·s − pb + t·d]} over co and taps t. A task is a band of gx rows (along H) of one
 * group and D position. Its gy rows, for every D tap and gy channel of the group, are copied into a per-thread
 * buffer split by W residue: sub-row r of a row holds {@code gy[s·j + r]} at column j (shifted by the
 * smallest tap offset), with zeros where j lies outside gy, and zero rows where the band reaches past gy. Tap
 * {@code t} then reads gx cell {@code i} from sub-row {@code (t·d − pb) mod s} at column {@code i + ⌊(t·d − pb)
 * / s⌋}: a constant offset, so vectors run along a gx row with every tap's weight a broadcast, four input
 * channels (or one channel and four vectors) at a time, the sums in registers. No split of gy into residue
 * planes, no plan per residue class, no partial sums added afterwards. Zeros stand in for taps outside gy,
 * exact only for finite weights: the provider checks.
 */
final class InputGradientRowsF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    private final Geometry g;
    /** Gx channels per register block: four where a group has at least two, else one (with four vectors). */
    private final int block;
    /** Packed weights {@code [group][channel block][term][block]}, zero past the group's channels. */
    private final double[] w;
    /** Per term (D tap, gy channel, H tap, W tap): its offset in a band's buffer for the band's first gx row and i = 0. */
    private final int[] termAt;
    private final int terms;
    /** Per W residue: whether any tap reads it (the sub-rows of the others are never copied). */
    private final boolean[] residueRead;
    private final Band band;
    /** The band's shape as ints (checked against the provider's buffer limit first). */
    private final int deltaMin, pitch, rows, bandRows, bands, width, channelStride;
    private final ThreadLocal<Scratch> scratch;

    private static final class Scratch {
        final double[] lines, out;

        Scratch(int bufferLength, int outLength) {
            lines = new double[bufferLength];
            out = new double[outLength];
        }
    }

    /** The shape of the buffers, from the geometry and the size a band's buffer is kept near. */
    private static final class Band {
        /** The smallest W offset ⌊(t·d − pb) / s⌋ over the taps, and the length of a sub-row. */
        final long deltaMin, pitch;
        /** Gx rows per band, bands per (group, D position), buffered gy rows per band. */
        final long bandRows, bands, rows;
        /** Gx columns rounded up to whole register blocks; buffer elements per gy channel and D tap, and in all. */
        final long width, channelStride, bufferLength;

        Band(Geometry g, int block, long bandBytes) {
            int sw = g.s[2];
            long dMin = Long.MAX_VALUE, dMax = Long.MIN_VALUE;
            for (int t = 0; t < g.k[2]; t++) {
                long delta = Math.floorDiv((long) t * g.d[2] - g.pb[2], sw);
                dMin = Math.min(dMin, delta);
                dMax = Math.max(dMax, delta);
            }
            deltaMin = dMin;
            pitch = g.in[2] + dMax - dMin;
            long vectors = block == 4 ? 2 : 4;
            width = (g.in[2] + vectors * L - 1) / (vectors * L) * vectors * L;
            long perRow = (long) g.k[0] * g.cog * sw * pitch * Double.BYTES;   // one gy row, every D tap and channel
            long halo = (long) (g.k[1] - 1) * g.d[1] + 1;
            long fit = Math.min(g.in[1], Math.max(1, (bandBytes / perRow - halo) / g.s[1] + 1));
            long count = (g.in[1] + fit - 1) / fit;
            bandRows = (g.in[1] + count - 1) / count;
            bands = (g.in[1] + bandRows - 1) / bandRows;
            rows = (bandRows - 1) * g.s[1] + halo;
            channelStride = rows * sw * pitch;
            bufferLength = g.k[0] * g.cog * channelStride + width + pitch;   // slack: the last block reads past a row
        }
    }

    private static int block(Geometry g) {
        return g.cig >= 2 ? 4 : 1;
    }

    /** {@return the bytes of one thread's buffers for g} */
    static long bytesPerThread(Geometry g, long bandBytes) {
        int block = block(g);
        Band b = new Band(g, block, bandBytes);
        return Double.BYTES * (b.bufferLength + 4 * b.width);
    }

    InputGradientRowsF64(Geometry g, double[] weight, Workspace workspace, long bandBytes) {
        this.g = g;
        block = block(g);
        band = new Band(g, block, bandBytes);
        workspace.check(name(), sharedBytes(), bytesPerThread());
        deltaMin = (int) band.deltaMin;
        pitch = (int) band.pitch;
        width = (int) band.width;
        bandRows = (int) band.bandRows;
        bands = (int) band.bands;
        rows = (int) band.rows;
        channelStride = Math.toIntExact(band.channelStride);
        int sw = g.s[2];
        residueRead = new boolean[sw];
        for (int kw = 0; kw < g.k[2]; kw++) residueRead[(int) Math.floorMod((long) kw * g.d[2] - g.pb[2], sw)] = true;
        terms = g.k[0] * g.cog * g.k[1] * g.k[2];
        termAt = new int[terms];
        for (int kd = 0, t = 0; kd < g.k[0]; kd++) {
            for (int co = 0; co < g.cog; co++) {
                for (int kh = 0; kh < g.k[1]; kh++) {
                    for (int kw = 0; kw < g.k[2]; kw++, t++) {
                        long off = (long) kw * g.d[2] - g.pb[2];
                        int r = (int) Math.floorMod(off, sw), delta = (int) Math.floorDiv(off, sw);
                        termAt[t] = ((kd * g.cog + co) * rows + kh * g.d[1]) * sw * pitch + r * pitch + delta - deltaMin;
                    }
                }
            }
        }
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
        int bufferLength = Math.toIntExact(band.bufferLength);
        scratch = ThreadLocal.withInitial(() -> new Scratch(bufferLength, 4 * width));
    }

    @Override
    public String name() {
        return "vector-" + VectorConstants.BITS + " input gradient rows c" + block;
    }

    @Override
    public int tasksPerImage() { return g.groups * g.in[0] * bands; }

    @Override
    public long macsPerTask() {
        // its multiply-adds, and moving its gy rows at a few multiply-adds' cost per element
        return Math.max(1, band.bandRows * g.in[2] * g.cig * g.cog * g.kVol + 4L * g.k[0] * g.cog * band.channelStride);
    }

    @Override
    public long sharedBytes() {
        long termCount = (long) g.cog * g.kVol;
        return (long) Double.BYTES * g.groups * ((g.cig + block - 1) / block) * termCount * block + 4L * termCount;
    }

    @Override
    public long bytesPerThread() {
        return (long) Double.BYTES * (band.bufferLength + 4 * band.width);
    }

    /** Gx rows of task {@code task} of image n: {@code x} is gy and {@code y} is gx. */
    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int band = task % bands, id = task / bands % g.in[0], grp = task / bands / g.in[0];
        int h0 = band * bandRows, h1 = Math.min(g.in[1], h0 + bandRows);
        Scratch s = scratch.get();
        copy(x, xOff + n * g.outImage(), grp, id, h0, s.lines);
        int blocks = (g.cig + block - 1) / block, rowStep = g.s[1] * g.s[2] * pitch;
        int gxImage = yOff + n * g.inImage();
        for (int cb = 0; cb < blocks; cb++) {
            int wAt = (grp * blocks + cb) * terms * block, channels = Math.min(block, g.cig - cb * block);
            for (int ih = h0; ih < h1; ) {
                int at = (ih - h0) * rowStep, ci0 = grp * g.cig + cb * block, row = (id * g.in[1] + ih) * g.in[2];
                if (block == 4) {
                    four(s.lines, at, wAt, s.out);
                    write(s.out, channels, y, gxImage + ci0 * g.xc + row * g.xp);
                    ih++;
                } else {   // two rows at once: eight sums in flight, enough to hide the FMA latency
                    boolean pair = ih + 1 < h1;
                    one(s.lines, at, pair ? rowStep : 0, wAt, s.out);
                    write(s.out, 1, y, gxImage + ci0 * g.xc + row * g.xp);
                    if (pair) write(s.out, width, 1, y, gxImage + ci0 * g.xc + (row + g.in[2]) * g.xp);
                    ih += pair ? 2 : 1;
                }
            }
        }
    }

    /** Four gx channels, two vectors at a time along the row: {@code out[c·width + i]}. */
    private void four(double[] lines, int at, int wAt, double[] out) {
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
            a00.intoArray(out, i);
            a01.intoArray(out, i + L);
            a10.intoArray(out, width + i);
            a11.intoArray(out, width + i + L);
            a20.intoArray(out, 2 * width + i);
            a21.intoArray(out, 2 * width + i + L);
            a30.intoArray(out, 3 * width + i);
            a31.intoArray(out, 3 * width + i + L);
        }
    }

    /**
     * One gx channel, four vectors at a time along the row: {@code out[i]}; and with {@code next} above 0 the next
     * gx row too (its gy rows {@code next} further on), into {@code out[width + i]}.
     */
    private void one(double[] lines, int at, int next, int wAt, double[] out) {
        for (int i = 0; i < width; i += 4 * L) {
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
                b0.intoArray(out, width + i);
                b1.intoArray(out, width + i + L);
                b2.intoArray(out, width + i + 2 * L);
                b3.intoArray(out, width + i + 3 * L);
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
            a0.intoArray(out, i);
            a1.intoArray(out, i + L);
            a2.intoArray(out, i + 2 * L);
            a3.intoArray(out, i + 3 * L);
        }
    }

    /** The first {@code channels} rows of {@code out} into gx at {@code to} (channel 0, the row's first cell). */
    private void write(double[] out, int channels, double[] gx, int to) {
        write(out, 0, channels, gx, to);
    }

    /** The same from {@code out[from …]}. */
    private void write(double[] out, int from, int channels, double[] gx, int to) {
        int inW = g.in[2];
        if (g.xp == 1) {
            for (int c = 0; c < channels; c++) System.arraycopy(out, from + c * width, gx, to + c * g.xc, inW);
        } else {   // channels-last: a cell's channels are adjacent
            for (int i = 0, o = to; i < inW; i++, o += g.xp) {
                for (int c = 0; c < channels; c++) gx[o + c] = out[from + c * width + i];
            }
        }
    }

    /**
     * The band's gy rows (from gx row h0 on, at D position id) of every D tap and gy channel of group grp into
     * {@code lines}, split by W residue, zeros outside gy.
     */
    private void copy(double[] gy, int gyImage, int grp, int id, int h0, double[] lines) {
        int outD = g.out[0], outH = g.out[1], outW = g.out[2], sw = g.s[2], yp = g.yp;
        int oh0 = h0 * g.s[1] - g.pb[1];
        for (int kd = 0; kd < g.k[0]; kd++) {
            long od = (long) id * g.s[0] - g.pb[0] + (long) kd * g.d[0];
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
                    for (int r = 0, sub = dst; r < sw; r++, sub += pitch) {
                        if (!residueRead[r]) continue;   // no tap reads it: left as it is (only lanes past gx read it)
                        int count = (outW - r + sw - 1) / sw;   // columns s·j + r inside gy
                        int p1 = Math.max(p0, Math.min(pitch, count - deltaMin));
                        if (sw == 1 && yp == 1) System.arraycopy(gy, src + p0 + deltaMin, lines, sub + p0, p1 - p0);
                        else {
                            for (int p = p0, from = src + (sw * (p0 + deltaMin) + r) * yp; p < p1; p++, from += sw * yp) lines[sub + p] = gy[from];
                        }
                    }
                }
            }
        }
    }
}
