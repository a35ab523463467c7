package io.tconv.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The weight gradient: as matrix products in register tiles where a group has the channels for them
 * ({@link #tiled}), else as long dot products. With {@code off(t) = t·d − pb = s·δ(t) + r(t)} per dimension,
 * {@code gw[ci, co, t] = Σ_n Σ_i x[n, ci, i] · gy_r[n, co, i + δ(t)]} where {@code gy_r[q] = gy[q·s + r]}: a
 * correlation of x with the residue's part of gy at lag δ(t). x and each residue of gy are copied into
 * zero-padded planes that share one row pitch and rows per plane, so that every lag is a constant offset and
 * each weight is a dot product over the planes (zeros in x's padding cancel what lies beyond the input). The
 * dot products ({@link #bands}) are computed in register blocks: four input channels × five (output channel,
 * tap) pairs share each pass (one channel × four pairs where a group has fewer than four channels), over bands
 * of rows whose copies stay in L2, one band (of one group and image, or of several whole images) per task.
 * The order of every sum is fixed.
 */
public final class WeightGradientF32 {
    private final Geometry g;
    private final FloatOps ops;
    /** Per residue with taps: its residue, counts q per dimension, the taps' flat indices and lags, and its origin. */
    private final List<int[]> residue = new ArrayList<>(), count = new ArrayList<>(), taps = new ArrayList<>(), shift = new ArrayList<>();
    private final List<int[]> minLag = new ArrayList<>();
    /** Padded extents shared by x and every residue: planes of rowsPerPlane rows of pitch elements. */
    private final int planes, rowsPerPlane, pitch, planeLength;
    /**
     * The dot products' bands: x's rows (plane × row, padding included) per band, the bands of an image, and the
     * rows a lag reaches past a band's last row.
     */
    private final int bandRows, bandCount, haloRows;
    /** The bytes of one image's band copies, and the bytes a task's copies aim for. */
    private final long imageBandBytes, bandLimit;
    /** The bytes of a band's copies (x's and every residue's rows of a group) that {@link #bands} aims for. */
    public static final long BAND_BYTES = 768 << 10;
    /** The provider's dot products over rows of the residue-split gy, where it has them for g; else null. */
    private final FloatWeightRows rows;
    /**
     * Whether the register tiles run: where padding is under half of them (else it costs more than the dot
     * products: img3, 3 of 8 rows, 0.85×) and the provider has no kernel that beats them anyway.
     */
    private final boolean tiles;

    public WeightGradientF32(Geometry g, Provider provider) {
        this(g, provider, BAND_BYTES);
    }

    /**
     * @param bandBytes the bytes of the copies a task of the dot products aims for (smaller in tests), or of the
     *                  provider's row kernel's buffer
     */
    public WeightGradientF32(Geometry g, Provider provider, long bandBytes) {
        this.g = g;
        this.ops = provider.floatOps();
        int[] span = new int[3];
        List<int[][]> lags = new ArrayList<>();
        int[] r = new int[3];
        for (r[0] = 0; r[0] < g.s[0]; r[0]++) {
            for (r[1] = 0; r[1] < g.s[1]; r[1]++) {
                for (r[2] = 0; r[2] < g.s[2]; r[2]++) {
                    int[] q = new int[3];
                    boolean empty = false;
                    for (int a = 0; a < 3; a++) {
                        q[a] = g.out[a] > r[a] ? (g.out[a] - r[a] + g.s[a] - 1) / g.s[a] : 0;
                        empty |= q[a] == 0;
                    }
                    if (empty) continue;
                    List<int[]> list = new ArrayList<>();   // {flat tap, δD, δH, δW}
                    for (int td = 0; td < g.k[0]; td++) {
                        for (int th = 0; th < g.k[1]; th++) {
                            for (int tw = 0; tw < g.k[2]; tw++) {
                                int[] t = {td, th, tw}, lag = new int[3];
                                boolean here = true;
                                for (int a = 0; a < 3 && here; a++) {
                                    long off = (long) t[a] * g.d[a] - g.pb[a];
                                    here = Math.floorMod(off, g.s[a]) == r[a];
                                    lag[a] = (int) Math.floorDiv(off, g.s[a]);
                                }
                                if (here) list.add(new int[] {(td * g.k[1] + th) * g.k[2] + tw, lag[0], lag[1], lag[2]});
                            }
                        }
                    }
                    if (list.isEmpty()) continue;
                    int[] min = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, max = {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE};
                    for (int[] t : list) {
                        for (int a = 0; a < 3; a++) {
                            min[a] = Math.min(min[a], t[a + 1]);
                            max[a] = Math.max(max[a], t[a + 1]);
                        }
                    }
                    for (int a = 0; a < 3; a++) span[a] = Math.max(span[a], max[a] - min[a]);
                    residue.add(r.clone());
                    count.add(q);
                    minLag.add(min);
                    lags.add(list.toArray(new int[0][]));
                }
            }
        }
        planes = g.in[0] + span[0];
        rowsPerPlane = g.in[1] + span[1];
        pitch = g.in[2] + span[2];
        planeLength = roundUp(planes * rowsPerPlane * pitch);
        int maxShift = 0;
        for (int i = 0; i < lags.size(); i++) {
            int[][] list = lags.get(i);
            int[] min = minLag.get(i), t = new int[list.length], sh = new int[list.length];
            for (int j = 0; j < list.length; j++) {
                t[j] = list[j][0];
                sh[j] = ((list[j][1] - min[0]) * rowsPerPlane + list[j][2] - min[1]) * pitch + list[j][3] - min[2];
                maxShift = Math.max(maxShift, sh[j]);
            }
            taps.add(t);
            shift.add(sh);
        }
        haloRows = maxShift / pitch + 1;
        int xRows = g.in[0] * rowsPerPlane;
        long rowBytes = (long) Float.BYTES * pitch * (g.cig + (long) g.cog * lags.size());
        int rows = (int) Math.max(1, Math.min(xRows, bandBytes / Math.max(1, rowBytes) - haloRows));
        bandCount = (xRows + rows - 1) / rows;
        bandRows = (xRows + bandCount - 1) / bandCount;
        imageBandBytes = rowBytes * (bandRows + haloRows);
        bandLimit = bandBytes;
        FloatWeightRows kernel = residue.isEmpty() ? null : provider.floatWeightRows(g, bandBytes);
        // Channels-first, the bands beat tiles that waste a quarter or more (f32, 64², k4s2: 8 → 8 35 → 75 GFLOP/s,
        // 12 → 12 47 → 78, 24 → 12 68 → 89; from full use on, the tiles win: 32 → 32, 32², 87 → 112); channels-last,
        // the tiles hold up to half their use (8 → 24: 103 against 48).
        double least = g.channelsLast ? 0.5 : 0.76;
        tiles = !residue.isEmpty() && tileUse() >= least && (kernel == null || !kernel.beatsTiles());
        this.rows = tiles ? null : kernel;
        pixels = pixelTargets();
        boolean inOrder = pixels != null && pixels.length == g.cout * g.kVol;
        for (int j = 0; inOrder && j < pixels.length; j++) inOrder = pixels[j] == j;
        pixelsInOrder = inOrder;
    }

    /** {@return the dot-product path in use: tiles, the provider's rows, or bands} */
    public String path() {
        return residue.isEmpty() ? "none" : pixels != null ? "single-pixel gemm" : tiles ? "tiles" : rows != null ? rows.name() : "bands";
    }

    /**
     * A single input pixel, one group, and tiles of at least a vector: per column of gy's image (an output cell
     * and channel, in the output's layout) where its gradient goes, {@code co·kVol + tap} within an input
     * channel's weights, or −1 for the cells no tap reaches. Else null.
     */
    private final int[] pixels;
    /** Whether column j of the single-pixel path is weight j of an input channel (the output cells are the taps). */
    private final boolean pixelsInOrder;

    private int[] pixelTargets() {
        return g.singlePixel() && ops.lanes() >= 4 ? g.singlePixelTaps() : null;
    }

    /**
     * The single-pixel path: {@code gw'[ci][col] = Σ_n x[n][ci] · gy[n][col]}, one GEMM over the batch (the images
     * its reduction), the register tiles' rows a block of input channels (x packed once per task), its vectors
     * gy's columns read where they lie (the last, short tile from a padded copy); each column's sums then go to
     * their tap's weight. A task is a range of columns.
     */
    private void pixels(int batch, float[] x, int xOff, float[] gy, int gyOff, float[] gw, Parallel parallel) {
        int mr = ops.tileRows(), vectors = ops.tileVectors(), nr = vectors * ops.lanes(), cols = g.outImage(), cin = g.cin;
        int blocks = (cin + mr - 1) / mr, tiles = (cols + nr - 1) / nr;
        int tilesPerTask = Math.max(1, Math.min(tiles, (256 << 10) / Math.max(1, Float.BYTES * batch * nr)));
        int tasks = (tiles + tilesPerTask - 1) / tilesPerTask, weights = g.cout * g.kVol;
        parallel.run(tasks, (long) batch * cin * nr * tilesPerTask, task -> {
            PixelWork w = pixelWork(batch, blocks * mr, nr);
            for (int b = 0; b < blocks; b++) {   // x packed: block b, image n, row r: input channel b·MR + r
                for (int n = 0; n < batch; n++) {
                    for (int r = 0; r < mr; r++) {
                        int ci = b * mr + r;
                        w.a[(b * batch + n) * mr + r] = ci < cin ? x[xOff + n * cin + ci] : 0f;
                    }
                }
            }
            for (int tile = task * tilesPerTask; tile < Math.min(tiles, (task + 1) * tilesPerTask); tile++) {
                int col = tile * nr, count = Math.min(nr, cols - col);
                float[] b = gy;
                int bOff = gyOff + col;
                int[] bRow = w.gyRow;
                if (count < nr) {   // the last tile: its columns copied, zeros past the image's
                    for (int n = 0; n < batch; n++) {
                        System.arraycopy(gy, gyOff + n * cols + col, w.last, n * nr, count);
                        java.util.Arrays.fill(w.last, n * nr + count, (n + 1) * nr, 0f);
                    }
                    b = w.last;
                    bOff = 0;
                    bRow = w.lastRow;
                }
                for (int blk = 0; blk < blocks; blk++) {
                    ops.tile(w.a, blk * batch * mr, w.aRow, b, bOff, bRow, 0, batch, vectors, w.c, 0, nr, false);
                    for (int r = 0; r < Math.min(mr, cin - blk * mr); r++) {
                        int at = (blk * mr + r) * weights;
                        if (pixelsInOrder) {   // column j is weight j (channels-first, every cell one tap's)
                            System.arraycopy(w.c, r * nr, gw, at + col, count);
                            continue;
                        }
                        for (int j = 0; j < count; j++) {
                            int t = pixels[col + j];
                            if (t >= 0) gw[at + t] = w.c[r * nr + j];
                        }
                    }
                }
            }
        });
    }

    /** Per thread, for the single-pixel path: x packed, the last tile's copy of gy, a tile of sums, row tables. */
    private static final class PixelWork {
        final int batch;
        final float[] a, last, c;
        final int[] aRow, gyRow, lastRow;

        PixelWork(int batch, int rows, int nr, int mr, int cols) {
            this.batch = batch;
            a = new float[batch * rows];
            last = new float[batch * nr];
            c = new float[mr * nr];
            aRow = new int[batch];
            gyRow = new int[batch];
            lastRow = new int[batch];
            for (int n = 0; n < batch; n++) {
                aRow[n] = n * mr;
                gyRow[n] = n * cols;
                lastRow[n] = n * nr;
            }
        }
    }

    private final ThreadLocal<PixelWork> pixelWork = new ThreadLocal<>();

    private PixelWork pixelWork(int batch, int rows, int nr) {
        PixelWork w = pixelWork.get();
        if (w == null || w.batch != batch) pixelWork.set(w = new PixelWork(batch, rows, nr, ops.tileRows(), g.outImage()));
        return w;
    }

    private static int roundUp(int n) { return (n + 15) / 16 * 16; }

    /**
     * The copies of one call, kept per thread for the next call with the same batch: every call writes the same
     * cells of them, so their padding stays zero (a new batch gets new, zeroed arrays).
     */
    private static final class Work {
        final int batch;
        final float[][] y;
        float[] x, c;
        int[] aRow, bRow;

        Work(int batch, int residues) {
            this.batch = batch;
            this.y = new float[residues][];
        }
    }

    private final ThreadLocal<Work> work = new ThreadLocal<>();

    private Work work(int batch) {
        Work w = work.get();
        if (w == null || w.batch != batch) {
            w = new Work(batch, residue.size());
            work.set(w);
        }
        return w;
    }

    /** gw for a batch, {@code [Cin, Cout/groups, k…]}: every element written; runs its tasks on {@code parallel}. */
    public void run(int batch, float[] x, int xOff, float[] gy, int gyOff, float[] gw, Parallel parallel) {
        java.util.Arrays.fill(gw, 0f);
        if (batch == 0 || residue.isEmpty()) return;
        if (pixels != null) {
            pixels(batch, x, xOff, gy, gyOff, gw, parallel);
            return;
        }
        if (tiles) {
            tiled(batch, x, xOff, gy, gyOff, gw, parallel);
            return;
        }
        if (rows != null) rows(batch, x, xOff, gy, gyOff, gw, parallel);
        else bands(batch, x, xOff, gy, gyOff, gw, parallel);
    }

    /**
     * The weight gradient on the provider's row kernel: each task (group, D position, band of rows, image) writes
     * its dot products into its own slot, and the slots of a group are then added in a fixed order.
     */
    private void rows(int batch, float[] x, int xOff, float[] gy, int gyOff, float[] gw, Parallel parallel) {
        int perImage = rows.tasksPerImage(), perGroup = g.cig * g.cog * g.kVol, tasks = batch * perImage;
        int perSlot = rows.allGroups() ? g.groups * perGroup : perGroup;
        Work work = work(batch);
        int length = arrayLength(tasks, perSlot);
        float[] slots = work.c = work.c != null && work.c.length >= length ? work.c : new float[length];
        parallel.run(tasks, rows.macsPerTask(), t -> rows.run(t % batch, t / batch, x, xOff, gy, gyOff, slots, t * perSlot));
        // slot t = task · batch + image; without allGroups tasks are numbered group-major: a group's slots are adjacent
        if (rows.allGroups()) addSlots(slots, 1, perSlot, tasks, gw, parallel);
        else addSlots(slots, g.groups, perGroup, perImage / g.groups * batch, gw, parallel);
    }

    /**
     * The weight gradient as dot products, for groups too narrow for register tiles. A task is one band of rows
     * of one group and one image (or several whole images, where a band is a whole image): it copies the band's
     * rows of x and of each residue of gy (with the rows its lags reach past the band) into buffers of its own
     * thread, which stay in L2, and writes the band's dot products of every weight of the group into its own
     * slot of partial sums. Those are then added band by band, image by image: the order of every sum is fixed,
     * whatever the thread count.
     */
    private void bands(int batch, float[] x, int xOff, float[] gy, int gyOff, float[] gw, Parallel parallel) {
        // whole images per task where one image's band is the whole image, as many as fit the band's bytes
        int images = bandCount > 1 ? 1 : (int) Math.max(1, Math.min(batch, bandLimit / Math.max(1, imageBandBytes)));
        int imageBlocks = (batch + images - 1) / images, perTask = imageBlocks * bandCount;
        int perGroup = g.cig * g.cog * g.kVol, tasks = g.groups * perTask;
        Work work = work(batch);
        float[] partial = work.c = work.c != null ? work.c : new float[arrayLength(tasks, perGroup)];
        long macs = (long) images * g.cig * g.cog * g.kVol * bandRows * pitch;
        parallel.run(tasks, Math.max(1, macs), task -> band(task / perTask, task % perTask / bandCount * images,
                Math.min(images, batch - task % perTask / bandCount * images), task % bandCount, x, xOff, gy, gyOff, partial,
                task * perGroup));
        addSlots(partial, g.groups, perGroup, perTask, gw, parallel);
    }

    /**
     * {@code gw} of each of {@code groups} parts of {@code perGroup} weights as the sum of its slots of partial
     * sums, {@code slots[(grp·perGroupSlots + k) · perGroup …]} for k in increasing order: a fixed order, whatever
     * the thread count. Slot by slot, so that the adds run along the weights (vectorized by C2), not as one
     * chain of dependent adds per weight (dw32 NHWC: 16% of the weight gradient's time).
     */
    private static void addSlots(float[] slots, int groups, int perGroup, int perGroupSlots, float[] gw, Parallel parallel) {
        parallel.run(groups, (long) perGroupSlots * perGroup, grp -> {
            int to = grp * perGroup;
            java.util.Arrays.fill(gw, to, to + perGroup, 0f);
            for (int t = grp * perGroupSlots; t < (grp + 1) * perGroupSlots; t++) {
                for (int j = 0, from = t * perGroup; j < perGroup; j++) gw[to + j] += slots[from + j];
            }
        });
    }

    /**
     * The weight gradient as matrix products, where a group has enough channels on both sides for register
     * tiles: for each tap, {@code gw[·, ·, t] = Σ_k xT[k][ci] · gyT_r[k + shift(t)][co]} over every (image,
     * padded plane position) k. x and each residue of gy are first copied channels-last into panels of
     * {@link FloatOps#tileRows} input channels and of a tile's width of output channels ({@code [panel][k][channel
     * in panel]}, as the forward pass packs its weights), so that each tile streams two contiguous runs. A task
     * owns {@link #BLOCKS_PER_TASK} panels of input channels, which share each chunk of a gy panel while it is in
     * L1, and sums k in increasing order: results do not depend on the thread count.
     */
    private void tiled(int batch, float[] x, int xOff, float[] gy, int gyOff, float[] gw, Parallel parallel) {
        // Panels as even as the widest tile allows: 4 vectors of output channels as 2 + 2, not 3 + 1 (whose
        // one-vector tile runs at a third of the rate).
        int mr = ops.tileRows(), lanes = ops.lanes(), vectorsPerGroup = (g.cog + lanes - 1) / lanes;
        int nr = ceilDiv(vectorsPerGroup, ceilDiv(vectorsPerGroup, ops.tileVectors())) * lanes;
        int xPanels = (g.cig + mr - 1) / mr, yPanels = (g.cog + nr - 1) / nr, width = yPanels * nr;
        int positions = arrayLength((long) batch * planeLength, 1), yRows = arrayLength(positions + (long) planeLength, 1);
        Work work = work(batch);
        float[] xt = work.x = work.x != null ? work.x : new float[arrayLength((long) g.groups * xPanels * positions, mr)];
        for (int n = 0; n < batch; n++) {
            for (int id = 0; id < g.in[0]; id++) {
                for (int ih = 0; ih < g.in[1]; ih++) {
                    toPanels(x, xOff + n * g.inImage() + (id * g.in[1] + ih) * g.in[2] * g.xp, g.xc, g.xp, g.in[2], g.cin, g.cig, mr,
                            xPanels, xt, n * planeLength + (id * rowsPerPlane + ih) * pitch, positions);
                }
            }
        }
        float[][] gt = work.y;
        for (int i = 0; i < gt.length; i++) {
            if (gt[i] == null) gt[i] = new float[arrayLength((long) g.groups * yPanels * yRows, nr)];
            int[] r = residue.get(i), q = count.get(i), min = minLag.get(i);
            int c0 = Math.max(0, min[2]), c1 = Math.min(q[2], min[2] + pitch);
            for (int n = 0; n < batch; n++) {
                for (int a = Math.max(0, min[0]); a < Math.min(q[0], min[0] + planes); a++) {
                    for (int b = Math.max(0, min[1]); b < Math.min(q[1], min[1] + rowsPerPlane); b++) {
                        int src = gyOff + n * g.outImage() + (((a * g.s[0] + r[0]) * g.out[1] + b * g.s[1] + r[1]) * g.out[2] + r[2]
                                + c0 * g.s[2]) * g.yp;
                        int k = n * planeLength + ((a - min[0]) * rowsPerPlane + b - min[1]) * pitch + c0 - min[2];
                        toPanels(gy, src, g.yc, g.s[2] * g.yp, c1 - c0, g.cout, g.cog, nr, yPanels, gt[i], k, yRows);
                    }
                }
            }
        }
        if (work.aRow == null) {
            work.aRow = new int[positions];
            work.bRow = new int[positions];
            for (int k = 0; k < positions; k++) {
                work.aRow[k] = k * mr;
                work.bRow[k] = k * nr;
            }
        }
        int[] aRow = work.aRow, bRow = work.bRow;
        int perGroup = (xPanels + BLOCKS_PER_TASK - 1) / BLOCKS_PER_TASK, tileSize = g.kVol * mr * width;
        int sumsLength = arrayLength(BLOCKS_PER_TASK, tileSize);
        parallel.run(g.groups * perGroup, Math.max(1, (long) positions * tileSize * BLOCKS_PER_TASK), task -> {
            int grp = task / perGroup, first = task % perGroup * BLOCKS_PER_TASK, blocks = Math.min(BLOCKS_PER_TASK, xPanels - first);
            // the task's tiles, in its thread's array (an array of every task's tiles took 9 MB on voc1d; this, 0.6 MB)
            float[] c = tileSums.get();
            if (c == null || c.length < sumsLength) tileSums.set(c = new float[sumsLength]);
            for (int k0 = 0; k0 < positions; k0 += CHUNK) {
                int kLen = Math.min(CHUNK, positions - k0);
                for (int i = 0; i < gt.length; i++) {
                    int[] t = taps.get(i), sh = shift.get(i);
                    for (int j = 0; j < t.length; j++) {
                        for (int p = 0; p < yPanels; p++) {
                            int vectors = Math.min(nr / lanes, (g.cog - p * nr + lanes - 1) / lanes);
                            int bOff = ((grp * yPanels + p) * yRows + sh[j]) * nr;
                            for (int blk = 0; blk < blocks; blk++) {
                                ops.tile(xt, (grp * xPanels + first + blk) * positions * mr, aRow, gt[i], bOff, bRow, k0, kLen, vectors,
                                        c, blk * tileSize + t[j] * mr * width + p * nr, width, k0 > 0);
                            }
                        }
                    }
                }
            }
            for (int blk = 0; blk < blocks; blk++) {
                for (int r = 0, ci = (first + blk) * mr; r < mr && ci < g.cig; r++, ci++) {
                    int to = ((grp * g.cig + ci) * g.cog) * g.kVol, from = blk * tileSize + r * width;
                    // The sums are [tap][co] per input channel, gw [co][tap]: square blocks of taps × output channels
                    // transposed in registers (element by element took about two cycles a weight). A tap that meets
                    // no gy has sums of zero: its rows of the thread's array are zero when allocated, and no task of
                    // this geometry ever writes them.
                    int tapBlocks = g.kVol / lanes * lanes, coBlocks = g.cog / lanes * lanes;
                    for (int t0 = 0; t0 < tapBlocks; t0 += lanes) {
                        for (int co0 = 0; co0 < coBlocks; co0 += lanes) {
                            ops.transpose(c, from + t0 * mr * width + co0, mr * width, gw, to + co0 * g.kVol + t0, g.kVol);
                        }
                    }
                    for (int i = 0; i < gt.length; i++) {
                        for (int tap : taps.get(i)) {
                            for (int co = tap < tapBlocks ? coBlocks : 0; co < g.cog; co++) {
                                gw[to + co * g.kVol + tap] = c[from + tap * mr * width + co];
                            }
                        }
                    }
                }
            }
        });
    }

    /** Per thread: the tiles of a task of {@link #tiled}, {@code [block][tap][row][output channel]}. */
    private final ThreadLocal<float[]> tileSums = new ThreadLocal<>();

    /**
     * {@return the share of a {@link #tiled} tile's multiply-adds that are not padding: input channels rounded up
     * to tile rows, output channels to vectors}
     */
    private double tileUse() {
        int mr = ops.tileRows(), lanes = ops.lanes();
        return (double) g.cig / ((g.cig + mr - 1) / mr * mr) * g.cog / ((g.cog + lanes - 1) / lanes * lanes);
    }

    /** Input-channel panels per task of {@link #tiled}; positions per chunk of its sums (a chunk's panels in L1). */
    private static final int BLOCKS_PER_TASK = 4, CHUNK = 256;

    /** Positions per block of a copy into panels: the block's rows stay in L1 while every channel is written. */
    private static final int TRANSPOSE_BLOCK = 16;

    /**
     * Copies a run of {@code length} positions of every channel ({@code src[from + c·channelStride + i·step]})
     * into panels of {@code width} channels per group, {@code [group, panel][row][channel in panel]} with
     * {@code rows} rows per panel, at rows {@code k …}. Channels-last (a channel stride of 1), a position's
     * channels of a panel are adjacent at both ends: copied as runs (dcgan_128 NHWC: the element-by-element copy
     * was a quarter of the weight gradient).
     */
    private static void toPanels(float[] src, int from, int channelStride, int step, int length, int channels, int perGroup,
                                 int width, int panelsPerGroup, float[] dst, int k, int rows) {
        if (channelStride == 1) {
            for (int c = 0, run; c < channels; c += run) {   // a panel's channels: up to width, within a group
                int within = c % perGroup, to = ((c / perGroup * panelsPerGroup + within / width) * rows + k) * width, at = from + c;
                run = Math.min(width, perGroup - within);
                for (int i = 0; i < length; i++, to += width, at += step) System.arraycopy(src, at, dst, to, run);
            }
            return;
        }
        for (int i0 = 0; i0 < length; i0 += TRANSPOSE_BLOCK) {
            int i1 = Math.min(length, i0 + TRANSPOSE_BLOCK);
            for (int c = 0; c < channels; c++) {
                int within = c % perGroup, panel = c / perGroup * panelsPerGroup + within / width;
                int to = (panel * rows + k) * width + within % width, at = from + c * channelStride;
                for (int i = i0; i < i1; i++) dst[to + i * width] = src[at + i * step];
            }
        }
    }

    /** {@return rows × width as an array length}, or a clear error where Java's arrays cannot hold it */
    private static int arrayLength(long rows, long width) {
        long n = rows * width;
        if (n > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("the weight gradient needs a work array of " + n + " elements, over Java's limit");
        }
        return (int) n;
    }

    /** Per thread: a band's copies of x ({@code [ci][position]}) and of each residue of gy ({@code [co][position]}). */
    private final ThreadLocal<float[][]> bandCopies = new ThreadLocal<>();

    /** {@return a band's positions, rounded up to whole vectors of any width (x is zero there)} */
    private int bandLength() { return roundUp(bandRows * pitch); }

    /** {@return the positions of a band's copy of a residue: its rows, the rows its lags reach and the rounding} */
    private int residueLength() { return roundUp((bandRows + haloRows) * pitch) + 16; }

    /**
     * One task of {@link #bands}: group grp, images {@code n0 …} (several only where a band is a whole image),
     * band b. Copies the band (x's rows {@code [R0, R0 + bandRows)} of the padded planes, zero past x; each
     * residue's rows from R0 on, zero past gy), image after image, and writes the dot products of every weight of
     * the group, summed over the images, into {@code out[outOff …]}, {@code [ci in group][co][tap]}.
     */
    private void band(int grp, int n0, int images, int b, float[] x, int xOff, float[] gy, int gyOff, float[] out, int outOff) {
        int xLen = bandLength(), yLen = residueLength(), xImage = g.cig * xLen, yImage = g.cog * yLen;
        float[][] copies = bandCopies.get();
        if (copies == null || copies[0].length < images * xImage) {
            copies = new float[1 + residue.size()][];
            copies[0] = new float[images * xImage];
            for (int i = 0; i < residue.size(); i++) copies[1 + i] = new float[images * yImage];
            bandCopies.set(copies);
        }
        int r0 = b * bandRows;
        // With one band per image every task writes the same cells of the copies: the others stay zero from
        // their allocation. With several bands, what lies outside x and gy moves from band to band.
        boolean zero = bandCount > 1;
        float[] xb = copies[0];
        for (int ci = 0; ci < g.cig * images; ci++) {
            int plane = xOff + (n0 + ci / g.cig) * g.inImage() + (grp * g.cig + ci % g.cig) * g.xc;
            for (int row = 0; row < xLen / pitch + 1; row++) {
                int dst = ci * xLen + row * pitch, end = Math.min(dst + pitch, (ci + 1) * xLen), at = 0;
                if (dst >= end) break;
                int rr = r0 + row, id = rr / rowsPerPlane, ih = rr % rowsPerPlane;
                if (row < bandRows && id < g.in[0] && ih < g.in[1]) {
                    int src = plane + (id * g.in[1] + ih) * g.in[2] * g.xp;
                    at = g.in[2];
                    if (g.xp == 1) System.arraycopy(x, src, xb, dst, at);
                    else for (int iw = 0; iw < at; iw++) xb[dst + iw] = x[src + iw * g.xp];
                }
                if (zero) java.util.Arrays.fill(xb, dst + at, end, 0f);
            }
        }
        for (int i = 0; i < residue.size(); i++) {
            int[] r = residue.get(i), q = count.get(i), min = minLag.get(i);
            int c0 = Math.max(0, min[2]), c1 = Math.min(q[2], min[2] + pitch), step = g.s[2] * g.yp;
            float[] yb = copies[1 + i];
            for (int co = 0; co < g.cog * images; co++) {
                int plane = gyOff + (n0 + co / g.cog) * g.outImage() + (grp * g.cog + co % g.cog) * g.yc;
                for (int row = 0; row < yLen / pitch + 1; row++) {
                    int dst = co * yLen + row * pitch, end = Math.min(dst + pitch, (co + 1) * yLen);
                    if (dst >= end) break;
                    int rr = r0 + row, a = rr / rowsPerPlane + min[0], bq = rr % rowsPerPlane + min[1];
                    if (rr < planes * rowsPerPlane && a >= 0 && a < q[0] && bq >= 0 && bq < q[1] && c1 > c0) {
                        int src = plane + (((a * g.s[0] + r[0]) * g.out[1] + bq * g.s[1] + r[1]) * g.out[2] + r[2]) * g.yp;
                        // (the last row of a copy may be cut short by the rounding)
                        int from = Math.min(end, dst + c0 - min[2]), to = Math.min(end, from + c1 - c0);
                        if (zero) java.util.Arrays.fill(yb, dst, from, 0f);
                        if (to > from) ops.gather(gy, src + c0 * step, step, yb, from, to - from);
                        if (zero) java.util.Arrays.fill(yb, to, end, 0f);
                    } else if (zero) {
                        java.util.Arrays.fill(yb, dst, end, 0f);
                    }
                }
            }
        }
        java.util.Arrays.fill(out, outOff, outOff + g.cig * g.cog * g.kVol, 0f);
        for (int ci0 = 0; ci0 < g.cig; ci0 += block()) weights(ci0, images, copies, out, outOff);
    }

    /** A thread's block of dot products and their operands' offsets: made once, not on every band. */
    private static final class Dots {
        final float[] acc = new float[20];
        final int[] xs = new int[4], ys = new int[5], col = new int[5], tap = new int[5];
    }

    private final ThreadLocal<Dots> dots = ThreadLocal.withInitial(Dots::new);

    /** Input channels per block: a block of four shares each load of gy, where a group has four. */
    private int block() { return g.cig >= 4 ? 4 : 1; }

    /**
     * The dot products over a band, summed over its images, of a block of input channels from ci0 (of a group)
     * with every (output channel, tap) pair, in blocks of 4 × 5 (or 1 × 4 where a group has fewer than four input
     * channels), added into {@code out[outOff + (ci·Cout/g + co)·kVol + tap]}. A block past the group's end
     * repeats its last channel, and the repeats are dropped.
     */
    private void weights(int ci0, int images, float[][] copies, float[] out, int outOff) {
        int size = block(), len = bandLength(), yLen = residueLength(), xImage = g.cig * len, yImage = g.cog * yLen;
        int channels = Math.min(size, g.cig - ci0);
        Dots d = dots.get();
        float[] acc = d.acc;
        int[] xs = d.xs, ys = d.ys, col = d.col, tap = d.tap;
        for (int a = 0; a < 4; a++) xs[a] = (ci0 + Math.min(a, channels - 1)) * len;
        int pairWidth = size == 4 ? 5 : 4;
        for (int i = 0; i < residue.size(); i++) {
            int[] t = taps.get(i), sh = shift.get(i);
            int pairs = g.cog * t.length;
            for (int first = 0; first < pairs; first += pairWidth) {
                int m = Math.min(pairWidth, pairs - first);
                java.util.Arrays.fill(acc, 0f);
                for (int u = 0; u < pairWidth; u++) {
                    int pair = first + Math.min(u, m - 1);
                    col[u] = pair / t.length;
                    tap[u] = t[pair % t.length];
                    ys[u] = col[u] * yLen + sh[pair % t.length];
                }
                if (size == 4) {
                    ops.dots4x5(copies[0], xs, xImage, copies[1 + i], ys, yImage, images, len, acc, 0);
                } else {
                    ops.dot4(copies[0], xs[0], xImage, copies[1 + i], ys[0], ys[1], ys[2], ys[3], yImage, images, len, acc, 0);
                }
                for (int a = 0; a < channels; a++) {
                    for (int u = 0; u < m; u++) out[outOff + ((ci0 + a) * g.cog + col[u]) * g.kVol + tap[u]] += acc[a * pairWidth + u];
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
