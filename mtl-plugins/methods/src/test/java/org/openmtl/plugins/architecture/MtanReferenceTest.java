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
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.testkit.ContractTensors;

/**
 * MTAN's attention module against LibMTL's ({@code reference/mtan}, commit in its README.md), the
 * authors' design of 1×1 convolution, relu, 1×1 convolution and sigmoid: with the same weights, the
 * masks on a fixed input agree to 1e-5 relative. LibMTL's module (like the authors') also has a
 * BatchNorm after each convolution, which this network does not: the reference ran with them set to
 * the identity, so only the part the two share is compared.
 */
class MtanReferenceTest {

    @Test
    void anAttentionModuleMatchesTheReferenceWithItsBatchNormsAsIdentities() {
        int compared = 0;
        for (JsonObject c : ReferenceNetworks.cases("mtan")) {
            String name = c.get("name").getAsString();
            String child = c.get("block").getAsString();
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork network = ExpertMixtureChecks.build(manager, new MtanFactory(),
                        ExpertMixtureChecks.TASKS, ExpertMixtureChecks.IMAGE, 1);
                Block module = child(network, child);
                List<Parameter> parameters = ExpertMixtureChecks.named(network, child);
                JsonArray weights = c.getAsJsonArray("weights");
                assertEquals(weights.size(), parameters.size(), child + ": two convolutions, weight and bias");
                for (int i = 0; i < weights.size(); i++) {
                    float[] v = ReferenceNetworks.floats(weights.get(i));
                    assertEquals(v.length, parameters.get(i).getArray().size(), parameters.get(i).getName());
                    parameters.get(i).getArray().set(v);
                }
                NDArray input = manager.create(ReferenceNetworks.floats(c.get("input")),
                        new Shape(toLongs(ReferenceNetworks.doubles(c.get("inputShape")))));
                NDArray mask = module.forward(new ParameterStore(manager, false), new NDList(input), false)
                        .singletonOrThrow();
                assertEquals(input.getShape().get(0), mask.getShape().get(0));
                ReferenceNetworks.assertClose(ReferenceNetworks.doubles(c.get("mask")), mask.toFloatArray(), name);
                compared++;
            }
        }
        assertEquals(2, compared, "the first stage's module and a later one reading [u ; f(a)]");
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
