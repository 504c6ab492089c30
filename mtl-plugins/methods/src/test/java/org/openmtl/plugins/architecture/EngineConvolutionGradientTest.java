package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.tensor.EngineAllocations;
import org.openmtl.api.tensor.EngineKernels;
import org.openmtl.testkit.ContractTensors;

/**
 * The engine's single-precision convolution gradients against its double-precision ones (another
 * kernel path) at MultiLeNet's shapes, on the kernels the framework limits oneDNN to (the test
 * kit's extension sets the limit before the test JVM's first convolution, as the framework does
 * before a run). Both the weight and the input gradient must agree. With oneDNN's AVX2/AVX-512
 * kernels the input gradient is off by 7-23% of its largest element on the development machine
 * (docs/reliability.md, "Wrong convolutions"); this test then fails, naming the limit.
 */
class EngineConvolutionGradientTest {

    /** batch, input channels, height, width, output channels; kernel 5. */
    private static final int[][] SHAPES = {{2, 10, 8, 8, 20}, {256, 10, 12, 12, 20}, {256, 1, 28, 28, 10}};

    @Test
    void singleAndDoublePrecisionGradientsAgree() {
        List<String> inputDeviations = new ArrayList<>();
        double worstInput = 0;
        try (NDManager manager = ContractTensors.newManager()) {
            EngineAllocations.zeroFill();
            for (int[] s : SHAPES) {
                ContractTensors.seedEngine(3);
                NDArray x = manager.randomNormal(new Shape(s[0], s[1], s[2], s[3]));
                NDArray w = manager.randomNormal(new Shape(s[4], s[1], 5, 5));
                NDArray g = manager.randomNormal(new Shape(s[0], s[4], s[2] - 4, s[3] - 4));
                double[][] input = new double[2][];
                double[][] weight = new double[2][];
                DataType[] types = {DataType.FLOAT32, DataType.FLOAT64};
                for (int i = 0; i < 2; i++) {
                    NDArray xi = x.toType(types[i], false);
                    NDArray wi = w.toType(types[i], false);
                    xi.setRequiresGradient(true);
                    wi.setRequiresGradient(true);
                    try (GradientCollector c = ContractTensors.newGradientCollector()) {
                        c.backward(Conv2d.conv2d(xi, wi).singletonOrThrow().mul(g.toType(types[i], false)).sum());
                    }
                    input[i] = xi.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
                    weight[i] = wi.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
                }
                double weightDeviation = EngineKernels.relativeDeviation(weight[0], weight[1]);
                assertTrue(weightDeviation < 1e-4, "weight gradient, shape " + java.util.Arrays.toString(s)
                        + ": float32 deviates from float64 by " + weightDeviation + " of its largest element");
                double inputDeviation = EngineKernels.relativeDeviation(input[0], input[1]);
                worstInput = Math.max(worstInput, inputDeviation);
                inputDeviations.add(java.util.Arrays.toString(s) + ": " + String.format("%.2e", inputDeviation));
            }
        }
        assertTrue(worstInput < 1e-4, "the engine's float32 convolution input gradient deviates from its float64 one"
                + " with ONEDNN_MAX_CPU_ISA=" + EngineKernels.instructionSet() + " (oneDNN kernels; docs/reliability.md): "
                + inputDeviations);
    }
}
