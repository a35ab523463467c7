package io.tconv.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Other engines' GFLOP/s per shape, read from a results file, for the benchmark report. Three formats:
 * <ul>
 * <li>the shared peer benchmark's result lines ({@code ../shared/bench/results/<stamp>/run1.raw}):
 *     {@code engine threads shape median_ms gflops key=value…}, '#' lines ignored;</li>
 * <li>JMH's JSON ({@code java -jar jmh/target/benchmarks.jar -rf json}): the {@code gflop} secondary metric of
 *     each benchmark, engine {@code jmh:<method>};</li>
 * <li>{@code tconv bench --json}: engine {@code tconv-json}.</li>
 * </ul>
 * Only f32 results for the given thread count are kept; where a file has several results for one engine and
 * shape (several runs), their median is used.
 */
final class PeerResults {
    private PeerResults() {}

    /** Engine → shape → GFLOP/s, engines in file order. */
    static Map<String, Map<String, Double>> read(Path file, int threads) throws IOException {
        if (!Files.isRegularFile(file)) throw new CliException("bench: " + file + ": no such file (--peers)");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, Map<String, List<Double>>> all = new LinkedHashMap<>();
        String start = text.stripLeading();
        if (start.startsWith("[") || start.startsWith("{")) {
            Object json;
            try {
                json = Json.parse(text);
            } catch (CliException e) {
                throw new CliException("bench: " + file + ": " + e.getMessage());
            }
            if (!(json instanceof List<?> list)) throw new CliException("bench: " + file + ": expected a JSON list of results");
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) fromJson(m, threads, all);
            }
        } else {
            for (String line : text.split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                String[] f = l.split("\\s+");
                if (f.length < 5) continue;
                try {
                    if (Integer.parseInt(f[1]) != threads) continue;
                    add(all, f[0], f[2], Double.parseDouble(f[4]));
                } catch (NumberFormatException e) {
                    throw new CliException("bench: " + file + ": not a result line: '" + l + "'");
                }
            }
        }
        if (all.isEmpty()) throw new CliException("bench: " + file + ": no f32 results for " + threads + " thread(s)");
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        all.forEach((engine, shapes) -> {
            Map<String, Double> m = new LinkedHashMap<>();
            shapes.forEach((shape, values) -> m.put(shape, median(values)));
            medians.put(engine, m);
        });
        return medians;
    }

    private static void fromJson(Map<?, ?> m, int threads, Map<String, Map<String, List<Double>>> all) {
        if (m.get("benchmark") instanceof String bench && m.get("params") instanceof Map<?, ?> params) {   // JMH
            if (!(params.get("shape") instanceof String shape)) return;
            if (params.get("dtype") instanceof String d && !d.equals("f32")) return;
            if (params.get("threads") instanceof String t && !t.equals(String.valueOf(threads))) return;
            if (m.get("secondaryMetrics") instanceof Map<?, ?> sec && sec.get("gflop") instanceof Map<?, ?> g
                    && g.get("score") instanceof Double score) {
                add(all, "jmh:" + bench.substring(bench.lastIndexOf('.') + 1), shape, score);
            }
        } else if (m.get("name") instanceof String shape && m.get("gflops") instanceof Double gflops) {   // tconv --json
            if (m.get("dtype") instanceof String d && !d.equals("f32")) return;
            if (m.get("threads") instanceof Double t && t.intValue() != threads) return;
            add(all, "tconv-json", shape, gflops);
        }
    }

    private static void add(Map<String, Map<String, List<Double>>> all, String engine, String shape, double gflops) {
        all.computeIfAbsent(engine, e -> new LinkedHashMap<>()).computeIfAbsent(shape, s -> new ArrayList<>()).add(gflops);
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
