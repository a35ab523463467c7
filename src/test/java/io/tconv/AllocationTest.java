package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * {@code execute} allocates nothing on the calling thread in steady state (1 thread and with helpers). A round
 * of 100 calls is measured up to 10 times: a real per-call allocation shows in every round, while the JIT's
 * occasional deoptimisation (interpreted vector code boxes) only in some, so one clean round is required.
 */
class AllocationTest {

    @Test
    void executeAllocatesNothing() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported(), "no per-thread allocation counter on this JVM");
        bean.setThreadAllocatedMemoryEnabled(true);
        Case[] cases = {   // phase GEMM, depth-to-space GEMM, few-channel rows (blocks of 4, and depthwise)
            new Case(2, 32, 24, 1, new int[] {24, 24}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {1, 1}, true, 1),
            new Case(1, 40, 16, 1, new int[] {16, 16}, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                    new int[] {1, 1}, new int[] {1, 1}, true, 2),
            new Case(2, 16, 3, 1, new int[] {32, 32}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {1, 1}, true, 3),
            new Case(1, 8, 8, 8, new int[] {40, 40}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {1, 1}, new int[] {1, 1}, false, 4)};
        for (Case c : cases) {
            for (int threads : new int[] {1, 2}) {
                double[][] d = c.data();
                FloatPlan f = ConvTranspose.plan(c.spec(), Check.toFloat(d[1]), Check.toFloat(d[2]), Parallelism.threads(threads));
                DoublePlan g = ConvTranspose.plan(c.spec(), d[1], d[2], Parallelism.threads(threads));
                float[] x = Check.toFloat(d[0]), y = new float[c.outputLength()];
                double[] yd = new double[c.outputLength()];
                for (int i = 0; i < 300; i++) { f.execute(x, y); g.execute(d[0], yd); }   // warm up: scratch, C2
                long least = Long.MAX_VALUE;
                for (int round = 0; round < 10 && least > 0; round++) {
                    long before = bean.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 50; i++) { f.execute(c.batch(), x, 0, y, 0); g.execute(c.batch(), d[0], 0, yd, 0); }
                    least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
                }
                assertEquals(0, least, "bytes allocated by 100 execute calls in the best round, " + threads + " threads, " + f.kernel());
            }
        }
    }
}
