package io.tconv.jmh;

import io.tconv.cli.Workload;
import java.util.SplittableRandom;

/** The built-in workload suite (the shared peer benchmark's shapes) and seeded data for it. */
final class Shapes {
    private Shapes() {}

    static Workload named(String name) {
        return Workload.builtIn().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload " + name));
    }

    /** Uniform in [-1, 1), seeded by the workload name and the array's role. */
    static float[] floats(Workload w, String role, int n) {
        SplittableRandom r = new SplittableRandom((w.name() + role).hashCode());
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }

    static double[] doubles(Workload w, String role, int n) {
        float[] f = floats(w, role, n);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = f[i];
        return d;
    }

    /** The same geometry with channels-last tensors, or the spec itself. */
    static io.tconv.ConvTransposeSpec layout(io.tconv.ConvTransposeSpec s, boolean channelsLast) {
        if (!channelsLast) return s;
        return io.tconv.ConvTransposeSpec.builder(s.inChannels(), s.outChannels()).groups(s.groups()).inputSize(s.inputSize())
                .kernel(s.kernel()).stride(s.stride()).dilation(s.dilation()).crops(s.cropBegin(), s.cropEnd()).bias(s.hasBias())
                .channelsLast(true).build();
    }
}
