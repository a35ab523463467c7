package io.tconv.jmh;

import io.tconv.ConvTranspose;
import io.tconv.FloatGradients;
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
 * The gradients on the workload suite, f32: {@code input} (∂L/∂x, an ordinary convolution) and {@code weight}
 * (∂L/∂w over the batch). FLOPs are counted like the forward pass's, so {@code :gflop} compares directly with
 * {@link ConvTransposeBench}. {@code -p layout=nhwc} runs them channels-last.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GradientsBench {
    @Param({"unet_k2s2", "dcgan_512_k4s2", "dcgan_128_k4s2", "dcgan_rgb_k4s2", "s1_k3p1_56", "voc1d_k16s8",
            "dw32_k4s2", "img3_k3s2op1", "dil2_k3p2_56"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    /** Tensor layout of x, gy and gx: channels-first (nchw) or channels-last (nhwc). */
    @Param({"nchw", "nhwc"})
    public String layout;

    private Workload w;
    private FloatGradients gradients;
    private float[] x, gy, gx, gw;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setup() {
        w = Shapes.named(shape);
        int xLen = w.batch() * w.spec().inputElementsPerImage(), yLen = w.batch() * w.spec().outputElementsPerImage();
        gradients = ConvTranspose.gradients(Shapes.layout(w.spec(), layout.equals("nhwc")), Shapes.floats(w, "w", w.spec().weightElements()), Parallelism.threads(threads));
        x = Shapes.floats(w, "x", xLen);
        gy = Shapes.floats(w, "gy", yLen);
        gx = new float[xLen];
        gw = new float[w.spec().weightElements()];
        gflopPerCall = w.flops() / 1e9;
    }

    @Benchmark
    public float[] input(Gflop counter) {
        counter.gflop += gflopPerCall;
        gradients.input(w.batch(), gy, 0, gx, 0);
        return gx;
    }

    @Benchmark
    public float[] weight(Gflop counter) {
        counter.gflop += gflopPerCall;
        gradients.weight(w.batch(), x, 0, gy, 0, gw);
        return gw;
    }
}
