package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.task.Task;
import org.openmtl.testkit.ContractTensors;

/**
 * MMoE against LibMTL's {@code MMoE} ({@code reference/mmoe}, commit in its README.md): with the
 * experts, gates and heads set to the weights the reference ran with, each task's gate
 * distribution, gated mixture and head output on a fixed input agree to 1e-5 relative.
 */
class MmoeReferenceTest {

    @Test
    void gatesMixturesAndOutputsMatchTheReferenceImplementation() {
        int compared = 0;
        for (JsonObject c : ReferenceNetworks.cases("mmoe")) {
            String name = c.get("name").getAsString();
            List<Task> tasks = ReferenceNetworks.tasks(c);
            int features = c.get("features").getAsInt();
            try (NDManager manager = ContractTensors.newManager()) {
                Mmoe.Network network = (Mmoe.Network) ExpertMixtureChecks.build(manager, new MmoeFactory(), tasks,
                        new Shape(features), 1, "trunk=mlp", "experts=" + c.get("experts").getAsInt(),
                        "mlp.hidden=" + ReferenceNetworks.widths(c, "mlpHidden"),
                        "head.hidden=" + ReferenceNetworks.widths(c, "headHidden"));
                ReferenceNetworks.load(network, c.getAsJsonObject("blocks"));
                ParameterStore store = new ParameterStore(manager, false);
                NDArray input = manager.create(ReferenceNetworks.floats(c.get("input")),
                        new Shape(c.get("batch").getAsInt(), features));
                NDList mixtures = network.encode(store, input, false);
                assertEquals(tasks.size(), mixtures.size());
                for (int t = 0; t < tasks.size(); t++) {
                    String task = tasks.get(t).name();
                    String what = name + ", task " + task;
                    ReferenceNetworks.assertClose(ReferenceNetworks.doubles(c.getAsJsonObject("gates").get(task)),
                            network.gate(store, input, task, false).toFloatArray(), what + ", gate");
                    ReferenceNetworks.assertClose(ReferenceNetworks.doubles(c.getAsJsonObject("mixtures").get(task)),
                            mixtures.get(t).toFloatArray(), what + ", mixture");
                    ReferenceNetworks.assertClose(ReferenceNetworks.doubles(c.getAsJsonObject("outputs").get(task)),
                            network.decode(store, mixtures, task, false).toFloatArray(), what + ", output");
                    compared++;
                }
            }
        }
        assertEquals(5, compared, "three tasks and two tasks");
    }
}
