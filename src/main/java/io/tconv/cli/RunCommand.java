package io.tconv.cli;

import io.tconv.ConvTranspose;
import io.tconv.ConvTransposeSpec;
import io.tconv.DoublePlan;
import io.tconv.FloatPlan;
import io.tconv.Parallelism;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/** {@code tconv run}: one transposed convolution on .npy tensors, PyTorch's parameters. */
final class RunCommand {
    static final String HELP = """
            Usage: tconv run --input X.npy --weight W.npy [--bias B.npy] [--stride S] [--padding P]
                             [--output-padding OP] [--dilation D] [--groups G] [--threads T] --output Y.npy

            Computes PyTorch's ConvTranspose1d/2d/3d: Y = conv_transpose(X, W) + B.
              X  input  [N, Cin, spatial...]       (1 to 3 spatial dimensions; N may be 0)
              W  weight [Cin, Cout/G, kernel...]   (PyTorch's and ONNX's layout)
              B  bias   [Cout]
              Y  output [N, Cout, out...] with out = (in-1)*S - 2*P + D*(k-1) + OP + 1
            S, P, OP, D: one integer for every spatial dimension, or a comma-separated list with one
            per dimension (defaults 1, 0, 0, 1). G defaults to 1; T to the number of processors.
            The dtype follows X (little-endian float32 '<f4' or float64 '<f8'); W and B must match it; Y is a
            C-order .npy of the same dtype, written to a temporary file and renamed, so Y is never left
            half-written. Exit status 0 on success, 2 on any bad input (one 'tconv:' line on stderr).
            """;

    private static final Set<String> FLAGS = Set.of("input", "weight", "bias", "stride", "padding", "output-padding",
            "dilation", "groups", "threads", "output");

    private RunCommand() {}

    /** Inputs are never modified: an output that is (or links to) an input file is refused before anything is read. */
    static void refuseOverwriting(Path output, String flag, Path input) throws IOException {
        boolean same = output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())
                || (Files.exists(output) && Files.exists(input) && Files.isSameFile(output, input));
        if (same) throw new CliException("run: --output " + output + " is the " + flag + " file; the inputs are never overwritten");
    }

    static int main(String[] args, PrintStream out) throws IOException {
        Options o = Options.parse("run", args, FLAGS, Set.of());
        Path inputPath = o.requiredPath("input"), weightPath = o.requiredPath("weight"), outputPath = o.requiredPath("output");
        Path biasPath = o.path("bias");
        int threads = o.integer("threads", Runtime.getRuntime().availableProcessors(), 1);
        int groups = o.integer("groups", 1, 1);
        if (Files.isDirectory(outputPath)) throw new CliException(outputPath + ": is a folder, not a file");
        refuseOverwriting(outputPath, "--input", inputPath);
        refuseOverwriting(outputPath, "--weight", weightPath);
        if (biasPath != null) refuseOverwriting(outputPath, "--bias", biasPath);

        Npy.Array x = Npy.read(inputPath);
        Npy.Array w = Npy.read(weightPath);
        Npy.Array b = biasPath == null ? null : Npy.read(biasPath);
        if (x.rank() < 3 || x.rank() > 5) {
            throw new CliException(inputPath + ": input must have 3 to 5 dimensions (N, C, 1 to 3 spatial), got shape "
                    + Arrays.toString(x.shape()));
        }
        int rank = x.rank() - 2;
        if (w.rank() != rank + 2) {
            throw new CliException(weightPath + ": weight must have " + (rank + 2) + " dimensions [Cin, Cout/groups, kernel...] for a "
                    + rank + "-d input, got shape " + Arrays.toString(w.shape()));
        }
        if (!w.dtype().equals(x.dtype())) throw new CliException(weightPath + ": dtype " + w.dtype() + " does not match the input's " + x.dtype());
        if (b != null && !b.dtype().equals(x.dtype())) throw new CliException(biasPath + ": dtype " + b.dtype() + " does not match the input's " + x.dtype());
        if (w.shape()[0] != x.shape()[1]) {
            throw new CliException("weight dimension 0 (Cin) is " + w.shape()[0] + " but the input has " + x.shape()[1] + " channels");
        }
        long cout = w.shape()[1] * groups;
        if (b != null && (b.rank() != 1 || b.shape()[0] != cout)) {
            throw new CliException(biasPath + ": bias must have shape [" + cout + "] (Cout = weight dim 1 x groups), got "
                    + Arrays.toString(b.shape()));
        }
        ConvTransposeSpec spec = ConvTransposeSpec.builder(toInt(x.shape()[1], "input channels"), toInt(cout, "output channels"))
                .inputSize(spatial(x.shape(), "input size")).kernel(spatial(w.shape(), "kernel size"))
                .stride(o.perDimension("stride", rank, 1)).padding(o.perDimension("padding", rank, 0))
                .outputPadding(o.perDimension("output-padding", rank, 0)).dilation(o.perDimension("dilation", rank, 1))
                .groups(groups).bias(b != null).build();
        int batch = toInt(x.shape()[0], "batch");
        long[] outShape = new long[rank + 2];
        outShape[0] = batch;
        outShape[1] = cout;
        int[] outSize = spec.outputSize();
        for (int i = 0; i < rank; i++) outShape[i + 2] = outSize[i];
        long outLength = (long) batch * spec.outputElementsPerImage();
        if (outLength > Npy.MAX_ELEMENTS) {
            throw new CliException("output shape " + Arrays.toString(outShape) + " has more elements than a Java array can hold");
        }
        Parallelism parallelism = Parallelism.threads(threads);
        if (x.isDouble()) {
            DoublePlan plan = ConvTranspose.plan(spec, w.f64(), b == null ? null : b.f64(), parallelism);
            double[] y = new double[(int) outLength];
            plan.execute(batch, x.f64(), 0, y, 0);
            Npy.write(outputPath, outShape, y);
        } else {
            FloatPlan plan = ConvTranspose.plan(spec, w.f32(), b == null ? null : b.f32(), parallelism);
            float[] y = new float[(int) outLength];
            plan.execute(batch, x.f32(), 0, y, 0);
            Npy.write(outputPath, outShape, y);
        }
        return 0;
    }

    private static int[] spatial(long[] shape, String what) {
        int[] s = new int[shape.length - 2];
        for (int i = 0; i < s.length; i++) s[i] = toInt(shape[i + 2], what);
        return s;
    }

    private static int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE) throw new CliException(what + " " + v + " is too large");
        return (int) v;
    }
}
