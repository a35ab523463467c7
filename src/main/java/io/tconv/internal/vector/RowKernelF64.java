package io.tconv.internal.vector;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Geometry;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The double few-channel path of {@link RowLayout}: for each output line, each W residue is accumulated over
 * (input channel, D/H tap, W tap) in registers, two vectors of q by one block of output channels, from the
 * zero-padded input lines; the residues are then interleaved into the line with the bias (a vector zip when
 * the W stride is 2, a plain copy when it is 1, scalar stores otherwise). Accumulators are separate locals.
 * Zeros stand in for taps outside the input, exact only for finite weights: the provider checks.
 */
final class RowKernelF64 implements DoubleKernel {
    static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    static final int L = S.length();
    /**
     * Zip by two one-vector shuffles and a blend (the two-vector rearrange is not intrinsic at every width);
     * with two lanes (doubles at 128 bits) neither is, and scalar stores do better.
     */
    private static final boolean ZIP = L >= 4;
    private static final VectorShuffle<Double> SPREAD_LO = VectorShuffle.fromOp(S, i -> i / 2);
    private static final VectorShuffle<Double> SPREAD_HI = VectorShuffle.fromOp(S, i -> (L + i) / 2);
    private static final VectorMask<Double> ODD = VectorMask.fromLong(S, 0xAAAA_AAAA_AAAA_AAAAL);

    private final RowLayout lay;
    private final Geometry g;
    private final double[] w;
    private final double[] bias;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread buffers: the padded input lines, each residue's sums of one channel block, one line's taps. */
    private static final class Scratch {
        final double[] lines, sums;
        final int[] tapX, tapW;

        Scratch(RowLayout lay) {
            lines = new double[lay.g.cig * lay.slotsPerChannel * lay.lineLength];   // pads stay zero for good
            sums = new double[lay.g.s[2] * lay.block * lay.qCeil];
            tapX = new int[lay.g.k[0] * lay.g.k[1]];
            tapW = new int[lay.g.k[0] * lay.g.k[1]];
        }
    }

    RowKernelF64(RowLayout lay, double[] weight, double[] bias) {
        this.lay = lay;
        this.g = lay.g;
        this.bias = bias == null ? new double[g.cout] : bias.clone();
        w = new double[g.groups * g.cig * g.kVol * lay.cogPad];
        for (int grp = 0; grp < g.groups; grp++) {
            for (int ci = 0; ci < g.cig; ci++) {
                for (int t = 0; t < g.kVol; t++) {
                    for (int co = 0; co < g.cog; co++) w[lay.packedIndex(grp, ci, t, co)] = weight[lay.weightIndex(grp, ci, t, co)];
                }
            }
        }
        scratch = ThreadLocal.withInitial(() -> new Scratch(lay));
    }

    @Override
    public String name() {
        return "vector-" + VectorConstants.BITS + " " + lay.describe();
    }

    @Override
    public int tasksPerImage() { return g.groups * lay.bandsPerGroup; }

    @Override
    public long macsPerTask() { return lay.macsPerTask; }

    @Override
    public void run(int n, int task, double[] x, int xOff, double[] y, int yOff) {
        int grp = task / lay.bandsPerGroup, band = task % lay.bandsPerGroup;
        int od = lay.bandOd[band], ih0 = lay.bandIh0[band];
        Scratch s = scratch.get();
        copyInput(x, xOff + (n * g.cin + grp * g.cig) * g.inPlane, od, ih0, lay.bandIh1[band], s.lines);
        int outW = g.out[2], kh = g.k[1], kw = g.k[2];
        for (int oh = lay.bandH0[band]; oh < lay.bandH1[band]; oh++) {
            int taps = 0;
            for (int a = lay.tapsD.start[od]; a < lay.tapsD.start[od + 1]; a++) {
                int slot = (a - lay.tapsD.start[od]) * lay.hSpan;
                for (int b = lay.tapsH.start[oh]; b < lay.tapsH.start[oh + 1]; b++) {
                    s.tapX[taps] = (slot + lay.tapsH.input[b] - ih0) * lay.lineLength + lay.padLeft;
                    s.tapW[taps++] = (lay.tapsD.tap[a] * kh + lay.tapsH.tap[b]) * kw * lay.cogPad;
                }
            }
            int yLine = yOff + (n * g.cout + grp * g.cog) * g.outPlane + (od * g.out[1] + oh) * outW;
            for (int co = 0; co < g.cog; co += lay.block) {
                int wBase = grp * g.cig * g.kVol * lay.cogPad + co;
                for (int r = 0; r < g.s[2]; r++) {
                    int sums = r * lay.block * lay.qCeil;
                    if (lay.block == 1) sums1(s, taps, r, wBase, sums);
                    else sums4(s, taps, r, wBase, sums);
                }
                for (int c = 0; c < Math.min(lay.block, g.cog - co); c++) {
                    writeLine(s.sums, c, bias[grp * g.cog + co + c], y, yLine + (co + c) * g.outPlane);
                }
            }
        }
    }

    /** Copies the input rows [ih0, ih1) of every D tap of plane od, for every input channel, into the padded lines. */
    private void copyInput(double[] x, int xGroup, int od, int ih0, int ih1, double[] lines) {
        int inW = g.in[2], perChannel = lay.slotsPerChannel * lay.lineLength;
        for (int ci = 0; ci < g.cig; ci++) {
            for (int a = lay.tapsD.start[od]; a < lay.tapsD.start[od + 1]; a++) {
                int src = xGroup + ci * g.inPlane + lay.tapsD.input[a] * g.in[1] * inW;
                int dst = ci * perChannel + (a - lay.tapsD.start[od]) * lay.hSpan * lay.lineLength + lay.padLeft;
                for (int ih = ih0; ih < ih1; ih++, dst += lay.lineLength) System.arraycopy(x, src + ih * inW, lines, dst, inW);
            }
        }
    }

    /** One output channel: sums of residue r over every q, into {@code sums[at + q]}. */
    private void sums1(Scratch s, int taps, int r, int wBase, int at) {
        int[] tw = lay.wTap[r], dw = lay.wDelta[r];
        int channelStride = lay.slotsPerChannel * lay.lineLength, wChannel = g.kVol * lay.cogPad, cig = g.cig;
        double[] lines = s.lines, w = this.w;
        for (int q = 0; q < lay.qCeil; q += 2 * L) {
            DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S);
            for (int v = 0; v < taps; v++) {
                for (int t = 0; t < tw.length; t++) {
                    int xt = s.tapX[v] + dw[t] + q, wt = wBase + s.tapW[v] + tw[t] * lay.cogPad;
                    for (int ci = 0; ci < cig; ci++, xt += channelStride, wt += wChannel) {
                        DoubleVector w0 = DoubleVector.broadcast(S, w[wt]);
                        a0 = DoubleVector.fromArray(S, lines, xt).fma(w0, a0);
                        a1 = DoubleVector.fromArray(S, lines, xt + L).fma(w0, a1);
                    }
                }
            }
            a0.intoArray(s.sums, at + q);
            a1.intoArray(s.sums, at + q + L);
        }
    }

    /** A block of four output channels: sums of residue r, channel c at {@code sums[at + c·qCeil + q]}. */
    private void sums4(Scratch s, int taps, int r, int wBase, int at) {
        int[] tw = lay.wTap[r], dw = lay.wDelta[r];
        int channelStride = lay.slotsPerChannel * lay.lineLength, wChannel = g.kVol * lay.cogPad, cig = g.cig;
        int qc = lay.qCeil, cogPad = lay.cogPad;
        double[] lines = s.lines, w = this.w;
        for (int q = 0; q < qc; q += 2 * L) {
            DoubleVector a00 = DoubleVector.zero(S), a01 = DoubleVector.zero(S), a10 = DoubleVector.zero(S), a11 = DoubleVector.zero(S);
            DoubleVector a20 = DoubleVector.zero(S), a21 = DoubleVector.zero(S), a30 = DoubleVector.zero(S), a31 = DoubleVector.zero(S);
            for (int v = 0; v < taps; v++) {
                for (int t = 0; t < tw.length; t++) {
                    int xt = s.tapX[v] + dw[t] + q, wt = wBase + s.tapW[v] + tw[t] * cogPad;
                    for (int ci = 0; ci < cig; ci++, xt += channelStride, wt += wChannel) {
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
                }
            }
            a00.intoArray(s.sums, at + q);
            a01.intoArray(s.sums, at + q + L);
            a10.intoArray(s.sums, at + qc + q);
            a11.intoArray(s.sums, at + qc + q + L);
            a20.intoArray(s.sums, at + 2 * qc + q);
            a21.intoArray(s.sums, at + 2 * qc + q + L);
            a30.intoArray(s.sums, at + 3 * qc + q);
            a31.intoArray(s.sums, at + 3 * qc + q + L);
        }
    }

    /** Interleaves the residues of block channel c into output line {@code y[yLine …]}, adding the bias. */
    private void writeLine(double[] sums, int c, double b, double[] y, int yLine) {
        int outW = g.out[2], sw = g.s[2], qc = lay.qCeil, stride = lay.block * qc;
        int at = c * qc;
        if (sw == 1) {
            int ow = 0;
            for (; ow + L <= outW; ow += L) DoubleVector.fromArray(S, sums, at + ow).add(b).intoArray(y, yLine + ow);
            for (; ow < outW; ow++) y[yLine + ow] = b + sums[at + ow];
        } else if (sw == 2 && ZIP) {
            int q = 0;
            for (; 2 * q + 2 * L <= outW; q += L) {
                DoubleVector even = DoubleVector.fromArray(S, sums, at + q), odd = DoubleVector.fromArray(S, sums, at + stride + q);
                even.rearrange(SPREAD_LO).blend(odd.rearrange(SPREAD_LO), ODD).add(b).intoArray(y, yLine + 2 * q);
                even.rearrange(SPREAD_HI).blend(odd.rearrange(SPREAD_HI), ODD).add(b).intoArray(y, yLine + 2 * q + L);
            }
            for (int ow = 2 * q; ow < outW; ow++) y[yLine + ow] = b + sums[at + (ow & 1) * stride + (ow >> 1)];
        } else {
            for (int ow = 0; ow < outW; ow++) y[yLine + ow] = b + sums[at + ow % sw * stride + ow / sw];
        }
    }
}
