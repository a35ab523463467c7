package io.tconv.cli;

import io.tconv.ConvTranspose;
import io.tconv.ConvTransposeSpec;
import io.tconv.FloatPlan;
import io.tconv.Parallelism;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * {@code tconv upsample}: what a transposed convolution does, on an image. Each channel is upsampled by a
 * depthwise transposed convolution (groups = channels) with one of three kernels.
 */
final class UpsampleCommand {
    static final String HELP = """
            Usage: tconv upsample IN.png OUT.png [--factor F] [--kernel bilinear|nearest|k3s2] [--threads T]
                   tconv upsample --sample OUT.png [--factor F] [--kernel ...]

            Upsamples an image channel by channel with a transposed convolution (one group per channel):
              bilinear  kernel 2F - F%2, stride F, padding F/2: the bilinear filter FCN-style networks start
                        from (default). Each output is a blend of its nearest input pixels.
              nearest   kernel F = stride F, weights 1: every pixel becomes an F x F block (the k = s tiling).
              k3s2      kernel 3, stride 2, padding 1, output_padding 1, weights 1/4 (factor 2 only): kernels
                        that overlap unevenly. Output cells reached by 4, 2 or 1 taps come out at full, half or
                        quarter brightness: the checkerboard artifact of transposed convolutions.
            --factor F  2 (default) to 8.   --sample  use the small image built into the jar as input.
            Reads what javax.imageio reads (PNG, JPEG, GIF, BMP); writes PNG, or BMP/JPEG by OUT's extension.
            Gray images stay gray; alpha is upsampled like the colours. The output is written atomically.
            """;

    private static final Set<String> FLAGS = Set.of("factor", "kernel", "threads");
    private static final Set<String> SWITCHES = Set.of("sample");
    /** The largest output accepted, in pixels: beyond it an image no longer fits comfortably in a default heap. */
    static final long MAX_OUTPUT_PIXELS = 1L << 28;

    private UpsampleCommand() {}

    static int main(String[] args, PrintStream out) throws IOException {
        List<String> positional = new ArrayList<>(), flags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            flags.add(a);
            if (FLAGS.contains(a.substring(2)) && i + 1 < args.length) flags.add(args[++i]);
        }
        Options o = Options.parse("upsample", flags.toArray(new String[0]), FLAGS, SWITCHES);
        boolean sample = o.has("sample");
        int wanted = sample ? 1 : 2;
        if (positional.size() != wanted) {
            throw new CliException("upsample: expected " + (sample ? "OUT.png with --sample" : "IN.png OUT.png") + ", got "
                    + positional.size() + " file argument" + (positional.size() == 1 ? "" : "s") + " (see tconv upsample --help)");
        }
        String kernel = o.string("kernel", "bilinear");
        if (!kernel.equals("bilinear") && !kernel.equals("nearest") && !kernel.equals("k3s2")) {
            throw new CliException("upsample: --kernel must be bilinear, nearest or k3s2, got '" + kernel + "'");
        }
        int factor = o.integer("factor", 2, 2);
        if (factor > 8) throw new CliException("upsample: --factor must be 2 to 8, got " + factor);
        if (kernel.equals("k3s2") && factor != 2) throw new CliException("upsample: --kernel k3s2 has factor 2, got --factor " + factor);
        int threads = o.integer("threads", Runtime.getRuntime().availableProcessors(), 1);
        Path output = Path.of(positional.get(wanted - 1));
        String format = format(output);

        BufferedImage in = sample ? sampleImage() : read(Path.of(positional.get(0)));
        BufferedImage result = upsample(in, kernel, factor, threads);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(result, format, bytes)) throw new CliException("upsample: no " + format + " writer for this image");
        AtomicFile.write(output, bytes.toByteArray());
        out.printf(Locale.ROOT, "%s: %d x %d -> %d x %d, %s x%d%n", output, in.getWidth(), in.getHeight(), result.getWidth(),
                result.getHeight(), kernel, factor);
        return 0;
    }

    /** Upsamples every channel of {@code image}; public in the package for the tests. */
    static BufferedImage upsample(BufferedImage image, String kernel, int factor, int threads) {
        Channels c = Channels.of(image);
        int k, stride, pad, outPad = 0;
        float[] taps;
        switch (kernel) {
            case "nearest" -> {
                k = factor;
                stride = factor;
                pad = 0;
                taps = new float[k * k];
                java.util.Arrays.fill(taps, 1f);
            }
            case "k3s2" -> {
                k = 3;
                stride = 2;
                pad = 1;
                outPad = 1;
                taps = new float[k * k];
                java.util.Arrays.fill(taps, 0.25f);
            }
            default -> {
                k = 2 * factor - factor % 2;
                stride = factor;
                pad = factor / 2;
                taps = bilinear(k);
            }
        }
        ConvTransposeSpec spec = ConvTransposeSpec.builder(c.count, c.count).groups(c.count).inputSize(c.height, c.width)
                .kernel(k, k).stride(stride).padding(pad).outputPadding(outPad).build();
        int[] size = spec.outputSize();
        if ((long) size[0] * size[1] > MAX_OUTPUT_PIXELS) {
            throw new CliException("upsample: the output would be " + size[1] + " x " + size[0] + " pixels, more than "
                    + MAX_OUTPUT_PIXELS + "; use a smaller image or factor");
        }
        float[] weight = new float[c.count * k * k];
        for (int ch = 0; ch < c.count; ch++) System.arraycopy(taps, 0, weight, ch * k * k, k * k);
        FloatPlan plan = ConvTranspose.plan(spec, weight, null, Parallelism.threads(threads));
        float[] y = new float[spec.outputElementsPerImage()];
        plan.execute(c.planes, y);
        return c.image(y, size[0], size[1]);
    }

    /** FCN's bilinear upsampling filter of size k ({@code upsample_filt}): the outer product of a triangle. */
    static float[] bilinear(int k) {
        int f = (k + 1) / 2;
        double center = k % 2 == 1 ? f - 1 : f - 0.5;
        float[] w = new float[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) w[i * k + j] = (float) ((1 - Math.abs(i - center) / f) * (1 - Math.abs(j - center) / f));
        }
        return w;
    }

    private static String format(Path output) {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) return "png";
        if (name.endsWith(".bmp")) return "bmp";
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) return "jpeg";
        throw new CliException("upsample: " + output + ": give the output a .png, .bmp or .jpg name");
    }

    private static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new CliException("upsample: " + file + ": no such file");
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new CliException("upsample: " + file + ": not a readable image (" + e.getMessage() + ")");
        }
        if (image == null) throw new CliException("upsample: " + file + ": not an image javax.imageio can read");
        return image;
    }

    static BufferedImage sampleImage() throws IOException {
        try (InputStream in = UpsampleCommand.class.getResourceAsStream("sample.png")) {
            if (in == null) throw new IllegalStateException("sample.png missing from the jar");
            return ImageIO.read(in);
        }
    }

    /** An image as float planes {@code [channel][y][x]} in 0…255: gray, RGB or RGBA. */
    private record Channels(int count, int width, int height, boolean alpha, float[] planes) {
        static Channels of(BufferedImage image) {
            int w = image.getWidth(), h = image.getHeight(), plane = w * h;
            boolean alpha = image.getColorModel().hasAlpha();
            boolean gray = !alpha && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
            int count = gray ? 1 : alpha ? 4 : 3;
            float[] p = new float[count * plane];
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    int i = yy * w + xx;
                    if (gray) {
                        p[i] = image.getRaster().getSample(xx, yy, 0) * 255f / ((1 << image.getColorModel().getComponentSize(0)) - 1);
                        continue;
                    }
                    int argb = image.getRGB(xx, yy);
                    p[i] = argb >> 16 & 0xff;
                    p[plane + i] = argb >> 8 & 0xff;
                    p[2 * plane + i] = argb & 0xff;
                    if (alpha) p[3 * plane + i] = argb >>> 24;
                }
            }
            return new Channels(count, w, h, alpha, p);
        }

        BufferedImage image(float[] y, int h, int w) {
            int plane = w * h;
            BufferedImage out = new BufferedImage(w, h, count == 1 ? BufferedImage.TYPE_BYTE_GRAY
                    : alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    int i = yy * w + xx;
                    if (count == 1) {
                        out.getRaster().setSample(xx, yy, 0, byteOf(y[i]));
                        continue;
                    }
                    int a = alpha ? byteOf(y[3 * plane + i]) : 0xff;
                    out.setRGB(xx, yy, a << 24 | byteOf(y[i]) << 16 | byteOf(y[plane + i]) << 8 | byteOf(y[2 * plane + i]));
                }
            }
            return out;
        }

        private static int byteOf(float v) {
            return (int) Math.max(0, Math.min(255, Math.round(v)));
        }
    }
}
