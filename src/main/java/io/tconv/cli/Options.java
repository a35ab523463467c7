package io.tconv.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} / {@code --name=value} flags of one subcommand, checked against the flags it knows. */
final class Options {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Options(String command) {
        this.command = command;
    }

    /** Parses {@code args}; {@code switches} take no value, {@code flags} take one. */
    static Options parse(String command, String[] args, Set<String> flags, Set<String> switches) {
        Options o = new Options(command);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new CliException(command + ": unexpected argument '" + a + "' (see tconv " + command + " --help)");
            String name = a.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) throw new CliException(command + ": --" + name + " takes no value");
                value = "true";
            } else if (flags.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) throw new CliException(command + ": --" + name + " needs a value");
                    value = args[++i];
                }
            } else {
                throw new CliException(command + ": unknown flag --" + name + " (see tconv " + command + " --help)");
            }
            if (o.values.put(name, value) != null) throw new CliException(command + ": --" + name + " given twice");
        }
        return o;
    }

    boolean has(String name) { return values.containsKey(name); }

    String string(String name, String fallback) { return values.getOrDefault(name, fallback); }

    Path requiredPath(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) throw new CliException(command + ": --" + name + " FILE is required");
        return Path.of(v);
    }

    Path path(String name) {
        String v = values.get(name);
        return v == null ? null : Path.of(v);
    }

    int integer(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null) return fallback;
        int n = parseInt(name, v);
        if (n < min) throw new CliException(command + ": --" + name + " must be >= " + min + ", got " + n);
        return n;
    }

    /** One integer for every dimension, or a comma-separated list of exactly {@code rank} integers. */
    /** A comma-separated list of integers, as given (the caller checks its length). */
    int[] intList(String name) {
        String[] parts = values.get(name).split(",", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = parseInt(name, parts[i]);
        return out;
    }

    int[] perDimension(String name, int rank, int fallback) {
        String v = values.get(name);
        int[] out = new int[rank];
        if (v == null) {
            java.util.Arrays.fill(out, fallback);
            return out;
        }
        String[] parts = v.split(",", -1);
        if (parts.length == 1) {
            java.util.Arrays.fill(out, parseInt(name, parts[0]));
            return out;
        }
        if (parts.length != rank) {
            throw new CliException(command + ": --" + name + " has " + parts.length + " values, but the input has " + rank
                    + " spatial dimension" + (rank == 1 ? "" : "s") + " (give 1 or " + rank + ")");
        }
        for (int i = 0; i < rank; i++) out[i] = parseInt(name, parts[i]);
        return out;
    }

    private int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new CliException(command + ": --" + name + " expects an integer, got '" + v + "'");
        }
    }
}
