package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import io.tconv.internal.Taps;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** Fills a thread's {@link Bands} buffer with a band's double input rows. */
final class BandCopyF64 {
    private BandCopyF64() {}

    private static final VectorSpecies<Double> S = VectorConstants.DOUBLES;
    private static final int L = S.length();

    /**
     * Copies the input rows of band b of {@code bd}, of its {@link Bands#channels} input channels from {@code x[xGroup …]},
     * into {@code lines} (a buffer of this layout only, zero when new): once per D tap and W copy, with zeros for
     * the columns and rows outside the input.
     */
    static void copy(Bands bd, double[] x, int xGroup, int b, double[] lines) {
        Geometry g = bd.g;
        Taps tapsD = bd.tapsD;
        int inH = g.in[1], inW = g.in[2], od = bd.bandOd[b], pitch = bd.pitch, stride = bd.channelStride;
        int ih0 = bd.bandQ0[b] + bd.hDeltaMin, ih1 = bd.bandQ1[b] + bd.hDeltaMax;
        int in0 = Math.max(0, ih0), in1 = Math.min(inH, ih1);
        // With one window per row the columns outside the input are the same for every band: once zero (a new
        // buffer, or a row past the input), they stay zero.
        boolean zeroPads = bd.windowsPerRow > 1;
        for (int a = tapsD.start[od]; a < tapsD.start[od + 1]; a++) {
            int plane = xGroup + tapsD.input[a] * inH * inW * g.xp;
            for (int copy = 0; copy < bd.wCopies; copy++) {
                int iw0 = bd.bandW0[b] + (bd.shifted ? copy : 0) - bd.padLeft;   // input column of a row's first element
                int c0 = Math.min(pitch, Math.max(0, -iw0)), c1 = Math.max(c0, Math.min(pitch, inW - iw0));
                int first = ((a - tapsD.start[od]) * bd.wCopies + copy) * bd.rowsPerSlot * pitch;
                for (int ci = 0; ci < bd.channels; ci++) {
                    for (int ih = ih0, dst = ci * stride + first; ih < ih1; ih++, dst += pitch) {
                        if (ih < 0 || ih >= inH) Arrays.fill(lines, dst, dst + pitch, 0.0);
                        else if (zeroPads) {
                            Arrays.fill(lines, dst, dst + c0, 0.0);
                            Arrays.fill(lines, dst + c1, dst + pitch, 0.0);
                        }
                    }
                }
                int row0 = first + (in0 - ih0) * pitch + c0;
                if (g.xp == 1) {
                    for (int ci = 0; ci < bd.channels; ci++) {
                        int src = plane + ci * g.xc + in0 * inW + iw0 + c0;
                        for (int ih = in0, dst = ci * stride + row0; ih < in1; ih++, src += inW, dst += pitch) {
                            System.arraycopy(x, src, lines, dst, c1 - c0);
                        }
                    }
                } else {   // channels-last: L pixels × L channels transposed in registers, the channels left gathered
                    int[] across = bd.pixelOffsets;
                    int whole = c0 + (c1 - c0) / L * L, blocks = TransposeF64.available() ? bd.channels / L * L : 0;
                    // a pixel's channels all the band's, and 2, 4 or 8 of them: a run of L pixels split into their rows at once
                    boolean run = g.xp == bd.channels && TransposeF64.interleaves(bd.channels);
                    boolean three = g.xp == 3 && bd.channels == 3 && TransposeF64.available();
                    for (int ih = in0, row = row0; ih < in1; ih++, row += pitch) {
                        int pixel = plane + (ih * inW + iw0) * g.xp;
                        for (int c = c0; c < whole; c += L) {
                            int src = pixel + c * g.xp, dst = row + c - c0;
                            if (run) {
                                TransposeF64.deinterleave(bd.channels, x, src, lines, dst, bd.channelRows);
                                continue;
                            }
                            if (three) {
                                TransposeF64.split3(x, src, lines, dst, bd.channelRows);
                                continue;
                            }
                            for (int ci = 0; ci < blocks; ci += L) TransposeF64.block(x, src + ci, g.xp, lines, dst + ci * stride, stride);
                            for (int ci = blocks; ci < bd.channels; ci++) DoubleVector.fromArray(S, x, src + ci, across, 0).intoArray(lines, dst + ci * stride);
                        }
                        for (int c = whole, src = pixel + whole * g.xp; c < c1; c++, src += g.xp) {
                            for (int ci = 0, dst = row + c - c0; ci < bd.channels; ci++, dst += stride) lines[dst] = x[src + ci];
                        }
                    }
                }
            }
        }
    }
}
