package io.tconv.internal.vector;

/**
 * A microkernel's register tile: MR output channels (broadcast weights) × NV vectors of pixels. The 32-register
 * shapes reached 96–100% of the FMA peak in KERNELS.md's measurements; the 16-register ones are for AVX2.
 */
enum TileShape {
    M12x2(12, 2, 32), M4x6(4, 6, 32), M5x2(5, 2, 16), M2x4(2, 4, 16);

    final int mr, nv, registers;

    TileShape(int mr, int nv, int registers) {
        this.mr = mr;
        this.nv = nv;
        this.registers = registers;
    }

    /**
     * The shape for {@code rows} output rows and {@code pixels} pixels per job that wastes the least work on
     * padding (rows rounded up to MR, pixels to NR); ties go to the shape with more rows, which needs fewer
     * vector loads per FMA.
     */
    static TileShape choose(int registers, int rows, int pixels, int lanes) {
        TileShape best = null;
        double bestUse = -1;
        for (TileShape s : values()) {
            if (s.registers != registers) continue;
            int nr = s.nv * lanes;
            double use = (double) rows / (ceilDiv(rows, s.mr) * s.mr) * pixels / ((double) ceilDiv(pixels, nr) * nr);
            if (use > bestUse + 1e-9) {
                best = s;
                bestUse = use;
            }
        }
        return best;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
