package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random geometries against the oracle through the public API, small first. The master seed is printed and
 * can be replayed with {@code -Dtconv.seed=...}; every failure names its case and the case's own seed.
 */
class PropertyTest {
    static final long SEED = Long.getLong("tconv.seed", System.nanoTime());
    static final int CASES = Integer.getInteger("tconv.cases", 400);

    static {
        System.out.println("PropertyTest master seed " + SEED + " (replay with -Dtconv.seed=" + SEED + ")");
    }

    @Test
    void floatMatchesOracle() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < CASES; i++) {
            Case c = Case.random(r, i * 6 / CASES, 1 + i % 3);
            checkFloat(c, Parallelism.threads(1 + i % 3), 3);
        }
    }

    @Test
    void doubleMatchesOracle() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        for (int i = 0; i < CASES; i++) {
            Case c = Case.random(r, i * 6 / CASES, 1 + i % 3);
            checkDouble(c, Parallelism.threads(1 + i % 3), 5);
        }
    }

    /** Runs a case in float at an offset inside larger, NaN-poisoned arrays and compares with the oracle. */
    static void checkFloat(Case c, Parallelism parallelism, int offset) {
        String context = c + " (master seed " + SEED + ")";
        ConvTransposeSpec spec = c.spec();
        assertEquals(Arrays.toString(c.outputSize()), Arrays.toString(spec.outputSize()), context);
        double[][] data = c.data();
        FloatPlan plan = ConvTranspose.plan(spec, Check.toFloat(data[1]), Check.toFloat(data[2]), parallelism);
        float[] x = new float[offset + c.inputLength() + 2];
        Arrays.fill(x, Float.NaN);
        System.arraycopy(Check.toFloat(data[0]), 0, x, offset, c.inputLength());
        float[] y = new float[offset + c.outputLength() + 2];
        Arrays.fill(y, Float.NaN);
        plan.execute(c.batch(), x, offset, y, offset);
        Check.assertClose(Oracle.compute(c, data[0], data[1], data[2]), y, offset, context + " kernel " + plan.kernel());
        for (int i = 0; i < offset; i++) assertEquals(Float.NaN, y[i], context + ": wrote before the output");
        for (int i = offset + c.outputLength(); i < y.length; i++) assertEquals(Float.NaN, y[i], context + ": wrote past the output");
    }

    /** The double twin of {@link #checkFloat}. */
    static void checkDouble(Case c, Parallelism parallelism, int offset) {
        String context = c + " (master seed " + SEED + ")";
        double[][] data = c.data();
        DoublePlan plan = ConvTranspose.plan(c.spec(), data[1], data[2], parallelism);
        double[] x = new double[offset + c.inputLength()];
        System.arraycopy(data[0], 0, x, offset, c.inputLength());
        double[] y = new double[offset + c.outputLength() + 2];
        Arrays.fill(y, Double.NaN);
        plan.execute(c.batch(), x, offset, y, offset);
        Check.assertClose(Oracle.compute(c, data[0], data[1], data[2]), y, offset, context + " kernel " + plan.kernel());
        for (int i = 0; i < offset; i++) assertEquals(Double.NaN, y[i], context + ": wrote before the output");
        for (int i = offset + c.outputLength(); i < y.length; i++) assertEquals(Double.NaN, y[i], context + ": wrote past the output");
    }
}
