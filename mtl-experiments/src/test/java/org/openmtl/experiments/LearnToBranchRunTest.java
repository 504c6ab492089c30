package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On planted task groups, learning to branch ends with a tree that separates the planted groups on
 * most seeds: the committed example config, trained through the command line for seeds 1 to 20
 * (each its own draw of the tasks and of the network). The claim is a rate over the seeds, not a
 * property of every seed (DESIGN.md 4b).
 *
 * <p>Measured with this config at the revision that introduced this test, seeds 1-30, one run per
 * seed in its own JVM with MALLOC_PERTURB_=255 (the environment the tests run in), {@code ./mtl run
 * mtl-experiments/configs/learn-to-branch.yaml seed=N} (table in docs/results/adaptive.md): a layer
 * whose nodes serve exactly {t0, t2} and {t1, t3} on 18 of 30 seeds (seeds 1-10: 9; seeds 1-20:
 * 15); the others put every task on one node or pair a task across the groups. Threshold: at least
 * 7 of 20. A method at the measured rate (0.6) falls below it with probability 0.7% (binomial); a
 * tree unrelated to the tasks (each head reading one of the two nodes at random: 2/16 per seed)
 * reaches it with probability 0.8%. Ten seeds would not separate the two (at 0.6 and 2/16 the best
 * threshold of 10, 4, leaves 5% and 3%); a learn-to-branch run of this config takes about 2
 * seconds.
 */
class LearnToBranchRunTest {

    private static final int SEEDS = 20;
    private static final int AT_LEAST = 7;

    @TempDir Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void theFixedTreeSeparatesThePlantedGroupsOnMostSeeds() throws Exception {
        Set<Set<String>> planted = Set.of(Set.of("t0", "t2"), Set.of("t1", "t3"));
        int separated = 0;
        List<String> trees = new ArrayList<>();
        for (int seed = 1; seed <= SEEDS; seed++) {
            Path out = dir.resolve("l2b-" + seed);
            Cli.Outcome o = Cli.run("run", "configs/learn-to-branch.yaml", "seed=" + seed, "progress=none",
                    "checkpoint=false", "output.dir=" + out);
            assertEquals(0, o.exitCode(), o.out() + o.err());
            Map<String, Object> result = new Gson().fromJson(Files.readString(out.resolve("result.json")), Map.class);
            assertEquals("completed", result.get("status"));
            Map<String, Object> structure = (Map<String, Object>) result.get("structure");
            assertEquals(true, structure.get("fixed"), structure.toString());
            // 15 epochs of search, 15 of the fixed tree, on every seed
            List<Map<String, Object>> history = (List<Map<String, Object>>) result.get("history");
            assertEquals(15, history.stream().filter(h -> "search".equals(h.get("phase"))).count());
            assertEquals(15, history.stream().filter(h -> "tree".equals(h.get("phase"))).count());
            List<List<List<String>>> layers = (List<List<List<String>>>) structure.get("layers");
            boolean s = layers.stream().anyMatch(layer ->
                    layer.stream().map(Set::copyOf).collect(Collectors.toSet()).equals(planted));
            if (s) {
                separated++;
                // both 8-unit nodes on 16 inputs are used, and the four linear heads: 2·(16·8 + 8) + 4·(8 + 1)
                assertEquals(2 * (16 * 8 + 8) + 4 * (8 + 1), ((Number) result.get("parameters")).intValue());
            }
            trees.add("seed " + seed + ": " + layers);
        }
        System.out.println("LearnToBranchRunTest: separated on " + separated + " of " + SEEDS);
        assertTrue(separated >= AT_LEAST, "the tree separates {t0, t2} from {t1, t3} on " + separated + " of " + SEEDS
                + " seeds, expected at least " + AT_LEAST + ":\n" + String.join("\n", trees));
    }
}
