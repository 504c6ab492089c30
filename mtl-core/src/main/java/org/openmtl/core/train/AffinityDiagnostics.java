package org.openmtl.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.affinity.DifficultyAffinity;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;

/**
 * Three task × task affinity measures, taken once per epoch outside the training steps
 * ({@code diagnostics.affinity=true}) into the epoch's history record and averaged over the epochs
 * into {@code result.json} under {@code affinity}:
 *
 * <ul>
 *   <li><b>gradient cosine</b>: cos(g_i, g_j) of the tasks' gradients with respect to the shared
 *       parameters on a fixed training batch;
 *   <li><b>lookahead</b> (inter-task affinity of Fifty, Amid, Zhao, Yu, Anil &amp; Finn, <i>Efficiently
 *       Identifying Task Groupings for Multi-Task Learning</i>, NeurIPS 2021): on the same batch,
 *       Z_{i→j} = 1 − L_j(θ_s − η g_i) / L_j(θ_s), the relative change of task j's loss after a
 *       step on task i alone (an SGD step of the run's current learning rate η on the shared
 *       parameters; the shared parameters are restored exactly afterwards). Positive: a step for
 *       i helps j. Not symmetric: row i is the task stepped on;
 *   <li><b>difficult examples</b> (Lu et al., CVPR 2017; {@link DifficultyAffinity}): on up to
 *       {@value #MAX_EXAMPLES} validation examples (training examples when there is no
 *       validation split), with each example's loss as its error margin.
 * </ul>
 *
 * <p>Evaluation-mode forwards only; every gradient is left zeroed.
 */
final class AffinityDiagnostics {

    /** The most examples the difficult-example affinity reads per epoch. */
    static final int MAX_EXAMPLES = 2000;

    private final MultiTaskDataset dataset;
    private final int[] batchExamples;
    private final int evalBatch;

    AffinityDiagnostics(MultiTaskDataset dataset, int batchSize, int evalBatch) {
        this.dataset = dataset;
        int n = Math.min(batchSize, dataset.size(Split.TRAIN));
        this.batchExamples = new int[n];
        for (int i = 0; i < n; i++) {
            batchExamples[i] = i;
        }
        this.evalBatch = evalBatch;
    }

    /**
     * Measures the three matrices for the epoch just ended.
     *
     * @param learningRate η of the lookahead step
     * @return this epoch's matrices, as nested maps task → task → value
     */
    Map<String, Object> measure(Engine engine, MultiTaskNetwork network, ParameterStore store, NDManager base,
            List<Task> tasks, double learningRate) {
        List<String> names = tasks.stream().map(Task::name).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        try (NDManager manager = base.newSubManager()) {
            if (!network.sharedParameters().isEmpty() && batchExamples.length > 0) {
                double[][][] gradientBased = gradientAndLookahead(engine, network, store, manager, tasks, learningRate);
                out.put("gradient_cosine", named(names, gradientBased[0]));
                out.put("lookahead", named(names, gradientBased[1]));
            }
            double[][] difficulty = difficulty(network, store, manager, tasks);
            out.put("difficult_examples", named(names, difficulty));
        }
        return out;
    }

    /**
     * The run's matrices: each measure averaged over the epochs of the history that have it (so a
     * resumed run averages the epochs before the interruption too).
     *
     * @param history the run's per-epoch records, each with an {@code affinity} entry when measured
     * @return measure → task → task → mean value, plus {@code epochs}; empty when none was measured
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> averages(List<Map<String, Object>> history) {
        Map<String, Map<String, Map<String, Double>>> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        int epochs = 0;
        for (Map<String, Object> record : history) {
            if (!(record.get("affinity") instanceof Map<?, ?> affinity)) {
                continue;
            }
            epochs++;
            ((Map<String, Object>) affinity).forEach((measure, value) -> {
                counts.merge(measure, 1, Integer::sum);
                Map<String, Map<String, Double>> sum = sums.computeIfAbsent(measure, m -> new LinkedHashMap<>());
                ((Map<String, Map<String, Object>>) value).forEach((row, columns) -> columns.forEach((column, v) ->
                        sum.computeIfAbsent(row, r -> new LinkedHashMap<>()).merge(column,
                                v instanceof Number number ? number.doubleValue() : Double.NaN, Double::sum)));
            });
        }
        if (epochs == 0) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        sums.forEach((measure, sum) -> {
            int n = counts.get(measure);
            Map<String, Map<String, Double>> mean = new LinkedHashMap<>();
            sum.forEach((row, columns) -> {
                Map<String, Double> r = new LinkedHashMap<>();
                columns.forEach((column, v) -> r.put(column, v / n));
                mean.put(row, r);
            });
            out.put(measure, mean);
        });
        out.put("epochs", epochs);
        return out;
    }

    private double[][][] gradientAndLookahead(Engine engine, MultiTaskNetwork network, ParameterStore store,
            NDManager manager, List<Task> tasks, double learningRate) {
        int k = tasks.size();
        List<String> names = tasks.stream().map(Task::name).toList();
        List<Parameter> shared = network.sharedParameters();
        MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, batchExamples, names);
        NDArray one = manager.ones(new Shape());
        double[] before = new double[k];
        List<NDList> gradients = new ArrayList<>();
        try (GradientCollector collector = engine.newGradientCollector()) {
            NDList representation = network.encode(store, batch.input(), false);
            List<NDArray> losses = new ArrayList<>();
            for (Task task : tasks) {
                TaskTarget target = batch.target(task.name());
                NDArray prediction = network.decode(store, representation, task.name(), false);
                losses.add(task.loss().compute(prediction, target.labels(), target.mask()));
            }
            for (int i = 0; i < k; i++) {
                before[i] = losses.get(i).getFloat();
                EngineOps.backward(losses.get(i), one, i < k - 1);
                NDList parts = new NDList(shared.size());
                for (Parameter p : shared) {
                    try (NDArray g = p.getArray().getGradient()) {
                        NDArray copy = g.duplicate();
                        copy.attach(manager);
                        parts.add(copy);
                    }
                    EngineOps.zeroGradient(p.getArray());
                }
                gradients.add(parts);
            }
        } finally {
            network.block().getParameters().forEach(p -> EngineOps.zeroGradient(p.getValue().getArray()));
            network.extraParameters().forEach(p -> EngineOps.zeroGradient(p.getArray()));
        }
        // cosines from the Gramian of the flattened gradients
        NDList rows = new NDList(k);
        for (NDList g : gradients) {
            NDList flat = new NDList(g.size());
            g.forEach(a -> flat.add(a.reshape(-1)));
            rows.add(flat.size() == 1 ? flat.singletonOrThrow() : NDArrays.concat(flat));
        }
        float[] gram = NDArrays.stack(rows).matMul(NDArrays.stack(rows).transpose()).toFloatArray();
        double[][] cosine = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double d = Math.sqrt(Math.max(0, gram[i * k + i]) * Math.max(0, gram[j * k + j]));
                cosine[i][j] = d == 0 ? 0 : gram[i * k + j] / d;
            }
        }
        // lookahead: step on task i alone, measure every task, restore
        double[][] lookahead = new double[k][k];
        List<NDArray> saved = new ArrayList<>(shared.size());
        for (Parameter p : shared) {
            NDArray copy = p.getArray().duplicate();
            copy.attach(manager);
            saved.add(copy);
        }
        boolean gradMode = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        try {
            for (int i = 0; i < k; i++) {
                for (int s = 0; s < shared.size(); s++) {
                    shared.get(s).getArray().subi(gradients.get(i).get(s).mul(learningRate));
                }
                try (NDManager step = manager.newSubManager()) {
                    MultiTaskBatch again = dataset.batch(step, Split.TRAIN, batchExamples, names);
                    NDList representation = network.encode(store, again.input(), false);
                    for (int j = 0; j < k; j++) {
                        TaskTarget target = again.target(names.get(j));
                        NDArray prediction = network.decode(store, representation, names.get(j), false);
                        double after = tasks.get(j).loss().compute(prediction, target.labels(), target.mask()).getFloat();
                        lookahead[i][j] = before[j] == 0 ? 0 : 1 - after / before[j];
                    }
                }
                for (int s = 0; s < shared.size(); s++) {
                    saved.get(s).copyTo(shared.get(s).getArray());
                }
            }
        } finally {
            for (int s = 0; s < shared.size(); s++) {
                saved.get(s).copyTo(shared.get(s).getArray());
            }
            EngineOps.setGradMode(gradMode);
        }
        return new double[][][] {cosine, lookahead};
    }

    private double[][] difficulty(MultiTaskNetwork network, ParameterStore store, NDManager manager, List<Task> tasks) {
        Split split = dataset.size(Split.VALIDATION) > 0 ? Split.VALIDATION : Split.TRAIN;
        int n = Math.min(MAX_EXAMPLES, dataset.size(split));
        List<String> names = tasks.stream().map(Task::name).toList();
        int k = tasks.size();
        double[][] margins = new double[k][n];
        boolean[][] labelled = new boolean[k][n];
        boolean gradMode = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        try {
            for (int start = 0; start < n; start += evalBatch) {
                int end = Math.min(n, start + evalBatch);
                int[] examples = new int[end - start];
                for (int i = 0; i < examples.length; i++) {
                    examples[i] = start + i;
                }
                try (NDManager step = manager.newSubManager()) {
                    MultiTaskBatch batch = dataset.batch(step, split, examples, names);
                    NDList representation = network.encode(store, batch.input(), false);
                    for (int t = 0; t < k; t++) {
                        TaskTarget target = batch.target(names.get(t));
                        NDArray prediction = network.decode(store, representation, names.get(t), false);
                        float[] loss = DifficultyAffinity.perExampleLoss(tasks.get(t).type(), prediction, target.labels()).toFloatArray();
                        float[] mask = target.mask() == null ? null : target.mask().toType(DataType.FLOAT32, false).toFloatArray();
                        for (int i = 0; i < loss.length; i++) {
                            margins[t][start + i] = loss[i];
                            labelled[t][start + i] = mask == null || mask[i] > 0;
                        }
                    }
                }
            }
        } finally {
            EngineOps.setGradMode(gradMode);
        }
        boolean[][] difficult = new boolean[k][];
        for (int t = 0; t < k; t++) {
            difficult[t] = DifficultyAffinity.difficult(margins[t], labelled[t]);
        }
        return DifficultyAffinity.matrix(difficult, labelled);
    }

    private static Map<String, Map<String, Double>> named(List<String> tasks, double[][] matrix) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            Map<String, Double> row = new LinkedHashMap<>();
            for (int j = 0; j < tasks.size(); j++) {
                row.put(tasks.get(j), matrix[i][j]);
            }
            out.put(tasks.get(i), row);
        }
        return out;
    }
}
