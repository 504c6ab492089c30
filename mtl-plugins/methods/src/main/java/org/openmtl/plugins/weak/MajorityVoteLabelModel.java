package org.openmtl.plugins.weak;

import java.util.Arrays;
import org.openmtl.api.weak.FittedLabelModel;
import org.openmtl.api.weak.LabelModel;
import org.openmtl.api.weak.ProbabilisticLabels;
import org.openmtl.api.weak.SourceDependencies;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;

/**
 * The baseline: per task, the class most sources vote for; the probability mass is shared equally
 * among tied classes, and an example no source labels gets the uniform distribution. Learns
 * nothing, estimates no accuracy, ignores the task graph's relations and the dependencies.
 */
public final class MajorityVoteLabelModel implements LabelModel {

    /** Creates the model. */
    public MajorityVoteLabelModel() {}

    @Override
    public FittedLabelModel fit(SourceVotes votes, SourceDependencies dependencies) {
        int m = votes.sourceCount();
        return new FittedLabelModel() {
            @Override
            public ProbabilisticLabels predict(SourceVotes toLabel) {
                return vote(toLabel);
            }

            @Override
            public double[] sourceAccuracies() {
                double[] none = new double[m];
                Arrays.fill(none, Double.NaN);
                return none;
            }
        };
    }

    static ProbabilisticLabels vote(SourceVotes votes) {
        TaskGraph graph = votes.graph();
        int n = votes.exampleCount();
        double[][][] out = new double[graph.taskCount()][n][];
        for (int t = 0; t < graph.taskCount(); t++) {
            int k = graph.cardinality(t);
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                Arrays.fill(counts, 0);
                for (int j = 0; j < votes.sourceCount(); j++) {
                    int v = votes.vote(i, j, t);
                    if (v > 0) {
                        counts[v - 1]++;
                    }
                }
                int max = Arrays.stream(counts).max().orElse(0);
                int tied = 0;
                for (int c : counts) {
                    tied += c == max ? 1 : 0;
                }
                double[] row = new double[k];
                for (int c = 0; c < k; c++) {
                    row[c] = counts[c] == max ? 1.0 / tied : 0;
                }
                out[t][i] = row;
            }
        }
        return new ProbabilisticLabels(graph, out);
    }
}
