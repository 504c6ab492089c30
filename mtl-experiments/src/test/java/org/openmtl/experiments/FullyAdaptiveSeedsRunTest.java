package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On planted task groups, fully-adaptive feature sharing recovers the planted groups on nearly every
 * seed: the committed example config, trained through the command line for seeds 1 to 10 (each its
 * own draw of the tasks and of the network). A seed recovers them when the first widening (of the
 * top stage) separates exactly {t0, t2} and {t1, t3}, the affinity it measured has each planted
 * pair agreeing more than any pair across the groups, and the network ends with the top stage split
 * into exactly those groups. The claim is a rate over the seeds (DESIGN.md 4b).
 *
 * <p>Measured with this config at the revision that introduced this test, seeds 1-30, one run per
 * seed in its own JVM with MALLOC_PERTURB_=255 (the environment the tests run in), {@code ./mtl run
 * mtl-experiments/configs/fully-adaptive.yaml seed=N} (table in docs/results/adaptive.md): 29 of
 * 30 (seeds 1-10: 10). Seed 28 measured the planted pairs' agreement above every across pair's too,
 * but its first widening split {t0, t2}, {t1}, {t3}. Threshold: at least 8 of 10. A method at the
 * measured rate (0.97) falls below it with probability 0.4% (binomial); a grouping unrelated to the
 * tasks (random affinities: the planted pairs agree most with probability 1/15) reaches it with
 * probability below 1e-7.
 */
class FullyAdaptiveSeedsRunTest {

    private static final int SEEDS = 10;
    private static final int AT_LEAST = 8;
    private static final List<List<String>> PLANTED = List.of(List.of("t0", "t2"), List.of("t1", "t3"));

    @TempDir Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void theFirstBranchingSeparatesThePlantedGroupsOnNearlyEverySeed() throws Exception {
        int recovered = 0;
        List<String> seeds = new ArrayList<>();
        for (int seed = 1; seed <= SEEDS; seed++) {
            Path out = dir.resolve("fa-" + seed);
            Cli.Outcome o = Cli.run("run", "configs/fully-adaptive.yaml", "progress=none", "checkpoint=false",
                    "seed=" + seed, "output.dir=" + out);
            assertEquals(0, o.exitCode(), o.out() + o.err());
            Map<String, Object> result = new Gson().fromJson(Files.readString(out.resolve("result.json")), Map.class);
            Map<String, Object> structure = (Map<String, Object>) result.get("structure");
            List<Map<String, Object>> rounds = (List<Map<String, Object>>) structure.get("rounds");
            // the schedule, on every seed: two widening rounds, the top stage first
            assertEquals(2, rounds.size(), "two widening rounds: " + structure);
            Map<String, Object> first = rounds.get(0);
            assertEquals(2.0, first.get("stage"), "the first round widens the top stage: " + structure);
            List<List<Double>> a = (List<List<Double>>) first.get("task_affinity");
            double within = Math.min(a.get(0).get(2), a.get(1).get(3));
            double across = Math.max(Math.max(a.get(0).get(1), a.get(0).get(3)), Math.max(a.get(2).get(1), a.get(2).get(3)));
            List<List<List<String>>> layers = (List<List<List<String>>>) structure.get("layers");
            boolean r = PLANTED.equals(first.get("groups")) && within > across && PLANTED.equals(layers.get(1));
            recovered += r ? 1 : 0;
            seeds.add("seed " + seed + ": first widening " + first.get("groups") + ", planted pairs agree " + within
                    + ", across at most " + across + ", layers " + layers);
        }
        System.out.println("FullyAdaptiveSeedsRunTest: recovered on " + recovered + " of " + SEEDS);
        assertTrue(recovered >= AT_LEAST, "the planted groups recovered on " + recovered + " of " + SEEDS
                + " seeds, expected at least " + AT_LEAST + ":\n" + String.join("\n", seeds));
    }
}
