package org.openmtl.core.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TaskGroupingTest {

    /** The best value over every subset of candidates within the budget, by enumeration. */
    private static double bruteForce(int taskCount, List<TaskGrouping.Candidate> candidates, double budget, int maxChosen) {
        double[] best = {Double.POSITIVE_INFINITY};
        enumerate(taskCount, candidates, budget, maxChosen, 0, new ArrayList<>(), 0, best);
        return best[0];
    }

    private static void enumerate(int taskCount, List<TaskGrouping.Candidate> candidates, double budget, int maxChosen,
            int from, List<Integer> chosen, double cost, double[] best) {
        if (!chosen.isEmpty()) {
            double v = TaskGrouping.value(taskCount, candidates, chosen.stream().mapToInt(Integer::intValue).toArray());
            best[0] = Math.min(best[0], v);
        }
        if (chosen.size() == maxChosen) {
            return;
        }
        for (int i = from; i < candidates.size(); i++) {
            double c = cost + candidates.get(i).cost();
            if (c <= budget + 1e-12) {
                chosen.add(i);
                enumerate(taskCount, candidates, budget, maxChosen, i + 1, chosen, c, best);
                chosen.remove(chosen.size() - 1);
            }
        }
    }

    private static List<TaskGrouping.Candidate> random(int taskCount, Random random, boolean unitCost) {
        List<TaskGrouping.Candidate> candidates = new ArrayList<>();
        for (long s : TaskGrouping.subsets(taskCount, 1, taskCount)) {
            double[] losses = new double[taskCount];
            for (int t = 0; t < taskCount; t++) {
                losses[t] = (s & (1L << t)) != 0 ? 0.1 + random.nextDouble() : Double.NaN;
            }
            double cost = unitCost ? 1 : 0.5 + Long.bitCount(s) * random.nextDouble();
            candidates.add(new TaskGrouping.Candidate(s, losses, cost));
        }
        return candidates;
    }

    @Test
    void branchAndBoundEqualsBruteForceOnRandomInstances() {
        Random random = new Random(42);
        int instances = 0;
        for (int taskCount = 2; taskCount <= 8; taskCount++) {
            for (int trial = 0; trial < (taskCount <= 5 ? 20 : 4); trial++) {
                boolean unit = trial % 2 == 0;
                List<TaskGrouping.Candidate> candidates = random(taskCount, random, unit);
                // unit cost: budgets 1..3 networks; otherwise budgets in cost units
                double budget = unit ? 1 + trial % 3 : 1.0 + 2.5 * random.nextDouble();
                int maxChosen = unit ? (int) budget : (int) Math.ceil(budget / 0.5);
                if (taskCount >= 7 && !unit) {
                    continue; // brute force over non-unit costs on 127+ candidates is too slow for a unit test
                }
                double expected = bruteForce(taskCount, candidates, budget, maxChosen);
                TaskGrouping.Choice choice = TaskGrouping.choose(taskCount, candidates, budget);
                instances++;
                if (Double.isInfinite(expected)) {
                    assertNull(choice, "no feasible choice, T=" + taskCount);
                    continue;
                }
                assertNotNull(choice, "T=" + taskCount + " budget " + budget);
                assertEquals(expected, choice.loss(), 1e-9, "T=" + taskCount + " budget " + budget);
                assertEquals(choice.loss(), TaskGrouping.value(taskCount, candidates, choice.chosen()), 1e-12);
                double cost = 0;
                for (int c : choice.chosen()) {
                    cost += candidates.get(c).cost();
                }
                assertTrue(cost <= budget + 1e-9, "cost " + cost + " over budget " + budget);
                assertEquals(cost, choice.cost(), 1e-9);
            }
        }
        assertTrue(instances > 60);
    }

    @Test
    void aBudgetTooSmallToSolveEveryTaskHasNoChoice() {
        // only singles, cost 1 each, 3 tasks, budget 2
        List<TaskGrouping.Candidate> singles = List.of(
                new TaskGrouping.Candidate(0b001, new double[] {1, Double.NaN, Double.NaN}, 1),
                new TaskGrouping.Candidate(0b010, new double[] {Double.NaN, 1, Double.NaN}, 1),
                new TaskGrouping.Candidate(0b100, new double[] {Double.NaN, Double.NaN, 1}, 1));
        assertNull(TaskGrouping.choose(3, singles, 2));
        assertEquals(3.0, TaskGrouping.choose(3, singles, 3).loss(), 0);
    }

    @Test
    void overlappingNetworksServeEachTaskWithItsBestOne() {
        // {a,b} is good for a, {b,c} good for c, single b is best for b: budget 3 takes all three
        List<TaskGrouping.Candidate> candidates = List.of(
                new TaskGrouping.Candidate(0b011, new double[] {0.1, 0.9, Double.NaN}, 1),
                new TaskGrouping.Candidate(0b110, new double[] {Double.NaN, 0.8, 0.2}, 1),
                new TaskGrouping.Candidate(0b010, new double[] {Double.NaN, 0.3, Double.NaN}, 1));
        TaskGrouping.Choice three = TaskGrouping.choose(3, candidates, 3);
        assertArrayEquals(new int[] {0, 1, 2}, three.chosen());
        assertEquals(0.1 + 0.3 + 0.2, three.loss(), 1e-12);
        TaskGrouping.Choice two = TaskGrouping.choose(3, candidates, 2);
        assertArrayEquals(new int[] {0, 1}, two.chosen());
        assertEquals(0.1 + 0.8 + 0.2, two.loss(), 1e-12);
    }

    @Test
    void higherOrderLossesAreTheMeanOfTheTasksPairLosses() {
        // Standley et al.: the estimate for task a in G averages L({a,b}, a) over the other b in G
        double[][] pair = {
            {0, 0.2, 0.4, 0.9},
            {0.3, 0, 0.5, 0.7},
            {0.6, 0.1, 0, 0.8},
            {0.25, 0.35, 0.45, 0},
        };
        double[] triple = TaskGrouping.estimateFromPairs(4, pair, 0b0111);
        assertEquals((0.2 + 0.4) / 2, triple[0], 1e-12);
        assertEquals((0.3 + 0.5) / 2, triple[1], 1e-12);
        assertEquals((0.6 + 0.1) / 2, triple[2], 1e-12);
        assertTrue(Double.isNaN(triple[3]));
        double[] all = TaskGrouping.estimateFromPairs(4, pair, 0b1111);
        assertEquals((0.25 + 0.35 + 0.45) / 3, all[3], 1e-12);
    }
}
