package org.openmtl.core.pareto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontMetricsTest {

    private static final boolean[] MIN2 = {false, false};
    private static final boolean[] MIN3 = {false, false, false};

    @Test
    void dominanceFollowsEachObjectivesDirection() {
        boolean[] accuracyThenLoss = {true, false};
        assertTrue(FrontMetrics.dominates(new double[] {0.9, 0.2}, new double[] {0.8, 0.2}, accuracyThenLoss));
        assertFalse(FrontMetrics.dominates(new double[] {0.9, 0.2}, new double[] {0.8, 0.2}, MIN2));
        assertFalse(FrontMetrics.dominates(new double[] {0.9, 0.2}, new double[] {0.9, 0.2}, accuracyThenLoss));
        assertFalse(FrontMetrics.dominates(new double[] {0.9, 0.3}, new double[] {0.8, 0.2}, accuracyThenLoss));
    }

    @Test
    void nonDominatedDropsDominatedPointsAndKeepsTies() {
        double[][] points = {{1, 3}, {2, 2}, {2, 3}, {3, 1}, {2, 2}, {4, 4}};
        assertArrayEquals(new int[] {0, 1, 3, 4}, FrontMetrics.nonDominated(points, MIN2));
        // the first objective maximized: (3,1) dominates the points left of it, (4,4) trades y for x
        assertArrayEquals(new int[] {3, 5}, FrontMetrics.nonDominated(points, new boolean[] {true, false}));
    }

    @Test
    void hypervolumeOfHandComputedTwoObjectiveFronts() {
        // boxes [1,4]x[3,4], [2,4]x[2,4], [3,4]x[1,4]: 3 + 2 + 1 in the sweep's slabs
        assertEquals(6.0, FrontMetrics.hypervolume(new double[][] {{1, 3}, {2, 2}, {3, 1}}, MIN2, new double[] {4, 4}), 1e-12);
        // a dominated point and one outside the reference box add nothing
        assertEquals(6.0, FrontMetrics.hypervolume(new double[][] {{1, 3}, {2, 2}, {3, 1}, {3, 3}, {0, 5}}, MIN2,
                new double[] {4, 4}), 1e-12);
        // accuracy (maximized) and loss: 0.4 x 0.2 + 0.3 x 0.1
        assertEquals(0.11, FrontMetrics.hypervolume(new double[][] {{0.9, 0.3}, {0.8, 0.2}}, new boolean[] {true, false},
                new double[] {0.5, 0.5}), 1e-12);
        assertEquals(0.0, FrontMetrics.hypervolume(new double[0][], MIN2, new double[] {1, 1}));
    }

    @Test
    void hypervolumeOfHandComputedThreeObjectiveFronts() {
        assertEquals(6.0, FrontMetrics.hypervolume(new double[][] {{0, 0, 0}}, MIN3, new double[] {1, 2, 3}), 1e-12);
        // boxes of 4 and 2 overlapping in the unit cube [1,2]^3
        assertEquals(5.0, FrontMetrics.hypervolume(new double[][] {{0, 0, 1}, {1, 1, 0}}, MIN3, new double[] {2, 2, 2}), 1e-12);
        // inclusion-exclusion: 3 boxes of 4, 3 pairwise overlaps of 2, a triple overlap of 1
        assertEquals(7.0, FrontMetrics.hypervolume(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, MIN3,
                new double[] {2, 2, 2}), 1e-12);
        // all maximized: the mirror image of the previous front
        assertEquals(7.0, FrontMetrics.hypervolume(new double[][] {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}},
                new boolean[] {true, true, true}, new double[] {-2, -2, -2}), 1e-12);
    }

    @Test
    void hypervolumeEqualsTheCountOfDominatedUnitCellsOnRandomIntegerFronts() {
        Random random = new Random(18);
        for (int d = 2; d <= 5; d++) {
            int side = d <= 3 ? 8 : 5;
            for (int round = 0; round < 40; round++) {
                int n = 1 + random.nextInt(d <= 3 ? 12 : 7);
                double[][] points = new double[n][d];
                for (double[] p : points) {
                    for (int i = 0; i < d; i++) {
                        p[i] = random.nextInt(side);
                    }
                }
                double[] ref = new double[d];
                java.util.Arrays.fill(ref, side);
                boolean[] minimize = new boolean[d];
                assertEquals(cellCount(points, side), FrontMetrics.hypervolume(points, minimize, ref), 1e-9,
                        "d=" + d + " round " + round);
            }
        }
    }

    /** Brute force: unit cells [c, c+1) of [0, side)^d that some point weakly dominates (p <= c). */
    private static long cellCount(double[][] points, int side) {
        int d = points[0].length;
        int[] c = new int[d];
        long count = 0;
        long cells = (long) Math.pow(side, d);
        for (long index = 0; index < cells; index++) {
            long rest = index;
            for (int i = 0; i < d; i++) {
                c[i] = (int) (rest % side);
                rest /= side;
            }
            for (double[] p : points) {
                boolean covers = true;
                for (int i = 0; i < d && covers; i++) {
                    covers = p[i] <= c[i];
                }
                if (covers) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    @Test
    void referencePointIsTheNadirOfAllSetsPlusAMarginOfTheRange() {
        double[][] a = {{0.9, 0.3}, {0.8, 0.2}};
        double[][] b = {{0.7, 0.5}};
        double[] ref = FrontMetrics.referencePoint(List.of(a, b), new boolean[] {true, false}, 0.1);
        // accuracy: worst 0.7, range 0.2 -> 0.68; loss: worst 0.5, range 0.3 -> 0.53
        assertArrayEquals(new double[] {0.68, 0.53}, ref, 1e-12);
        // a single value: the margin is a fraction of its magnitude, or of 1 for 0
        assertArrayEquals(new double[] {2.2, 0.1}, FrontMetrics.referencePoint(List.<double[][]>of(new double[][] {{2, 0}}),
                MIN2, 0.1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.referencePoint(List.<double[][]>of(new double[0][]), MIN2, 0.1));
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.referencePoint(List.<double[][]>of(a), MIN2, -1));
    }

    @Test
    void spreadIsDebsDeltaInTwoObjectives() {
        assertEquals(0.0, FrontMetrics.spread(new double[][] {{0, 3}, {1, 2}, {2, 1}, {3, 0}}, MIN2, null), 1e-12);
        // neighbour distances sqrt2 and 2 sqrt2: sum |d - mean| = sqrt2, (N-1) mean = 3 sqrt2
        assertEquals(1.0 / 3, FrontMetrics.spread(new double[][] {{3, 0}, {0, 3}, {1, 2}}, MIN2, null), 1e-12);
        // dividing the second objective by 2 makes the same front uneven
        double scaled = FrontMetrics.spread(new double[][] {{0, 3}, {1, 2}, {2, 1}, {3, 0}}, MIN2, new double[] {1, 3});
        assertEquals(0.0, scaled, 1e-12);
        double uneven = FrontMetrics.spread(new double[][] {{0, 0}, {1, 1}, {3, 3}}, MIN2, new double[] {1, 2});
        assertEquals(1.0 / 3, uneven, 1e-12);
        assertTrue(Double.isNaN(FrontMetrics.spread(new double[][] {{1, 1}}, MIN2, null)));
    }

    @Test
    void spreadUsesNearestNeighboursInThreeObjectives() {
        // nearest distances 1, 1, 1, 2: mean 1.25, sum |d - mean| 1.5, N mean 5
        assertEquals(0.3, FrontMetrics.spread(new double[][] {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {4, 0, 0}}, MIN3, null), 1e-12);
        assertEquals(0.0, FrontMetrics.spread(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, MIN3, null), 1e-12);
    }

    /** The alignment over the weighed tasks, by hand. */
    @Test
    void weighedAlignmentLeavesOutTasksOfWeightZero() {
        // (1, 2, 0) with (2, 1, 5): over t0, t1 the weighted losses are (2, 2), so 1 (over all three: 4 / (sqrt(3) sqrt(8)))
        assertEquals(1.0, FrontMetrics.weighedAlignment(new double[] {1, 2, 0}, new double[] {2, 1, 5}), 1e-12);
        assertEquals(4 / (Math.sqrt(3) * Math.sqrt(8)), FrontMetrics.alignment(new double[] {1, 2, 0}, new double[] {2, 1, 5}, null),
                1e-12);
        // (1, 1) with (1, 3): 4 / sqrt(20), as alignment
        assertEquals(4 / Math.sqrt(20), FrontMetrics.weighedAlignment(new double[] {1, 1}, new double[] {1, 3}), 1e-12);
        // one weighed task, cos(pi/2) counted as 0
        assertTrue(Double.isNaN(FrontMetrics.weighedAlignment(new double[] {1, 0}, new double[] {1, 1})));
        assertTrue(Double.isNaN(FrontMetrics.weighedAlignment(new double[] {1, Math.cos(Math.PI / 2)}, new double[] {1, 1})));
        assertArrayEquals(new boolean[] {true, false, true}, FrontMetrics.weighed(new double[] {0.5, Math.cos(Math.PI / 2), 0.5}));
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.weighedAlignment(new double[] {-1, 2, 1}, new double[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.weighedAlignment(new double[] {1, 2}, new double[] {1}));
    }

    @Test
    void alignmentIsOneWhenWeightedLossesAreEqual() {
        assertEquals(1.0, FrontMetrics.alignment(new double[] {1, 2}, new double[] {2, 1}, null), 1e-12);
        assertEquals(1.0, FrontMetrics.alignment(new double[] {1, 1}, new double[] {4, 1}, new double[] {4, 1}), 1e-12);
        // one task's weight 0: only one weighted loss is non-zero, cos 45 degrees
        assertEquals(Math.sqrt(0.5), FrontMetrics.alignment(new double[] {1, 0}, new double[] {1, 1}, null), 1e-12);
        // p.l = (1, 3): (1 + 3) / (sqrt2 * sqrt10)
        assertEquals(4 / Math.sqrt(20), FrontMetrics.alignment(new double[] {1, 1}, new double[] {1, 3}, null), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.alignment(new double[] {0, 0}, new double[] {1, 1}, null));
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.alignment(new double[] {-1, 2}, new double[] {1, 1}, null));
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.alignment(new double[] {1, 2}, new double[] {1}, null));
    }

    @Test
    void pointsOfTheWrongDimensionOrNotFiniteAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.nonDominated(new double[][] {{1, 2, 3}}, MIN2));
        assertThrows(IllegalArgumentException.class,
                () -> FrontMetrics.hypervolume(new double[][] {{1, Double.NaN}}, MIN2, new double[] {2, 2}));
        assertThrows(IllegalArgumentException.class, () -> FrontMetrics.hypervolume(new double[][] {{1, 1}}, MIN2, new double[] {2}));
    }
}
