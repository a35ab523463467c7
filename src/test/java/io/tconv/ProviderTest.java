package io.tconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Which provider the build's tests ran on. Surefire sets {@code tconv.requireVector} (to the width it forces,
 * or {@code any}) wherever the module is on, so a build whose tests silently fell back to scalar fails here;
 * and {@code tconv.expectFallback} in the execution that runs without the module.
 */
class ProviderTest {

    @Test
    void vectorProviderIsActiveWhenRequired() {
        String required = System.getProperty("tconv.requireVector");
        assumeTrue(required != null, "tconv.requireVector not set");
        assertNull(ConvTranspose.providerFallbackReason(), "the build asked for the vector provider");
        String expected = required.equals("any") ? "vector-" : "vector-" + required;
        assertTrue(ConvTranspose.provider().startsWith(expected), ConvTranspose.provider() + " is not " + expected);
    }

    @Test
    void fallsBackToScalarWithTheFlagInTheReason() {
        assumeTrue(System.getProperty("tconv.expectFallback") != null, "only in the execution without the vector module");
        assertEquals("scalar", ConvTranspose.provider());
        String reason = ConvTranspose.providerFallbackReason();
        assertNotNull(reason);
        assertTrue(reason.contains("--add-modules jdk.incubator.vector"), reason);
        ConvTransposeSpec spec = ConvTransposeSpec.builder(2, 2).inputSize(3).kernel(2).stride(2).build();
        assertEquals("scalar", ConvTranspose.plan(spec, new float[8], null).kernel());
    }
}
