package io.tconv;

/** TensorFlow's / Keras' {@code padding} of a transposed convolution; see {@link ConvTransposeSpec.Builder#tfPadding}. */
public enum TfPadding {
    /** The output shape satisfies {@code ceil(out / stride) = in}; the crop is split, the odd cell at the end. */
    SAME,
    /** No crop at the beginning; {@code ceil((out − dilation·(k − 1)) / stride) = in}. */
    VALID
}
