package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import java.util.Arrays;

/**
 * How a geometry is cut into GEMMs and tasks, for either precision. Per group, tiles of
 * {@code C[rows][pixels] = A[rows][K] · B[K][pixels]}:
 * <ul>
 * <li><b>phase mode</b> (the general case): over the padded input {@link Bands}, one GEMM per band and residue
 *     (sub-pixel phase); rows are output channels, pixels the band's p, and K = the phase's taps × input
 *     channels, each tap a shifted view of the same buffer, so nothing is packed per tile. No inserted zero is
 *     multiplied. A task is one band of one group and one part of the rows (two parts where an image would
 *     otherwise be a single task, so that threads have work to share).</li>
 * <li><b>depth-to-space mode</b> (stride = kernel, dilation 1): a single GEMM whose pixels are the input pixels
 *     and whose rows are (output channel, tap): every output cell is written exactly once, by a store. A task
 *     is one tile of NR pixels, all rows. Cells beyond the input's reach (output_padding, negative crops) get
 *     the bias from a fill task.</li>
 * </ul>
 * Tasks write disjoint output cells.
 */
final class GemmLayout {
    /** A band's buffer is kept within this (it is reread once per tile and row block: L2 resident). */
    static final long BAND_BYTES = 1 << 20;
    /** A part's weights for a phase stay in L2 while the tiles pass up to this size; a group's C tiles at most this. */
    static final long WEIGHTS_IN_L2 = 256 << 10, TILES_BYTES = 2 << 20;

    final Geometry g;
    final boolean depthToSpace;
    /** Phase mode: the bands; depth-to-space mode: null. */
    final Bands bands;
    final int rows;
    final TileShape shape;
    final int mr, nr, rowBlocks, kc;
    /** Phase mode: parts the row blocks are split into, and blocks per part. */
    final int rowParts, blocksPerPart;
    /**
     * Phase mode: tiles computed together. One, so that a tile's pixels stay in L1 while every row block's
     * weights stream past, when a part's weights for a phase fit L2; else as many as a band has (their C tiles
     * within {@link #TILES_BYTES}), so that each block's weights are read once per band, not once per tile: per
     * block of input channels, the row blocks' weights (a slab that stays in L2) then stream past one tile's
     * pixels at a time, in L1.
     */
    final int tileGroup;
    /** Depth-to-space mode: tiles of input pixels. */
    final int tilesPerGroup;
    /**
     * Depth-to-space mode: the microkernel's row tables over input channels: weights, pixels read from the
     * input (channels {@code xc} apart) and pixels copied to a panel (NR apart).
     */
    final int[] channelRow, inputRow, panelRow;
    /**
     * Phase mode: the reduction runs over (channel block, channel, tap) instead of (channel block, tap, channel).
     * Chosen for doubles where a phase's taps all read the same buffered row (one D and H tap, W taps a pixel or
     * so apart, not shifted copies): a channel's taps then share the cache lines just loaded, instead of coming
     * back to them a whole channel block later (f64 voc1d +5%). Floats measured 5% slower by it on voc1d, and 2-D
     * phases, whose taps read other rows, a few % slower in either precision.
     */
    final boolean tapsInner;
    /** Phase mode: see {@link #orderTapsByPhase}. */
    private int[] phaseFirstTap, tapInPhase, phaseTaps;
    final int tasksPerGroup;
    /** Depth-to-space mode: per dimension, which output indices no input reaches (bias only). */
    final boolean[][] uncovered;
    final boolean hasFillTask;
    final long macsPerTask;

    GemmLayout(Geometry g, boolean depthToSpace, int lanes, int bytesPerElement) {
        this.g = g;
        this.depthToSpace = depthToSpace;
        rows = depthToSpace ? g.cog * g.kVol : g.cog;
        long pixels = 1;
        for (int a = 0; a < 3; a++) pixels *= depthToSpace ? g.in[a] : TileShape.ceilDiv(g.out[a], g.s[a]);
        // Phase mode computes a band's last tile with a narrower kernel, so for floats its pixels round up to
        // vectors, not tiles, and only the rows' padding tells the shapes apart. Doubles keep the rounding to
        // tiles, which favours 12×2 over the exact 8×3 and 4×6 on many rows: those run slower in double
        // (KERNELS.md: 74% for 8×3; NOTES.md, band GEMM step 13).
        boolean byVectors = !depthToSpace && bytesPerElement == Float.BYTES;
        shape = TileShape.choose(VectorConstants.REGISTERS, rows, (int) Math.min(Integer.MAX_VALUE, pixels),
                byVectors ? 0 : lanes, lanes);
        mr = shape.mr;
        nr = shape.nv * lanes;
        rowBlocks = TileShape.ceilDiv(rows, mr);
        uncovered = new boolean[3][];
        long macs = (long) g.cig * g.cog * g.inPlane * g.kVol;
        if (depthToSpace) {
            bands = null;
            tapsInner = false;
            // Block the reduction so that the pixel panel (kc × nr) stays in a 32 KiB share of L1.
            kc = Math.max(16, Math.min(512, 32768 / (nr * bytesPerElement)));
            tilesPerGroup = TileShape.ceilDiv(g.inPlane, nr);
            channelRow = new int[g.cig];
            inputRow = new int[g.cig];
            panelRow = new int[g.cig];
            for (int k = 0; k < g.cig; k++) {
                channelRow[k] = k * mr;
                inputRow[k] = k * g.xc;
                panelRow[k] = k * nr;
            }
            boolean any = false;
            for (int a = 0; a < 3; a++) {
                uncovered[a] = new boolean[g.out[a]];
                for (int o = 0; o < g.out[a]; o++) {
                    long f = (long) o + g.pb[a];
                    uncovered[a][o] = f < 0 || f >= (long) g.in[a] * g.s[a];
                    any |= uncovered[a][o];
                }
            }
            hasFillTask = any;
            rowParts = 1;
            blocksPerPart = rowBlocks;
            tileGroup = 1;
            tasksPerGroup = tilesPerGroup + (hasFillTask ? 1 : 0);
        } else {
            // Bands of about eight tiles, so that a band's rounding up to whole tiles costs little.
            bands = new Bands(g, bytesPerElement, BAND_BYTES, true, true, pitch -> TileShape.ceilDiv(8 * nr, pitch), g.cig);
            // Block the input channels so that what the taps read of a tile (nr pixels plus the taps' spread,
            // per D tap) stays in a 32 KiB share of L1.
            long perChannel = bands.readSpan(nr) * bytesPerElement;
            int most = (int) Math.max(8, Math.min(g.cig, 32768 / perChannel));
            kc = TileShape.ceilDiv(g.cig, TileShape.ceilDiv(g.cig, most));   // equal blocks: 32 + 32, not 49 + 15
            orderTapsByPhase();
            boolean oneRow = bands.dTaps == 1 && !bands.shifted;
            for (int[] t : bands.hTap) oneRow &= t.length <= 1;
            tapsInner = oneRow && bytesPerElement == Double.BYTES;
            tilesPerGroup = 0;
            channelRow = inputRow = panelRow = null;
            hasFillTask = false;
            // Each part copies the band again, so rows are split only when an image would otherwise be one task.
            long blockWeights = (long) mr * bands.maxTaps() * g.cig * bytesPerElement;
            rowParts = bands.bandsPerGroup * g.groups >= 2 ? 1 : Math.min(rowBlocks, 2);
            blocksPerPart = TileShape.ceilDiv(rowBlocks, rowParts);
            tasksPerGroup = bands.bandsPerGroup * rowParts;
            long weights = blocksPerPart * blockWeights;
            long tileBytes = (long) g.s[2] * blocksPerPart * mr * nr * bytesPerElement;
            int bandTiles = TileShape.ceilDiv(bands.rows * bands.pitch, nr);
            tileGroup = weights <= WEIGHTS_IN_L2 ? 1 : (int) Math.max(1, Math.min(bandTiles, TILES_BYTES / tileBytes));
        }
        macsPerTask = Math.max(1, macs / tasksPerGroup);
    }

    /** {@return packed weights, bias, the fill and row tables, for elements of {@code bytes} bytes} */
    long sharedBytes(int bytes) {
        long packed = (long) rowBlocks * mr * g.cig * (depthToSpace ? 1 : g.kVol);
        return bytes * (packed * g.groups + g.cout) + g.out[0] + g.out[1] + g.out[2] + (depthToSpace ? 12L * g.cig : 0);
    }

    /** {@return the buffers of one thread: the band or pixel panel, the C tiles, and the tap tables} */
    long bytesPerThread(int bytes) {
        if (depthToSpace) return bytes * ((long) kc * nr + (long) rowBlocks * mr * nr);
        return bytes * ((long) bufferLength() + (long) g.s[2] * blocksPerPart * tileGroup * mr * nr)
                + 8L * bands.maxTaps() * (1 + (long) g.s[2] * g.cig);
    }

    /** Phase mode: the band buffer's length; the last tile of a band reads up to a tile and a row past it. */
    int bufferLength() {
        return bands.bufferLength(nr + bands.pitch);
    }

    /**
     * Packed index of the weight at GEMM row m, kernel tap {@code tap} and input channel ci: MR weights (the row
     * block's rows) per reduction index, in the order the kernel reads them. Depth-to-space:
     * {@code [rowBlock][ci][MR]} (rows are (co, tap)). Phase mode: the taps grouped by the phase they belong to,
     * then {@code [phase][channel block][rowBlock][tap][ci][MR]} ({@code [ci][tap]} with {@link #tapsInner}), the
     * order in which a band runs over (channel block, row block) and its row tables over {@link #reductionTap} and
     * {@link #reductionChannel}: the weights a phase reads stream from one contiguous run, not a run per tap and
     * row block (they are the largest stream when they do not fit L2).
     */
    int packedIndex(int m, int tap, int ci) {
        int block = m / mr, r = m % mr;
        if (depthToSpace) return (block * g.cig + ci) * mr + r;
        return blockOffset(tap, ci) * block + panelOffset(tap, ci) + r;
    }

    /** Phase mode: offset of (tap, ci) in row block 0; row block b adds b · {@link #blockOffset}. */
    int panelOffset(int tap, int ci) {
        int first = ci / kc * kc, blockLength = Math.min(kc, g.cig - first);
        int inBlock = tapsInner ? (ci - first) * phaseTaps[tap] + tapInPhase[tap] : tapInPhase[tap] * blockLength + ci - first;
        return ((phaseFirstTap[tap] * g.cig + first * phaseTaps[tap]) * rowBlocks + inBlock) * mr;
    }

    /** Phase mode: the tap (rank in its phase's list of {@code taps}) of step j of a block of {@code channels}. */
    int reductionTap(int j, int taps, int channels) {
        return tapsInner ? j % taps : j / channels;
    }

    /** Phase mode: the channel (from the block's first) of step j of a block of {@code channels}, {@code taps} each. */
    int reductionChannel(int j, int taps, int channels) {
        return tapsInner ? j / taps : j % channels;
    }

    /** Phase mode: the distance between row blocks of (tap's phase, ci's channel block). */
    int blockOffset(int tap, int ci) {
        int first = ci / kc * kc;
        return phaseTaps[tap] * Math.min(kc, g.cig - first) * mr;
    }

    /**
     * Phase mode, per kernel tap: the packed position of its phase's first tap, its rank within its phase and
     * the phase's tap count. A tap's phase is its residue {@code (t·d − pb) mod s} in every dimension (the
     * outputs it reaches), so each tap belongs to exactly one; within a phase taps are in (tD, tH, tW) order,
     * the order {@link Bands#taps} lists them.
     */
    private void orderTapsByPhase() {
        int n = g.kVol;
        phaseFirstTap = new int[n];
        tapInPhase = new int[n];
        phaseTaps = new int[n];
        long[][] phase = new long[n][];   // per tap, its residue in D, H and W
        Integer[] order = new Integer[n];
        for (int t = 0; t < n; t++) {
            int[] idx = {t / (g.k[1] * g.k[2]), t / g.k[2] % g.k[1], t % g.k[2]};
            phase[t] = new long[3];
            for (int a = 0; a < 3; a++) phase[t][a] = Math.floorMod((long) idx[a] * g.d[a] - g.pb[a], (long) g.s[a]);
            order[t] = t;
        }
        Arrays.sort(order, (u, v) -> Arrays.equals(phase[u], phase[v]) ? u - v : Arrays.compare(phase[u], phase[v]));
        for (int i = 0, first = 0; i <= n; i++) {
            if (i == n || !Arrays.equals(phase[order[i]], phase[order[first]])) {   // phase [first, i) ends
                for (int j = first; j < i; j++) {
                    phaseFirstTap[order[j]] = first;
                    tapInPhase[order[j]] = j - first;
                    phaseTaps[order[j]] = i - first;
                }
                first = i;
            }
        }
    }

    /** Index in {@code [Cin, Cout/groups, k…]} of the weight at GEMM row m (co, or (co, tap) in depth-to-space). */
    int weightIndex(int grp, int m, int tap, int ci) {
        if (depthToSpace) return (grp * g.cig + ci) * g.cog * g.kVol + m;
        return ((grp * g.cig + ci) * g.cog + m) * g.kVol + tap;
    }

    /** Stride equals kernel and dilation is 1 in every dimension: the depth-to-space GEMM applies. */
    static boolean strideEqualsKernel(Geometry g) {
        for (int a = 0; a < 3; a++) if (g.s[a] != g.k[a] || g.d[a] != 1) return false;
        return true;
    }

    String describe() {
        String mode = depthToSpace ? "stride=kernel gemm" : "phase gemm" + (bands.windowsPerRow > 1 ? " windowed" : "")
                + (bands.shifted ? " shifted" : "")
                + (tileGroup > 1 ? " grouped" : "");
        return mode + " " + shape.mr + "x" + shape.nv;
    }
}
