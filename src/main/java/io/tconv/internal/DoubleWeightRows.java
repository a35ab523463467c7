package io.tconv.internal;

/**
 * The weight gradient's dot products over bands of rows, a provider's vector kernel for layers whose groups are
 * too narrow for register tiles: task {@code task} of image n writes, for every input channel of its group,
 * output channel of the group and tap, the sum of {@code x · gy} over its rows into
 * {@code out[outOff + (ci·Cout/groups + co)·kVol + tap]}, its own slot; the caller adds the slots in a fixed order.
 */
public interface DoubleWeightRows {
    /** {@return tasks per image; they are numbered group-major} */
    int tasksPerImage();

    /** {@return the group a task belongs to} */
    int group(int task);

    /** {@return multiply-adds of one task, roughly: sizes the parallelism} */
    long macsPerTask();

    /** Writes task {@code task} of image n's dot products into {@code out[outOff …]}. */
    void run(int n, int task, double[] x, int xOff, double[] gy, int gyOff, double[] out, int outOff);
}
