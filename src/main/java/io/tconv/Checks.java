package io.tconv;

/** Argument checks of the gradient API, in long arithmetic, with messages that name the array. */
final class Checks {
    private Checks() {}

    static int batchOf(String name, int length, int perImage) {
        if (length % perImage != 0) {
            throw new IllegalArgumentException(name + " length " + length + " is not a whole number of images of " + perImage + " elements");
        }
        return length / perImage;
    }

    static void length(String name, int length, long needed) {
        if (length != needed) throw new IllegalArgumentException(name + " must have " + needed + " elements, got " + length);
    }

    static void range(String name, int batch, int length, int offset, int perImage) {
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        if (offset < 0) throw new IllegalArgumentException(name + " offset must be >= 0, got " + offset);
        long needed = (long) batch * perImage;
        if (offset + needed > length) {
            throw new IllegalArgumentException(name + " array too short: batch " + batch + " needs " + needed
                    + " elements from offset " + offset + ", but the array has " + length);
        }
    }
}
