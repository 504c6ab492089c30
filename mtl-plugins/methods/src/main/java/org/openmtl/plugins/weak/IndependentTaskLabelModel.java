package org.openmtl.plugins.weak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openmtl.api.weak.FittedLabelModel;
import org.openmtl.api.weak.LabelModel;
import org.openmtl.api.weak.LabelingSource;
import org.openmtl.api.weak.ProbabilisticLabels;
import org.openmtl.api.weak.SourceDependencies;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;

/**
 * The baseline that models tasks separately (the data-programming label model per task, as the
 * MeTaL paper compares against): for each task, a {@link MetalLabelModel} on that task alone, fed
 * each covering source's vote on it. The task graph's relations are ignored, so the per-task
 * labels may contradict each other. A source's accuracy is reported for sources covering one task;
 * it is NaN for a source covering several (the model only knows its per-task accuracies).
 */
public final class IndependentTaskLabelModel implements LabelModel {

    private final MetalLabelModel perTask;

    /**
     * Creates the model.
     *
     * @param settings the settings of each task's model
     */
    public IndependentTaskLabelModel(MetalLabelModel.Settings settings) {
        this.perTask = new MetalLabelModel(settings);
    }

    @Override
    public FittedLabelModel fit(SourceVotes votes, SourceDependencies dependencies) {
        TaskGraph graph = votes.graph();
        List<int[]> sourcesOf = new ArrayList<>();
        List<FittedLabelModel> fitted = new ArrayList<>();
        double[] accuracy = new double[votes.sourceCount()];
        Arrays.fill(accuracy, Double.NaN);
        for (int t = 0; t < graph.taskCount(); t++) {
            int[] covering = covering(votes, t);
            sourcesOf.add(covering);
            SourceVotes projected = project(votes, t, covering);
            List<SourceDependencies.Pair> pairs = new ArrayList<>();
            for (SourceDependencies.Pair p : dependencies.pairs()) {
                int a = indexOf(covering, p.first());
                int b = indexOf(covering, p.second());
                if (a >= 0 && b >= 0) {
                    pairs.add(new SourceDependencies.Pair(a, b));
                }
            }
            FittedLabelModel model;
            try {
                model = perTask.fit(projected, SourceDependencies.of(pairs));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("task '" + graph.taskName(t) + "': " + e.getMessage(), e);
            }
            fitted.add(model);
            double[] taskAccuracy = model.sourceAccuracies();
            for (int a = 0; a < covering.length; a++) {
                if (votes.sources().get(covering[a]).tasks().size() == 1) {
                    accuracy[covering[a]] = taskAccuracy[a];
                }
            }
        }
        return new FittedLabelModel() {
            @Override
            public ProbabilisticLabels predict(SourceVotes toLabel) {
                double[][][] out = new double[graph.taskCount()][][];
                for (int t = 0; t < graph.taskCount(); t++) {
                    ProbabilisticLabels labels = fitted.get(t).predict(project(toLabel, t, sourcesOf.get(t)));
                    out[t] = new double[toLabel.exampleCount()][];
                    for (int i = 0; i < toLabel.exampleCount(); i++) {
                        out[t][i] = labels.distribution(0, i);
                    }
                }
                return new ProbabilisticLabels(graph, out);
            }

            @Override
            public double[] sourceAccuracies() {
                return accuracy.clone();
            }
        };
    }

    private static int[] covering(SourceVotes votes, int task) {
        return java.util.stream.IntStream.range(0, votes.sourceCount())
                .filter(j -> votes.sources().get(j).covers(task))
                .toArray();
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** The votes on one task, as a one-task problem over the sources that cover it. */
    private static SourceVotes project(SourceVotes votes, int task, int[] covering) {
        TaskGraph graph = votes.graph();
        TaskGraph single = TaskGraph.single(graph.taskName(task), graph.cardinality(task));
        List<LabelingSource> sources = new ArrayList<>();
        for (int j : covering) {
            sources.add(LabelingSource.of(votes.sources().get(j).name(), 0));
        }
        int[][][] projected = new int[votes.exampleCount()][covering.length][1];
        for (int i = 0; i < votes.exampleCount(); i++) {
            for (int a = 0; a < covering.length; a++) {
                projected[i][a][0] = votes.vote(i, covering[a], task);
            }
        }
        return new SourceVotes(single, sources, projected);
    }
}
