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
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.affinity.DifficultyAffinity;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.task.Task;

/**
 * Three task × task affinity measures ({@code diagnostics.affinity=true}), each epoch's into its
 * history record and their averages over the epochs into {@code result.json} under {@code affinity}:
 *
 * <ul>
 *   <li><b>gradient cosine</b>: cos(g_i, g_j) of the tasks' gradients with respect to the shared
 *       parameters on a fixed training batch, after the epoch;
 *   <li><b>lookahead</b> (inter-task affinity of Fifty, Amid, Zhao, Yu, Anil &amp; Finn, <i>Efficiently
 *       Identifying Task Groupings for Multi-Task Learning</i>, NeurIPS 2021, as their code computes
 *       it): at every k-th training step of an epoch ({@code diagnostics.affinity.every}), before the
 *       step's update and on the step's own batch, Z_{i→j} = (1 − L_j(θ_s^{t+1|i}) / L_j(θ_s^t)) / η,
 *       where θ_s^{t+1|i} is the shared parameters after the run's optimizer took its update on task
 *       i's gradient alone (the same rule and state as training: Adam's moments and bias correction,
 *       SGD's momentum, weight decay), and η the step's learning rate ({@code
 *       diagnostics.affinity.normalization=none} leaves out the division). The epoch's value is the
 *       mean over its measured steps. Positive: a step for i helps j. Not symmetric: row i is the
 *       task stepped on. The shared parameters and the optimizer's state are restored exactly, so a
 *       run measures the same trajectory it would train without the measure;
 *   <li><b>difficult examples</b> (Lu et al., CVPR 2017; {@link DifficultyAffinity}): on up to
 *       {@value #MAX_EXAMPLES} validation examples (training examples when there is no
 *       validation split), with each example's loss as its error margin, after the epoch.
 * </ul>
 *
 * <p>Evaluation-mode forwards only (TAG's run in training mode; here the measure must not draw
 * dropout masks or move batch-norm statistics of the run it observes); every gradient is left zeroed.
 */
final class AffinityDiagnostics {

    /** The most examples the difficult-example affinity reads per epoch. */
    static final int MAX_EXAMPLES = 2000;

    private final MultiTaskDataset dataset;
    private final int[] batchExamples;
    private final int evalBatch;
    private final int every;
    private final boolean perLearningRate;
    private final List<String> taskNames;
    private final double[][] lookaheadSums;
    private final int[][] lookaheadCounts;

    /**
     * Creates the measures of one run.
     *
     * @param dataset the run's dataset
     * @param tasks the run's tasks
     * @param batchSize the size of the fixed batch of the gradient cosine
     * @param evalBatch the batch size of the difficult-example forwards
     * @param every the lookahead is measured on the first, (k+1)-th, ... step of each epoch
     * @param perLearningRate whether the lookahead is divided by the learning rate
     */
    AffinityDiagnostics(MultiTaskDataset dataset, List<Task> tasks, int batchSize, int evalBatch, int every,
            boolean perLearningRate) {
        this.dataset = dataset;
        int n = Math.min(batchSize, dataset.size(Split.TRAIN));
        this.batchExamples = new int[n];
        for (int i = 0; i < n; i++) {
            batchExamples[i] = i;
        }
        this.evalBatch = evalBatch;
        this.every = every;
        this.perLearningRate = perLearningRate;
        this.taskNames = tasks.stream().map(Task::name).toList();
        this.lookaheadSums = new double[taskNames.size()][taskNames.size()];
        this.lookaheadCounts = new int[taskNames.size()][taskNames.size()];
    }

    /**
     * Whether the lookahead is measured at this step.
     *
     * @param stepOfEpoch the step's number within its epoch, from 1
     * @return true on the first, (k+1)-th, (2k+1)-th, ... step
     */
    boolean measures(int stepOfEpoch) {
        return (stepOfEpoch - 1) % every == 0;
    }

    /**
     * TAG's lookahead at the start of a training step: for each task i of the step, the optimizer's
     * update of the shared parameters on task i's gradient alone, and every task's relative loss
     * change on the step's batch; the parameters and the optimizer's state are then restored.
     *
     * @param examples the step's examples
     * @param stepTasks the step's tasks
     * @param updater the run's optimizer, in the state it will update this step with
     * @param trainable the trained parameters with the ids the updater keeps state by
     * @param stateManager the manager the optimizer's restored state lives in (the parameters')
     */
    void lookahead(Engine engine, MultiTaskNetwork network, ParameterStore store, NDManager base, List<Task> tasks,
            int[] examples, List<String> stepTasks, ParameterUpdater updater, List<Pair<String, Parameter>> trainable,
            NDManager stateManager) {
        Set<Parameter> sharedSet = Collections.newSetFromMap(new IdentityHashMap<>());
        sharedSet.addAll(network.sharedParameters());
        List<Pair<String, Parameter>> shared = trainable.stream().filter(p -> sharedSet.contains(p.getValue())).toList();
        if (shared.isEmpty() || examples.length == 0) {
            return;
        }
        List<Task> stepped = new ArrayList<>();
        for (String name : stepTasks) {
            stepped.add(tasks.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow());
        }
        int k = stepped.size();
        double learningRate = updater.learningRate();
        try (NDManager manager = base.newSubManager()) {
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, stepTasks);
            List<Parameter> parameters = shared.stream().map(Pair::getValue).toList();
            double[] before = new double[k];
            List<NDList> gradients = taskGradients(engine, network, store, manager, stepped, batch, parameters, before);
            List<NDArray> saved = new ArrayList<>(shared.size());
            for (Parameter p : parameters) {
                NDArray copy = p.getArray().duplicate();
                copy.attach(manager);
                saved.add(copy);
            }
            byte[] state = saveState(updater);
            boolean gradMode = EngineOps.isGradMode();
            EngineOps.setGradMode(false);
            try {
                for (int i = 0; i < k; i++) {
                    for (int s = 0; s < shared.size(); s++) {
                        updater.update(shared.get(s).getKey(), parameters.get(s).getArray(), gradients.get(i).get(s));
                    }
                    try (NDManager step = manager.newSubManager()) {
                        // the batch again, in the sub-manager that then owns this forward's arrays
                        MultiTaskBatch again = dataset.batch(step, Split.TRAIN, examples, stepTasks);
                        NDList representation = network.encode(store, again.input(), false);
                        for (int j = 0; j < k; j++) {
                            TaskTarget target = again.target(stepTasks.get(j));
                            NDArray prediction = network.decode(store, representation, stepTasks.get(j), false);
                            double after = stepped.get(j).loss().compute(prediction, target.labels(), target.mask()).getFloat();
                            double z = before[j] == 0 ? 0 : 1 - after / before[j];
                            int row = taskNames.indexOf(stepTasks.get(i));
                            int column = taskNames.indexOf(stepTasks.get(j));
                            lookaheadSums[row][column] += perLearningRate ? z / learningRate : z;
                            lookaheadCounts[row][column]++;
                        }
                    }
                    for (int s = 0; s < shared.size(); s++) {
                        saved.get(s).copyTo(parameters.get(s).getArray());
                    }
                    loadState(updater, state, stateManager);
                }
            } finally {
                for (int s = 0; s < shared.size(); s++) {
                    saved.get(s).copyTo(parameters.get(s).getArray());
                }
                EngineOps.setGradMode(gradMode);
                network.block().getParameters().forEach(p -> EngineOps.zeroGradient(p.getValue().getArray()));
                network.extraParameters().forEach(p -> EngineOps.zeroGradient(p.getArray()));
            }
        }
    }

    /**
     * Measures the epoch's matrices: the gradient cosine and the difficult-example affinity now,
     * the lookahead as the mean over the epoch's measured steps (then forgotten for the next epoch).
     *
     * @return this epoch's matrices, as nested maps task → task → value
     */
    Map<String, Object> epochEnded(Engine engine, MultiTaskNetwork network, ParameterStore store, NDManager base,
            List<Task> tasks) {
        List<String> names = tasks.stream().map(Task::name).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        try (NDManager manager = base.newSubManager()) {
            if (!network.sharedParameters().isEmpty() && batchExamples.length > 0) {
                out.put("gradient_cosine", named(names, cosine(engine, network, store, manager, tasks)));
            }
            Map<String, Map<String, Double>> lookahead = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                Map<String, Double> row = new LinkedHashMap<>();
                for (int j = 0; j < names.size(); j++) {
                    if (lookaheadCounts[i][j] > 0) {
                        row.put(names.get(j), lookaheadSums[i][j] / lookaheadCounts[i][j]);
                    }
                    lookaheadSums[i][j] = 0;
                    lookaheadCounts[i][j] = 0;
                }
                if (!row.isEmpty()) {
                    lookahead.put(names.get(i), row);
                }
            }
            if (!lookahead.isEmpty()) {
                out.put("lookahead", lookahead);
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

    /** Each task's loss on the batch into {@code before} and its gradient w.r.t. the parameters. */
    private static List<NDList> taskGradients(Engine engine, MultiTaskNetwork network, ParameterStore store,
            NDManager manager, List<Task> tasks, MultiTaskBatch batch, List<Parameter> parameters, double[] before) {
        int k = tasks.size();
        NDArray one = manager.ones(new Shape());
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
                NDList parts = new NDList(parameters.size());
                for (Parameter p : parameters) {
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
        return gradients;
    }

    private double[][] cosine(Engine engine, MultiTaskNetwork network, ParameterStore store, NDManager manager,
            List<Task> tasks) {
        int k = tasks.size();
        List<String> names = tasks.stream().map(Task::name).toList();
        MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, batchExamples, names);
        List<NDList> gradients = taskGradients(engine, network, store, manager, tasks, batch,
                network.sharedParameters(), new double[k]);
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
        return cosine;
    }

    private static byte[] saveState(ParameterUpdater updater) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            updater.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the optimizer's state for the lookahead affinity", e);
        }
        return bytes.toByteArray();
    }

    private static void loadState(ParameterUpdater updater, byte[] state, NDManager manager) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            updater.load(in, manager);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the optimizer's state after the lookahead affinity", e);
        }
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
