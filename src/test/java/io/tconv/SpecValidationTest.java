package io.tconv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** One test per validity rule: the error names the parameter, its value and the valid range. */
class SpecValidationTest {

    private static ConvTransposeSpec.Builder base() {
        return ConvTransposeSpec.builder(4, 6).inputSize(5, 5).kernel(3, 3);
    }

    private static void refused(UnaryOperator<ConvTransposeSpec.Builder> change, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.apply(base()).build());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
    }

    @Test void valid() { assertArrayEquals(new int[] {7, 7}, base().build().outputSize()); }
    @Test void strideAtLeastOne() { refused(b -> b.stride(0), "stride must be >= 1", "[0, 0]"); }
    @Test void dilationAtLeastOne() { refused(b -> b.dilation(1, 0), "dilation must be >= 1", "[1, 0]"); }
    @Test void kernelAtLeastOne() { refused(b -> b.kernel(3, 0), "kernel_size must be >= 1", "[3, 0]"); }
    @Test void paddingNotNegative() { refused(b -> b.padding(-1), "padding must be >= 0", "[-1, -1]"); }
    @Test void outputPaddingNotNegative() { refused(b -> b.outputPadding(-1, 0), "output_padding must be >= 0", "[-1, 0]"); }
    @Test void groupsAtLeastOne() { refused(b -> b.groups(0), "groups must be >= 1, got 0"); }
    @Test void inChannelsDivisible() { refused(b -> b.groups(3), "in_channels must be divisible by groups", "in_channels=4, groups=3"); }
    @Test void outChannelsDivisible() { refused(b -> b.groups(4), "out_channels must be divisible by groups", "out_channels=6, groups=4"); }
    @Test void channelsPositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvTransposeSpec.builder(0, 3).inputSize(2).kernel(2).build());
        assertTrue(e.getMessage().contains("in_channels must be >= 1, got 0"));
        e = assertThrows(IllegalArgumentException.class, () -> ConvTransposeSpec.builder(3, -2).inputSize(2).kernel(2).build());
        assertTrue(e.getMessage().contains("out_channels must be >= 1, got -2"));
    }
    @Test void inputSizeAtLeastOne() { refused(b -> b.inputSize(5, 0), "input size must be >= 1", "[5, 0]"); }
    @Test void rankOneToThree() {
        refused(b -> b.kernel(1, 1, 1, 1).inputSize(1, 1, 1, 1), "kernel_size must have 1, 2 or 3 values");
    }
    @Test void parameterListLength() { refused(b -> b.stride(1, 2, 3), "stride must have 1 or 2 values", "[1, 2, 3]"); }
    @Test void inputSizeMatchesRank() { refused(b -> b.inputSize(5), "input size must have 2 spatial dimensions", "[5]"); }
    @Test void outputPaddingBelowStrideOrDilation() {
        refused(b -> b.stride(2).outputPadding(2), "output_padding must be smaller than either stride or dilation",
                "output_padding=[2, 2]", "valid range in dimension 0: 0..1");
    }
    @Test void outputPaddingMayReachStrideThroughDilation() {
        // (5-1)·1 + 3·(3-1) + 1 + 2 = 13
        assertArrayEquals(new int[] {13, 13}, base().stride(1).dilation(3).outputPadding(2).build().outputSize());
    }
    @Test void outputNotTooSmall() {
        refused(b -> b.padding(4), "Output size is too small", "[-1, -1]");
    }
    @Test void hugeSizesRefusedBeforeOverflow() {
        refused(b -> b.inputSize(1 << 30, 1 << 30).stride(1 << 30), "output size", "is too large");
        refused(b -> b.inputSize(1 << 14, 1 << 14).stride(1 << 8), "output (one image) would have", "elements");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvTransposeSpec.builder(1 << 16, 1 << 16)
                .inputSize(1).kernel(1).build());
        assertTrue(e.getMessage().contains("weight would have"), e.getMessage());
    }
    @Test void requiredFields() {
        refused(b -> ConvTransposeSpec.builder(1, 1).inputSize(3), "kernel_size is required");
        refused(b -> ConvTransposeSpec.builder(1, 1).kernel(3), "input size is required");
    }

    @Test
    void planRefusesWeightAndBiasOfTheWrongLength() {
        ConvTransposeSpec spec = base().bias(true).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvTranspose.plan(spec, new float[10], new float[6]));
        assertTrue(e.getMessage().contains("weight has 10 elements"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvTranspose.plan(spec, new float[4 * 6 * 9], new float[5]));
        assertTrue(e.getMessage().contains("bias must have out_channels=6 elements, got 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvTranspose.plan(spec, new double[4 * 6 * 9], null));
        assertTrue(e.getMessage().contains("got none"), e.getMessage());
        ConvTransposeSpec noBias = base().build();
        e = assertThrows(IllegalArgumentException.class, () -> ConvTranspose.plan(noBias, new float[4 * 6 * 9], new float[6]));
        assertTrue(e.getMessage().contains("bias given"), e.getMessage());
    }

    @Test
    void executeRefusesTensorsThatDoNotFit() {
        FloatPlan plan = ConvTranspose.plan(base().build(), new float[4 * 6 * 9], null);
        float[] x = new float[4 * 25], y = new float[6 * 49];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.execute(1, x, 1, y, 0));
        assertTrue(e.getMessage().startsWith("input array too short"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plan.execute(1, x, 0, y, 1));
        assertTrue(e.getMessage().startsWith("output array too short"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plan.execute(-1, x, 0, y, 0));
        assertEquals("batch must be >= 0, got -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plan.execute(1, x, -1, y, 0));
        assertEquals("input offset must be >= 0, got -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plan.execute(new float[99], y));
        assertTrue(e.getMessage().contains("not a whole number of images"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plan.execute(x, new float[5]));
        assertTrue(e.getMessage().contains("output length 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plan.execute(Integer.MAX_VALUE, x, 0, y, 0));
        assertTrue(e.getMessage().startsWith("input array too short"), e.getMessage());
    }
}
