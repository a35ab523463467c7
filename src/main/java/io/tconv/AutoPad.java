package io.tconv;

/** ONNX's {@code auto_pad} attribute of ConvTranspose; see {@link ConvTransposeSpec.Builder#autoPad(AutoPad)}. */
public enum AutoPad {
    /** Explicit pads (or an output shape, split with the odd cell at the beginning). */
    NOTSET,
    /** Pad to {@code in · stride} (or the output shape), the odd cell at the end. */
    SAME_UPPER,
    /** Pad to {@code in · stride} (or the output shape), the odd cell at the beginning. */
    SAME_LOWER,
    /** No padding. */
    VALID
}
