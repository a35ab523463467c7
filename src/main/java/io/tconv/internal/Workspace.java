package io.tconv.internal;

import java.util.Locale;

/**
 * The memory a plan may hold: a shared part (packed weights, bias, index tables) and one set of buffers for each
 * thread that runs it (allocated on that thread's first call, kept while thread and plan live). A kernel
 * states both before it allocates anything large; a plan whose workspace, {@code shared + perThread ×
 * threads}, exceeds the limit is refused with an {@link IllegalArgumentException} instead of failing later
 * with an {@link OutOfMemoryError}. The limit is {@code -Dtconv.maxWorkspaceBytes}, by default half the
 * maximum heap.
 */
public final class Workspace {
    /** The system property that sets the limit, in bytes. */
    public static final String LIMIT_PROPERTY = "tconv.maxWorkspaceBytes";

    private final int threads;
    private final long limit;

    /** @param threads the threads one call of the plan may use */
    public Workspace(int threads) {
        this.threads = threads;
        this.limit = limit();
    }

    /** {@return the limit now in force: the property, or half the maximum heap} */
    public static long limit() {
        String v = System.getProperty(LIMIT_PROPERTY);
        if (v == null || v.isBlank()) return Runtime.getRuntime().maxMemory() / 2;
        try {
            long l = Long.parseLong(v.strip());
            if (l > 0) return l;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("-D" + LIMIT_PROPERTY + " must be a positive number of bytes, got '" + v + "'");
    }

    /** {@return the workspace of a kernel with these needs, saturating at Long.MAX_VALUE} */
    public long total(long sharedBytes, long bytesPerThread) {
        if (bytesPerThread > 0 && threads > (Long.MAX_VALUE - sharedBytes) / bytesPerThread) return Long.MAX_VALUE;
        return sharedBytes + bytesPerThread * threads;
    }

    /**
     * Refuses a kernel whose workspace exceeds the limit.
     *
     * @param kernel         what the kernel is, for the message
     * @param sharedBytes    packed weights, bias and tables
     * @param bytesPerThread buffers of each thread that runs the plan
     * @throws IllegalArgumentException naming the sizes and the limit
     */
    public void check(String kernel, long sharedBytes, long bytesPerThread) {
        long total = total(sharedBytes, bytesPerThread);
        if (total > limit) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the plan would need %s of workspace (%s kernel: packed weights and tables %s + %s per thread x %d threads), "
                            + "more than the limit of %s (-D%s, default half the maximum heap)",
                    mib(total), kernel, mib(sharedBytes), mib(bytesPerThread), threads, mib(limit), LIMIT_PROPERTY));
        }
    }

    static String mib(long bytes) {
        return bytes == Long.MAX_VALUE ? "more than 2^63 bytes" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
