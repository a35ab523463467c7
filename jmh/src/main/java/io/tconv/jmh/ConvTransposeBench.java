package io.tconv.jmh;

import io.tconv.ConvTranspose;
import io.tconv.DoublePlan;
import io.tconv.FloatPlan;
import io.tconv.Parallelism;
import io.tconv.cli.Workload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * tconv on the workload suite, f32 and f64, 1 and 2 threads, channels-first and channels-last: {@code vector} runs in a fork with the Vector
 * API module, its twin {@code scalar} in a fork that selects the scalar kernels ({@code -Dtconv.vectorBits=0}).
 * The secondary result {@code :gflop} is GFLOP/s; {@code -prof gc} shows the allocation per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Two forks of short iterations: on two noisy cores more forks help more than longer iterations.
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ConvTransposeBench {
    @Param({"unet_k2s2", "dcgan_512_k4s2", "dcgan_128_k4s2", "dcgan_rgb_k4s2", "s1_k3p1_56", "voc1d_k16s8",
            "dw32_k4s2", "img3_k3s2op1", "dil2_k3p2_56"})
    public String shape;

    @Param({"f32", "f64"})
    public String dtype;

    @Param({"1", "2"})
    public int threads;

    /** Tensor layout: channels-first (nchw) or channels-last (nhwc). */
    @Param({"nchw", "nhwc"})
    public String layout;

    private Workload w;
    private FloatPlan floatPlan;
    private DoublePlan doublePlan;
    private float[] xf, yf;
    private double[] xd, yd;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setup() {
        w = Shapes.named(shape);
        io.tconv.ConvTransposeSpec spec = Shapes.layout(w.spec(), layout.equals("nhwc"));
        int xLen = w.batch() * w.spec().inputElementsPerImage(), yLen = w.batch() * w.spec().outputElementsPerImage();
        Parallelism p = Parallelism.threads(threads);
        if (dtype.equals("f64")) {
            doublePlan = ConvTranspose.plan(spec, Shapes.doubles(w, "w", w.spec().weightElements()), null, p);
            xd = Shapes.doubles(w, "x", xLen);
            yd = new double[yLen];
        } else {
            floatPlan = ConvTranspose.plan(spec, Shapes.floats(w, "w", w.spec().weightElements()), null, p);
            xf = Shapes.floats(w, "x", xLen);
            yf = new float[yLen];
        }
        gflopPerCall = w.flops() / 1e9;
        System.out.println("# " + shape + " " + dtype + " threads=" + threads + ": provider " + ConvTranspose.provider()
                + ", kernel " + (floatPlan != null ? floatPlan.kernel() : doublePlan.kernel()));
    }

    private Object call(Gflop counter) {
        counter.gflop += gflopPerCall;
        if (floatPlan != null) {
            floatPlan.execute(w.batch(), xf, 0, yf, 0);
            return yf;
        }
        doublePlan.execute(w.batch(), xd, 0, yd, 0);
        return yd;
    }

    @Benchmark
    public Object vector(Gflop counter) {
        return call(counter);
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dtconv.vectorBits=0"})
    public Object scalar(Gflop counter) {
        return call(counter);
    }
}
