package io.tconv;

import java.util.concurrent.Executor;

/**
 * How many threads an execute call may use, and whose. Work is split over outputs only (never the reduction),
 * so results are bit-identical whatever is chosen here; small problems always run on the calling thread.
 *
 * @param threads the most threads one call uses, the calling thread included (≥ 1)
 * @param executor where helper work runs, or null for tconv's own daemon threads. A caller-supplied executor
 *                 must not be the only thread of the caller itself if you want any speed-up (it cannot
 *                 deadlock: work the executor has not started by the time the caller finishes is not waited for)
 */
public record Parallelism(int threads, Executor executor) {

    /**
     * Checks the thread count.
     *
     * @param threads  the most threads one call uses, ≥ 1
     * @param executor where helper work runs, or null for tconv's own daemon threads
     */
    public Parallelism {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }

    /**
     * Up to {@code threads} threads: the caller plus tconv's own daemon helpers.
     *
     * @param threads the most threads one call uses, ≥ 1
     * @return the parallelism
     */
    public static Parallelism threads(int threads) {
        return new Parallelism(threads, null);
    }

    /** {@return one thread per available processor} */
    public static Parallelism allCores() {
        return threads(Runtime.getRuntime().availableProcessors());
    }

    /** {@return everything on the calling thread} */
    public static Parallelism callerOnly() {
        return threads(1);
    }

    /**
     * Up to {@code threads} threads: the caller plus tasks submitted to {@code executor}.
     *
     * @param executor where helper work runs
     * @param threads  the most threads one call uses, ≥ 1
     * @return the parallelism
     */
    public static Parallelism executor(Executor executor, int threads) {
        if (executor == null) throw new IllegalArgumentException("executor must not be null");
        return new Parallelism(threads, executor);
    }
}
