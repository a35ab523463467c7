package io.tconv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tconv.ConvTranspose;
import io.tconv.ConvTransposeSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code tconv bench} as a report writer and as an engine of the shared peer benchmark: the HTML report,
 * peers from the shared benchmark's result lines and from JMH's JSON, {@code --data}, {@code --dump} and
 * {@code --lines}, and their bad inputs.
 */
class BenchReportTest extends CliTestBase {
    static final String TINY = "tiny 2 1 3 4 1 5x6 3x3 2x2 1x1 1x1 1x1\n";

    Path workloads() throws IOException {
        Path wl = dir.resolve("w.txt");
        Files.writeString(wl, TINY);
        return wl;
    }

    @Test
    void reportIsOneSelfContainedPageWithTheChartAndThePeers() throws IOException {
        Path raw = dir.resolve("run1.raw"), jmh = dir.resolve("jmh.json"), html = dir.resolve("report.html");
        Files.writeString(raw, """
                # a comment line
                onednn-any 1 tiny 0.010 12.5 impl=jit
                onednn-any 1 tiny 0.020 7.5 impl=jit
                onednn-any 2 tiny 0.005 99.0
                ceiling 1 fma-avx512-fp32 1 300
                """);
        Files.writeString(jmh, """
                [ {"benchmark": "io.tconv.jmh.OrtBench.onnxruntime", "params": {"shape": "tiny", "threads": "1"},
                   "primaryMetric": {"score": 1.0}, "secondaryMetrics": {"gflop": {"score": 3.25}}},
                  {"benchmark": "io.tconv.jmh.OrtBench.onnxruntime", "params": {"shape": "tiny", "threads": "2"},
                   "secondaryMetrics": {"gflop": {"score": 50.0}}} ]
                """);
        assertEquals(0, tconv("bench", "--workloads", workloads().toString(), "--report", html.toString(), "--peers",
                raw + "," + jmh), err.toString(StandardCharsets.UTF_8));
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<svg") && page.contains("</html>"));
        assertFalse(page.contains("<script") || page.contains("<link") || page.contains("@import") || page.contains("url("),
                "no scripts, linked styles or fonts");
        Matcher remote = Pattern.compile("(https?:)?//[a-z]").matcher(page.replace("http://www.w3.org/2000/svg", ""));
        assertFalse(remote.find(), "no remote references: " + (remote.find(0) ? page.substring(remote.start(), remote.start() + 40) : ""));
        // tconv's two paths, the peers of the 1-thread runs (median of two lines = 10.0; JMH 3.25), no ceiling
        assertTrue(page.contains("tconv vector (" + ConvTranspose.provider() + ")") || ConvTranspose.provider().equals("scalar"), page);
        assertTrue(page.contains("<title>onednn-any, tiny: 10.0 GFLOP/s</title>"), "median of the two 1-thread lines");
        assertTrue(page.contains("<title>jmh:onnxruntime, tiny: 3.25 GFLOP/s</title>"), "JMH's gflop metric");
        assertFalse(page.contains("ceiling") || page.contains("99.0") || page.contains("50.0 GFLOP/s"), "other shapes and threads left out");
        assertTrue(page.contains("FMA peak, f32, 1 core") || ConvTranspose.provider().equals("scalar"), "the peak line");
        assertTrue(page.contains("JDK: " + Runtime.version()), "machine and JDK details");
    }

    @Test
    void dataFilesAndDumpFollowTheSharedBenchmarksProtocol() throws IOException {
        // inputs from raw f32 files; --dump writes the output as raw f32 and does not time
        Workload tiny = Workload.parse(TINY, "test").get(0);
        ConvTransposeSpec spec = tiny.spec();
        int xLen = tiny.batch() * spec.inputElementsPerImage(), wLen = spec.weightElements();
        float[] x = new float[xLen], w = new float[wLen];
        for (int i = 0; i < xLen; i++) x[i] = (i % 7) - 3;
        for (int i = 0; i < wLen; i++) w[i] = (i % 5) * 0.5f;
        Path data = Files.createDirectories(dir.resolve("data")), dump = dir.resolve("dump");
        Files.write(data.resolve("tiny.x.f32"), bytes(x));
        Files.write(data.resolve("tiny.w.f32"), bytes(w));
        assertEquals(0, tconv("bench", "--workloads", workloads().toString(), "--data", data.toString(), "--dump", dump.toString(),
                "--engine", "mine"), err.toString(StandardCharsets.UTF_8));
        byte[] dumped = Files.readAllBytes(dump.resolve("mine.tiny.f32"));
        float[] expected = new float[tiny.batch() * spec.outputElementsPerImage()];
        ConvTranspose.planScalar(spec, w, null, io.tconv.Parallelism.callerOnly()).execute(x, expected);
        assertEquals(4 * expected.length, dumped.length);
        ByteBuffer b = ByteBuffer.wrap(dumped).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], b.getFloat(4 * i), 1e-4f * (1 + Math.abs(expected[i])));

        assertEquals(0, tconv("bench", "--workloads", workloads().toString(), "--data", data.toString(), "--lines"));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals(1, lines.size(), out.toString(StandardCharsets.UTF_8));
        String[] f = lines.get(0).split(" ");
        assertEquals("tconv", f[0]);
        assertEquals("1", f[1]);
        assertEquals("tiny", f[2]);
        assertTrue(Double.parseDouble(f[3]) > 0 && Double.parseDouble(f[4]) > 0 && f[5].startsWith("kernel="), lines.get(0));
    }

    static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    @Test
    void badReportAndPeerArgumentsExitTwo() throws IOException {
        Path wl = workloads(), html = dir.resolve("r.html"), bad = dir.resolve("bad.json"), none = dir.resolve("none.raw");
        Files.writeString(bad, "[{\"name\": \"tiny\", ");
        Files.writeString(none, "onednn-any 2 tiny 0.1 5\n");
        refused(html, "--peers needs --report", "bench", "--workloads", wl.toString(), "--peers", none.toString());
        refused(html, "no such file", "bench", "--workloads", wl.toString(), "--report", html.toString(), "--peers",
                dir.resolve("missing.raw").toString());
        refused(html, "bad JSON at offset", "bench", "--workloads", wl.toString(), "--report", html.toString(), "--peers", bad.toString());
        refused(html, "no f32 results for 1 thread", "bench", "--workloads", wl.toString(), "--report", html.toString(), "--peers",
                none.toString());
        refused(html, "output folder does not exist", "bench", "--workloads", wl.toString(), "--report",
                dir.resolve("no/such/r.html").toString());
        refused(html, "does not combine", "bench", "--workloads", wl.toString(), "--dump", dir.toString(), "--report", html.toString());
        refused(html, "no such file (--data)", "bench", "--workloads", wl.toString(), "--data", dir.toString(), "--lines");
    }

    @Test
    void jsonReaderIsStrict() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, null, \"x\\u0041\\n\"], \"b\": {}} ");
        assertEquals(Map.of("a", java.util.Arrays.asList(1.0, -2500.0, true, null, "xA\n"), "b", Map.of()), v);
        for (String bad : new String[] {"", "[1,]", "{\"a\" 1}", "[1] x", "\"unterminated", "[01x]", "{'a': 1}", "[\"\\q\"]", "nul"}) {
            assertThrows(CliException.class, () -> Json.parse(bad), bad);
        }
    }
}
