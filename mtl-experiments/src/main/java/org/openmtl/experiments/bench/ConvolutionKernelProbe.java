package org.openmtl.experiments.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.openmtl.api.tensor.EngineAllocations;
import org.openmtl.api.tensor.EngineKernels;

/**
 * Prints, per convolution shape, how far the engine's float32 forward output, input gradient and
 * weight gradient lie from a float64 reference computed without convolution kernels
 * ({@link EngineKernels#deviations}: max |float32 − float64| over max |float64|), on the
 * kernels this process's oneDNN uses. It does not set the framework's kernel limit: run it with
 * {@code ONEDNN_MAX_CPU_ISA} set to the kernels to probe (docs/reliability.md, "Wrong
 * convolutions").
 *
 * <pre>
 * ONEDNN_MAX_CPU_ISA=AVX2 java -Dai.djl.offline=true -cp '...' org.openmtl.experiments.bench.ConvolutionKernelProbe
 * </pre>
 */
public final class ConvolutionKernelProbe {

    /** batch, input channels, height, width, output channels; kernel 5. */
    private static final int[][] SHAPES = {{1, 10, 6, 6, 20}, {2, 10, 8, 8, 20}, {1, 10, 8, 8, 20}, {2, 10, 12, 12, 20},
        {256, 10, 12, 12, 20}, {2, 1, 8, 8, 10}, {256, 1, 28, 28, 10}, {2, 8, 8, 8, 16}, {2, 16, 8, 8, 32}, {256, 16, 12, 12, 32}};

    private ConvolutionKernelProbe() {}

    /**
     * Runs the probe.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        EngineAllocations.zeroFill();
        System.out.printf(Locale.ROOT, "%s=%s, engine threads as configured%n", EngineKernels.VARIABLE, EngineKernels.instructionSet());
        System.out.println("shape (batch, in, h, w -> out), kernel 5 | forward | input gradient | weight gradient");
        for (int[] s : SHAPES) {
            try (NDManager manager = engine.newBaseManager()) {
                engine.setRandomSeed(3);
                NDArray x = manager.randomNormal(new Shape(s[0], s[1], s[2], s[3]));
                NDArray w = manager.randomNormal(new Shape(s[4], s[1], 5, 5));
                NDArray g = manager.randomNormal(new Shape(s[0], s[4], s[2] - 4, s[3] - 4));
                double[] d = EngineKernels.deviations(engine, x, w, g);
                System.out.printf(Locale.ROOT, "(%d, %d, %d, %d -> %d) | %.2e | %.2e | %.2e%n", s[0], s[1], s[2], s[3], s[4],
                        d[0], d[1], d[2]);
            }
        }
    }
}
