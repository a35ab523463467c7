package io.tconv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The input gradient as forward plans, so that it runs on the same GEMM engine as the forward pass. With
 * {@code off(t) = t·d − pb = s·δ(t) + r(t)}, the input gradient {@code gx[i] = Σ_t w[t]·gy[i·s + off(t)]} splits
 * by the residue r of each tap: {@code gx = Σ_r Σ_{t: r(t) = r} w[t]·gy_r[i + δ(t)]}, where
 * {@code gy_r[q] = gy[q·s + r]}. The taps of one residue are evenly spaced (by {@code d / gcd(s, d)} in δ), so
 * each residue is a stride-1 transposed convolution of {@code gy_r} with those taps flipped, channels swapped
 * (gy's channels in, x's channels out) and signed crops that make its output exactly the input's size. Per
 * call: gy is split into its residues, each residue's plan runs, and the results are summed.
 */
final class InputGradientF32 {
    private final ConvTransposeSpec spec;
    /** Per residue with taps: its plan, and where its part of gy comes from (residue and count per dimension). */
    private final List<FloatPlan> plans = new ArrayList<>();
    /** Per residue with taps: for each of its pixels q (flat), the flat output pixel {@code q·s + r} it comes from. */
    private final List<int[]> sources = new ArrayList<>();
    /** Per thread: a residue of gy and a partial gx, grown to the largest batch seen (a call allocates nothing after). */
    private final ThreadLocal<float[][]> buffers = ThreadLocal.withInitial(() -> new float[2][0]);

    InputGradientF32(ConvTransposeSpec spec, float[] w, Parallelism parallelism) {
        this.spec = spec;
        int rank = spec.rank();
        int[] s = spec.stride(), d = spec.dilation(), k = spec.kernel(), in = spec.inputSize(), out = spec.outputSize(), pb = spec.cropBegin();
        int[] r = new int[rank];
        int total = 1;
        for (int a = 0; a < rank; a++) total *= s[a];
        for (int code = 0; code < total; code++) {
            int rest = code;
            for (int a = rank - 1; a >= 0; a--) {
                r[a] = rest % s[a];
                rest /= s[a];
            }
            int[][] taps = new int[rank][];
            int[] q = new int[rank], kSub = new int[rank], dSub = new int[rank], b = new int[rank], e = new int[rank];
            boolean any = true;
            for (int a = 0; a < rank && any; a++) {
                q[a] = out[a] > r[a] ? (out[a] - r[a] + s[a] - 1) / s[a] : 0;
                List<Integer> list = new ArrayList<>();
                for (int t = 0; t < k[a]; t++) if (Math.floorMod((long) t * d[a] - pb[a], s[a]) == r[a]) list.add(t);
                any = q[a] > 0 && !list.isEmpty();
                if (!any) break;
                taps[a] = list.stream().mapToInt(Integer::intValue).toArray();
                int j = taps[a].length;
                long delta0 = Math.floorDiv((long) taps[a][0] * d[a] - pb[a], s[a]);
                dSub[a] = j > 1 ? (int) (Math.floorDiv((long) taps[a][1] * d[a] - pb[a], s[a]) - delta0) : 1;
                kSub[a] = j;
                long begin = delta0 + (long) (j - 1) * dSub[a];
                long full = (q[a] - 1) + (long) dSub[a] * (j - 1) + 1;
                b[a] = Math.toIntExact(begin);
                e[a] = Math.toIntExact(full - begin - in[a]);
            }
            if (!any) continue;
            ConvTransposeSpec sub = ConvTransposeSpec.builder(spec.outChannels(), spec.inChannels()).groups(spec.groups())
                    .inputSize(q).kernel(kSub).dilation(dSub).crops(b, e).channelsLast(spec.channelsLast()).build();
            plans.add(ConvTranspose.plan(sub, subWeights(w, taps, kSub), null, parallelism));
            sources.add(sourcePixels(r, q, s, out));
        }
    }

    private static int[] sourcePixels(int[] r, int[] q, int[] s, int[] out) {
        int rank = q.length, qVol = 1;
        for (int v : q) qVol *= v;
        int[] from = new int[qVol], idx = new int[rank];
        for (int j = 0; j < qVol; j++) {
            int rest = j, o = 0;
            for (int a = rank - 1; a >= 0; a--) {
                idx[a] = rest % q[a];
                rest /= q[a];
            }
            for (int a = 0; a < rank; a++) o = o * out[a] + idx[a] * s[a] + r[a];
            from[j] = o;
        }
        return from;
    }

    /** {@code w'[co][ci][t']} = {@code w[ci][co][taps flipped]}, per group, as the sub-plan's [Cin', Cout'/g, k'…]. */
    private float[] subWeights(float[] w, int[][] taps, int[] kSub) {
        int rank = spec.rank(), g = spec.groups(), cig = spec.inChannelsPerGroup(), cog = spec.outChannelsPerGroup();
        int[] k = spec.kernel();
        int kVol = (int) ConvTransposeSpec.product(k), subVol = (int) ConvTransposeSpec.product(kSub);
        float[] r = new float[spec.outChannels() * cig * subVol];
        int[] idx = new int[rank];
        for (int tp = 0; tp < subVol; tp++) {
            int rest = tp, t = 0;
            for (int a = rank - 1; a >= 0; a--) {
                idx[a] = rest % kSub[a];
                rest /= kSub[a];
            }
            for (int a = 0; a < rank; a++) t = t * k[a] + taps[a][kSub[a] - 1 - idx[a]];
            for (int grp = 0; grp < g; grp++) {
                for (int co = 0; co < cog; co++) {
                    for (int ci = 0; ci < cig; ci++) {
                        r[((grp * cog + co) * cig + ci) * subVol + tp] = w[((grp * cig + ci) * cog + co) * kVol + t];
                    }
                }
            }
        }
        return r;
    }

    /** gx for a batch: every element written. */
    void run(int batch, float[] gy, int gyOff, float[] gx, int gxOff) {
        int inLen = batch * spec.inputElementsPerImage();
        if (plans.isEmpty()) {
            Arrays.fill(gx, gxOff, gxOff + inLen, 0f);
            return;
        }
        float[][] buf = buffers.get();
        if (plans.size() > 1 && buf[1].length < inLen) buf[1] = new float[inLen];
        float[] part = buf[1];
        for (int p = 0; p < plans.size(); p++) {
            float[] residue = split(batch, gy, gyOff, p, buf);
            if (p == 0) {
                plans.get(p).execute(batch, residue, 0, gx, gxOff);
            } else {
                plans.get(p).execute(batch, residue, 0, part, 0);
                for (int i = 0; i < inLen; i++) gx[gxOff + i] += part[i];
            }
        }
    }

    /** {@code gy_r[n][co][q] = gy[n][co][q·s + r]} over every dimension, in the spec's layout. */
    private float[] split(int batch, float[] gy, int gyOff, int p, float[][] buf) {
        int[] from = sources.get(p);
        int qVol = from.length, cout = spec.outChannels(), outPlane = spec.outputElementsPerImage() / cout;
        if (buf[0].length < batch * cout * qVol) buf[0] = new float[batch * cout * qVol];
        float[] res = buf[0];
        if (spec.channelsLast()) {   // a pixel's channels are adjacent in both
            for (int n = 0; n < batch; n++) {
                int src = gyOff + n * cout * outPlane, dst = n * cout * qVol;
                for (int j = 0; j < qVol; j++) System.arraycopy(gy, src + from[j] * cout, res, dst + j * cout, cout);
            }
        } else {
            for (int plane = 0; plane < batch * cout; plane++) {
                int src = gyOff + plane * outPlane, dst = plane * qVol;
                for (int j = 0; j < qVol; j++) res[dst + j] = gy[src + from[j]];
            }
        }
        return res;
    }
}
