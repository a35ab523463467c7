package io.tconv.cli;

import io.tconv.ConvTranspose;
import io.tconv.DoublePlan;
import io.tconv.FloatPlan;
import io.tconv.Parallelism;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/** {@code tconv bench}: times a workloads file (built-in suite by default); median of repeated calls. */
final class BenchCommand {
    static final String HELP = """
            Usage: tconv bench [--workloads FILE] [--dtype f32|f64] [--threads T] [--only NAME,...] [--json FILE]

            Times each shape of a workloads file (default: the suite built into the jar, the same shapes as
            the shared peer benchmark): warm-up (>= 2 calls and >= 1 s, so that the JIT has compiled
            every thread's code), then >= 5 timed calls and >= 1 s (at most 2000; 3 when a call takes
            over a second), and reports the median.
            Progress goes to stderr; a table with name, median ms and GFLOP/s to stdout, where
            GFLOP/s = 2 * N * Cin * Cout/groups * prod(in) * prod(kernel) / median time.
              --workloads FILE  lines 'name dims N Cin Cout groups in kernel stride padding out_pad dilation'
              --dtype           f32 (default) or f64
              --threads T       threads per call (default 1)
              --only a,b        run only these shapes
              --json FILE       also write the results as a JSON list
            """;

    private static final Set<String> FLAGS = Set.of("workloads", "dtype", "threads", "only", "json");

    private BenchCommand() {}

    record Result(Workload workload, String kernel, double medianMs, double minMs, int calls) {
        double gflops() { return workload.flops() / (medianMs * 1e6); }
    }

    static int main(String[] args, PrintStream out, PrintStream err) throws IOException {
        Options o = Options.parse("bench", args, FLAGS, Set.of());
        String dtype = o.string("dtype", "f32");
        if (!dtype.equals("f32") && !dtype.equals("f64")) throw new CliException("bench: --dtype must be f32 or f64, got '" + dtype + "'");
        int threads = o.integer("threads", 1, 1);
        Path workloadsFile = o.path("workloads");
        List<Workload> suite = workloadsFile == null ? Workload.builtIn() : Workload.read(workloadsFile);
        if (o.has("only")) {
            List<String> names = Arrays.asList(o.string("only", "").split(","));
            for (String n : names) {
                if (suite.stream().noneMatch(w -> w.name().equals(n))) throw new CliException("bench: no workload named '" + n + "'");
            }
            suite = suite.stream().filter(w -> names.contains(w.name())).toList();
        }
        Path json = o.path("json");

        out.printf(Locale.ROOT, "tconv bench: %s, %d thread%s, provider %s, JDK %s%n", dtype, threads, threads == 1 ? "" : "s",
                ConvTranspose.provider(), Runtime.version());
        err.println("calibrating the FMA peak ...");
        double peak = ConvTranspose.measurePeakGflops(dtype.equals("f64"));
        out.println(Double.isNaN(peak) ? "FMA peak: unknown on the scalar path (%peak not shown)"
                : String.format(Locale.ROOT, "FMA peak, one core, %s: %.1f GFLOP/s (measured now); %%peak = GFLOP/s / this",
                        dtype, peak));
        out.printf(Locale.ROOT, "%-16s %10s %10s %9s %6s  %s%n", "shape", "MFLOP", "median_ms", "GFLOP/s", "%peak", "kernel");
        List<Result> results = new ArrayList<>();
        int i = 0;
        for (Workload w : suite) {
            err.printf(Locale.ROOT, "[%d/%d] %s ...%n", ++i, suite.size(), w.name());
            Result r = time(w, dtype, threads);
            results.add(r);
            out.printf(Locale.ROOT, "%-16s %10.1f %10.3f %9.2f %6s  %s%n", w.name(), w.flops() / 1e6, r.medianMs, r.gflops(),
                    Double.isNaN(peak) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * r.gflops() / peak), r.kernel);
            out.flush();
        }
        if (json != null) Files.writeString(json, toJson(results, dtype, threads, peak), StandardCharsets.UTF_8);
        return 0;
    }

    /** Warm-up, then timed calls; inputs and weights uniform in [-1, 1) from a seed per workload name. */
    static Result time(Workload w, String dtype, int threads) {
        SplittableRandom r = new SplittableRandom(w.name().hashCode());
        int xLen = w.batch() * w.spec().inputElementsPerImage(), yLen = w.batch() * w.spec().outputElementsPerImage();
        Runnable call;
        String kernel;
        if (dtype.equals("f64")) {
            DoublePlan plan = ConvTranspose.plan(w.spec(), r.doubles(w.spec().weightElements(), -1, 1).toArray(), null,
                    Parallelism.threads(threads));
            double[] x = r.doubles(xLen, -1, 1).toArray(), y = new double[yLen];
            call = () -> plan.execute(w.batch(), x, 0, y, 0);
            kernel = plan.kernel();
        } else {
            float[] wt = new float[w.spec().weightElements()], x = new float[xLen], y = new float[yLen];
            for (int k = 0; k < wt.length; k++) wt[k] = (float) r.nextDouble(-1, 1);
            for (int k = 0; k < x.length; k++) x[k] = (float) r.nextDouble(-1, 1);
            FloatPlan plan = ConvTranspose.plan(w.spec(), wt, null, Parallelism.threads(threads));
            call = () -> plan.execute(w.batch(), x, 0, y, 0);
            kernel = plan.kernel();
        }
        long warmStart = System.nanoTime();
        for (int n = 0; n < 2 || System.nanoTime() - warmStart < 1_000_000_000L; n++) call.run();
        List<Long> times = new ArrayList<>();
        long start = System.nanoTime();
        while (true) {
            long t0 = System.nanoTime();
            call.run();
            long t = System.nanoTime() - t0;
            times.add(t);
            long elapsed = System.nanoTime() - start;
            boolean slow = t > 1_000_000_000L;
            if (slow && times.size() >= 3) break;
            if (times.size() >= 5 && elapsed >= 1_000_000_000L) break;
            if (times.size() >= 2000) break;
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        int m = sorted.length;
        double median = (m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2.0) / 1e6;
        return new Result(w, kernel, median, sorted[0] / 1e6, m);
    }

    static String toJson(List<Result> results, String dtype, int threads, double peak) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            sb.append(String.format(Locale.ROOT,
                    "  {\"name\": \"%s\", \"dtype\": \"%s\", \"threads\": %d, \"provider\": \"%s\", \"kernel\": \"%s\", "
                            + "\"mflop\": %.3f, \"median_ms\": %.4f, \"min_ms\": %.4f, \"calls\": %d, \"gflops\": %.3f, "
                            + "\"peak_gflops\": %s}%s%n",
                    r.workload.name(), dtype, threads, ConvTranspose.provider(), r.kernel, r.workload.flops() / 1e6,
                    r.medianMs, r.minMs, r.calls, r.gflops(), Double.isNaN(peak) ? "null" : String.format(Locale.ROOT, "%.1f", peak),
                    i + 1 < results.size() ? "," : ""));
        }
        return sb.append("]\n").toString();
    }
}
