package org.openmtl.plugins.weak;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weak.LabelingSource;
import org.openmtl.api.weak.ProbabilisticLabels;
import org.openmtl.api.weak.SourceDependencies;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;

class MajorityVoteLabelModelTest {

    @Test
    void countsVotesPerTaskSharingTiesAndFallingBackToUniform() {
        TaskGraph graph = TaskGraph.builder().addTask("a", 3).addTask("b", 2).build();
        List<LabelingSource> sources = List.of(LabelingSource.of("x", 0),
                new LabelingSource("y", List.of(0, 1)), LabelingSource.of("z", 0));
        SourceVotes votes = new SourceVotes(graph, sources, new int[][][] {
            {{2, 0}, {2, 1}, {3, 0}}, // a: 2 wins; b: 1
            {{1, 0}, {3, 0}, {0, 0}}, // a: tie 1/3; b: nobody
        });
        ProbabilisticLabels labels = new MajorityVoteLabelModel().fit(votes, SourceDependencies.none()).predict(votes);
        assertArrayEquals(new double[] {0, 1, 0}, labels.distribution(0, 0), 0);
        assertArrayEquals(new double[] {1, 0}, labels.distribution(1, 0), 0);
        assertArrayEquals(new double[] {0.5, 0, 0.5}, labels.distribution(0, 1), 0);
        assertArrayEquals(new double[] {0.5, 0.5}, labels.distribution(1, 1), 0);
        double[] accuracies = new MajorityVoteLabelModel().fit(votes, SourceDependencies.none()).sourceAccuracies();
        assertTrue(Double.isNaN(accuracies[0]) && accuracies.length == 3);
    }
}
