package io.tconv.cli;

import io.tconv.ConvTranspose;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/** {@code tconv info}: the JDK, the kernels in use and why, and this core's measured FMA peak. */
final class InfoCommand {
    static final String HELP = """
            Usage: tconv info

            Prints the JDK, the kernel provider in use (Vector API or scalar) and the reason for any fallback,
            the vector width, hardware FMA, and one core's FMA peak measured by a short calibration loop.
            JVM flags: -Dtconv.vectorBits=512|256|128|0 picks the width (0 = scalar), via TCONV_JAVA_OPTS.
            """;

    private InfoCommand() {}

    static int main(String[] args, PrintStream out) {
        Options.parse("info", args, Set.of(), Set.of());
        out.println("tconv " + version());
        out.println("JDK: " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ") at " + System.getProperty("java.home"));
        out.println("processors: " + Runtime.getRuntime().availableProcessors());
        String reason = ConvTranspose.providerFallbackReason();
        out.println("provider: " + ConvTranspose.provider() + (reason == null ? "" : " (fallback: " + reason + ")"));
        out.print(ConvTranspose.providerDetails());
        double f32 = ConvTranspose.measurePeakGflops(false);
        if (!Double.isNaN(f32)) {
            out.printf(Locale.ROOT, "FMA peak, one core: %.0f GFLOP/s f32, %.0f GFLOP/s f64 (measured)%n", f32,
                    ConvTranspose.measurePeakGflops(true));
        }
        return 0;
    }

    static String version() {
        String v = InfoCommand.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
