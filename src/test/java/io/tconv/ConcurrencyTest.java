package io.tconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One plan executed from 8 threads at once, each on its own inputs, gives exactly what sequential runs give
 * (a bounded stress test: a fixed number of rounds, each started together by a barrier). Covers every path
 * of the provider in use and plans that split their own calls over helper threads, so calls share the plan's
 * packed weights and the helpers while their per-thread buffers must stay their own. Also: the plan does
 * not see later changes to the arrays it was built from.
 */
class ConcurrencyTest {
    static final int CALLERS = 8, ROUNDS = 30;

    /**
     * Phase GEMM, depth-to-space GEMM, few-channel blocks, depthwise and the sub-pixel GEMM (its per-thread inner
     * image), each with 1 and 3 threads per call.
     */
    static final Case[] CASES = {
        new Case(2, 24, 20, 1, new int[] {13, 11}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 0},
                new int[] {1, 1}, true, 1),
        new Case(1, 16, 12, 1, new int[] {9, 10}, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1},
                new int[] {1, 1}, true, 2),
        new Case(2, 12, 3, 1, new int[] {17, 19}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, false, 3),
        new Case(1, 6, 6, 6, new int[] {3, 21, 18}, new int[] {3, 3, 3}, new int[] {1, 2, 2}, new int[] {1, 1, 1},
                new int[] {0, 1, 1}, new int[] {1, 1, 1}, true, 4),
        new Case(2, 40, 1, 1, new int[] {9, 14}, new int[] {6, 6}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {1, 1}, true, 5)};

    @Test
    void eightCallersOnOnePlanMatchSequentialRuns() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            for (Case c : CASES) {
                for (int threadsPerCall : new int[] {1, 3}) stress(pool, c, threadsPerCall);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void stress(ExecutorService pool, Case c, int threadsPerCall) throws Exception {
        double[][] d = c.data();
        float[] weight = Check.toFloat(d[1]), bias = Check.toFloat(d[2]);
        FloatPlan plan = ConvTranspose.plan(c.spec(), weight, bias, Parallelism.threads(threadsPerCall));
        if (weight.length > 0) weight[0] += 1000;   // the plan copied the weights: this must change nothing
        if (bias != null) bias[0] += 1000;
        float[][] inputs = new float[CALLERS][], expected = new float[CALLERS][];
        for (int t = 0; t < CALLERS; t++) {
            inputs[t] = new float[c.inputLength()];
            for (int i = 0; i < inputs[t].length; i++) inputs[t][i] = (float) Math.sin(31 * t + 0.7 * i);
            expected[t] = new float[c.outputLength()];
            plan.execute(inputs[t], expected[t]);   // sequential reference
        }
        float[] unchanged = Check.toFloat(Oracle.compute(c, toDouble(inputs[0]), d[1], d[2]).y);
        for (int i = 0; i < unchanged.length; i++) {
            assertEquals(unchanged[i], expected[0][i], 1e-3f * (1 + Math.abs(unchanged[i])), "the plan saw a later change of its weights");
        }
        CyclicBarrier start = new CyclicBarrier(CALLERS);
        List<Future<?>> calls = new ArrayList<>();
        for (int t = 0; t < CALLERS; t++) {
            int caller = t;
            calls.add(pool.submit(() -> {
                float[] y = new float[c.outputLength()];
                for (int round = 0; round < ROUNDS; round++) {
                    start.await(10, TimeUnit.SECONDS);
                    java.util.Arrays.fill(y, Float.NaN);
                    plan.execute(inputs[caller], y);
                    assertArrayEquals(expected[caller], y, c + ", caller " + caller + ", round " + round + ", kernel " + plan.kernel());
                }
                return null;
            }));
        }
        for (Future<?> f : calls) f.get(60, TimeUnit.SECONDS);
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
