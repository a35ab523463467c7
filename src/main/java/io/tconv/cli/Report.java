package io.tconv.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark report of {@code tconv bench --report}: one self-contained HTML page (no scripts, fonts or
 * styles from anywhere else) with an SVG bar chart of GFLOP/s per workload, log scale, tconv's vector and scalar
 * paths and any peers side by side, the FMA peak of the cores used as a line, then the numbers as a table
 * and the machine, JDK and provider details.
 */
final class Report {
    /** One series of bars: a name and GFLOP/s per shape (absent = not measured). */
    record Series(String name, Map<String, Double> gflops) {}

    private static final String[] COLORS = {"#1f6fd1", "#9bb9e0", "#e0712b", "#3a9a4b", "#8c5bb5", "#c9a227", "#d04a7a",
        "#5a6b7b", "#17becf", "#8c564b", "#bcbd22", "#7f7f7f"};

    private Report() {}

    /**
     * @param shapes  workload names in chart order, with their MFLOP and tconv's kernel
     * @param series  tconv's series first, then peers
     * @param peak    the FMA peak of the cores used (one core's peak × threads), NaN if unknown
     * @param details "key: value" lines about the machine, JDK and provider
     */
    static String html(String title, List<String> shapes, Map<String, String> kernels, Map<String, Double> mflop,
                       List<Series> series, double peak, String peakLabel, List<String> details) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1200px}\n")
                .append("h1{font-size:22px;margin:0 0 4px}p.sub{color:#555;margin:0 0 16px}\n")
                .append("table{border-collapse:collapse;font-size:13px;margin:16px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
                .append("th:first-child,td:first-child{text-align:left}td.k{text-align:left;color:#555}\n")
                .append("pre{background:#f5f5f5;padding:8px;font-size:12px}\n</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        h.append("<p class=\"sub\">GFLOP/s per workload (higher is better, log scale); FLOPs counted the direct way, ")
                .append("2 &middot; N &middot; Cin &middot; Cout/groups &middot; &prod;in &middot; &prod;k, over the median time.</p>\n");
        h.append(chart(shapes, series, peak, peakLabel));
        h.append(table(shapes, kernels, mflop, series, peak));
        h.append("<h2 style=\"font-size:16px\">Machine, JDK and provider</h2>\n<pre>");
        for (String d : details) h.append(esc(d)).append('\n');
        h.append("</pre>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String chart(List<String> shapes, List<Series> series, double peak, String peakLabel) {
        double max = Double.isNaN(peak) ? 1 : peak, min = Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : s.gflops.values()) {
                if (v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        double lo = Math.pow(10, Math.floor(Math.log10(Math.min(min, 1)))), hi = Math.pow(10, Math.ceil(Math.log10(max * 1.05)));
        int bars = series.size(), barW = Math.max(6, Math.min(18, 90 / Math.max(1, bars)));
        int groupW = bars * barW + 18, left = 64, top = 40 + 18 * ((bars + 3) / 4), plotH = 360, bottom = 110;
        int width = left + shapes.size() * groupW + 20, height = top + plotH + bottom;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"system-ui,Helvetica,Arial,sans-serif\" font-size=\"12\" role=\"img\">%n", width, height, width, height));
        s.append("<title>GFLOP/s per workload</title>\n");
        // legend, four entries per row
        for (int i = 0; i < bars; i++) {
            int x = left + (i % 4) * 230, y = 14 + 18 * (i / 4);
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, y, COLORS[i % COLORS.length], x + 17, y + 10, esc(series.get(i).name)));
        }
        // grid: 1-2-5 steps per decade
        for (double d = lo; d <= hi * 1.0001; d *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                double v = d * m;
                if (v > hi * 1.0001) break;
                double y = yOf(v, lo, hi, top, plotH);
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n", left, width - 20,
                        y, y, m == 1 ? "#bbb" : "#e6e6e6"));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n", left - 6,
                        y + 4, fmt(v)));
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\" fill=\"#333\">"
                + "GFLOP/s</text>%n", top + plotH / 2, top + plotH / 2));
        for (int g = 0; g < shapes.size(); g++) {
            String shape = shapes.get(g);
            int x0 = left + g * groupW + 9;
            for (int i = 0; i < bars; i++) {
                Double v = series.get(i).gflops.get(shape);
                if (v == null || !(v > 0)) continue;
                double y = yOf(v, lo, hi, top, plotH);
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s, %s: %s GFLOP/s</title></rect>%n", x0 + i * barW, y, barW - 1, top + plotH - y,
                        COLORS[i % COLORS.length], esc(series.get(i).name), esc(shape), fmt(v)));
            }
            Double first = series.isEmpty() ? null : series.get(0).gflops.get(shape);
            if (first != null && first > 0) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" fill=\"%s\">%s</text>%n",
                        x0 + barW / 2, yOf(first, lo, hi, top, plotH) - 3, COLORS[0], fmt(first)));
            }
            int lx = x0 + bars * barW / 2, ly = top + plotH + 14;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-35 %d %d)\">%s</text>%n",
                    lx, ly, lx, ly, esc(shape)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", left, width - 20,
                top + plotH, top + plotH));
        if (!Double.isNaN(peak)) {
            double y = yOf(peak, lo, hi, top, plotH);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c62828\" stroke-width=\"2\" "
                    + "stroke-dasharray=\"8 5\"/>%n", left, width - 20, y, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#c62828\">%s: %s GFLOP/s</text>%n",
                    width - 24, y - 5, esc(peakLabel), fmt(peak)));
        }
        return s.append("</svg>\n").toString();
    }

    private static String table(List<String> shapes, Map<String, String> kernels, Map<String, Double> mflop, List<Series> series,
                                double peak) {
        StringBuilder t = new StringBuilder("<table>\n<tr><th>shape</th><th>MFLOP</th>");
        for (Series s : series) t.append("<th>").append(esc(s.name)).append("</th>");
        if (!Double.isNaN(peak) && !series.isEmpty()) t.append("<th>% of peak</th>");
        t.append("<th>tconv kernel</th></tr>\n");
        for (String shape : shapes) {
            t.append("<tr><td>").append(esc(shape)).append("</td><td>").append(String.format(Locale.ROOT, "%.1f", mflop.get(shape)))
                    .append("</td>");
            for (Series s : series) {
                Double v = s.gflops.get(shape);
                t.append("<td>").append(v == null ? "&ndash;" : fmt(v)).append("</td>");
            }
            if (!Double.isNaN(peak) && !series.isEmpty()) {
                Double v = series.get(0).gflops.get(shape);
                t.append("<td>").append(v == null ? "&ndash;" : String.format(Locale.ROOT, "%.0f%%", 100 * v / peak)).append("</td>");
            }
            t.append("<td class=\"k\">").append(esc(kernels.getOrDefault(shape, ""))).append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static double yOf(double v, double lo, double hi, int top, int plotH) {
        double f = (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        return top + plotH * (1 - f);
    }

    static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
