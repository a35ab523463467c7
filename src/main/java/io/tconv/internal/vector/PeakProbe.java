package io.tconv.internal.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Measures this core's FMA throughput at the kernels' vector width: 12 independent FMA chains (enough to
 * cover the FMA latency on two pipes), best of several short trials after a warm-up.
 */
final class PeakProbe {
    private PeakProbe() {}

    private static final int CHAINS = 12;
    private static final int STEPS = 1 << 14;
    private static final int WARM_UP_CALLS = 20_000;

    /** Best observed GFLOP/s over {@code trials} runs of about {@code millis} each. */
    static double gflops(boolean f64, int trials, int millis) {
        // Many short calls, so that C2 compiles the method (after some thousands of calls): a few long calls left it
        // to OSR at an unknown moment, and one bench run in four measured the interpreter's boxed vectors (0.3 GFLOP/s).
        for (int i = 0; i < WARM_UP_CALLS; i++) run(f64, 16);
        double best = 0;
        for (int t = 0; t < trials; t++) {
            long start = System.nanoTime(), deadline = start + millis * 1_000_000L;
            long flops = 0;
            double sink = 0;
            while (System.nanoTime() < deadline) {
                sink += run(f64, STEPS);
                flops += 2L * CHAINS * STEPS * (f64 ? MicroKernelsF64.L : MicroKernelsF32.L);
            }
            double g = flops / (double) (System.nanoTime() - start);
            if (sink == 42) g += 1e-12;   // keep the result alive
            best = Math.max(best, g);
        }
        return best;
    }

    private static double run(boolean f64, int steps) {
        return f64 ? runF64(steps) : runF32(steps);
    }

    private static double runF32(int steps) {
        var s = MicroKernelsF32.S;
        FloatVector m = FloatVector.broadcast(s, 0.999999f), c = FloatVector.broadcast(s, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(s, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < steps; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(
                jdk.incubator.vector.VectorOperators.ADD);
    }

    private static double runF64(int steps) {
        var s = MicroKernelsF64.S;
        DoubleVector m = DoubleVector.broadcast(s, 0.999999), c = DoubleVector.broadcast(s, 1e-7);
        DoubleVector a0 = DoubleVector.broadcast(s, 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        DoubleVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < steps; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(
                jdk.incubator.vector.VectorOperators.ADD);
    }
}
