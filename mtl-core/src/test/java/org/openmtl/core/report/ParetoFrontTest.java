package org.openmtl.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {

    // a: (1, 5)  b: (2, 3)  c: (3, 4)  d: (4, 1)  e: (2, 3) duplicate of b  f: (5, 5)  g: NaN
    private static final List<double[]> POINTS = List.of(new double[] {1, 5}, new double[] {2, 3}, new double[] {3, 4},
            new double[] {4, 1}, new double[] {2, 3}, new double[] {5, 5}, new double[] {Double.NaN, 0});

    @Test
    void bothLowerIsBetter() {
        // a (1,5) b (2,3) e (2,3) d (4,1): none beaten in both; c (3,4) is beaten by b, f by everyone
        assertEquals(List.of(0, 1, 4, 3), ParetoFront.indices(POINTS, false, false));
    }

    @Test
    void bothHigherIsBetter() {
        // f (5,5) beats every other point
        assertEquals(List.of(5), ParetoFront.indices(POINTS, true, true));
        List<double[]> noF = new ArrayList<>(POINTS.subList(0, 5));
        // a (1,5): highest y; c (3,4): beats b and e; d (4,1): highest x
        assertEquals(List.of(0, 2, 3), ParetoFront.indices(noF, true, true));
    }

    @Test
    void mixedDirections() {
        // x higher is better, y lower is better: d (4,1) beats a, b, c, e; f (5,5) has the highest x
        assertEquals(List.of(3, 5), ParetoFront.indices(POINTS, true, false));
        // x lower, y higher: a (1,5) beats all but f; f (5,5) ties a's y with a worse x: dominated
        assertEquals(List.of(0), ParetoFront.indices(POINTS, false, true));
    }

    @Test
    void theStaircaseTurnsAtTheWorseCornerOfNeighbours() {
        List<double[]> front = List.of(new double[] {1, 5}, new double[] {2, 3}, new double[] {4, 1});
        List<double[]> minMin = ParetoFront.staircase(front, false, false);
        assertEquals(5, minMin.size());
        assertArrayEquals(new double[] {2, 5}, minMin.get(1));
        assertArrayEquals(new double[] {4, 3}, minMin.get(3));
        List<double[]> maxMax = ParetoFront.staircase(List.of(new double[] {1, 5}, new double[] {3, 4}, new double[] {4, 1}), true, true);
        assertArrayEquals(new double[] {1, 4}, maxMax.get(1));
        assertArrayEquals(new double[] {3, 1}, maxMax.get(3));
    }
}
