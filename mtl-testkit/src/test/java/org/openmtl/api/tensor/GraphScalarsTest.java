package org.openmtl.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.openmtl.testkit.ContractTensors;
import org.openmtl.testkit.MemorySafety;

/**
 * The scalar operations compute what they say and keep correct gradients when garbage is collected
 * between the forward and the backward pass and the freed memory is overwritten (the kit's {@link
 * MemorySafety} disturbance). Expected values are closed forms on x = (1, 2).
 */
class GraphScalarsTest {

    /** What f gives for x = (1, 2), and the gradient of its sum, after a disturbance. */
    private record Pass(float[] value, float[] gradient) {}

    private static Pass underCollection(BiFunction<NDArray, NDManager, NDArray> f) {
        try (NDManager run = ContractTensors.newManager();
                NDManager step = run.newSubManager()) {
            NDArray x = step.create(new float[] {1f, 2f});
            x.setRequiresGradient(true);
            List<ByteBuffer> overwrites = new ArrayList<>();
            try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                NDArray y = f.apply(x, step);
                MemorySafety.collectAndOverwriteFreedMemory(overwrites);
                collector.backward(y.sum());
                return new Pass(y.toFloatArray(), x.getGradient().toFloatArray());
            } finally {
                overwrites.clear();
            }
        }
    }

    @Test
    void djlNumberOverloadReadsAFreedScalar() {
        // the defect the class exists for: d(3x)/dx read from freed memory is not 3. Should a DJL
        // release fix its Number overloads, this fails and the workaround can be reconsidered
        Pass pass = underCollection((x, m) -> x.mul(3f));
        assertArrayEquals(new float[] {3f, 6f}, pass.value(), 0f);
        assertNotEquals(3f, pass.gradient()[0], "DJL's x.mul(3f) kept its scalar through a collection");
    }

    @Test
    void timesKeepsItsScalar() {
        Pass pass = underCollection((x, m) -> GraphScalars.times(x, 3, m));
        assertArrayEquals(new float[] {3f, 6f}, pass.value(), 0f);
        assertArrayEquals(new float[] {3f, 3f}, pass.gradient(), 0f);
    }

    @Test
    void dividedByKeepsItsScalar() {
        Pass pass = underCollection((x, m) -> GraphScalars.dividedBy(x, 4, m));
        assertArrayEquals(new float[] {0.25f, 0.5f}, pass.value(), 0f);
        assertArrayEquals(new float[] {0.25f, 0.25f}, pass.gradient(), 0f);
    }

    @Test
    void plusAndMinusShiftAndPassTheGradientThrough() {
        // (x + 5 − 5)² = x², gradient 2x; x + 5 alone is (6, 7)
        Pass shifted = underCollection((x, m) -> GraphScalars.plus(x, 5, m));
        assertArrayEquals(new float[] {6f, 7f}, shifted.value(), 0f);
        Pass pass = underCollection((x, m) -> GraphScalars.minus(GraphScalars.plus(x, 5, m), 5, m).square());
        assertArrayEquals(new float[] {1f, 4f}, pass.value(), 1e-6f);
        assertArrayEquals(new float[] {2f, 4f}, pass.gradient(), 1e-6f);
    }

    @Test
    void toThePowerKeepsItsExponent() {
        // x³ and 3x²
        Pass pass = underCollection((x, m) -> GraphScalars.toThePower(x, 3, m));
        assertArrayEquals(new float[] {1f, 8f}, pass.value(), 1e-6f);
        assertArrayEquals(new float[] {3f, 12f}, pass.gradient(), 1e-5f);
    }

    @Test
    void atLeastAndAtMostClampAndRouteTheGradient() {
        // max(x, 1.5) = (1.5, 2): only x₂ passes; min(x, 1.5) = (1, 1.5): only x₁ passes
        Pass floor = underCollection((x, m) -> GraphScalars.atLeast(x, 1.5, m));
        assertArrayEquals(new float[] {1.5f, 2f}, floor.value(), 0f);
        assertArrayEquals(new float[] {0f, 1f}, floor.gradient(), 0f);
        Pass ceiling = underCollection((x, m) -> GraphScalars.atMost(x, 1.5, m));
        assertArrayEquals(new float[] {1f, 1.5f}, ceiling.value(), 0f);
        assertArrayEquals(new float[] {1f, 0f}, ceiling.gradient(), 0f);
    }

    @Test
    void aScalarClosedBeforeTheBackwardPassStaysValid() {
        // the engine owns the scalar's memory, so even closing its Java handle early is safe
        Pass pass = underCollection((x, m) -> {
            NDArray s = GraphScalars.scalar(m, 3, x);
            NDArray out = x.mul(s);
            s.close();
            return out;
        });
        assertArrayEquals(new float[] {3f, 3f}, pass.gradient(), 0f);
    }

    @Test
    void theScalarTakesTheArraysTypeAndTheFloatOfTheValue() {
        try (NDManager manager = ContractTensors.newManager()) {
            NDArray doubles = manager.create(new double[] {1});
            NDArray scalar = GraphScalars.scalar(manager, 0.1, doubles);
            assertEquals(DataType.FLOAT64, scalar.getDataType());
            assertEquals(0, scalar.getShape().dimension());
            // (double) 0.1f, not 0.1: the value is the float DJL's mul(0.1f) would use
            assertEquals((double) 0.1f, scalar.getDouble(), 0.0);
        }
    }
}
