package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tconv.internal.Providers;
import io.tconv.internal.Workspace;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The workspace a plan reports ({@code sharedBytes + bytesPerThread · threads}) is what it really allocates,
 * a plan over the limit is refused up front with a message (not an {@link OutOfMemoryError}), and the
 * few-channel path does not grow its buffers without bound.
 */
class MemoryTest {
    static final com.sun.management.ThreadMXBean BEAN = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One case per path: phase GEMM, stride = kernel GEMM, few-channel blocks of 4, depthwise; all big enough to matter. */
    static final Case[] CASES = {
        new Case(1, 96, 80, 1, new int[] {24, 24}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, true, 1),
        new Case(1, 128, 64, 1, new int[] {16, 16}, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {0, 0},
                new int[] {1, 1}, true, 2),
        new Case(1, 64, 3, 1, new int[] {32, 32}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, false, 3),
        new Case(1, 32, 32, 32, new int[] {64, 64}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, false, 4)};

    @Test
    void reportedWorkspaceIsWhatThePlanAllocates() {
        assumeTrue(BEAN.isThreadAllocatedMemorySupported(), "no per-thread allocation counter on this JVM");
        BEAN.setThreadAllocatedMemoryEnabled(true);
        for (Case c : CASES) {
            double[][] d = c.data();
            float[] w = Check.toFloat(d[1]), b = Check.toFloat(d[2]), x = Check.toFloat(d[0]);
            float[] y = new float[c.outputLength()];
            FloatPlan warm = ConvTranspose.plan(c.spec(), w, b, Parallelism.callerOnly());
            for (int i = 0; i < 300; i++) warm.execute(x, y);   // classes loaded and C2-compiled (interpreted vector code boxes)
            long best = Long.MAX_VALUE;
            FloatPlan plan = null;
            for (int round = 0; round < 3; round++) {   // the least of three: other allocation on this thread only adds
                long before = BEAN.getCurrentThreadAllocatedBytes();
                plan = ConvTranspose.plan(c.spec(), w, b, Parallelism.callerOnly());
                plan.execute(x, y);
                best = Math.min(best, BEAN.getCurrentThreadAllocatedBytes() - before);
            }
            long reported = plan.sharedBytes() + plan.bytesPerThread();
            assertEquals(reported, plan.workspaceBytes(), "one thread");
            String context = plan.kernel() + ": allocated " + best + " bytes, reported " + plan.sharedBytes() + " + " + plan.bytesPerThread();
            assertTrue(best >= 0.9 * reported, "reports more than it allocates: " + context);
            assertTrue(best <= 1.1 * reported + (64 << 10), "allocates more than it reports: " + context);
        }
    }

    @Test
    void aPlanOverTheLimitIsRefusedUpFront() {
        Case c = CASES[0];
        double[][] d = c.data();
        String saved = System.getProperty(Workspace.LIMIT_PROPERTY);
        try {
            System.setProperty(Workspace.LIMIT_PROPERTY, "100000");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConvTranspose.plan(c.spec(), Check.toFloat(d[1]), Check.toFloat(d[2]), Parallelism.threads(4)));
            assertTrue(e.getMessage().contains("more than the limit of 0.1 MiB (-Dtconv.maxWorkspaceBytes")
                    && e.getMessage().contains("x 4 threads"), e.getMessage());
            System.setProperty(Workspace.LIMIT_PROPERTY, "lots");
            e = assertThrows(IllegalArgumentException.class, () -> ConvTranspose.plan(c.spec(), d[1], d[2], Parallelism.threads(1)));
            assertTrue(e.getMessage().contains("must be a positive number of bytes"), e.getMessage());
        } finally {
            if (saved == null) System.clearProperty(Workspace.LIMIT_PROPERTY);
            else System.setProperty(Workspace.LIMIT_PROPERTY, saved);
        }
    }

    @Test
    void veryManyInputChannelsTakeTheGemmRatherThanHugeRowBuffers() {
        assumeTrue(Providers.fallback() == null, "vector provider not in use: " + Providers.fallback());
        // One output channel (the few-channel path's case) but 4096 input channels of 2048-wide rows: a band of
        // rows for every input channel would be 64 MiB per thread.
        ConvTransposeSpec spec = ConvTransposeSpec.builder(4096, 1).inputSize(2, 2048).kernel(3, 3).stride(2).padding(1).build();
        FloatPlan plan = ConvTranspose.plan(spec, new float[spec.weightElements()], null, Parallelism.callerOnly());
        assertTrue(plan.kernel().contains("gemm"), plan.kernel());
        assertTrue(plan.bytesPerThread() < (16 << 20), "per-thread buffers " + plan.bytesPerThread());
    }
}
