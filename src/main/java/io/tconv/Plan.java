package io.tconv;

import io.tconv.internal.Parallel;

/**
 * A transposed convolution ready to run: a validated {@link ConvTransposeSpec}, weights packed for the chosen
 * kernel, and a {@link Parallelism}. Create one with {@link ConvTranspose#plan}; execute it as often as you
 * like. A plan is immutable: it copied the weights and bias it was given, {@code execute} reads the input
 * only, allocates nothing and may be called from several threads at once.
 *
 * <p>Tensors are NC(D)HW, C-order: the input {@code [N, Cin, in…]}, the output {@code [N, Cout, out…]}, with
 * N ≥ 0 (a batch of 0 does nothing).
 */
public abstract sealed class Plan permits FloatPlan, DoublePlan {
    final ConvTransposeSpec spec;
    final Parallel parallel;
    private final String kernelName;
    private final long sharedBytes, bytesPerThread;

    Plan(ConvTransposeSpec spec, Parallelism parallelism, String kernelName, long sharedBytes, long bytesPerThread) {
        this.spec = spec;
        this.parallel = new Parallel(parallelism.threads(), parallelism.executor());
        this.kernelName = kernelName;
        this.sharedBytes = sharedBytes;
        this.bytesPerThread = bytesPerThread;
    }

    /** {@return the geometry this plan computes} */
    public ConvTransposeSpec spec() { return spec; }

    /** {@return the kernel path the plan chose for this geometry, for example {@code scalar}} */
    public String kernel() { return kernelName; }

    /** {@return the most threads one execute call uses} */
    public int threads() { return parallel.threads(); }

    /** {@return bytes the plan holds for all calls: its packed copy of the weights, the bias and index tables} */
    public long sharedBytes() { return sharedBytes; }

    /**
     * {@return bytes of the buffers each thread that runs this plan allocates on its first call (the calling
     * threads and tconv's helper threads), kept while the thread and the plan live; 0 for the scalar kernels}
     */
    public long bytesPerThread() { return bytesPerThread; }

    /**
     * The workspace of one caller: {@code sharedBytes() + bytesPerThread() · threads()}. Plans are refused at
     * creation when this exceeds {@code -Dtconv.maxWorkspaceBytes} (default half the maximum heap). Each
     * further thread that calls the plan concurrently adds up to {@code bytesPerThread()}.
     *
     * @return bytes
     */
    public long workspaceBytes() { return sharedBytes + bytesPerThread * threads(); }

    /**
     * The input array length a batch needs.
     *
     * @param batch images
     * @return elements of an input batch of that many images, {@code batch · Cin · ∏ in}
     */
    public long inputLength(int batch) { return (long) batch * spec.inputElementsPerImage(); }

    /**
     * The output array length a batch needs.
     *
     * @param batch images
     * @return elements of an output batch of that many images, {@code batch · Cout · ∏ out}
     */
    public long outputLength(int batch) { return (long) batch * spec.outputElementsPerImage(); }

    /** The batch size an input array of this length holds; it must be a whole number of images. */
    final int batchOf(int inputLength) {
        int per = spec.inputElementsPerImage();
        if (inputLength % per != 0) {
            throw new IllegalArgumentException("input length " + inputLength + " is not a whole number of images of "
                    + per + " elements (Cin " + spec.inChannels() + " x " + java.util.Arrays.toString(spec.inputSize()) + ")");
        }
        return inputLength / per;
    }

    /** Checks that both tensors fit their arrays at their offsets; arithmetic in long. */
    final void checkTensors(int batch, int xLength, int xOffset, int yLength, int yOffset) {
        if (batch < 0) throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        checkRange("input", xLength, xOffset, inputLength(batch), batch);
        checkRange("output", yLength, yOffset, outputLength(batch), batch);
    }

    private static void checkRange(String what, int length, int offset, long needed, int batch) {
        if (offset < 0) throw new IllegalArgumentException(what + " offset must be >= 0, got " + offset);
        if (offset + needed > length) {
            throw new IllegalArgumentException(what + " array too short: batch " + batch + " needs " + needed
                    + " elements from offset " + offset + ", but the array has " + length);
        }
    }
}
