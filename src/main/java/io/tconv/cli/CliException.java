package io.tconv.cli;

/** A problem with what the user asked for: printed as one {@code tconv: } line, exit status 2. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message, null, false, false);
    }
}
