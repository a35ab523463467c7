package io.tconv;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tconv.internal.Provider;
import io.tconv.internal.Providers;

/**
 * Fuzz target (b): every kernel path, float and double, against the oracle on small fuzzed geometries and
 * values. The values are finite except where the fuzzer asks for a NaN or an infinity in the input (weights
 * stay finite so that the vector paths run; non-finite weights take the scalar path, tested elsewhere), so
 * NaN/Inf placement is checked too. Outputs are NaN-poisoned and offset (see {@link PropertyTest}).
 */
class KernelFuzzTest {
    static final Provider PROVIDER = Providers.current();

    @FuzzTest(maxDuration = "5m")
    void kernelsMatchTheOracle(FuzzedDataProvider data) {
        int rank = data.consumeInt(1, 3);
        int groups = data.consumeInt(1, 3);
        int cin = groups * data.consumeInt(1, 6), cout = groups * data.consumeInt(1, 9);
        int[] in = new int[rank], k = new int[rank], s = new int[rank], p = new int[rank], op = new int[rank], d = new int[rank];
        for (int a = 0; a < rank; a++) {
            in[a] = data.consumeInt(1, a == rank - 1 ? 40 : 9);
            k[a] = data.consumeInt(1, 5);
            s[a] = data.consumeInt(1, 5);
            d[a] = data.consumeInt(1, 3);
            p[a] = data.consumeInt(0, 6);
            op[a] = data.consumeInt(0, Math.max(s[a], d[a]) - 1);
        }
        Case c = new Case(data.consumeInt(0, 2), cin, cout, groups, in, k, s, p, op, d, data.consumeBoolean(), 0);
        try {
            c.spec();
        } catch (IllegalArgumentException e) {
            return;   // an invalid geometry (for example padding beyond the output): target (a) covers those
        }
        double[] x = values(data, c.inputLength(), true), w = values(data, c.weightLength(), false);
        double[] b = c.bias() ? values(data, c.cout(), false) : null;
        double[][] all = {x, w, b};
        Parallelism threads = Parallelism.threads(data.consumeInt(1, 3));
        int offset = data.consumeInt(0, 3);
        PropertyTest.checkFloat(c, all, threads, offset, PROVIDER);
        PropertyTest.checkDouble(c, all, threads, offset, PROVIDER);
    }

    /** Float-representable values in [-8, 8], with NaN and ±Inf where the fuzzer asks (inputs only). */
    static double[] values(FuzzedDataProvider data, int n, boolean specials) {
        double[] v = new double[n];
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            int kind = data.consumeInt(0, specials ? 40 : 38);
            v[i] = switch (kind) {
                case 39 -> Double.NaN;
                case 40 -> data.consumeBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                case 38 -> 0.0;
                default -> (float) data.consumeRegularFloat(-8f, 8f);
            };
        }
        return v;
    }
}
