package io.tconv.internal;

/**
 * One double implementation of a planned transposed convolution. The input and output offsets point at image 0
 * of NC(D)HW tensors whose sizes the caller has checked; the kernel owns its packed weights and never changes
 * them, so one kernel may run from many threads at once.
 */
public interface DoubleKernel {
    /** {@return the path this kernel implements, as reported by the plan} */
    String name();

    /** {@return independent tasks per image; each writes a disjoint part of that image's output, never more than its cells} */
    int tasksPerImage();

    /** {@return multiply-adds of one task, roughly: sizes the parallelism} */
    long macsPerTask();

    /** {@return bytes the kernel holds for all calls: packed weights, bias and index tables} */
    long sharedBytes();

    /** {@return bytes of the buffers each thread that runs the kernel allocates once (0 for none)} */
    long bytesPerThread();


    /**
     * Computes one task of one image, writing every output cell it owns.
     *
     * @param n    the image
     * @param task the task, {@code 0 ≤ task < tasksPerImage()}
     * @param x    the input array; image 0 starts at {@code xOff}
     * @param xOff where image 0 of the input starts
     * @param y    the output array; image 0 starts at {@code yOff}
     * @param yOff where image 0 of the output starts
     */
    void run(int n, int task, double[] x, int xOff, double[] y, int yOff);

    /**
     * {@return whether a task covers every image of a call ({@link #runBatch}) rather than one image ({@link #run}):
     * for kernels that share their weights' loads across the batch}
     */
    default boolean spansBatch() { return false; }

    /**
     * Computes task {@code task} ({@code 0 ≤ task < tasksPerImage()}) of every image of a batch of {@code batch},
     * where {@link #spansBatch}: {@link #macsPerTask} is then per image.
     */
    default void runBatch(int batch, int task, double[] x, int xOff, double[] y, int yOff) {
        for (int n = 0; n < batch; n++) run(n, task, x, xOff, y, yOff);
    }
}
