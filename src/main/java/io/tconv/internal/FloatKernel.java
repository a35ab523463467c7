package io.tconv.internal;

/**
 * One float implementation of a planned transposed convolution. The input and output offsets point at image 0
 * of NC(D)HW tensors whose sizes the caller has checked; the kernel owns its packed weights and never changes
 * them, so one kernel may run from many threads at once.
 */
public interface FloatKernel {
    /** The path this kernel implements, as reported by the plan. */
    String name();

    /** Independent tasks per image; each writes a disjoint part of that image's output, never more than its cells. */
    int tasksPerImage();

    /** Multiply-adds of one task, roughly: sizes the parallelism. */
    long macsPerTask();

    /** Computes task {@code task} of image {@code n}, writing every output cell it owns. */
    void run(int n, int task, float[] x, int xOff, float[] y, int yOff);
}
