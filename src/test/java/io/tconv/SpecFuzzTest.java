package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target (a): any geometry either validates or is refused with an {@link IllegalArgumentException} that has
 * a message; nothing else is ever thrown, and a valid spec's sizes are consistent and fit arrays. Every int
 * the fuzzer picks is allowed, so overflow in the size arithmetic is explored. The normal test run replays
 * the committed corpus ({@code src/test/resources/io/tconv/SpecFuzzTestInputs}); {@code ./mvnw test -Pfuzz
 * -Dfuzz.test=SpecFuzzTest} fuzzes.
 */
class SpecFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void geometry(FuzzedDataProvider data) {
        int rank = data.consumeInt(0, 4);
        int cin = data.consumeInt(), cout = data.consumeInt(), groups = data.consumeInt();
        int[] in = ints(data, rank), k = ints(data, rank), s = ints(data, rank), p = ints(data, rank), op = ints(data, rank),
                d = ints(data, rank);
        ConvTransposeSpec spec;
        try {
            spec = ConvTransposeSpec.builder(cin, cout).inputSize(in).kernel(k).stride(s).padding(p).outputPadding(op)
                    .dilation(d).groups(groups).bias(data.consumeBoolean()).build();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an IllegalArgumentException needs a message");
            return;
        }
        assertEquals(k.length, spec.rank());
        long inputs = cin, outputs = cout, weights = (long) cin * (cout / groups);
        for (int a = 0; a < spec.rank(); a++) {
            long ia = at(in, a), ka = at(k, a), sa = at(s, a), pa = at(p, a), oa = at(op, a), da = at(d, a);
            long out = sa * (ia - 1) + da * (ka - 1) + 1 - 2 * pa + oa;
            assertEquals(out, spec.outputSize()[a], "output size, dimension " + a);
            assertTrue(out >= 1 && ia >= 1 && ka >= 1 && sa >= 1 && da >= 1 && pa >= 0, "accepted a bad value");
            assertTrue(oa >= 0 && oa < Math.max(sa, da), "accepted output_padding " + oa);
            inputs *= ia;
            outputs *= out;
            weights *= ka;
        }
        assertTrue(inputs <= Integer.MAX_VALUE && outputs <= Integer.MAX_VALUE && weights <= Integer.MAX_VALUE, "sizes must fit arrays");
        assertEquals(inputs, spec.inputElementsPerImage());
        assertEquals(outputs, spec.outputElementsPerImage());
        assertEquals(weights, spec.weightElements());
    }

    static long at(int[] v, int a) {
        return v.length == 1 ? v[0] : v[a];
    }

    /** Per-dimension values: one for every dimension, or one each (as the builder takes them). */
    static int[] ints(FuzzedDataProvider data, int rank) {
        return data.consumeBoolean() ? new int[] {data.consumeInt()} : data.consumeInts(rank);
    }
}
