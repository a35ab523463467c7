package io.tconv.internal;

/**
 * The weight gradient's dot products over rows, a provider's vector kernel for layers whose groups are too narrow
 * for register tiles: task {@code task} of image n writes its partial sums of {@code x · gy} into its own slot,
 * {@code out[outOff …]}, laid out as gw's part for the task's group ({@code [ci in group][co][tap]}), or as the
 * whole of gw where {@link #allGroups} (its vectors then run across the groups); the caller adds the slots in a
 * fixed order.
 */
public interface DoubleWeightRows {
    /** {@return a short name of the kernel} */
    String name();

    /** {@return tasks per image; they are numbered group-major, unless every task covers all groups} */
    int tasksPerImage();

    /** {@return whether each task's slot covers every group (the whole of gw), not one} */
    boolean allGroups();

    /** {@return whether it beats the register tiles even where those waste little of their work} */
    default boolean beatsTiles() { return false; }

    /** {@return multiply-adds of one task, roughly: sizes the parallelism} */
    long macsPerTask();

    /** Writes task {@code task} of image n's partial sums into its slot {@code out[outOff …]}. */
    void run(int n, int task, double[] x, int xOff, double[] gy, int gyOff, double[] out, int outOff);
}
