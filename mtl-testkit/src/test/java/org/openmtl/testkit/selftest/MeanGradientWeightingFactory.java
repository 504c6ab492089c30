package org.openmtl.testkit.selftest;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.api.weighting.WeightingContext;

/**
 * A test fixture, not a method: a gradient weighting that averages the task gradients, either as
 * weights 1/K or as the mean direction, so the kit's gradient-weighting checks run on both outcomes
 * and both gradient requirements.
 */
public final class MeanGradientWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "test-mean-gradient")
                    .setDescription("Test fixture: the mean of the task gradients.")
                    .addKeys(
                            ConfigKey.choice(
                                    "output",
                                    "weights",
                                    "Return weights 1/K or the mean direction.",
                                    "weights",
                                    "direction"),
                            ConfigKey.choice(
                                    "requirement",
                                    "gramian",
                                    "The gradients the weighting asks for.",
                                    "representation",
                                    "parameters",
                                    "gramian"))
                    .build();

    /** Creates the factory. */
    public MeanGradientWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new MeanGradient(
                config.getString("output").equals("direction"),
                GradientRequirement.valueOf(
                        config.getString("requirement").toUpperCase(Locale.ROOT)));
    }

    private static final class MeanGradient implements GradientWeighting {
        private final boolean direction;
        private final GradientRequirement requirement;
        private double[] weights = new double[0];

        MeanGradient(boolean direction, GradientRequirement requirement) {
            this.direction = direction;
            this.requirement = requirement;
        }

        @Override
        public GradientRequirement requirement() {
            return requirement;
        }

        @Override
        public void initialize(WeightingContext context) {
            weights = new double[context.tasks().size()];
            Arrays.fill(weights, 1.0 / weights.length);
        }

        @Override
        public Combination combine(TaskGradients gradients, StepContext step) {
            if (direction) {
                NDArray mean = gradients.matrix().mean(new int[] {0});
                mean.attach(step.manager());
                return Combination.direction(mean);
            }
            return Combination.weights(weights);
        }

        @Override
        public double[] lastWeights() {
            return direction ? new double[0] : weights.clone();
        }
    }
}
