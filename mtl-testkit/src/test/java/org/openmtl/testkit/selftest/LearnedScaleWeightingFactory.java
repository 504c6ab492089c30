package org.openmtl.testkit.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.List;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.api.weighting.WeightingContext;

/**
 * A test fixture, not a method: a loss weighting with learned parameters, Σ exp(−s_i)·L_i + s_i
 * (the form of Kendall et al. 2018), so the kit's checks of learned parameters run.
 */
public final class LearnedScaleWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "test-learned-scale")
                    .setDescription("Test fixture: losses scaled by learned log-variances.")
                    .build();

    /** Creates the factory. */
    public LearnedScaleWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new LearnedScale();
    }

    private static final class LearnedScale implements LossWeighting {
        private final List<Parameter> scales = new ArrayList<>();
        private double[] last = new double[0];

        @Override
        public void initialize(WeightingContext context) {
            for (String task : context.tasks()) {
                Parameter scale =
                        Parameter.builder()
                                .setName("log-variance-" + task)
                                .setType(Parameter.Type.OTHER)
                                .optShape(new Shape())
                                .optInitializer(Initializer.ZEROS)
                                .build();
                scale.initialize(context.manager(), DataType.FLOAT32);
                scales.add(scale);
            }
        }

        @Override
        public List<Parameter> parameters() {
            return List.copyOf(scales);
        }

        @Override
        public NDArray objective(TaskLosses losses, StepContext step) {
            NDArray sum = null;
            last = new double[scales.size()];
            for (int i = 0; i < scales.size(); i++) {
                NDArray s = scales.get(i).getArray();
                NDArray term = losses.get(i).mul(s.neg().exp()).add(s);
                sum = sum == null ? term : sum.add(term);
                last[i] = Math.exp(-s.getFloat());
            }
            return sum;
        }

        @Override
        public double[] lastWeights() {
            return last.clone();
        }
    }
}
