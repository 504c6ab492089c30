package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.testkit.ContractTensors;

/**
 * MTAN's attention module against LibMTL's ({@code reference/mtan}, commit in its README.md), the
 * authors' design of 1×1 convolution, BatchNorm, relu, 1×1 convolution, BatchNorm and sigmoid: with
 * the same weights, the masks on a fixed input agree to 1e-5 relative, for the default (BatchNorm)
 * in a training forward (batch statistics, and the running statistics it leaves) and in an
 * evaluation forward (given running statistics), and for the {@code none} variant against the
 * reference with its BatchNorms set to the identity.
 */
class MtanReferenceTest {

    @Test
    void theDefaultModuleMatchesTheReferenceInTrainingAndEvaluation() {
        int compared = 0;
        for (JsonObject c : ReferenceNetworks.cases("mtan")) {
            String name = c.get("name").getAsString();
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork network = ExpertMixtureChecks.build(manager, new MtanFactory(),
                        ExpertMixtureChecks.TASKS, ExpertMixtureChecks.IMAGE, 1);
                Block module = child(network, c.get("block").getAsString());
                List<Parameter> parameters = ExpertMixtureChecks.named(network, c.get("block").getAsString());
                // conv weight, bias, BatchNorm weight, bias, running mean, running variance, twice
                assertEquals(12, parameters.size(), "two convolutions, each with its BatchNorm");
                JsonArray weights = c.getAsJsonArray("weights");
                JsonArray norms = c.getAsJsonArray("norms");
                List<float[]> values = new ArrayList<>();
                for (int layer = 0; layer < 2; layer++) {
                    values.add(ReferenceNetworks.floats(weights.get(2 * layer)));
                    values.add(ReferenceNetworks.floats(weights.get(2 * layer + 1)));
                    for (JsonElement v : norms.get(layer).getAsJsonArray()) {
                        values.add(ReferenceNetworks.floats(v));
                    }
                }
                NDArray input = input(manager, c);
                ParameterStore store = new ParameterStore(manager, false);

                set(parameters, values);
                NDArray eval = module.forward(store, new NDList(input), false).singletonOrThrow();
                ReferenceNetworks.assertClose(ReferenceNetworks.doubles(c.get("maskEval")), eval.toFloatArray(),
                        name + ", evaluation (running statistics)");
                assertEquals(values.get(4)[0], parameters.get(4).getArray().toFloatArray()[0],
                        "an evaluation forward leaves the running mean");

                NDArray training = module.forward(store, new NDList(input), true).singletonOrThrow();
                ReferenceNetworks.assertClose(ReferenceNetworks.doubles(c.get("maskTraining")),
                        training.toFloatArray(), name + ", training (batch statistics)");
                JsonArray after = c.getAsJsonArray("runningAfterTraining");
                for (int layer = 0; layer < 2; layer++) {
                    JsonArray stats = after.get(layer).getAsJsonArray();
                    ReferenceNetworks.assertClose(ReferenceNetworks.doubles(stats.get(0)),
                            parameters.get(6 * layer + 4).getArray().toFloatArray(), name + ", running mean " + layer);
                    ReferenceNetworks.assertClose(ReferenceNetworks.doubles(stats.get(1)),
                            parameters.get(6 * layer + 5).getArray().toFloatArray(), name + ", running variance " + layer);
                }
                compared++;
            }
        }
        assertEquals(2, compared, "the first stage's module and a later one reading [u ; f(a)]");
    }

    @Test
    void theVariantWithoutNormMatchesTheReferenceWithItsBatchNormsAsIdentities() {
        int compared = 0;
        for (JsonObject c : ReferenceNetworks.cases("mtan")) {
            String name = c.get("name").getAsString();
            String child = c.get("block").getAsString();
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork network = ExpertMixtureChecks.build(manager, new MtanFactory(),
                        ExpertMixtureChecks.TASKS, ExpertMixtureChecks.IMAGE, 1, "attention.norm=none");
                Block module = child(network, child);
                List<Parameter> parameters = ExpertMixtureChecks.named(network, child);
                JsonArray weights = c.getAsJsonArray("weights");
                assertEquals(weights.size(), parameters.size(), child + ": two convolutions, weight and bias");
                List<float[]> values = new ArrayList<>();
                weights.forEach(w -> values.add(ReferenceNetworks.floats(w)));
                set(parameters, values);
                NDArray input = input(manager, c);
                NDArray mask = module.forward(new ParameterStore(manager, false), new NDList(input), false)
                        .singletonOrThrow();
                assertEquals(input.getShape().get(0), mask.getShape().get(0));
                ReferenceNetworks.assertClose(ReferenceNetworks.doubles(c.get("mask")), mask.toFloatArray(), name);
                compared++;
            }
        }
        assertEquals(2, compared, "the first stage's module and a later one reading [u ; f(a)]");
    }

    private static void set(List<Parameter> parameters, List<float[]> values) {
        assertEquals(values.size(), parameters.size());
        for (int i = 0; i < values.size(); i++) {
            assertEquals(values.get(i).length, parameters.get(i).getArray().size(), parameters.get(i).getName());
            parameters.get(i).getArray().set(values.get(i));
        }
    }

    private static NDArray input(NDManager manager, JsonObject c) {
        return manager.create(ReferenceNetworks.floats(c.get("input")),
                new Shape(toLongs(ReferenceNetworks.doubles(c.get("inputShape")))));
    }

    private static Block child(MultiTaskNetwork network, String name) {
        Block found = null;
        for (Pair<String, Block> c : network.block().getChildren()) {
            if (c.getKey().replaceFirst("^[0-9]+", "").equals(name)) {
                found = c.getValue();
            }
        }
        assertNotNull(found, "no block " + name);
        return found;
    }

    private static long[] toLongs(double[] values) {
        long[] l = new long[values.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (long) values[i];
        }
        return l;
    }
}
