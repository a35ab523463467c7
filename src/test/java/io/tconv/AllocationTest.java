package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
        // phase GEMM, depth-to-space GEMM, few-channel rows (blocks of 4, and depthwise), single pixels, the
        // sub-pixel GEMM (its moves to the output), and channels-last depthwise multipliers (their spread rows)
        Case[] cases = {
            new Case(2, 32, 24, 1, new int[] {24, 24}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {1, 1}, true, 1),
            new Case(1, 40, 16, 1, new int[] {16, 16}, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                    new int[] {1, 1}, new int[] {1, 1}, true, 2),
            new Case(2, 16, 3, 1, new int[] {32, 32}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {1, 1}, true, 3),
            new Case(1, 8, 8, 8, new int[] {40, 40}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {1, 1}, new int[] {1, 1}, false, 4),
            new Case(13, 20, 24, 1, new int[] {1, 1}, new int[] {4, 4}, new int[] {1, 1}, new int[] {0, 0},
                    new int[] {0, 0}, new int[] {1, 1}, true, 5),
            new Case(2, 64, 1, 1, new int[] {12, 20}, new int[] {6, 6}, new int[] {3, 3}, new int[] {2, 2},
                    new int[] {1, 1}, new int[] {1, 1}, true, 7),
            new Case(2, 16, 32, 16, new int[] {16, 24}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {1, 1}, true, 6)};
        for (Case c : cases) {
            ConvTransposeSpec spec = c == cases[cases.length - 1] ? ChannelsLastTest.spec(c) : c.spec();
            for (int threads : new int[] {1, 2}) {
                double[][] d = c.data();
                FloatPlan f = ConvTranspose.plan(spec, Check.toFloat(d[1]), Check.toFloat(d[2]), Parallelism.threads(threads));
                DoublePlan g = ConvTranspose.plan(spec, d[1], d[2], Parallelism.threads(threads));
                float[] x = Check.toFloat(d[0]), y = new float[c.outputLength()];
                double[] yd = new double[c.outputLength()];
                for (int i = 0; i < 300; i++) { f.execute(x, y); g.execute(d[0], yd); }   // warm up: scratch, C2
                long least = Long.MAX_VALUE;
                // (40 rounds or 30 s, whichever is longer, until one allocates nothing: a path new to a JVM whose
                // other kernels are compiled, such as the single-pixel GEMM's after the others, took about ten rounds
                // past the warm-up to be compiled by C2 on its own, and more than 40 once when the whole suite's
                // classes had run first in the same JVM; a path that allocates on every call still fails)
                long deadline = System.nanoTime() + 30_000_000_000L;
                for (int round = 0; (round < 40 || System.nanoTime() < deadline) && least > 0; round++) {
                    long before = bean.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 50; i++) { f.execute(c.batch(), x, 0, y, 0); g.execute(c.batch(), d[0], 0, yd, 0); }
                    least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
                }
                assertEquals(0, least, "bytes allocated by 100 execute calls in the best round, " + threads + " threads, " + f.kernel());
            }
        }
    }

    /**
     * The gradients allocate no more than their calls' task closures in steady state (under 256 bytes a call):
     * a vector path left to the interpreter on every call (a cold branch taken each call, such as the blocks at
     * gy's first and last elements) allocates kilobytes of boxed vectors a call, which this sees. Layers on the
     * tap pairs (depthwise, W stride 2), the rows woven by shuffles (channels-last, four channels), the
     * forward engine (many channels), the single-pixel GEMMs, channels-last depthwise multipliers, and depthwise
     * 3 × 3 at stride 1 (the weight gradient's rows of nine sums, whose lanes a call would box).
     */
    @Test
    void gradientsAllocateOnlyTheirClosures() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported(), "no per-thread allocation counter on this JVM");
        bean.setThreadAllocatedMemoryEnabled(true);
        ConvTransposeSpec.Builder[] layers = {
            ConvTransposeSpec.builder(32, 32).groups(32).inputSize(16, 64).kernel(4, 4).stride(2, 2).padding(1, 1),
            ConvTransposeSpec.builder(4, 4).inputSize(16, 64).kernel(4, 4).stride(2, 2).padding(1, 1).channelsLast(true),
            ConvTransposeSpec.builder(64, 32).inputSize(8, 8).kernel(4, 4).stride(2, 2).padding(1, 1),
            ConvTransposeSpec.builder(20, 24).inputSize(1, 1).kernel(4, 4),
            ConvTransposeSpec.builder(16, 32).groups(16).inputSize(16, 24).kernel(4, 4).stride(2, 2).padding(1, 1).channelsLast(true),
            ConvTransposeSpec.builder(16, 16).groups(16).inputSize(12, 56).kernel(3, 3).padding(1, 1)};
        for (ConvTransposeSpec.Builder b : layers) {
            ConvTransposeSpec spec = b.build();
            float[] w = new float[spec.weightElements()];
            for (int i = 0; i < w.length; i++) w[i] = (i % 7 - 3) * 0.1f;
            float[] x = new float[spec.inputElementsPerImage()], gy = new float[spec.outputElementsPerImage()];
            float[] gx = new float[x.length], gw = new float[w.length];
            FloatGradients g = ConvTranspose.gradients(spec, w, Parallelism.threads(1));
            // warm up: scratch, and C2 for the vector kernels (interpreted, their vectors are boxed)
            int warmUp = io.tconv.internal.Providers.fallback() == null ? 3000 : 200;
            for (int i = 0; i < warmUp; i++) { g.input(1, gy, 0, gx, 0); g.weight(1, x, 0, gy, 0, gw); }
            long least = Long.MAX_VALUE;
            // (10 rounds or 30 s, whichever is longer, until one is under the bound: the depthwise 3 × 3 weight
            // gradient's large row methods, run alone, took several rounds past the warm-up to be compiled by C2)
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (int round = 0; (round < 10 || System.nanoTime() < deadline) && least >= 100 * 256; round++) {
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 50; i++) { g.input(1, gy, 0, gx, 0); g.weight(1, x, 0, gy, 0, gw); }
                least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
            }
            assertTrue(least < 100 * 256, "bytes allocated by 50 pairs of gradient calls in the best round: " + least + ", " + spec);
        }
    }
}
