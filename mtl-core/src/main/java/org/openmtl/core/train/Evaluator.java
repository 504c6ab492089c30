package org.openmtl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Metric;
import org.openmtl.api.task.Task;

/** Computes every task's metrics on a split, without recording a graph. */
final class Evaluator {

    private final MultiTaskDataset dataset;
    private final int batchSize;

    Evaluator(MultiTaskDataset dataset, int batchSize) {
        this.dataset = dataset;
        this.batchSize = batchSize;
    }

    /**
     * Evaluates on a split.
     *
     * @return task → metric → value; tasks without labelled examples in the split are left out
     */
    Map<String, Map<String, Double>> evaluate(
            MultiTaskNetwork network, ParameterStore parameters, NDManager base, Split split) {
        List<Task> tasks = dataset.tasks();
        int n = dataset.size(split);
        double[][][] sums = new double[tasks.size()][][];
        for (int t = 0; t < tasks.size(); t++) {
            sums[t] = new double[tasks.get(t).metrics().size()][2];
        }
        forEachBatch(network, parameters, base, split, n, (batch, representation, examples) -> {
            for (int t = 0; t < tasks.size(); t++) {
                Task task = tasks.get(t);
                TaskTarget target = batch.target(task.name());
                NDArray prediction = network.decode(parameters, representation, task.name(), false);
                List<Metric> metrics = task.metrics();
                for (int m = 0; m < metrics.size(); m++) {
                    double[] sc = metrics.get(m).accumulate(prediction, target.labels(), target.mask());
                    sums[t][m][0] += sc[0];
                    sums[t][m][1] += sc[1];
                }
            }
        });
        Map<String, Map<String, Double>> result = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            Task task = tasks.get(t);
            if (sums[t].length == 0 || sums[t][0][1] == 0) {
                continue;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            for (int m = 0; m < task.metrics().size(); m++) {
                values.put(task.metrics().get(m).name(), sums[t][m][0] / sums[t][m][1]);
            }
            result.put(task.name(), values);
        }
        return result;
    }

    /**
     * Each task's mean training loss (its {@link Task#loss()}) over the labelled examples of a split,
     * without recording a graph: the loss of every batch weighted by its labelled examples.
     *
     * @param limit at most this many examples, the first ones of the split; 0 for all
     * @return task → mean loss; tasks without labelled examples in the split are left out
     */
    Map<String, Double> losses(MultiTaskNetwork network, ParameterStore parameters, NDManager base, Split split, int limit) {
        List<Task> tasks = dataset.tasks();
        List<String> names = tasks.stream().map(Task::name).toList();
        int n = limit > 0 ? Math.min(limit, dataset.size(split)) : dataset.size(split);
        double[][] sums = new double[tasks.size()][2];
        forEachBatch(network, parameters, base, split, n, (batch, representation, examples) -> {
            for (int t = 0; t < tasks.size(); t++) {
                Task task = tasks.get(t);
                TaskTarget target = batch.target(task.name());
                double labelled = target.mask() == null ? examples
                        : target.mask().toType(DataType.FLOAT64, false).sum().getDouble();
                if (labelled == 0) {
                    continue;
                }
                NDArray prediction = network.decode(parameters, representation, task.name(), false);
                double loss = task.loss().compute(prediction, target.labels(), target.mask())
                        .toType(DataType.FLOAT64, false).getDouble();
                sums[t][0] += loss * labelled;
                sums[t][1] += labelled;
            }
        });
        Map<String, Double> result = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            if (sums[t][1] > 0) {
                result.put(names.get(t), sums[t][0] / sums[t][1]);
            }
        }
        return result;
    }

    /** What {@link #forEachBatch} does with one batch: its encoded representation and example count. */
    private interface BatchVisitor {
        void visit(MultiTaskBatch batch, NDList representation, int examples);
    }

    /**
     * Encodes the first {@code n} examples of a split batch by batch, without recording a graph,
     * each batch's arrays in a sub-manager closed after the visitor has seen it.
     */
    private void forEachBatch(MultiTaskNetwork network, ParameterStore parameters, NDManager base, Split split, int n,
            BatchVisitor visitor) {
        List<String> names = dataset.tasks().stream().map(Task::name).toList();
        boolean gradMode = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        try {
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                int[] examples = new int[end - start];
                for (int i = 0; i < examples.length; i++) {
                    examples[i] = start + i;
                }
                try (NDManager manager = base.newSubManager()) {
                    MultiTaskBatch batch = dataset.batch(manager, split, examples, names);
                    visitor.visit(batch, network.encode(parameters, batch.input(), false), examples.length);
                }
            }
        } finally {
            EngineOps.setGradMode(gradMode);
        }
    }

    /**
     * The model-selection score of an evaluation: the mean over tasks of the primary metric,
     * negated where lower is better, so that higher is always better.
     */
    static double score(List<Task> tasks, Map<String, Map<String, Double>> evaluation) {
        double sum = 0;
        int count = 0;
        for (Task task : tasks) {
            Map<String, Double> values = evaluation.get(task.name());
            if (values == null) {
                continue;
            }
            double v = values.get(task.primaryMetric().name());
            sum += task.primaryMetric().higherIsBetter() ? v : -v;
            count++;
        }
        return count == 0 ? Double.NEGATIVE_INFINITY : sum / count;
    }
}
