package org.openmtl.experiments;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import org.openmtl.api.tensor.EngineAllocations;
import org.openmtl.api.tensor.EngineAllocations.Fill;
import org.openmtl.core.cli.Main;

/**
 * The child JVM of {@link EngineAllocationFaultTest}: under junk-filled engine allocations, one
 * bare DJL MultiLeNet step (is it non-finite?), then a framework run (which zero-fills before it
 * trains). Prints {@code bare-step-non-finite=...} and {@code run-exit=...}.
 */
public final class EngineFaultProbe {

    private EngineFaultProbe() {}

    /**
     * Runs the probe.
     *
     * @param args the run's output directory and the data directory
     */
    public static void main(String[] args) {
        Engine.getEngine("PyTorch");
        System.out.println("bare-step-non-finite=" + EngineAllocationFaultTest.bareStepIsNonFiniteUnderJunk());
        EngineAllocations.set(Fill.JUNK);
        int code = Main.execute(EngineAllocationFaultTest.runArguments(Path.of(args[0]), Path.of(args[1])));
        System.out.println("run-exit=" + code);
        System.exit(0);
    }
}
