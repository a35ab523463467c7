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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/** {@code tconv bench}: times a workloads file (built-in suite by default); median of repeated calls. */
final class BenchCommand {
    static final String HELP = """
            Usage: tconv bench [--workloads FILE] [--dtype f32|f64] [--threads T] [--only NAME,...] [--json FILE]
                               [--report FILE.html [--peers FILE,...]] [--data DIR] [--dump DIR] [--lines] [--engine NAME]

            Times each shape of a workloads file (default: the suite built into the jar, the same shapes as
            the shared peer benchmark): warm-up (>= 2 calls and >= 1 s, so that the JIT has compiled
            every thread's code), then >= 5 timed calls and >= 1 s (3 when a call takes over a second),
            as the shared peer benchmark times its engines, and reports the median.
            Progress goes to stderr; a table with name, median ms and GFLOP/s to stdout, where
            GFLOP/s = 2 * N * Cin * Cout/groups * prod(in) * prod(kernel) / median time.
              --workloads FILE  lines 'name dims N Cin Cout groups in kernel stride padding out_pad dilation'
              --dtype           f32 (default) or f64
              --threads T       threads per call (default 1)
              --only a,b        run only these shapes
              --json FILE       also write the results as a JSON list
              --report FILE     also time the scalar path and write an HTML page with a chart of both, the FMA
                                peak and any peers (self-contained: open it in any browser)
              --peers FILE,...  peers for the report: result lines of ../shared/bench (results/*/run1.raw),
                                JMH's JSON (-rf json) or tconv bench --json; f32 results at --threads
            Running as an engine of the shared peer benchmark (../shared/bench/run-all --extra 'tconv|...'):
              --data DIR        inputs and weights from DIR/<shape>.x.f32 and DIR/<shape>.w.f32 (raw little-endian
                                f32, NC[D]HW and PyTorch's weight layout) instead of seeded random numbers
              --dump DIR        run each shape once and write its output to DIR/<engine>.<shape>.f32; no timing
              --lines           print 'engine threads shape median_ms gflops kernel=...' lines instead of the table
              --engine NAME     the engine name in those lines and files (default tconv)
            """;

    private static final Set<String> FLAGS = Set.of("workloads", "dtype", "threads", "only", "json", "data", "dump", "engine", "report",
            "peers");
    private static final Set<String> SWITCHES = Set.of("lines");

    private BenchCommand() {}

    record Result(Workload workload, String kernel, double medianMs, double minMs, int calls) {
        double gflops() { return workload.flops() / (medianMs * 1e6); }
    }

    static int main(String[] args, PrintStream out, PrintStream err) throws IOException {
        Options o = Options.parse("bench", args, FLAGS, SWITCHES);
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
        Path json = o.path("json"), data = o.path("data"), dump = o.path("dump");
        String engine = o.string("engine", "tconv");
        boolean lines = o.has("lines");
        Path report = o.path("report");
        if (o.has("peers") && report == null) throw new CliException("bench: --peers needs --report");
        if (dump != null && (report != null || json != null || lines)) {
            throw new CliException("bench: --dump runs each shape once without timing; it does not combine with --report, --json or --lines");
        }
        Map<String, Map<String, Double>> peers = new LinkedHashMap<>();
        if (o.has("peers")) {
            for (String f : o.string("peers", "").split(",")) {
                PeerResults.read(Path.of(f), threads).forEach((name, values) -> peers.merge(name, values, (a, b) -> b));
            }
        }
        if (report != null) checkWritable(report);
        if (dump != null) {
            Files.createDirectories(dump);
            for (Workload w : suite) {
                err.printf(Locale.ROOT, "dumping %s ...%n", w.name());
                Inputs in = Inputs.of(w, dtype, data, false);
                in.call(threads).run();
                Path file = dump.resolve(engine + "." + w.name() + ".f32");
                Npy.writeRaw(file, in.outputAsFloats());
            }
            return 0;
        }

        if (lines) {
            out.printf(Locale.ROOT, "# %s: %s, %d thread%s, provider %s, JDK %s%n", engine, dtype, threads, threads == 1 ? "" : "s",
                    ConvTranspose.provider(), Runtime.version());
        } else {
            out.printf(Locale.ROOT, "tconv bench: %s, %d thread%s, provider %s, JDK %s%n", dtype, threads, threads == 1 ? "" : "s",
                    ConvTranspose.provider(), Runtime.version());
        }
        double peak = Double.NaN;
        if (!lines) {
            err.println("calibrating the FMA peak ...");
            peak = ConvTranspose.measurePeakGflops(dtype.equals("f64"));
            out.println(Double.isNaN(peak) ? "FMA peak: unknown on the scalar path (%peak not shown)"
                    : String.format(Locale.ROOT, "FMA peak, one core, %s: %.1f GFLOP/s (measured now); %%peak = GFLOP/s / this",
                            dtype, peak));
            out.printf(Locale.ROOT, "%-16s %10s %10s %9s %6s  %s%n", "shape", "MFLOP", "median_ms", "GFLOP/s", "%peak", "kernel");
        }
        List<Result> results = new ArrayList<>(), scalar = new ArrayList<>();
        int i = 0;
        for (Workload w : suite) {
            err.printf(Locale.ROOT, "[%d/%d] %s ...%n", ++i, suite.size(), w.name());
            Inputs in = Inputs.of(w, dtype, data, false);
            Result r = time(w, in.kernel(threads), in.call(threads));
            results.add(r);
            if (report != null && !ConvTranspose.provider().equals("scalar")) {
                err.printf(Locale.ROOT, "[%d/%d] %s, scalar path ...%n", i, suite.size(), w.name());
                Inputs sc = Inputs.of(w, dtype, data, true);
                scalar.add(time(w, sc.kernel(threads), sc.call(threads)));
            }
            if (lines) {
                out.printf(Locale.ROOT, "%s %d %s %.4f %.2f kernel=%s calls=%d min_ms=%.4f%n", engine, threads, w.name(), r.medianMs,
                        r.gflops(), r.kernel.replace(' ', '_'), r.calls, r.minMs);
            } else {
                out.printf(Locale.ROOT, "%-16s %10.1f %10.3f %9.2f %6s  %s%n", w.name(), w.flops() / 1e6, r.medianMs, r.gflops(),
                        Double.isNaN(peak) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * r.gflops() / peak), r.kernel);
            }
            out.flush();
        }
        if (json != null) Files.writeString(json, toJson(results, dtype, threads, peak), StandardCharsets.UTF_8);
        if (report != null) {
            if (Double.isNaN(peak)) peak = ConvTranspose.measurePeakGflops(dtype.equals("f64"));
            writeReport(report, suite, results, scalar, peers, dtype, threads, peak);
            err.println("report: " + report.toAbsolutePath());
        }
        return 0;
    }

    private static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new CliException("bench: " + file + ": output folder does not exist");
        if (!Files.isWritable(dir)) throw new CliException("bench: " + file + ": output folder is not writable");
    }

    private static void writeReport(Path file, List<Workload> suite, List<Result> vector, List<Result> scalar,
                                    Map<String, Map<String, Double>> peers, String dtype, int threads, double peak) throws IOException {
        List<String> shapes = new ArrayList<>();
        Map<String, String> kernels = new LinkedHashMap<>();
        Map<String, Double> mflop = new LinkedHashMap<>();
        for (Workload w : suite) {
            shapes.add(w.name());
            mflop.put(w.name(), w.flops() / 1e6);
        }
        List<Report.Series> series = new ArrayList<>();
        String provider = ConvTranspose.provider();
        series.add(new Report.Series("tconv " + (provider.equals("scalar") ? "scalar" : "vector") + " (" + provider + ")", gflops(vector)));
        if (!scalar.isEmpty()) series.add(new Report.Series("tconv scalar", gflops(scalar)));
        for (Result r : vector) kernels.put(r.workload.name(), r.kernel);
        peers.forEach((name, values) -> {   // only the suite's shapes; engines without any are left out
            Map<String, Double> mine = new LinkedHashMap<>(values);
            mine.keySet().retainAll(shapes);
            if (!mine.isEmpty()) series.add(new Report.Series(name.startsWith("tconv") ? name + " (peers file)" : name, mine));
        });
        double cores = Double.isNaN(peak) ? Double.NaN : peak * threads;
        String peakLabel = "FMA peak, " + dtype + ", " + threads + (threads == 1 ? " core" : " cores") + " (measured)";
        List<String> details = new ArrayList<>();
        details.add("tconv " + InfoCommand.version() + ", " + dtype + ", " + threads + " thread" + (threads == 1 ? "" : "s")
                + ", median of repeated calls per shape (tconv bench)");
        details.add("date: " + java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0));
        details.add("CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " processors, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        details.add("JDK: " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")");
        String reason = ConvTranspose.providerFallbackReason();
        details.add("provider: " + provider + (reason == null ? "" : " (fallback: " + reason + ")"));
        for (String l : ConvTranspose.providerDetails().split("\n")) if (!l.isBlank()) details.add(l);
        if (!Double.isNaN(peak)) details.add(String.format(Locale.ROOT, "FMA peak, one core, %s: %.1f GFLOP/s (measured now)", dtype, peak));
        if (series.size() > (scalar.isEmpty() ? 1 : 2)) {
            details.add("peers: " + String.join(", ", series.subList(scalar.isEmpty() ? 1 : 2, series.size()).stream()
                    .map(Report.Series::name).toList()) + " (from --peers)");
        }
        String html = Report.html("tconv benchmark: " + dtype + ", " + threads + " thread" + (threads == 1 ? "" : "s"), shapes, kernels,
                mflop, series, cores, peakLabel, details);
        AtomicFile.write(file, html.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Double> gflops(List<Result> results) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Result r : results) m.put(r.workload.name(), r.gflops());
        return m;
    }

    /** The CPU's model name from /proc/cpuinfo where there is one. */
    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "unknown CPU";
    }

    /**
     * One shape's weights, input and output, in the dtype asked for: seeded uniform [-1, 1) numbers, or the
     * shared benchmark's files.
     */
    private static final class Inputs {
        final Workload w;
        float[] wf, xf, yf;
        double[] wd, xd, yd;

        final boolean scalar;

        private Inputs(Workload w, boolean scalar) {
            this.w = w;
            this.scalar = scalar;
        }

        static Inputs of(Workload w, String dtype, Path data, boolean scalar) throws IOException {
            Inputs in = new Inputs(w, scalar);
            int wLen = w.spec().weightElements();
            int xLen = Math.multiplyExact(w.batch(), w.spec().inputElementsPerImage());
            int yLen = Math.multiplyExact(w.batch(), w.spec().outputElementsPerImage());
            double[] weights, input;
            if (data == null) {
                SplittableRandom r = new SplittableRandom(w.name().hashCode());
                weights = r.doubles(wLen, -1, 1).toArray();
                input = r.doubles(xLen, -1, 1).toArray();
            } else {
                weights = rawFloats(data.resolve(w.name() + ".w.f32"), wLen);
                input = rawFloats(data.resolve(w.name() + ".x.f32"), xLen);
            }
            if (dtype.equals("f64")) {
                in.wd = weights;
                in.xd = input;
                in.yd = new double[yLen];
            } else {
                in.wf = toFloats(weights);
                in.xf = toFloats(input);
                in.yf = new float[yLen];
            }
            return in;
        }

        private FloatPlan floatPlan;
        private DoublePlan doublePlan;

        private void plan(int threads) {
            Parallelism p = Parallelism.threads(threads);
            if (wf != null && floatPlan == null) {
                floatPlan = scalar ? ConvTranspose.planScalar(w.spec(), wf, null, p) : ConvTranspose.plan(w.spec(), wf, null, p);
            }
            if (wd != null && doublePlan == null) {
                doublePlan = scalar ? ConvTranspose.planScalar(w.spec(), wd, null, p) : ConvTranspose.plan(w.spec(), wd, null, p);
            }
        }

        String kernel(int threads) {
            plan(threads);
            return floatPlan != null ? floatPlan.kernel() : doublePlan.kernel();
        }

        Runnable call(int threads) {
            plan(threads);
            if (floatPlan != null) return () -> floatPlan.execute(w.batch(), xf, 0, yf, 0);
            return () -> doublePlan.execute(w.batch(), xd, 0, yd, 0);
        }

        float[] outputAsFloats() {
            return yf != null ? yf : toFloats(yd);
        }

        private static float[] toFloats(double[] v) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
            return f;
        }

        private static double[] rawFloats(Path file, int count) throws IOException {
            if (!Files.isRegularFile(file)) throw new CliException("bench: " + file + ": no such file (--data)");
            long size = Files.size(file);
            if (size != 4L * count) {
                throw new CliException("bench: " + file + ": " + size + " bytes, expected " + 4L * count + " (" + count + " f32 values)");
            }
            java.nio.FloatBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            double[] v = new double[count];
            for (int i = 0; i < count; i++) v[i] = b.get(i);
            return v;
        }
    }

    /** Warm-up, then timed calls of one shape. */
    static Result time(Workload w, String kernel, Runnable call) {
        long warmStart = System.nanoTime();
        for (int n = 0; n < 2 || System.nanoTime() - warmStart < 1_000_000_000L; n++) call.run();
        // A whole second of calls, however short they are (a cap of 2000 calls once timed a 0.1 ms layer over
        // 0.2 s, a window that one slow phase of a shared machine could fill); primitive, so nothing is boxed
        // between the timed calls.
        long[] times = new long[1024];
        int m = 0;
        long start = System.nanoTime();
        while (true) {
            long t0 = System.nanoTime();
            call.run();
            long t = System.nanoTime() - t0;
            if (m == times.length) times = Arrays.copyOf(times, 2 * m);
            times[m++] = t;
            long elapsed = System.nanoTime() - start;
            boolean slow = t > 1_000_000_000L;
            if (slow && m >= 3) break;
            if (m >= 5 && elapsed >= 1_000_000_000L) break;
        }
        long[] sorted = Arrays.copyOf(times, m);
        Arrays.sort(sorted);
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
