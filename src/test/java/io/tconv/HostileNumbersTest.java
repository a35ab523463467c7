package io.tconv;

import io.tconv.internal.Provider;
import io.tconv.internal.Providers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hostile numbers on every path of the provider in use, float and double, against the float64 oracle with the
 * error bound of {@link Check} ({@code 2·(K + 1)·(ε·Σ|x·w| + η)} per output):
 * <ul>
 * <li>huge magnitudes (products near 1e34, short of float overflow) and tiny ones whose products are
 *     subnormal in float (1e-40): the result moves only by rounding, and no flush-to-zero happens;</li>
 * <li>NaN and ±Inf in the input with some weights exactly 0: NaN and Inf appear exactly where a tap lands,
 *     including 0·Inf = NaN where that product is computed, and nowhere else (cells no tap reaches keep the
 *     bias).</li>
 * </ul>
 */
class HostileNumbersTest {
    static final Provider PROVIDER = Providers.current();

    @Test
    void hugeAndTinyMagnitudesChangeNothingButRounding() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 11);
        for (int i = 0; i < 120; i++) {
            Case c = Case.random(r, 4, 1 + i % 3);
            double[][] d = c.data();
            double xScale, wScale;
            switch (i % 3) {
                case 0 -> { xScale = 1e17; wScale = 1e17; }    // products ~1e34 (float max 3.4e38)
                case 1 -> { xScale = 1e-20; wScale = 1e-20; }  // products ~1e-40: subnormal in float
                default -> { xScale = 1e-40; wScale = 1; }     // subnormal inputs
            }
            scale(d[0], xScale, r);
            scale(d[1], wScale, r);
            if (d[2] != null) scale(d[2], xScale * wScale, r);
            PropertyTest.checkFloat(c, d, Parallelism.threads(1 + i % 2), i % 3, PROVIDER);
            PropertyTest.checkDouble(c, d, Parallelism.threads(1 + i % 2), i % 3, PROVIDER);
        }
    }

    /** Multiplies by {@code scale}, keeping float-representable values, and mixes in some values ten times smaller. */
    static void scale(double[] v, double scale, SplittableRandom r) {
        for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] * scale * (r.nextInt(4) == 0 ? 0.1 : 1));
    }

    @Test
    void nanAndInfinityLandOnlyWhereTapsLand() {
        SplittableRandom r = new SplittableRandom(PropertyTest.SEED + 12);
        for (int i = 0; i < 200; i++) {
            Case c = Case.random(r, 4, 1 + i % 3);
            double[][] d = c.data();
            if (d[0].length == 0) continue;
            for (int j = 0; j < 1 + r.nextInt(3); j++) {
                int cell = r.nextInt(d[0].length);
                d[0][cell] = switch (r.nextInt(3)) {
                    case 0 -> Double.NaN;
                    case 1 -> Double.POSITIVE_INFINITY;
                    default -> Double.NEGATIVE_INFINITY;
                };
            }
            for (int j = 0; j < d[1].length; j++) if (r.nextInt(4) == 0) d[1][j] = 0;   // 0 · Inf where computed
            PropertyTest.checkFloat(c, d, Parallelism.threads(1 + i % 3), i % 2, PROVIDER);
            PropertyTest.checkDouble(c, d, Parallelism.threads(1 + i % 3), i % 2, PROVIDER);
        }
    }
}
