package io.tconv.internal.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species of this JVM, fixed at class initialisation so that C2 sees constants: the preferred
 * width, or the one {@code -Dtconv.vectorBits=128|256|512} asks for (0 selects the scalar path before this
 * class is ever loaded).
 */
public final class VectorConstants {
    private VectorConstants() {}

    /** Vector width in bits. */
    public static final int BITS = chooseBits();
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(BITS));
    static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(BITS));
    /** Whether {@code fma} compiles to one instruction; without it the vector provider is not used. */
    static final boolean HAS_FMA = VectorSupport.hasFma();
    /** Vector registers the tile shapes may fill: 32 where the CPU has 512-bit vectors (AVX-512), else 16. */
    static final int REGISTERS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? 32 : 16;

    private static int chooseBits() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String asked = System.getProperty("tconv.vectorBits");
        if (asked == null || asked.isBlank()) return preferred;
        int bits = Integer.parseInt(asked.strip());
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("tconv.vectorBits must be 0, 128, 256 or 512, got " + asked);
        }
        if (bits > preferred) {
            throw new IllegalArgumentException("tconv.vectorBits=" + bits + " exceeds this CPU's widest vectors (" + preferred + " bits)");
        }
        return bits;
    }
}
