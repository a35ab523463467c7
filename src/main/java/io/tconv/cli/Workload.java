package io.tconv.cli;

import io.tconv.ConvTransposeSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One shape of a benchmark suite: one line of a workloads file (the format of the shared benchmark suite): name, dims, N, Cin, Cout, groups,
 * then input, kernel, stride, padding, output_padding and dilation as per-dimension lists joined by 'x'.
 */
public record Workload(String name, int batch, ConvTransposeSpec spec) {

    /** FLOPs counted the direct way: {@code 2 · N · Cin · Cout/groups · ∏ in · ∏ k}. */
    public long flops() {
        return 2L * batch * spec.multiplyAddsPerImage();
    }

    /** The suite built into the jar (the same shapes as the shared peer benchmark). */
    public static List<Workload> builtIn() {
        try (InputStream in = Workload.class.getResourceAsStream("workloads.txt")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in workloads");
        } catch (IOException e) {
            throw new IllegalStateException("built-in workloads missing from the jar", e);
        }
    }

    public static List<Workload> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new CliException(file + ": no such file");
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    static List<Workload> parse(String text, String source) {
        List<Workload> list = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String where = source + " line " + (n + 1);
            String[] f = line.split("\\s+");
            if (f.length != 12) throw new CliException(where + ": expected 12 fields, found " + f.length);
            int dims = number(f[1], where);
            try {
                ConvTransposeSpec spec = ConvTransposeSpec.builder(number(f[3], where), number(f[4], where))
                        .groups(number(f[5], where)).inputSize(list(f[6], dims, where)).kernel(list(f[7], dims, where))
                        .stride(list(f[8], dims, where)).padding(list(f[9], dims, where))
                        .outputPadding(list(f[10], dims, where)).dilation(list(f[11], dims, where)).build();
                list.add(new Workload(f[0], number(f[2], where), spec));
            } catch (IllegalArgumentException e) {
                throw new CliException(where + " (" + f[0] + "): " + e.getMessage());
            }
        }
        if (list.isEmpty()) throw new CliException(source + ": no workloads");
        return list;
    }

    private static int[] list(String field, int dims, String where) {
        String[] parts = field.split("x");
        if (parts.length != dims) throw new CliException(where + ": '" + field + "' should have " + dims + " values");
        int[] v = new int[dims];
        for (int i = 0; i < dims; i++) v[i] = number(parts[i], where);
        return v;
    }

    private static int number(String s, String where) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new CliException(where + ": '" + s + "' is not an integer");
        }
    }
}
