package org.openmtl.testkit.selftest;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.api.weighting.WeightingContext;

/**
 * A test fixture, not a method: the objective Σ_i 0.5·L_i, with the factor 0.5 either made by the
 * engine ({@link GraphScalars}, the default) or passed to DJL's {@code mul(Number)} as a Java
 * number, the mistake the kit's memory-safety check exists to catch.
 */
public final class ScaledLossWeightingFactory implements PluginFactory<Weighting> {

    /** The factor every loss is multiplied by. */
    static final double FACTOR = 0.5;

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "test-scaled-loss")
                    .setDescription("Test fixture: half the sum of the task losses.")
                    .addKeys(
                            ConfigKey.choice(
                                    "scalar",
                                    "engine",
                                    "How the factor enters the graph: an engine-made array, or a"
                                            + " Java number given to mul(Number).",
                                    "engine",
                                    "java-number"))
                    .build();

    /** Creates the factory. */
    public ScaledLossWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new ScaledLoss(config.getString("scalar").equals("java-number"));
    }

    private static final class ScaledLoss implements LossWeighting {
        private final boolean javaNumber;
        private double[] last = new double[0];

        ScaledLoss(boolean javaNumber) {
            this.javaNumber = javaNumber;
        }

        @Override
        public void initialize(WeightingContext context) {
            last = new double[context.tasks().size()];
            Arrays.fill(last, FACTOR);
        }

        @Override
        public NDArray objective(TaskLosses losses, StepContext step) {
            NDArray sum = null;
            for (int i = 0; i < losses.tasks().size(); i++) {
                NDArray loss = losses.get(i);
                NDArray term =
                        javaNumber
                                ? loss.mul((float) FACTOR)
                                : GraphScalars.times(loss, FACTOR, step.manager());
                sum = sum == null ? term : sum.add(term);
            }
            return sum;
        }

        @Override
        public double[] lastWeights() {
            return last.clone();
        }
    }
}
