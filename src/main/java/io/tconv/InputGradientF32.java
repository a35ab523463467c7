package io.tconv;

import io.tconv.internal.FloatKernel;
import io.tconv.internal.FloatOps;
import io.tconv.internal.Geometry;
import io.tconv.internal.Parallel;
import io.tconv.internal.Provider;
import io.tconv.internal.Workspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input gradient as forward plans, so that it runs on the same engine as the forward pass. With
 * {@code off(t) = t·d − pb = s·δ(t) + r(t)}, the input gradient {@code gx[i] = Σ_t w[t]·gy[i·s + off(t)]} splits
 * by the residue r of each tap: {@code gx = Σ_r Σ_{t: r(t) = r} w[t]·gy_r[i + δ(t)]}, where
 * {@code gy_r[q] = gy[q·s + r]}. The taps of one residue are evenly spaced (by {@code d / gcd(s, d)} in δ), so
 * with {@code ĝ_r[u] = gy_r[u + δ_r]} (δ_r its first tap's δ) each residue is a stride-1 correlation of ĝ_r
 * with its taps: a stride-1 transposed convolution with the taps flipped, channels swapped (gy's channels in,
 * x's out) and crops that make its output exactly the input's size. Residues whose taps have the same count
 * and spacing in every dimension (all of them when the kernel is a multiple of the stride) form one plan whose
 * input channels are gy's channels × those residues: one GEMM with a reduction that many times longer, instead
 * of one small plan per residue. Per call: gy is split into each class's ĝ, each class's plan runs, and the
 * results are summed.
 *
 * <p>Where the weights are small (few channels) and the provider has one, a kernel that computes gx straight
 * from gy runs instead (the vector provider's {@code InputGradientRows}: gy split by residue as it is buffered,
 * every tap summed in registers; for channels-last depthwise layers {@code DepthwiseLastGradient}, vectors
 * across channels): no ĝ, no plans, no partial sums.
 */
final class InputGradientF32 {
    private final ConvTransposeSpec spec;
    private final FloatOps ops;
    /** Per class of residues: its plan, its residues and the extents of its ĝ (D, H, W). */
    private final List<FloatPlan> plans = new ArrayList<>();
    private final List<List<Residue>> classes = new ArrayList<>();
    private final List<int[]> extents = new ArrayList<>();
    /** gy's extents (D, H, W) and strides. */
    private final int[] out3 = new int[3], s3 = new int[3];
    /** Per thread: each class's ĝ, then a partial gx; grown to the largest batch seen (a call allocates nothing after). */
    private final ThreadLocal<float[][]> buffers;
    /**
     * Layers with at most this many weights run on the provider's kernel straight from gy, where it has one; so do
     * channels-last layers of one input channel per group of any size ({@link #depthwiseLast}).
     */
    static final long ROWS_MAX_WEIGHTS = 16 << 10;
    /**
     * Channels-last, one input channel per group: the depthwise kernels read gy where it lies, whatever the weights'
     * count; the class plans were 6× slower there (2048 channels k3s1 at 16²: 3.9 against 24 GFLOP/s for 1024).
     */
    static boolean depthwiseLast(Geometry g) {
        return g.channelsLast && g.cig == 1;
    }

    /** The size the row kernel's buffer of gy rows is kept near, in bytes: well inside L2. */
    static final long BAND_BYTES = 512 << 10;
    /** The provider's kernel straight from gy, or null (class plans). */
    private final FloatKernel rows;
    /** Single-pixel layers: one GEMM over the batch ({@link PixelInputGradientF32}), or null. */
    private final PixelInputGradientF32 pixels;
    /** The threads of that kernel (the class plans run on them themselves). */
    private final Parallel parallel;
    /**
     * Stride 1 in every dimension: one class whose ĝ is gy itself, shifted; so its plan reads gy where it lies, the
     * shift folded into its crops ({@link #direct}), with no ĝ to copy. Else null.
     */
    private final FloatPlan direct;

    /**
     * One residue: per dimension its taps, their count and spacing in δ; and per dimension (D, H, W) its residue,
     * first δ and count of q.
     */
    private record Residue(int[][] taps, int[] kSub, int[] dSub, int[] r, int[] delta0, int[] q) {}

    InputGradientF32(ConvTransposeSpec spec, float[] w, Parallelism parallelism, Provider provider) {
        this(spec, w, parallelism, provider, BAND_BYTES);
    }

    /** @param bandBytes the size the row kernel keeps its buffer near (small values: one gx row per band) */
    InputGradientF32(ConvTransposeSpec spec, float[] w, Parallelism parallelism, Provider provider, long bandBytes) {
        this.spec = spec;
        this.ops = provider.floatOps();
        parallel = new Parallel(parallelism.threads(), parallelism.executor());
        Geometry geometry = new Geometry(spec);
        pixels = PixelInputGradientF32.suits(geometry, ops) ? new PixelInputGradientF32(geometry, w, ops) : null;
        rows = pixels == null && (spec.weightElements() <= ROWS_MAX_WEIGHTS || depthwiseLast(geometry))
                ? provider.floatInputGradient(geometry, w, new Workspace(parallelism.threads()), bandBytes) : null;
        buffers = ThreadLocal.withInitial(() -> new float[plans.size() + 1][0]);
        direct = rows == null && pixels == null ? direct(spec, w, parallelism) : null;
        if (rows != null || pixels != null || direct != null) return;
        int rank = spec.rank();
        int[] s = spec.stride(), d = spec.dilation(), k = spec.kernel(), in = spec.inputSize(), out = spec.outputSize(), pb = spec.cropBegin();
        Map<String, List<Residue>> byStructure = new LinkedHashMap<>();   // by taps' count and spacing per dimension
        int total = 1;
        for (int a = 0; a < rank; a++) total *= s[a];
        for (int code = 0; code < total; code++) {
            int[] r = new int[rank];
            int rest = code;
            for (int a = rank - 1; a >= 0; a--) {
                r[a] = rest % s[a];
                rest /= s[a];
            }
            int[][] taps = new int[rank][];
            int[] q = new int[rank], delta0 = new int[rank], kSub = new int[rank], dSub = new int[rank];
            boolean any = true;
            for (int a = 0; a < rank && any; a++) {
                q[a] = out[a] > r[a] ? (out[a] - r[a] + s[a] - 1) / s[a] : 0;
                List<Integer> list = new ArrayList<>();
                for (int t = 0; t < k[a]; t++) if (Math.floorMod((long) t * d[a] - pb[a], s[a]) == r[a]) list.add(t);
                any = q[a] > 0 && !list.isEmpty();
                if (!any) break;
                taps[a] = list.stream().mapToInt(Integer::intValue).toArray();
                delta0[a] = Math.toIntExact(Math.floorDiv((long) taps[a][0] * d[a] - pb[a], s[a]));
                kSub[a] = taps[a].length;
                dSub[a] = kSub[a] > 1 ? Math.toIntExact(Math.floorDiv((long) taps[a][1] * d[a] - pb[a], s[a]) - delta0[a]) : 1;
            }
            if (any) {
                byStructure.computeIfAbsent(Arrays.toString(kSub) + Arrays.toString(dSub), key -> new ArrayList<>())
                        .add(new Residue(taps, kSub, dSub, in3(r, 0), in3(delta0, 0), in3(q, 1)));
            }
        }
        int[] o = in3(out, 1), st = in3(s, 1);
        System.arraycopy(o, 0, out3, 0, 3);
        System.arraycopy(st, 0, s3, 0, 3);
        for (List<Residue> members : byStructure.values()) {
            int[] kSub = members.get(0).kSub(), dSub = members.get(0).dSub(), u = new int[rank], crop = new int[rank];
            for (int a = 0; a < rank; a++) {
                crop[a] = Math.toIntExact((long) (kSub[a] - 1) * dSub[a]);   // ĝ reaches this far past the input
                u[a] = Math.toIntExact(in[a] + (long) crop[a]);
            }
            ConvTransposeSpec sub = ConvTransposeSpec.builder(spec.outChannels() * members.size(), spec.inChannels())
                    .groups(spec.groups()).inputSize(u).kernel(kSub).dilation(dSub).crops(crop, crop)
                    .channelsLast(spec.channelsLast()).build();
            plans.add(ConvTranspose.plan(sub, subWeights(w, members.stream().map(Residue::taps).toList(), kSub), null, parallelism));
            classes.add(members);
            extents.add(in3(u, 1));
        }
    }

    /**
     * At stride 1, {@code gx[i] = Σ_t w[t]·gy[i + t·d − pb]} is a transposed convolution of gy with the taps
     * flipped and the channels swapped, whose crops are {@code pb' = d·(k − 1) − pb} at the beginning and
     * whatever makes its output the input's size at the end (either may be negative: cells no tap reaches are 0).
     * {@return that plan, or null where a stride is not 1}
     */
    private FloatPlan direct(ConvTransposeSpec spec, float[] w, Parallelism parallelism) {
        int rank = spec.rank();
        int[] s = spec.stride(), d = spec.dilation(), k = spec.kernel(), in = spec.inputSize(), out = spec.outputSize();
        int[] pb = spec.cropBegin(), begin = new int[rank], end = new int[rank];
        for (int a = 0; a < rank; a++) {
            if (s[a] != 1) return null;
            long reach = (long) d[a] * (k[a] - 1);
            begin[a] = Math.toIntExact(reach - pb[a]);
            end[a] = Math.toIntExact(out[a] + reach - begin[a] - in[a]);
        }
        ConvTransposeSpec sub = ConvTransposeSpec.builder(spec.outChannels(), spec.inChannels()).groups(spec.groups())
                .inputSize(out).kernel(k).dilation(d).crops(begin, end).channelsLast(spec.channelsLast()).build();
        int[][] taps = new int[rank][];   // (every tap is residue 0's)
        for (int a = 0; a < rank; a++) taps[a] = java.util.stream.IntStream.range(0, k[a]).toArray();
        return ConvTranspose.plan(sub, subWeights(w, List.<int[][]>of(taps), k), null, parallelism);
    }

    /** {@return whether the stride-1 plan on gy runs (no class plans, no ĝ)} */
    boolean onePlanOnGy() {
        return direct != null;
    }

    /** {@return the name of the kernel straight from gy, or null where the class plans run} */
    String rowKernel() {
        return pixels != null ? "single-pixel gemm" : rows == null ? null : rows.name();
    }

    /** {@code v} as three dimensions (D, H, W), leading ones filled with {@code fill}. */
    private static int[] in3(int[] v, int fill) {
        int[] r = {fill, fill, fill};
        System.arraycopy(v, 0, r, 3 - v.length, v.length);
        return r;
    }

    /**
     * The class's weights as its plan's {@code [Cin', Cout'/g, k'…]}: input channel {@code (residue m, co)} of
     * each group, output channel ci, tap t' = {@code w[ci][co][residue m's taps, flipped]}; {@code members}
     * holds each residue's taps per dimension.
     */
    private float[] subWeights(float[] w, List<int[][]> members, int[] kSub) {
        int rank = spec.rank(), g = spec.groups(), cig = spec.inChannelsPerGroup(), cog = spec.outChannelsPerGroup();
        int[] k = spec.kernel();
        int kVol = (int) ConvTransposeSpec.product(k), subVol = (int) ConvTransposeSpec.product(kSub), residues = members.size();
        float[] r = new float[spec.outChannels() * residues * cig * subVol];
        int[] idx = new int[rank];
        for (int m = 0; m < residues; m++) {
            int[][] taps = members.get(m);
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
                            r[((((grp * residues + m) * cog + co) * cig + ci) * subVol) + tp] = w[((grp * cig + ci) * cog + co) * kVol + t];
                        }
                    }
                }
            }
        }
        return r;
    }

    /** gx for a batch: every element written. */
    void run(int batch, float[] gy, int gyOff, float[] gx, int gxOff) {
        int inLen = batch * spec.inputElementsPerImage();
        if (pixels != null) {
            pixels.run(batch, gy, gyOff, gx, gxOff, parallel);
        } else if (direct != null) {
            direct.execute(batch, gy, gyOff, gx, gxOff);
        } else if (rows != null) {
            int perImage = rows.tasksPerImage();
            parallel.run(batch * perImage, rows.macsPerTask(), task -> rows.run(task % batch, task / batch, gy, gyOff, gx, gxOff));
        } else if (plans.isEmpty()) {
            Arrays.fill(gx, gxOff, gxOff + inLen, 0f);
        } else {
            float[][] buf = buffers.get();
            int outImage = spec.outputElementsPerImage();
            for (int p = 0; p < classes.size(); p++) {
                int length = batch * ghatLength(p);
                if (buf[p].length < length) buf[p] = new float[length];
            }
            for (int n = 0; n < batch; n++) split(gy, gyOff + n * outImage, buf, n);
            sum(batch, buf, gx, gxOff);
        }
    }

    /** The elements of one image's ĝ of class p. */
    private int ghatLength(int p) {
        int[] u = extents.get(p);
        return spec.outChannels() * classes.get(p).size() * u[0] * u[1] * u[2];
    }

    /** Runs every class's plan on its ĝ in {@code buf} and sums them into {@code y}. */
    private void sum(int batch, float[][] buf, float[] y, int yOff) {
        int len = batch * (int) ConvTransposeSpec.product(plans.get(0).spec().outputSize()) * spec.inChannels();
        if (plans.size() > 1 && buf[plans.size()].length < len) buf[plans.size()] = new float[len];
        float[] part = buf[plans.size()];
        for (int p = 0; p < plans.size(); p++) {
            if (p == 0) {
                plans.get(p).execute(batch, buf[p], 0, y, yOff);
            } else {
                plans.get(p).execute(batch, buf[p], 0, part, 0);
                for (int i = 0; i < len; i++) y[yOff + i] += part[i];
            }
        }
    }

    /**
     * One image's input of every class, {@code ĝ[m, co][u] = gy[co][(u + δ_m)·s + r_m]} (zero where that is
     * outside gy; channels residue-major within a group) for its residues m, in the spec's layout, into
     * {@code buf[class]} at image {@code slot}: channels-first row by row, each gy plane once for all classes
     * while it is in cache; channels-last pixel by pixel, each group's channels of a gy pixel in one copy.
     */
    private void split(float[] gy, int gyImage, float[][] buf, int slot) {
        int cout = spec.outChannels(), cog = spec.outChannelsPerGroup(), groups = spec.groups();
        boolean last = spec.channelsLast();
        for (int p = 0; p < classes.size(); p++) {
            List<Residue> members = classes.get(p);
            int[] u = extents.get(p);
            int residues = members.size(), uVol = u[0] * u[1] * u[2], channels = cout * residues;
            float[] res = buf[p];
            for (int m = 0; m < residues; m++) {
                Residue rs = members.get(m);
                int dd = rs.delta0()[0], dh = rs.delta0()[1], dw = rs.delta0()[2];   // q of u = 0
                // the u along W whose q lies in gy (none when a crop reaches past the kernel)
                int w0 = Math.min(u[2], Math.max(0, -dw)), w1 = Math.max(w0, Math.min(u[2], rs.q()[2] - dw));
                for (int co = 0; co < (last ? 1 : cout); co++) {   // channels-last: every channel at once
                    int channel = (co / cog * residues + m) * cog + co % cog, pixel = last ? channels : 1;
                    int base = slot * channels * uVol + (last ? 0 : channel * uVol);
                    for (int ud = 0, row = base; ud < u[0]; ud++) {
                        for (int uh = 0; uh < u[1]; uh++, row += u[2] * pixel) {
                            int qd = ud + dd, qh = uh + dh;
                            boolean inside = qd >= 0 && qd < rs.q()[0] && qh >= 0 && qh < rs.q()[1];
                            int a = inside ? w0 : u[2], e = inside ? w1 : u[2];
                            int from = (((qd * s3[0] + rs.r()[0]) * out3[1] + qh * s3[1] + rs.r()[1]) * out3[2] + (w0 + dw) * s3[2] + rs.r()[2]);
                            if (last) {   // from is the gy pixel of uw = a where a < e
                                for (int uw = 0; uw < u[2]; uw++) {
                                    boolean copy = uw >= a && uw < e;
                                    int at = gyImage + (from + (uw - a) * s3[2]) * cout;
                                    for (int grp = 0; grp < groups; grp++) {
                                        int to = row + uw * pixel + (grp * residues + m) * cog;
                                        if (copy) System.arraycopy(gy, at + grp * cog, res, to, cog);
                                        else Arrays.fill(res, to, to + cog, 0f);
                                    }
                                }
                            } else {
                                for (int uw = 0; uw < a; uw++) res[row + uw] = 0f;
                                if (e > a) ops.gather(gy, gyImage + co * out3[0] * out3[1] * out3[2] + from, s3[2], res, row + a, e - a);
                                for (int uw = e; uw < u[2]; uw++) res[row + uw] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }
}
