package org.example.mtl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

/** The kit's contract for weightings, plus the method's own closed form. */
class InverseLossWeightingContractTest extends WeightingContract {

    @Override
    protected PluginFactory<Weighting> factory() {
        return new InverseLossWeightingFactory();
    }

    @Test
    void weightsAreTheNormalizedInverseLosses() {
        InverseLossWeightingFactory.InverseLoss w = new InverseLossWeightingFactory.InverseLoss(1.0, 0.0);
        // 1/1, 1/2, 1/4 normalized to sum 3: 3·(4, 2, 1)/7
        assertArrayEquals(new double[] {12.0 / 7, 6.0 / 7, 3.0 / 7}, w.weights(new double[] {1, 2, 4}), 1e-12);
    }
}
