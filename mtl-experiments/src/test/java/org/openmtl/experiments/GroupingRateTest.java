package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.group.TaskGrouping;

/**
 * On planted task groups, {@code ./mtl group} chooses exactly the planted groups on most seeds: the
 * committed example config, one seed per grouping (each its own draw of the tasks and of every
 * subset's network), seeds 1 to 10. The claim is a rate over the seeds, not a property of every
 * seed (DESIGN.md 4b).
 *
 * <p>Measured with this config at the revision that introduced this test, {@code ./mtl group
 * mtl-experiments/configs/grouping.yaml "sweep.seed=N" executor=inline} for N = 1-30 (table in
 * docs/grouping.md and docs/results/adaptive.md): the networks {t0, t2} and {t1, t3} on 24 of 30
 * seeds (seeds 1-10: 8). The misses keep one planted pair and serve the other two tasks through a
 * network of three tasks or across the groups.
 *
 * <p>Threshold: at least 4 of 10. A method at the measured rate (0.8) falls below it with
 * probability 0.09% (binomial); at 0.63, the lower end of the rate's 95% Wilson interval from 30
 * seeds, 3.6%. The chance level is the rate at which the same search picks the planted groups when every
 * single-task and pair network's loss on each task is drawn independently from one continuous
 * distribution (the larger subsets estimated from the pairs as the search does): 0.073 (200,000
 * simulated tables), which reaches 4 of 10 with probability 0.4%; {@link
 * #theThresholdIsOutOfReachOfAGroupingBlindToTheTasks} recomputes it with the project's search. A
 * grouping of one seed takes about 5 seconds (ten small trainings in this JVM).
 */
class GroupingRateTest {

    private static final int SEEDS = 10;
    private static final int AT_LEAST = 4;

    @TempDir Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void theChosenNetworksAreThePlantedGroupsOnMostSeeds() throws Exception {
        Set<Set<String>> planted = Set.of(Set.of("t0", "t2"), Set.of("t1", "t3"));
        int recovered = 0;
        List<String> choices = new ArrayList<>();
        for (int seed = 1; seed <= SEEDS; seed++) {
            Path out = dir.resolve("group-" + seed);
            Cli.Outcome o = Cli.run("group", "configs/grouping.yaml", "sweep.seed=" + seed, "progress=none",
                    "output.dir=" + out,
                    // ten tiny trainings per seed: in this JVM rather than worker JVMs (the pool is tested with sweeps)
                    "executor=inline");
            assertEquals(0, o.exitCode(), o.out() + o.err());
            Map<String, Object> grouping = new Gson().fromJson(Files.readString(out.resolve("grouping.json")), Map.class);
            List<List<String>> groups = (List<List<String>>) grouping.get("groups");
            // what holds on every seed: within the budget, every task served, no worse than one network
            assertTrue(groups.size() <= 2, "seed " + seed + ": a budget of 2 unit-cost networks: " + groups);
            assertEquals(Set.of("t0", "t1", "t2", "t3"),
                    groups.stream().flatMap(List::stream).collect(Collectors.toSet()), "seed " + seed + ": every task is served");
            Map<String, Object> alternatives = (Map<String, Object>) grouping.get("alternatives");
            assertTrue((Double) grouping.get("loss") <= (Double) alternatives.get("all-in-one"), "seed " + seed);
            Set<Set<String>> chosen = groups.stream().map(Set::copyOf).collect(Collectors.toSet());
            if (chosen.equals(planted)) {
                recovered++;
            }
            choices.add("seed " + seed + ": " + groups);
        }
        System.out.println("GroupingRateTest: the planted groups on " + recovered + " of " + SEEDS);
        assertTrue(recovered >= AT_LEAST, "the planted groups {t0, t2}, {t1, t3} chosen on " + recovered + " of " + SEEDS
                + " seeds, expected at least " + AT_LEAST + ":\n" + String.join("\n", choices));
    }

    @Test
    void theThresholdIsOutOfReachOfAGroupingBlindToTheTasks() {
        // chance level: every trained network's loss on each of its tasks drawn independently and
        // uniformly, the subsets of three and four tasks estimated from the pairs, budget 2, as ./mtl group does
        int tasks = 4;
        long planted0 = 0b0101;
        long planted1 = 0b1010;
        SplittableRandom random = new SplittableRandom(20261203L);
        int tables = 20_000;
        int hits = 0;
        for (int n = 0; n < tables; n++) {
            List<TaskGrouping.Candidate> candidates = new ArrayList<>();
            double[][] pair = new double[tasks][tasks];
            for (long set : TaskGrouping.subsets(tasks, 1, 2)) {
                double[] losses = new double[tasks];
                Arrays.fill(losses, Double.NaN);
                for (int t = 0; t < tasks; t++) {
                    if ((set & (1L << t)) != 0) {
                        losses[t] = random.nextDouble();
                    }
                }
                if (Long.bitCount(set) == 2) {
                    int a = Long.numberOfTrailingZeros(set);
                    int b = 63 - Long.numberOfLeadingZeros(set);
                    pair[a][b] = losses[a];
                    pair[b][a] = losses[b];
                }
                candidates.add(new TaskGrouping.Candidate(set, losses, 1.0));
            }
            for (long set : TaskGrouping.subsets(tasks, 3, 4)) {
                candidates.add(new TaskGrouping.Candidate(set, TaskGrouping.estimateFromPairs(tasks, pair, set), 1.0));
            }
            TaskGrouping.Choice choice = TaskGrouping.choose(tasks, candidates, 2.0);
            Set<Long> chosen = Arrays.stream(choice.chosen()).mapToObj(i -> candidates.get(i).tasks()).collect(Collectors.toSet());
            if (chosen.equals(Set.of(planted0, planted1))) {
                hits++;
            }
        }
        double chance = (double) hits / tables;
        // 0.073 from 200,000 tables; 20,000 give it within about ±0.004
        assertEquals(0.073, chance, 0.006, "the chance level of choosing the planted groups");
        double reach = 0;
        for (int k = AT_LEAST; k <= SEEDS; k++) {
            reach += binomial(SEEDS, k) * Math.pow(chance, k) * Math.pow(1 - chance, SEEDS - k);
        }
        assertTrue(reach < 0.01, "a grouping blind to the tasks reaches " + AT_LEAST + " of " + SEEDS + " with probability " + reach);
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }
}
