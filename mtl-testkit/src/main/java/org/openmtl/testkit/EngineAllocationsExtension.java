package org.openmtl.testkit;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openmtl.api.tensor.EngineAllocations;
import org.openmtl.api.tensor.EngineKernels;

/**
 * Loads the PyTorch engine, when it is on the test class path, and makes its allocations
 * zero-filled before a test class runs, as the framework does before a run: tests then meet the
 * engine exactly as training does, and cannot fail at random on the engine fault described in
 * {@link EngineAllocations}.
 *
 * <p>Every contract of the kit carries it. For all other tests of a module, register it for the
 * whole test JVM: the kit's jar lists it in {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension}, which JUnit reads when the
 * configuration parameter {@code junit.jupiter.extensions.autodetection.enabled=true} is set
 * (Surefire's {@code configurationParameters}, or {@code junit-platform.properties}).
 */
public final class EngineAllocationsExtension implements BeforeAllCallback {

    /** The engine the framework trains on. */
    static final String ENGINE = "PyTorch";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!Engine.getAllEngines().contains(ENGINE)) {
            return; // no engine on this test class path: nothing allocates
        }
        Engine.getEngine(ENGINE);
        if (!EngineAllocations.zeroFill()) {
            throw new IllegalStateException("the PyTorch engine is loaded but its libc10 was not found in /proc/self/maps; "
                    + "cannot make its allocations zero-filled");
        }
        // before any convolution of the test JVM: oneDNN's AVX2/AVX-512 kernels get the input gradient wrong
        EngineKernels.limitInstructionSet();
    }
}
