package io.tconv.cli;

import io.tconv.AutoPad;
import io.tconv.ConvTranspose;
import io.tconv.ConvTransposeSpec;
import io.tconv.DoublePlan;
import io.tconv.FloatPlan;
import io.tconv.Parallelism;
import io.tconv.TfPadding;
import io.tconv.WeightLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** {@code tconv run}: one transposed convolution on .npy tensors, PyTorch's parameters. */
final class RunCommand {
    static final String HELP = """
            Usage: tconv run --input X.npy --weight W.npy [--bias B.npy] [--layout nchw|nhwc] [--weight-layout iok|koi|iko|oki]
                             [--stride S] [--dilation D] [--groups G] [padding flags] [--threads T] --output Y.npy

            Computes PyTorch's ConvTranspose1d/2d/3d: Y = conv_transpose(X, W) + B.
              X  input  [N, Cin, spatial...]       (1 to 3 spatial dimensions; N may be 0), or [N, spatial..., Cin]
                        with --layout nhwc (channels last, for any number of spatial dimensions; Y follows X)
              W  weight [Cin, Cout/G, kernel...]   (iok: PyTorch's and ONNX's layout, the default), or
                        [kernel..., Cout/G, Cin] (koi, TensorFlow), [Cin, kernel..., Cout/G] (iko),
                        [Cout/G, kernel..., Cin] (oki, XNNPACK)
              B  bias   [Cout]
              Y  output [N, Cout, out...] with out = (in-1)*S - 2*P + D*(k-1) + OP + 1
            Padding, in one convention (mixing two exits with status 2):
              PyTorch     --padding P [--output-padding OP | --output-size A,...]
              ONNX        --pads B1,..,Bn,E1,..,En [--output-padding OP]
                          --auto-pad notset|same_upper|same_lower|valid [--output-shape A,...] [--output-padding OP]
              TensorFlow  --tf-padding same|valid --output-shape A,...
            --output-size and --output-shape give the spatial output size (PyTorch's output_size, ONNX's and
            TensorFlow's output_shape). S, P, OP, D: one integer for every spatial dimension, or a
            comma-separated list with one per dimension (defaults 1, 0, 0, 1). G defaults to 1; T to the
            number of processors.
            The dtype follows X (little-endian float32 '<f4' or float64 '<f8'); W and B must match it; Y is a
            C-order .npy of the same dtype, written to a temporary file and renamed, so Y is never left
            half-written. Exit status 0 on success, 2 on any bad input (one 'tconv:' line on stderr).
            """;

    static final Set<String> FLAGS = Set.of("input", "weight", "bias", "stride", "padding", "output-padding",
            "dilation", "groups", "threads", "output", "weight-layout", "pads", "auto-pad", "output-shape", "output-size",
            "tf-padding", "layout");

    /** The tensors' layout: channels first, or channels last (for any number of spatial dimensions). */
    enum Layout { NCHW, NHWC }

    private RunCommand() {}

    /** Inputs are never modified: an output that is (or links to) an input file is refused before anything is read. */
    static void refuseOverwriting(String command, Path output, String flag, Path input) throws IOException {
        if (sameFile(output, input)) {
            throw new CliException(command + ": output " + output + " is the " + flag + " file; the inputs are never overwritten");
        }
    }

    static boolean sameFile(Path a, Path b) throws IOException {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())
                || (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b));
    }

    static int main(String[] args, PrintStream out) throws IOException {
        Options o = Options.parse("run", args, FLAGS, Set.of());
        Path outputPath = o.requiredPath("output");
        Problem pr = Problem.read("run", o, List.of(outputPath));
        Parallelism parallelism = Parallelism.threads(pr.threads());
        long[] outShape = pr.outputShape();
        int length = (int) pr.outputLength();
        if (pr.x().isDouble()) {
            DoublePlan plan = ConvTranspose.plan(pr.spec(), pr.layout(), pr.w().f64(), pr.b() == null ? null : pr.b().f64(), parallelism);
            double[] y = new double[length];
            plan.execute(pr.batch(), pr.x().f64(), 0, y, 0);
            Npy.write(outputPath, outShape, y);
        } else {
            FloatPlan plan = ConvTranspose.plan(pr.spec(), pr.layout(), pr.w().f32(), pr.b() == null ? null : pr.b().f32(), parallelism);
            float[] y = new float[length];
            plan.execute(pr.batch(), pr.x().f32(), 0, y, 0);
            Npy.write(outputPath, outShape, y);
        }
        return 0;
    }

    /** The tensors and geometry of {@code run} and {@code grad}: {@code --input}, {@code --weight}, {@code --bias} and the geometry flags. */
    record Problem(Npy.Array x, Npy.Array w, Npy.Array b, WeightLayout layout, ConvTransposeSpec spec, int batch, int threads) {

        long[] outputShape() {
            int[] out = spec.outputSize();
            long[] shape = new long[out.length + 2];
            boolean last = spec.channelsLast();
            shape[0] = batch;
            shape[last ? out.length + 1 : 1] = spec.outChannels();
            for (int i = 0; i < out.length; i++) shape[i + (last ? 1 : 2)] = out[i];
            return shape;
        }

        long outputLength() { return (long) batch * spec.outputElementsPerImage(); }

        /** Reads and checks everything; every path in {@code outputs} must differ from every input file. */
        static Problem read(String command, Options o, List<Path> outputs) throws IOException {
            Path inputPath = o.requiredPath("input"), weightPath = o.requiredPath("weight"), biasPath = o.path("bias");
            int threads = o.integer("threads", Runtime.getRuntime().availableProcessors(), 1);
            int groups = o.integer("groups", 1, 1);
            for (Path output : outputs) {
                if (Files.isDirectory(output)) throw new CliException(output + ": is a folder, not a file");
                refuseOverwriting(command, output, "--input", inputPath);
                refuseOverwriting(command, output, "--weight", weightPath);
                if (biasPath != null) refuseOverwriting(command, output, "--bias", biasPath);
            }
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
            WeightLayout layout = enumFlag(o, "weight-layout", WeightLayout.class, WeightLayout.IOK);
            int iAxis = layout == WeightLayout.IOK || layout == WeightLayout.IKO ? 0 : rank + 1;
            int oAxis = layout == WeightLayout.IOK ? 1 : layout == WeightLayout.IKO ? rank + 1 : layout == WeightLayout.KOI ? rank : 0;
            int kAxis = layout == WeightLayout.IOK ? 2 : layout == WeightLayout.KOI ? 0 : 1;
            boolean last = enumFlag(o, "layout", Layout.class, Layout.NCHW) == Layout.NHWC;
            long channels = x.shape()[last ? rank + 1 : 1];
            if (w.shape()[iAxis] != channels) {
                throw new CliException("weight dimension " + iAxis + " (Cin, layout " + layout.name().toLowerCase(java.util.Locale.ROOT)
                        + ") is " + w.shape()[iAxis] + " but the input has " + channels + " channels");
            }
            long[] kernelShape = Arrays.copyOfRange(w.shape(), kAxis, kAxis + rank);
            long cout = w.shape()[oAxis] * groups;
            if (b != null && (b.rank() != 1 || b.shape()[0] != cout)) {
                throw new CliException(biasPath + ": bias must have shape [" + cout + "] (Cout = weight dim 1 x groups), got "
                        + Arrays.toString(b.shape()));
            }
            ConvTransposeSpec.Builder builder = ConvTransposeSpec.builder(toInt(channels, "input channels"), toInt(cout, "output channels"))
                    .inputSize(ints(Arrays.copyOfRange(x.shape(), last ? 1 : 2, last ? rank + 1 : rank + 2), "input size"))
                    .kernel(ints(kernelShape, "kernel size")).channelsLast(last)
                    .stride(o.perDimension("stride", rank, 1)).dilation(o.perDimension("dilation", rank, 1))
                    .groups(groups).bias(b != null);
            if (o.has("padding")) builder.padding(o.perDimension("padding", rank, 0));
            if (o.has("output-padding")) builder.outputPadding(o.perDimension("output-padding", rank, 0));
            if (o.has("output-size")) builder.outputSize(o.perDimension("output-size", rank, 1));
            if (o.has("pads")) builder.pads(o.intList("pads"));
            if (o.has("auto-pad")) builder.autoPad(enumFlag(o, "auto-pad", AutoPad.class, AutoPad.NOTSET));
            if (o.has("tf-padding")) {
                if (!o.has("output-shape")) throw new CliException(command + ": --tf-padding needs --output-shape (TensorFlow's output_shape)");
                builder.tfPadding(enumFlag(o, "tf-padding", TfPadding.class, TfPadding.SAME), o.perDimension("output-shape", rank, 1));
            } else if (o.has("output-shape")) {
                builder.outputShape(o.perDimension("output-shape", rank, 1));
            }
            ConvTransposeSpec spec = builder.build();
            int batch = toInt(x.shape()[0], "batch");
            Problem p = new Problem(x, w, b, layout, spec, batch, threads);
            if (p.outputLength() > Npy.MAX_ELEMENTS) {
                throw new CliException("output shape " + Arrays.toString(p.outputShape()) + " has more elements than a Java array can hold");
            }
            return p;
        }
    }

    /** A flag naming an enum constant, case-insensitive ({@code same_upper} for {@code SAME_UPPER}). */
    static <E extends Enum<E>> E enumFlag(Options o, String flag, Class<E> type, E fallback) {
        if (!o.has(flag)) return fallback;
        String v = o.string(flag, "");
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.strip())) return e;
        }
        StringBuilder names = new StringBuilder();
        for (E e : type.getEnumConstants()) names.append(names.length() == 0 ? "" : "|").append(e.name().toLowerCase(java.util.Locale.ROOT));
        throw new CliException("--" + flag + " must be " + names + ", got '" + v + "'");
    }

    private static int[] ints(long[] values, String what) {
        int[] r = new int[values.length];
        for (int i = 0; i < r.length; i++) r[i] = toInt(values[i], what);
        return r;
    }

    private static int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE) throw new CliException(what + " " + v + " is too large");
        return (int) v;
    }
}
