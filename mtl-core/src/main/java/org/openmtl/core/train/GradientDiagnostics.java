package org.openmtl.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;
import org.openmtl.api.weighting.MinNormSolver;

/**
 * Measures, once per epoch and outside the training steps, how the tasks' gradients relate: on a
 * fixed batch of training examples, each task's gradient with respect to the shared parameters,
 * their pairwise cosines and norms, and the Pareto-stationarity gap ‖Σ α_i g_i‖ with α the
 * min-norm point of their convex hull (zero exactly at a Pareto-stationary point). Uses an
 * evaluation-mode forward, so no layer statistics change, and leaves every gradient zeroed.
 */
final class GradientDiagnostics {

    private final MultiTaskDataset dataset;
    private final int[] examples;

    GradientDiagnostics(MultiTaskDataset dataset, int batchSize) {
        this.dataset = dataset;
        int n = Math.min(batchSize, dataset.size(Split.TRAIN));
        this.examples = new int[n];
        for (int i = 0; i < n; i++) {
            examples[i] = i;
        }
    }

    /**
     * Measures the gradients.
     *
     * @return {@code cosine} (pair → value), {@code norm} (task → value), {@code pareto_gap};
     *     empty when nothing is shared or fewer than two tasks have labels in the batch
     */
    Map<String, Object> measure(Engine engine, MultiTaskNetwork network, ParameterStore store, NDManager base,
            List<Task> tasks) {
        List<Parameter> shared = network.sharedParameters();
        if (shared.isEmpty() || tasks.size() < 2 || examples.length == 0) {
            return Map.of();
        }
        List<String> names = tasks.stream().map(Task::name).toList();
        Map<String, Object> result = new LinkedHashMap<>();
        try (NDManager manager = base.newSubManager()) {
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, names);
            NDArray one = manager.ones(new Shape());
            NDList rows = new NDList();
            List<String> measured = new ArrayList<>();
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDList representation = network.encode(store, batch.input(), false);
                List<NDArray> losses = new ArrayList<>();
                for (Task task : tasks) {
                    TaskTarget target = batch.target(task.name());
                    if (target.mask() != null && target.mask().sum().getFloat() == 0) {
                        continue;
                    }
                    NDArray prediction = network.decode(store, representation, task.name(), false);
                    losses.add(task.loss().compute(prediction, target.labels(), target.mask()));
                    measured.add(task.name());
                }
                for (int i = 0; i < losses.size(); i++) {
                    EngineOps.backward(losses.get(i), one, i < losses.size() - 1);
                    NDList parts = new NDList(shared.size());
                    for (Parameter p : shared) {
                        try (NDArray g = p.getArray().getGradient(); NDArray flat = g.reshape(-1)) {
                            NDArray copy = flat.duplicate();
                            copy.attach(manager);
                            parts.add(copy);
                        }
                        EngineOps.zeroGradient(p.getArray());
                    }
                    rows.add(NDArrays.concat(parts));
                }
            } finally {
                network.block().getParameters().forEach(p -> EngineOps.zeroGradient(p.getValue().getArray()));
                network.extraParameters().forEach(p -> EngineOps.zeroGradient(p.getArray()));
            }
            if (measured.size() < 2) {
                return Map.of();
            }
            NDArray matrix = NDArrays.stack(rows);
            int k = measured.size();
            float[] flat = matrix.matMul(matrix.transpose()).toFloatArray();
            double[][] gram = new double[k][k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    gram[i][j] = flat[i * k + j];
                }
            }
            Map<String, Double> cosine = new LinkedHashMap<>();
            Map<String, Double> norm = new LinkedHashMap<>();
            for (int i = 0; i < k; i++) {
                norm.put(measured.get(i), Math.sqrt(Math.max(0, gram[i][i])));
                for (int j = i + 1; j < k; j++) {
                    double denominator = Math.sqrt(Math.max(0, gram[i][i]) * Math.max(0, gram[j][j]));
                    cosine.put(measured.get(i) + "|" + measured.get(j), denominator == 0 ? 0 : gram[i][j] / denominator);
                }
            }
            boolean finite = true;
            for (double[] row : gram) {
                for (double v : row) {
                    finite &= Double.isFinite(v);
                }
            }
            if (!finite) {
                // diverging gradients: the training step reports the non-finite loss
                result.put("cosine", cosine);
                result.put("norm", norm);
                return result;
            }
            double[] alpha = MinNormSolver.weights(gram);
            double squared = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    squared += alpha[i] * gram[i][j] * alpha[j];
                }
            }
            result.put("cosine", cosine);
            result.put("norm", norm);
            result.put("pareto_gap", Math.sqrt(Math.max(0, squared)));
        }
        return result;
    }
}
