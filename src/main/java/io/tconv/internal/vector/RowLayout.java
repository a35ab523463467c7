package io.tconv.internal.vector;

import io.tconv.internal.Geometry;

/**
 * How the few-channel path cuts a geometry, for either precision. It is output-stationary and vectorized over
 * the pixels of a phase of a {@link Bands band} (whole rows, no windows): one long vector loop over p computes
 * a whole band of a residue pair, with only the taps that reach it; then the W residues of each output row are
 * interleaved into it with the bias. Weights are packed as {@code [group][ci][tap][co]}, with output channels
 * padded to the channel block.
 */
final class RowLayout {
    final Geometry g;
    final Bands bands;
    /** Output channels computed together: 1 for one output channel per group or (channels-first) one input channel, else 4. */
    final int block, cogPad;
    /** The buffer's length. */
    final int bufferLength;
    /**
     * Sums of one channel of one W residue: rows {@code sumsRowStride} apart. A single channel sweeps the band's
     * pixels flat, at the buffer's pitch; a block of four runs row by row over the row's q rounded up to two
     * vectors, so the pad columns cost nothing.
     */
    final int sumsRowStride, sumsLength;
    final long macsPerTask;
    /**
     * Channels-last depthwise (one input and one output channel per group) with s·C of 2, 4, 8 or 16 (at most the
     * lanes, of 8 or 16; three channels counted as four, a zero channel padding each pixel of the rows woven and
     * dropped when written): a band buffers every group's
     * input channel, split from the pixels' runs by register shuffles, and a task computes every group of its
     * band, so that the output rows can be woven whole ({@link #runs}). Else a task is one group's band.
     */
    final boolean allGroups;
    /**
     * Channels-last with one group, blocks of four and s·Cout of 2, 4, 8 or 16 (at most the lanes, of 8 or 16;
     * Cout padded to a power of two by the last block's zero-weight channels), or {@link #allGroups}: an output
     * row is one run of (pixel, channel), woven from the rows of sums of every
     * (W residue, channel) at once, so that a thread keeps the sums of every block or group ({@code sumsBlocks};
     * else of one). The channels of a pixel in the run: {@code runChannels} (for three groups, four).
     */
    final boolean runs;
    final int sumsBlocks, runChannels;
    /** A thread's sums: every W residue's of each block, and a vector more (a zip reads its rows' last vectors whole). */
    final long sumsElements;

    /** @param lanes vector lanes; @param bytes bytes per element */
    RowLayout(Geometry g, int lanes, int bytes) {
        this.g = g;
        // (channels-first with one input channel per group, as depthwise multipliers and 1 → C layers: each output
        // channel summed on its own as a depthwise layer's are, never slower than blocks of four and at k4s2 up
        // to 3× faster: its four terms a residue zipped in registers)
        block = g.cog == 1 || g.cig == 1 && !g.channelsLast ? 1 : 4;
        cogPad = TileShape.ceilDiv(g.cog, block) * block;
        allGroups = takesAllGroups(g, lanes);
        int taskGroups = allGroups ? g.groups : 1;
        // Bands of ~512 K multiply-adds per task (each band copies its input once; bands share rows), and a
        // buffer of at most ~512 KiB; but at least 16 vectors of pixels, over which a band's per-residue set-up
        // (its list of terms, as many as a cell has) is spread: many-channel layers of one output channel reach
        // 512 K multiply-adds in a row or two.
        long tapsPerOutput = Math.max(1, (long) g.kVol / ((long) g.s[0] * g.s[1] * g.s[2]));
        long macsPerQRow = Math.max(1, (long) taskGroups * g.cig * g.cog * g.out[2] * g.s[1] * tapsPerOutput);
        // (channel counts that are not a power of two are woven padded to one, the padding dropped when written)
        int padded = TransposeF32.Padding.paddedChannels(g.cog);
        boolean pads = padded > 0 && padded <= cogPad;   // (the padding channels' sums: the last block's zero-weight rows)
        runChannels = allGroups && g.groups == 3 ? 4 : allGroups ? g.groups : pads ? padded : g.cog;
        bands = new Bands(g, bytes, 512 << 10, false, false, pitch -> (int) Math.max(TileShape.ceilDiv(16 * lanes, pitch), Math.min(1 << 20, (1 << 19) / macsPerQRow)),
                allGroups ? g.cin : g.cig);
        int pitch = bands.pitch, rows = bands.rows, maxCount = 0;
        for (int c : bands.wCount) maxCount = Math.max(maxCount, c);
        sumsRowStride = block == 1 ? pitch : TileShape.ceilDiv(maxCount, 2 * lanes) * 2 * lanes;
        sumsLength = block == 1 ? TileShape.ceilDiv(rows * pitch, lanes) * lanes : rows * sumsRowStride;
        int k = g.s[2] * runChannels;
        runs = allGroups || g.channelsLast && g.groups == 1 && block == 4 && (lanes == 8 || lanes == 16) && k <= lanes && Integer.bitCount(k) == 1;
        sumsBlocks = allGroups ? runChannels : runs ? cogPad / block : 1;
        sumsElements = (long) g.s[2] * sumsBlocks * block * sumsLength + lanes;
        // The last vectors of a band run past its rows, by up to a row and two vectors: slack so that they
        // read the buffer, never beyond (what they compute is dropped).
        bufferLength = bands.bufferLength(pitch + 2 * lanes);
        // A task's work for the parallelism: its multiply-adds, and writing its output cells, each at about four
        // multiply-adds' cost on these layers (a depthwise layer writes as much as it computes)
        long cellsPerQRow = (long) taskGroups * g.cog * g.out[2] * g.s[1];
        macsPerTask = Math.max(1, (macsPerQRow + 4 * cellsPerQRow) * rows);
    }

    /** {@see #allGroups} */
    static boolean takesAllGroups(Geometry g, int lanes) {
        if (!g.channelsLast || g.cig != 1 || g.cog != 1 || g.groups < 2 || lanes != 8 && lanes != 16) return false;
        long k = (long) g.s[2] * (g.groups == 3 ? 4 : g.groups);
        return k <= lanes && Long.bitCount(k) == 1;
    }

    /**
     * Whether the gradients' row kernels take every group of a band per task: where the forward pass does, three
     * channels only at W strides 1 and 2 (gy's runs split by three-vector shuffles).
     */
    static boolean gradientsTakeAllGroups(Geometry g, int lanes) {
        return takesAllGroups(g, lanes) && (g.groups != 3 || g.s[2] <= 2);
    }

    /** {@return a task's band: of one group, or of every group} */
    int tasksPerImage() {
        return (allGroups ? 1 : g.groups) * bands.bandsPerGroup;
    }

    /** {@return packed weights and bias, for elements of {@code bytes} bytes} */
    long sharedBytes(int bytes) {
        return bytes * ((long) g.groups * g.cig * g.kVol * cogPad + g.cout) + 4L * (5L * bands.bandsPerGroup);
    }

    /** {@return the buffers of one thread: padded input rows, sums, and the tap and term tables} */
    long bytesPerThread(int bytes) {
        long terms = block == 1 ? Math.max(8, (long) g.cig * g.kVol) : 0;
        return bytes * ((long) bufferLength + sumsElements + terms) + 4L * (2L * g.k[0] * g.k[1] + terms);
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
        return "few-channel planes c" + block + (allGroups ? " all groups" : "");
    }
}
