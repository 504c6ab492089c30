package org.openmtl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openmtl.api.architecture.MultiTaskNetwork;

/**
 * A run's saved model ({@code model.params}) seen from outside the trainer: the network's
 * parameters under the names the trainer saves them by, loaded into or saved from a built network.
 * The file also holds a weighting's own parameters, which a network does not need and loading
 * leaves out.
 */
public final class SavedModel {

    private SavedModel() {}

    /**
     * The network's parameter arrays by their saved names: the block's parameters, then extra
     * parameters outside the block as {@code extra_<name>}.
     *
     * @param network a built network
     * @return name to array, in a fixed order
     */
    public static Map<String, NDArray> arrays(MultiTaskNetwork network) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : network.block().getParameters()) {
            arrays.put(p.getKey(), p.getValue().getArray());
        }
        for (Parameter p : network.extraParameters()) {
            if (!arrays.containsValue(p.getArray())) {
                arrays.put("extra_" + p.getName(), p.getArray());
            }
        }
        return arrays;
    }

    /**
     * Copies a saved model's values into a network built for the same configuration, in place.
     *
     * @param file the run's {@code model.params}
     * @param network the network, built by the run's architecture for the run's tasks
     * @throws IOException if the file cannot be read
     * @throws IllegalStateException if the file lacks one of the network's parameters or holds
     *     another shape (a model of another architecture or configuration)
     */
    public static void load(Path file, MultiTaskNetwork network) throws IOException {
        MultiTaskTrainer.readSnapshot(file).restoreSubset(arrays(network));
    }

    /**
     * Saves a network's current values in the format of {@code model.params}, durably.
     *
     * @param file the target
     * @param network the network
     * @throws IOException if writing fails
     */
    public static void save(Path file, MultiTaskNetwork network) throws IOException {
        MultiTaskTrainer.writeSnapshot(file, ParameterSnapshot.of(arrays(network)));
    }
}
