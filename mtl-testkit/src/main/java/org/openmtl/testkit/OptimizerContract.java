package org.openmtl.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.tensor.GraphScalars;

/**
 * The contract every optimizer plugin passes, on real tensors and the quadratic f(w) = ½‖w − w*‖²
 * over two parameters: a few steps decrease f; an update leaves the parameter's gradient zeroed; a
 * state saved and loaded into a new updater continues bit for bit as the uninterrupted run; the
 * learning rate is finite and non-negative over the horizon; {@code retain} forgets the dropped
 * parameters; loading a truncated state fails with an {@link IOException}.
 *
 * <p>Usage, in the plugin's test sources:
 *
 * <pre>{@code
 * class LionContractTest extends OptimizerContract {
 *     protected PluginFactory<Optimizer> factory() { return new LionFactory(); }
 *     protected Map<String, String> config() { return Map.of("schedule", "cosine"); }
 * }
 * }</pre>
 */
public abstract class OptimizerContract extends PluginContract<Optimizer> {

    @Override
    protected final PluginKind kind() {
        return PluginKind.OPTIMIZER;
    }

    /**
     * The run's horizon.
     *
     * @return 5 steps per epoch, 4 epochs by default
     */
    protected OptimizerContext optimizerContext() {
        return new OptimizerContext(5, 4);
    }

    /**
     * How many steps the descent check takes.
     *
     * @return 20 by default
     */
    protected int descentSteps() {
        return 20;
    }

    /** A new updater, as a run creates it. */
    private ParameterUpdater newUpdater() {
        return newPlugin(SEED).create(optimizerContext());
    }

    /** The quadratic's parameters and minimizer, the starting point fixed by a seed. */
    private static final class Quadratic {
        private final Map<String, NDArray> weights = new LinkedHashMap<>();
        private final Map<String, NDArray> targets = new LinkedHashMap<>();

        Quadratic(NDManager manager) {
            ContractTensors.seedEngine(17);
            add(manager, "layer.weight", new Shape(3, 4));
            add(manager, "layer.bias", new Shape(4));
        }

        private void add(NDManager manager, String id, Shape shape) {
            NDArray weight = manager.randomNormal(shape);
            weight.setRequiresGradient(true);
            weights.put(id, weight);
            targets.put(id, manager.randomNormal(shape));
        }

        /** Replaces the weights by new arrays holding saved values, as loading a model does. */
        void restore(Map<String, float[]> values) {
            for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
                NDArray old = entry.getValue();
                NDArray weight =
                        old.getManager().create(values.get(entry.getKey()), old.getShape());
                weight.setRequiresGradient(true);
                entry.setValue(weight);
            }
        }

        Map<String, float[]> values() {
            Map<String, float[]> values = new LinkedHashMap<>();
            weights.forEach((id, weight) -> values.put(id, weight.toFloatArray()));
            return values;
        }

        double value() {
            double f = 0;
            for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
                float[] w = entry.getValue().toFloatArray();
                float[] t = targets.get(entry.getKey()).toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    f += 0.5 * (w[i] - t[i]) * (w[i] - t[i]);
                }
            }
            return f;
        }

        /** One step: gradients by backpropagation, an update per parameter, the step's end. */
        void step(ParameterUpdater updater) {
            try (NDManager stepManager =
                            weights.values().iterator().next().getManager().newSubManager();
                    GradientCollector collector = ContractTensors.newGradientCollector()) {
                NDArray objective = null;
                for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
                    NDArray diff = entry.getValue().sub(targets.get(entry.getKey()));
                    diff.attach(stepManager);
                    NDArray term = GraphScalars.times(diff.square().sum(), 0.5, stepManager);
                    objective = objective == null ? term : objective.add(term);
                }
                collector.backward(objective);
            }
            for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
                NDArray weight = entry.getValue();
                updater.update(entry.getKey(), weight, weight.getGradient());
            }
            updater.endStep();
        }
    }

    /** A few steps decrease the quadratic. */
    @Test
    public void aFewStepsDecreaseAQuadratic() {
        try (NDManager manager = ContractTensors.newManager()) {
            Quadratic quadratic = new Quadratic(manager);
            ParameterUpdater updater = newUpdater();
            double before = quadratic.value();
            for (int i = 0; i < descentSteps(); i++) {
                quadratic.step(updater);
            }
            double after = quadratic.value();
            assertTrue(
                    after < before,
                    "f went from " + before + " to " + after + " in " + descentSteps() + " steps");
        }
    }

    /** An update leaves the parameter's gradient zeroed. */
    @Test
    public void updateZeroesTheGradient() {
        try (NDManager manager = ContractTensors.newManager()) {
            Quadratic quadratic = new Quadratic(manager);
            ParameterUpdater updater = newUpdater();
            for (int i = 0; i < 2; i++) {
                quadratic.step(updater);
                for (Map.Entry<String, NDArray> entry : quadratic.weights.entrySet()) {
                    assertFalse(
                            ContractTensors.isNonZero(entry.getValue().getGradient()),
                            "the gradient of " + entry.getKey() + " is not zero after update()");
                }
            }
        }
    }

    /**
     * Saving after some steps and loading into a new updater continues exactly as the uninterrupted
     * run: same learning rates, bit-identical weights.
     */
    @Test
    public void savedAndLoadedStateContinuesBitIdentically() throws IOException {
        int half = optimizerContext().stepsPerEpoch() + 2;
        try (NDManager manager = ContractTensors.newManager()) {
            Quadratic uninterrupted = new Quadratic(manager);
            ParameterUpdater updater = newUpdater();
            double[] rates = new double[2 * half];
            for (int i = 0; i < 2 * half; i++) {
                rates[i] = updater.learningRate();
                uninterrupted.step(updater);
            }

            Quadratic first = new Quadratic(manager);
            ParameterUpdater before = newUpdater();
            for (int i = 0; i < half; i++) {
                first.step(before);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                before.save(out);
            }
            Map<String, float[]> checkpoint = first.values();

            Quadratic resumed = new Quadratic(manager);
            resumed.restore(checkpoint);
            ParameterUpdater after = newUpdater();
            try (DataInputStream in =
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                after.load(in, manager);
            }
            for (int i = half; i < 2 * half; i++) {
                assertEquals(
                        rates[i],
                        after.learningRate(),
                        "learning rate of step " + i + " after loading");
                resumed.step(after);
            }
            Map<String, float[]> expected = uninterrupted.values();
            Map<String, float[]> actual = resumed.values();
            for (String id : expected.keySet()) {
                assertArrayEquals(
                        expected.get(id), actual.get(id), "parameter " + id + " after resuming");
            }
        }
    }

    /** The learning rate is finite and non-negative over the whole horizon. */
    @Test
    public void learningRateIsFiniteAndNonNegative() {
        ParameterUpdater updater = newUpdater();
        for (long step = 0; step <= optimizerContext().totalSteps(); step++) {
            double rate = updater.learningRate();
            assertTrue(
                    Double.isFinite(rate) && rate >= 0,
                    "learning rate " + rate + " at step " + step);
            updater.endStep();
        }
    }

    /** After {@code retain}, a dropped parameter id may come back with another shape. */
    @Test
    public void retainForgetsDroppedParameters() {
        try (NDManager manager = ContractTensors.newManager()) {
            Quadratic quadratic = new Quadratic(manager);
            ParameterUpdater updater = newUpdater();
            quadratic.step(updater);
            updater.retain(Set.of("layer.weight"));
            NDArray reshaped = manager.ones(new Shape(7));
            reshaped.setRequiresGradient(true);
            updater.update("layer.bias", reshaped, manager.ones(new Shape(7)));
            updater.endStep();
            assertTrue(ContractTensors.isFinite(reshaped));
        }
    }

    /** Loading a truncated state fails with an IOException. */
    @Test
    public void loadingATruncatedStateFails() throws IOException {
        try (NDManager manager = ContractTensors.newManager()) {
            Quadratic quadratic = new Quadratic(manager);
            ParameterUpdater updater = newUpdater();
            quadratic.step(updater);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                updater.save(out);
            }
            byte[] truncated = Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
            ParameterUpdater fresh = newUpdater();
            assertThrows(
                    IOException.class,
                    () ->
                            fresh.load(
                                    new DataInputStream(new ByteArrayInputStream(truncated)),
                                    manager));
        }
    }
}
