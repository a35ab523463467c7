package io.tconv.internal;

/**
 * The vector primitives the gradient kernels are written with: the Vector API where the provider has it,
 * plain loops otherwise. One implementation is in use per JVM, so calls through this interface inline.
 */
public interface DoubleOps {
    /** {@return Σ x[xOff + j] · y[yOff + j] over j < n}, summed in an order fixed by n alone */
    double dot(double[] x, int xOff, double[] y, int yOff, int n);

    /** The double twin of {@link FloatOps#dot4}. */
    void dot4(double[] x, int xOff, int xStride, double[] y, int y0, int y1, int y2, int y3, int yStride, int images, int n,
              double[] out, int outOff);

    /**
     * A block of dot products, x runs {@code xs[0..3]} with y runs {@code ys[0..4]}, over several images:
     * {@code out[outOff + 5i + m] += Σ_img Σ_j x[xs[i] + img·xStride + j] · y[ys[m] + img·yStride + j]} over
     * j < n, each summed in an order fixed by n and the image count alone (each load feeds four or five
     * multiply-adds).
     */
    void dots4x5(double[] x, int[] xs, int xStride, double[] y, int[] ys, int yStride, int images, int n, double[] out, int outOff);

    /** {@return Σ x[off + j] over j < n}, summed in an order fixed by n alone */
    double sum(double[] x, int off, int n);

    /** As {@link FloatOps#tileRows}. */
    int tileRows();

    /** As {@link FloatOps#tileVectors}. */
    int tileVectors();

    /** As {@link FloatOps#lanes}. */
    int lanes();

    /** The double twin of {@link FloatOps#tile}. */
    void tile(double[] a, int aOff, int[] aRow, double[] b, int bOff, int[] bRow, int k0, int kLen, int vectors, double[] c,
              int cOff, int cStride, boolean accumulate);

    /** The double twin of {@link FloatOps#gather}. */
    void gather(double[] src, int from, int step, double[] dst, int to, int n);

    /** The double twin of {@link FloatOps#transpose}. */
    void transpose(double[] src, int from, int srcStride, double[] dst, int to, int dstStride);
}
