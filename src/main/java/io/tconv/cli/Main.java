package io.tconv.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** The {@code tconv} command: dispatches to a subcommand and turns every failure into one stderr line. */
public final class Main {
    static final String HELP = """
            tconv: transposed convolution (PyTorch's ConvTranspose1d/2d/3d) on the JVM

            Usage: tconv <command> [flags]
              run       one transposed convolution on .npy tensors           (tconv run --help)
              grad      gradients of run's output, for training              (tconv grad --help)
              bench     time the built-in workload suite or your own         (tconv bench --help)
              upsample  what a transposed convolution does, on an image      (tconv upsample --help)
              info      JDK, kernels in use (and why), vector width, FMA peak

            Exit status: 0 on success, 2 on bad input (one line on stderr starting 'tconv: ').
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0 || isHelp(args[0])) {
                out.print(HELP);
                return args.length == 0 ? 2 : 0;
            }
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            boolean help = rest.length > 0 && isHelp(rest[0]);
            return switch (args[0]) {
                case "run" -> help ? printed(out, RunCommand.HELP) : RunCommand.main(rest, out);
                case "grad" -> help ? printed(out, GradCommand.HELP) : GradCommand.main(rest, out);
                case "bench" -> help ? printed(out, BenchCommand.HELP) : BenchCommand.main(rest, out, err);
                case "info" -> help ? printed(out, InfoCommand.HELP) : InfoCommand.main(rest, out);
                case "upsample" -> help ? printed(out, UpsampleCommand.HELP) : UpsampleCommand.main(rest, out);
                default -> throw new CliException("unknown command '" + args[0] + "' (try tconv --help)");
            };
        } catch (CliException | IllegalArgumentException e) {
            return fail(err, e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return fail(err, e.getMessage());
        } catch (OutOfMemoryError e) {
            return fail(err, "out of memory (raise the heap with JAVA_TOOL_OPTIONS=-Xmx...)");
        } catch (RuntimeException e) {
            err.println("tconv: internal error: " + e);
            return 1;
        }
    }

    private static boolean isHelp(String a) {
        return a.equals("--help") || a.equals("-h") || a.equals("help");
    }

    private static int printed(PrintStream out, String text) {
        out.print(text);
        return 0;
    }

    private static int fail(PrintStream err, String message) {
        err.println("tconv: " + (message == null ? "failed" : message.replace('\n', ' ')));
        return 2;
    }
}
