package org.openmtl.api.weak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A dataset's weak supervision: its parts must describe the same tasks and sources. */
class WeakSupervisionTest {

    private static final TaskGraph GRAPH = TaskGraph.builder().addTask("coarse", 2).addTask("fine", 4)
            .addSubsumption("coarse", "fine", 1, 1, 2, 2).build();

    private static SourceVotes votes(TaskGraph graph) {
        return new SourceVotes(graph, List.of(LabelingSource.of("a", 0), LabelingSource.of("b", 1)),
                new int[][][] {{{1, 0}, {0, 2}}, {{0, 0}, {0, 4}}});
    }

    @Test
    void plantedAccuraciesAreCopiedInAndOut() {
        double[] planted = {0.8, 0.7};
        WeakSupervision w = new WeakSupervision(GRAPH, votes(GRAPH), SourceDependencies.none(), Optional.of(planted));
        planted[0] = 0;
        w.plantedAccuracies().orElseThrow()[1] = 0;
        assertEquals(0.8, w.plantedAccuracies().orElseThrow()[0]);
        assertEquals(0.7, w.plantedAccuracies().orElseThrow()[1]);
    }

    @Test
    void partsThatDoNotFitAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WeakSupervision(GRAPH,
                votes(GRAPH), SourceDependencies.none(), Optional.of(new double[] {0.8})));
        assertTrue(e.getMessage().contains("1 planted accuracies for 2 sources"), e.getMessage());
        TaskGraph other = TaskGraph.builder().addTask("coarse", 2).addTask("fine", 4).build();
        assertThrows(IllegalArgumentException.class,
                () -> new WeakSupervision(GRAPH, votes(other), SourceDependencies.none(), Optional.empty()));
        e = assertThrows(IllegalArgumentException.class,
                () -> new WeakSupervision(GRAPH, votes(GRAPH), SourceDependencies.pair(0, 5), Optional.empty()));
        assertTrue(e.getMessage().contains("outside 0..1"), e.getMessage());
    }
}
