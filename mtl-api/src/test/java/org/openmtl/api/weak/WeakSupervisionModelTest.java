package org.openmtl.api.weak;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The weak supervision data model: feasible label vectors, validation of votes and labels. */
class WeakSupervisionModelTest {

    private static final TaskGraph GRAPH = TaskGraph.builder().addTask("coarse", 2).addTask("fine", 4)
            .addSubsumption("coarse", "fine", 1, 1, 2, 2).build();

    @Test
    void feasibleVectorsAreTheCombinationsNoSubsumptionForbids() {
        List<int[]> feasible = GRAPH.feasible();
        assertEquals(4, feasible.size());
        assertArrayEquals(new int[] {1, 1}, feasible.get(0));
        assertArrayEquals(new int[] {1, 2}, feasible.get(1));
        assertArrayEquals(new int[] {2, 3}, feasible.get(2));
        assertArrayEquals(new int[] {2, 4}, feasible.get(3));
        assertTrue(GRAPH.isConsistent(new int[] {2, 0}));
        assertFalse(GRAPH.isConsistent(new int[] {1, 4}));
        // without relations every combination is feasible
        TaskGraph free = TaskGraph.builder().addTask("a", 3).addTask("b", 2).build();
        assertEquals(6, free.feasible().size());
        assertEquals(GRAPH, TaskGraph.builder().addTask("coarse", 2).addTask("fine", 4)
                .addSubsumption("coarse", "fine", 1, 1, 2, 2).build());
    }

    @Test
    void badGraphsAreRefusedNamingTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskGraph.builder()
                .addTask("coarse", 2).addTask("fine", 4).addSubsumption("coarse", "fine", 1, 1, 3, 2));
        assertTrue(e.getMessage().contains("fine class 3 to 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TaskGraph.builder()
                .addTask("coarse", 2).addSubsumption("coarse", "fine", 1, 2));
        assertTrue(e.getMessage().contains("no task named 'fine'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TaskGraph.single("t", 1));
        assertTrue(e.getMessage().contains("at least 2 classes"), e.getMessage());
    }

    @Test
    void votesAreValidatedNamingExampleSourceAndTask() {
        List<LabelingSource> sources = List.of(LabelingSource.of("coarse-rule", 0),
                new LabelingSource("both", List.of(0, 1)));
        SourceVotes ok = new SourceVotes(GRAPH, sources, new int[][][] {{{2, 0}, {2, 4}}, {{0, 0}, {0, 3}}});
        assertEquals(4, ok.vote(0, 1, 1));
        assertTrue(ok.abstains(1, 0));
        assertFalse(ok.abstains(1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SourceVotes(GRAPH, sources, new int[][][] {{{2, 0}, {2, 4}}, {{0, 1}, {0, 3}}}));
        assertTrue(e.getMessage().contains("example 1, source 'coarse-rule' labels task 'fine'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SourceVotes(GRAPH, sources, new int[][][] {{{3, 0}, {2, 4}}}));
        assertTrue(e.getMessage().contains("label 3 outside 0..2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SourceVotes(GRAPH, sources, new int[][][] {{{1, 0}, {1, 4}}}));
        assertTrue(e.getMessage().contains("contradicts the task graph"), e.getMessage());
    }

    @Test
    void probabilisticLabelsMustBeDistributions() {
        TaskGraph one = TaskGraph.single("t", 2);
        ProbabilisticLabels labels = new ProbabilisticLabels(one, new double[][][] {{{0.25, 0.75}, {0.5, 0.5}}});
        assertEquals(2, labels.mostProbable(0, 0));
        assertEquals(1, labels.mostProbable(0, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ProbabilisticLabels(one, new double[][][] {{{0.25, 0.7}}}));
        assertTrue(e.getMessage().contains("sum to"), e.getMessage());
    }

    @Test
    void dependencyComponentsJoinChains() {
        SourceDependencies deps = SourceDependencies.of(List.of(
                new SourceDependencies.Pair(0, 2), new SourceDependencies.Pair(2, 3)));
        assertArrayEquals(new int[] {0, 1, 0, 0, 2}, deps.components(5));
        assertThrows(IllegalArgumentException.class, () -> deps.components(3));
        assertThrows(IllegalArgumentException.class, () -> new SourceDependencies.Pair(1, 1));
    }
}
