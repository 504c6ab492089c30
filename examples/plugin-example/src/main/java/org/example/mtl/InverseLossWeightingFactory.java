package org.example.mtl;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.Weighting;

/**
 * Example weighting {@code inverse-loss}: each step weights task t by w_t = K·(L_t + ε)^(−p) /
 * Σ_s (L_s + ε)^(−p), computed from the losses' current values (no gradient through the weights),
 * so tasks with a small loss count more and the weights sum to K. Written only against the SPI.
 */
public final class InverseLossWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.WEIGHTING, "inverse-loss")
            .setDescription("Weights each task by a power of its inverse current loss, normalized to sum to the"
                    + " number of tasks (an example plugin).")
            .optCitation("(none: an example third-party plugin)")
            .addKeys(
                    ConfigKey.number("power", 1.0, 0.0, 10.0, "The exponent p of the inverse loss."),
                    ConfigKey.number("epsilon", 1e-8, 0.0, 1.0, "Added to every loss before inverting it."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public InverseLossWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new InverseLoss(config.getDouble("power"), config.getDouble("epsilon"));
    }

    /** The weighting. */
    static final class InverseLoss implements LossWeighting {
        private final double power;
        private final double epsilon;
        private double[] last = new double[0];

        InverseLoss(double power, double epsilon) {
            this.power = power;
            this.epsilon = epsilon;
        }

        /**
         * The weights for given loss values.
         *
         * @param losses the task losses
         * @return K·(L_t + ε)^(−p) / Σ_s (L_s + ε)^(−p)
         */
        double[] weights(double[] losses) {
            double[] w = new double[losses.length];
            double sum = 0;
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.pow(Math.max(0, losses[i]) + epsilon, -power);
                sum += w[i];
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = w[i] * w.length / sum;
            }
            return w;
        }

        @Override
        public NDArray objective(TaskLosses losses, StepContext step) {
            last = weights(losses.values());
            // weightedSum makes each weight an engine-made scalar; arithmetic of our own on the
            // losses would go through org.openmtl.api.tensor.GraphScalars, never mul(Number),
            // whose scalar the backward pass could read after it was freed
            return losses.weightedSum(last);
        }

        @Override
        public double[] lastWeights() {
            return Arrays.copyOf(last, last.length);
        }
    }
}
