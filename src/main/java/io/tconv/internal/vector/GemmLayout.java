package io.tconv.internal.vector;

import io.tconv.internal.Geometry;
import io.tconv.internal.Phases;

/**
 * How a geometry is cut into GEMMs and tasks, for either precision. Per group, each job is one GEMM
 * {@code C[rows][pixels] = A[rows][K] · B[K][pixels]}:
 * <ul>
 * <li><b>phase mode</b> (the general case): one job per sub-pixel phase; rows are output channels, pixels the
 *     phase's output pixels, K = input channels × the phase's taps. No inserted zero is multiplied.</li>
 * <li><b>depth-to-space mode</b> (stride = kernel, dilation 1): a single job whose pixels are the input pixels
 *     and whose rows are (output channel, tap): every output cell is written exactly once, by a store. Cells
 *     beyond the input's reach (output_padding, negative crops) get the bias from a fill task.</li>
 * </ul>
 * A task is one tile of NR pixels of one job of one group, all rows; tasks write disjoint output cells.
 */
final class GemmLayout {
    final Geometry g;
    final boolean depthToSpace;
    /** Phase mode: the phase of each job; depth-to-space mode: null. */
    final Phases.Phase[] jobs;
    final int rows;
    final TileShape shape;
    final int mr, nr, rowBlocks, kc;
    final int[] jobK, jobPixels;
    /** Job and tile of each tile task of a group. */
    final int[] taskJob, taskTile;
    final int tilesPerGroup, tasksPerGroup;
    /** Depth-to-space mode: per dimension, which output indices no input reaches (bias only). */
    final boolean[][] uncovered;
    final boolean hasFillTask;
    final long macsPerTask;

    GemmLayout(Geometry g, boolean depthToSpace, int lanes, int bytesPerElement) {
        this.g = g;
        this.depthToSpace = depthToSpace;
        int jobCount;
        if (depthToSpace) {
            jobs = null;
            rows = g.cog * g.kVol;
            jobK = new int[] {g.cig};
            jobPixels = new int[] {g.inPlane};
            jobCount = 1;
        } else {
            jobs = new Phases(g).phases;
            rows = g.cog;
            jobCount = jobs.length;
            jobK = new int[jobCount];
            jobPixels = new int[jobCount];
            for (int j = 0; j < jobCount; j++) {
                jobK[j] = g.cig * jobs[j].taps();
                jobPixels[j] = jobs[j].pixels();
            }
        }
        int typicalPixels = 0;
        for (int p : jobPixels) typicalPixels = Math.max(typicalPixels, p);
        shape = TileShape.choose(VectorConstants.REGISTERS, rows, typicalPixels, lanes);
        mr = shape.mr;
        nr = shape.nv * lanes;
        rowBlocks = TileShape.ceilDiv(rows, mr);
        // Block the reduction so that the packed pixel panel (kc × nr) stays in a 32 KiB share of L1.
        kc = Math.max(16, Math.min(512, 32768 / (nr * bytesPerElement)));
        int tiles = 0;
        for (int p : jobPixels) tiles += TileShape.ceilDiv(p, nr);
        tilesPerGroup = tiles;
        taskJob = new int[tiles];
        taskTile = new int[tiles];
        for (int j = 0, t = 0; j < jobCount; j++) {
            for (int tile = 0; tile < TileShape.ceilDiv(jobPixels[j], nr); tile++, t++) {
                taskJob[t] = j;
                taskTile[t] = tile;
            }
        }
        uncovered = new boolean[3][];
        boolean any = false;
        if (depthToSpace) {
            for (int a = 0; a < 3; a++) {
                uncovered[a] = new boolean[g.out[a]];
                for (int o = 0; o < g.out[a]; o++) {
                    long f = (long) o + g.pb[a];
                    uncovered[a][o] = f < 0 || f >= (long) g.in[a] * g.s[a];
                    any |= uncovered[a][o];
                }
            }
        }
        hasFillTask = any;
        tasksPerGroup = tilesPerGroup + (hasFillTask ? 1 : 0);
        long macs = (long) g.cig * g.cog * g.inPlane * g.kVol;
        macsPerTask = Math.max(1, macs / tasksPerGroup);
    }

    /** {@return the most taps of a job (the per-thread run tables are sized by it)} */
    int maxTaps() {
        int t = 0;
        if (jobs != null) for (Phases.Phase ph : jobs) t = Math.max(t, ph.taps());
        return t;
    }

    /** {@return packed weights, bias and task tables, for elements of {@code bytes} bytes} */
    long sharedBytes(int bytes) {
        long packed = 0;
        for (int k : jobK) packed += (long) rowBlocks * k * mr;
        return bytes * (packed * g.groups + g.cout) + 8L * tilesPerGroup + g.out[0] + g.out[1] + g.out[2];
    }

    /** {@return the buffers of one thread: pixel panel and C tile, and the segment and run tables} */
    long bytesPerThread(int bytes) {
        return bytes * ((long) kc * nr + (long) rowBlocks * mr * nr) + 4L * (5L * nr + 3L * maxTaps() * nr);
    }

    /** Index in {@code [Cin, Cout/groups, k…]} of the weight at GEMM row m, reduction index kk, of a job and group. */
    int weightIndex(int job, int grp, int m, int kk) {
        if (depthToSpace) return (grp * g.cig + kk) * g.cog * g.kVol + m;   // row m = (co, tap)
        Phases.Phase ph = jobs[job];
        int taps = ph.taps(), ci = kk / taps, t = kk % taps;
        return ((grp * g.cig + ci) * g.cog + m) * g.kVol + ph.tap[t];
    }

    /**
     * Splits pixels [p0, p0 + valid) of a phase into runs along W: (qD, qH, first qW, length, first j) in the
     * given arrays. Returns the number of runs.
     */
    static int segments(Phases.Phase ph, int p0, int valid, int[] segD, int[] segH, int[] segW, int[] segLen, int[] segJ) {
        int qw = ph.q[2], n = 0;
        for (int j = 0; j < valid; ) {
            int p = p0 + j, w = p % qw, rest = p / qw;
            int len = Math.min(qw - w, valid - j);
            segD[n] = rest / ph.q[1];
            segH[n] = rest % ph.q[1];
            segW[n] = w;
            segLen[n] = len;
            segJ[n++] = j;
            j += len;
        }
        return n;
    }

    /** Stride equals kernel and dilation is 1 in every dimension: the depth-to-space GEMM applies. */
    static boolean strideEqualsKernel(Geometry g) {
        for (int a = 0; a < 3; a++) if (g.s[a] != g.k[a] || g.d[a] != 1) return false;
        return true;
    }

    String describe() {
        return (depthToSpace ? "stride=kernel gemm" : "phase gemm") + " " + shape.mr + "x" + shape.nv;
    }
}
