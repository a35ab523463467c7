package io.tconv.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.tconv.cli.Workload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer: ONNX Runtime's CPU ConvTranspose (f32) through its Java API on the same shapes and data, set up
 * like the shared peer benchmark (intra-op threads 1 or 2, sequential, all optimisations). The timed call is
 * {@code session.run} on a pre-built direct-buffer tensor, including closing the result: what a Java user pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class OrtBench {
    @Param({"unet_k2s2", "dcgan_512_k4s2", "dcgan_128_k4s2", "dcgan_rgb_k4s2", "s1_k3p1_56", "voc1d_k16s8",
            "dw32_k4s2", "img3_k3s2op1", "dil2_k3p2_56"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private OrtEnvironment env;
    private OrtSession session;
    private OnnxTensor x;
    private Map<String, OnnxTensor> feed;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setup() throws OrtException {
        Workload w = Shapes.named(shape);
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(OnnxModel.convTranspose(w.spec(), w.batch(), Shapes.floats(w, "w", w.spec().weightElements())), so);
        float[] input = Shapes.floats(w, "x", w.batch() * w.spec().inputElementsPerImage());
        FloatBuffer direct = ByteBuffer.allocateDirect(input.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(input).rewind();
        long[] shape = new long[2 + w.spec().rank()];
        shape[0] = w.batch();
        shape[1] = w.spec().inChannels();
        for (int a = 0; a < w.spec().rank(); a++) shape[2 + a] = w.spec().inputSize()[a];
        x = OnnxTensor.createTensor(env, direct, shape);
        feed = Map.of("X", x);
        gflopPerCall = w.flops() / 1e9;
    }

    @Benchmark
    public float onnxruntime(Gflop counter) throws OrtException {
        counter.gflop += gflopPerCall;
        try (OrtSession.Result r = session.run(feed)) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        x.close();
        session.close();
    }
}
