package io.tconv;

import io.tconv.internal.DoubleKernel;
import io.tconv.internal.Task;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link Plan} on {@code double} tensors. */
public final class DoublePlan extends Plan {
    private final DoubleKernel kernel;
    private final AtomicReference<Call> spare = new AtomicReference<>();

    DoublePlan(ConvTransposeSpec spec, DoubleKernel kernel, Parallelism parallelism) {
        super(spec, parallelism, kernel.name(), kernel.sharedBytes(), kernel.bytesPerThread());
        this.kernel = kernel;
    }

    /**
     * Computes {@code y = convT(x) + bias} for a whole batch; the batch size is {@code x.length} divided by the
     * elements of one input image, and {@code y.length} must be exactly that many output images.
     *
     * @param x input {@code [N, Cin, in…]}, C-order; only read
     * @param y output {@code [N, Cout, out…]}, C-order; every element is overwritten
     * @throws IllegalArgumentException if the lengths do not hold a whole batch or do not match each other
     */
    public void execute(double[] x, double[] y) {
        int batch = batchOf(x.length);
        if (y.length != outputLength(batch)) {
            throw new IllegalArgumentException("output length " + y.length + " does not match batch " + batch
                    + " (needs " + outputLength(batch) + ")");
        }
        execute(batch, x, 0, y, 0);
    }

    /**
     * Computes {@code y = convT(x) + bias} for {@code batch} images: the input {@code [batch, Cin, in…]} starts
     * at {@code x[xOffset]}, the output {@code [batch, Cout, out…]} at {@code y[yOffset]}. Every output cell in
     * that range is overwritten; nothing outside it is touched.
     *
     * @param batch   images, ≥ 0 (0 does nothing)
     * @param x       the array holding the input; only read
     * @param xOffset where the input starts in {@code x}
     * @param y       the array receiving the output
     * @param yOffset where the output starts in {@code y}
     * @throws IllegalArgumentException if batch is negative or a tensor does not fit its array
     */
    public void execute(int batch, double[] x, int xOffset, double[] y, int yOffset) {
        checkTensors(batch, x.length, xOffset, y.length, yOffset);
        if (batch == 0) return;
        Call call = spare.getAndSet(null);
        if (call == null) call = new Call(kernel);
        call.bind(batch, x, xOffset, y, yOffset);
        try {
            boolean spans = kernel.spansBatch();   // (then a task covers every image)
            parallel.run(spans ? kernel.tasksPerImage() : batch * kernel.tasksPerImage(), spans ? batch * kernel.macsPerTask() : kernel.macsPerTask(),
                    call);
        } finally {
            call.bind(1, null, 0, null, 0);
            spare.set(call);
        }
    }

    /**
     * The tensors of one call, reused so that execute allocates nothing. Task index i is task {@code i / batch}
     * of image {@code i % batch}: the same task of successive images runs in succession, so the part of the
     * weights a task reads is reused from cache across the batch (or, for a kernel whose tasks span the batch,
     * task i of every image).
     */
    private static final class Call implements Task {
        private final DoubleKernel kernel;
        private double[] x, y;
        private int batch, xOffset, yOffset;

        Call(DoubleKernel kernel) {
            this.kernel = kernel;
        }

        void bind(int batch, double[] x, int xOffset, double[] y, int yOffset) {
            this.batch = batch;
            this.x = x;
            this.xOffset = xOffset;
            this.y = y;
            this.yOffset = yOffset;
        }

        @Override
        public void run(int index) {
            if (kernel.spansBatch()) kernel.runBatch(batch, index, x, xOffset, y, yOffset);
            else kernel.run(index % batch, index / batch, x, xOffset, y, yOffset);
        }
    }
}
