package org.openmtl.testkit.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

/**
 * The kit's memory-safety check can fail: it reports the weighting that multiplies a loss by a
 * Java number through DJL's {@code mul(Number)}, every time, and passes the same weighting written
 * with {@link org.openmtl.api.tensor.GraphScalars}. The build also runs this class in a 64 MB heap
 * (mtl-api's pom, execution {@code small-heap}).
 */
class MemorySafetyCheckTest {

    /** Repeats: a check that caught the mistake only when a collection happened to run would flake. */
    private static final int RUNS = 5;

    /** The fixture under the weighting contract; not a test class itself (the unsafe one fails). */
    private static final class ScaledLossContract extends WeightingContract {
        private final String scalar;

        ScaledLossContract(String scalar) {
            this.scalar = scalar;
        }

        @Override
        protected PluginFactory<Weighting> factory() {
            return new ScaledLossWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("scalar", scalar);
        }

        @Override
        protected boolean registeredAsService() {
            return false;
        }
    }

    @Test
    void aJavaNumberInTheGraphIsReportedEveryTime() throws Exception {
        ScaledLossContract unsafe = new ScaledLossContract("java-number");
        for (int run = 0; run < RUNS; run++) {
            Optional<String> difference = unsafe.differenceUnderCollection();
            assertTrue(difference.isPresent(), "run " + run + ": mul(Number) in the graph went unnoticed");
            // the product's backward pass reads the freed factor: d objective / d loss is what breaks
            assertTrue(
                    difference.get().contains("d objective / d loss"),
                    "run " + run + ": " + difference.get());
        }
    }

    @Test
    void theSameWeightingWithEngineMadeScalarsPasses() throws Exception {
        ScaledLossContract safe = new ScaledLossContract("engine");
        for (int run = 0; run < RUNS; run++) {
            assertEquals(Optional.empty(), safe.differenceUnderCollection(), "run " + run);
        }
    }

    @Test
    void theContractTestFailsOnTheJavaNumber() {
        AssertionError failure =
                assertThrows(
                        AssertionError.class,
                        () -> new ScaledLossContract("java-number").resultsAreBitIdenticalUnderGarbageCollection());
        assertTrue(failure.getMessage().contains("GraphScalars"), failure.getMessage());
    }
}
