package io.tconv.internal;

/**
 * The work of one execute call, cut into independent tasks that each write a disjoint part of the output.
 * Which thread runs which task never changes a result: a task's arithmetic does not depend on the others.
 */
public interface Task {
    /** Runs task {@code index}, 0 ≤ index &lt; the count given to {@link Parallel#run}. */
    void run(int index);
}
