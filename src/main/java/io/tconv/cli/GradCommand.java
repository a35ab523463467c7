package io.tconv.cli;

import io.tconv.ConvTranspose;
import io.tconv.DoubleGradients;
import io.tconv.FloatGradients;
import io.tconv.Parallelism;
import io.tconv.WeightLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code tconv grad}: the gradients of {@code sum(run(...) * GY)} with respect to the input, weights and bias. */
final class GradCommand {
    static final String HELP = """
            Usage: tconv grad --input X.npy --weight W.npy --grad-output GY.npy [the geometry flags of run]
                              --grad-input GX.npy --grad-weight GW.npy [--grad-bias GB.npy] [--threads T]

            Writes the gradients of L = sum(run(X, W, B) * GY), as PyTorch's autograd computes them:
              GX = dL/dX  [N, Cin, in...]       (an ordinary convolution of GY with W)
              GW = dL/dW  in W's layout (--weight-layout), summed over the batch
              GB = dL/dB  [Cout]                summed over the batch and all positions
            GY must have run's output shape [N, Cout, out...] and X's dtype. The geometry flags are run's
            (--stride, --dilation, --groups, --weight-layout and one padding convention; see tconv run --help);
            --bias is accepted and only checked, since B does not change the gradients. Each output is written
            atomically; none may be one of the inputs. Exit status 2 on any bad input.
            """;

    private static final Set<String> FLAGS;

    static {
        Set<String> f = new HashSet<>(RunCommand.FLAGS);
        f.remove("output");
        f.addAll(List.of("grad-output", "grad-input", "grad-weight", "grad-bias"));
        FLAGS = Set.copyOf(f);
    }

    private GradCommand() {}

    static int main(String[] args, PrintStream out) throws IOException {
        Options o = Options.parse("grad", args, FLAGS, Set.of());
        Path gyPath = o.requiredPath("grad-output"), gxPath = o.requiredPath("grad-input"), gwPath = o.requiredPath("grad-weight");
        Path gbPath = o.path("grad-bias");
        List<Path> outputs = new ArrayList<>(List.of(gxPath, gwPath));
        if (gbPath != null) outputs.add(gbPath);
        for (int i = 0; i < outputs.size(); i++) {
            RunCommand.refuseOverwriting("grad", outputs.get(i), "--grad-output", gyPath);
            for (int j = i + 1; j < outputs.size(); j++) {
                if (RunCommand.sameFile(outputs.get(i), outputs.get(j))) {
                    throw new CliException("grad: " + outputs.get(i) + " is given for two gradients");
                }
            }
        }
        RunCommand.Problem pr = RunCommand.Problem.read("grad", o, outputs);
        Npy.Array gy = Npy.read(gyPath);
        if (!gy.dtype().equals(pr.x().dtype())) throw new CliException(gyPath + ": dtype " + gy.dtype() + " does not match the input's " + pr.x().dtype());
        if (!Arrays.equals(gy.shape(), pr.outputShape())) {
            throw new CliException(gyPath + ": the output gradient must have run's output shape " + Arrays.toString(pr.outputShape())
                    + ", got " + Arrays.toString(gy.shape()));
        }
        Parallelism parallelism = Parallelism.threads(pr.threads());
        WeightLayout layout = pr.layout();
        long[] xShape = pr.x().shape(), wShape = pr.w().shape(), bShape = {pr.spec().outChannels()};
        int n = pr.batch();
        if (pr.x().isDouble()) {
            DoubleGradients g = ConvTranspose.gradients(pr.spec(), layout.toIok(pr.spec(), pr.w().f64()), parallelism);
            double[] gx = new double[pr.x().f64().length], gw = new double[pr.spec().weightElements()];
            g.input(n, gy.f64(), 0, gx, 0);
            g.weight(n, pr.x().f64(), 0, gy.f64(), 0, gw);
            double[] gb = null;
            if (gbPath != null) g.bias(n, gy.f64(), 0, gb = new double[pr.spec().outChannels()]);
            Npy.write(gxPath, xShape, gx);
            Npy.write(gwPath, wShape, layout.fromIok(pr.spec(), gw));
            if (gb != null) Npy.write(gbPath, bShape, gb);
        } else {
            FloatGradients g = ConvTranspose.gradients(pr.spec(), layout.toIok(pr.spec(), pr.w().f32()), parallelism);
            float[] gx = new float[pr.x().f32().length], gw = new float[pr.spec().weightElements()];
            g.input(n, gy.f32(), 0, gx, 0);
            g.weight(n, pr.x().f32(), 0, gy.f32(), 0, gw);
            float[] gb = null;
            if (gbPath != null) g.bias(n, gy.f32(), 0, gb = new float[pr.spec().outChannels()]);
            Npy.write(gxPath, xShape, gx);
            Npy.write(gwPath, wShape, layout.fromIok(pr.spec(), gw));
            if (gb != null) Npy.write(gbPath, bShape, gb);
        }
        return 0;
    }
}
