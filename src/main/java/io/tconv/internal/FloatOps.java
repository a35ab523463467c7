package io.tconv.internal;

/**
 * The vector primitives the gradient kernels are written with: the Vector API where the provider has it,
 * plain loops otherwise. One implementation is in use per JVM, so calls through this interface inline.
 */
public interface FloatOps {
    /** {@return Σ x[xOff + j] · y[yOff + j] over j < n}, summed in an order fixed by n alone */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * Four dot products of x runs with four y runs, over several images: {@code out[outOff + m] += Σ_img Σ_j
     * x[xOff + img·xStride + j] · y[y_m + img·yStride + j]} over j < n, each summed in an order fixed by n and
     * the image count alone (x is loaded once for all four).
     */
    void dot4(float[] x, int xOff, int xStride, float[] y, int y0, int y1, int y2, int y3, int yStride, int images, int n,
              float[] out, int outOff);

    /**
     * A block of dot products, x runs {@code xs[0..3]} with y runs {@code ys[0..4]}, over several images:
     * {@code out[outOff + 5i + m] += Σ_img Σ_j x[xs[i] + img·xStride + j] · y[ys[m] + img·yStride + j]} over
     * j < n, each summed in an order fixed by n and the image count alone (each load feeds four or five
     * multiply-adds).
     */
    void dots4x5(float[] x, int[] xs, int xStride, float[] y, int[] ys, int yStride, int images, int n, float[] out, int outOff);

    /** {@return Σ x[off + j] over j < n}, summed in an order fixed by n alone */
    float sum(float[] x, int off, int n);

    /** {@return the rows of a {@link #tile}} */
    int tileRows();

    /** {@return the most vectors of columns of a {@link #tile}} */
    int tileVectors();

    /** {@return the columns per vector: the lanes, or 1 for plain loops} */
    int lanes();

    /**
     * A register tile of a matrix product, over row tables: for r below {@link #tileRows} and j below
     * {@code vectors · lanes()}, {@code c[cOff + r·cStride + j] = (accumulate ? c[…] : 0) + Σ_k a[aOff + aRow[k] + r] ·
     * b[bOff + bRow[k] + j]} over k in [k0, k0 + kLen), summed in increasing k.
     */
    void tile(float[] a, int aOff, int[] aRow, float[] b, int bOff, int[] bRow, int k0, int kLen, int vectors, float[] c,
              int cOff, int cStride, boolean accumulate);

    /** {@code dst[to + i] = src[from + i·step]} for {@code i < n}: a strided run made contiguous. */
    void gather(float[] src, int from, int step, float[] dst, int to, int n);

    /**
     * A square block of {@link #lanes()} × {@link #lanes()} transposed: {@code dst[to + j·dstStride + i] =
     * src[from + i·srcStride + j]} (in registers where the vectors allow it, else element by element).
     */
    void transpose(float[] src, int from, int srcStride, float[] dst, int to, int dstStride);
}
