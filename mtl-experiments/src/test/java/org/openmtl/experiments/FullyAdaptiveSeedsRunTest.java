package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The planted groups are recovered on more than one seed: fully-adaptive feature sharing's first
 * widening separates exactly {t0, t2} and {t1, t3} on the committed example config with seeds 2
 * and 3 ({@link FullyAdaptiveRunTest} runs seed 1), and the affinity it measured shows why: each
 * planted pair agrees more than any pair across the groups.
 */
class FullyAdaptiveSeedsRunTest {

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    @SuppressWarnings("unchecked")
    void theFirstBranchingSeparatesThePlantedGroupsOnEverySeed(int seed) throws Exception {
        Path out = dir.resolve("fa-" + seed);
        Cli.Outcome o = Cli.run("run", "configs/fully-adaptive.yaml", "progress=none", "checkpoint=false",
                "seed=" + seed, "output.dir=" + out);
        assertEquals(0, o.exitCode(), o.out() + o.err());
        Map<String, Object> result = new Gson().fromJson(Files.readString(out.resolve("result.json")), Map.class);
        Map<String, Object> structure = (Map<String, Object>) result.get("structure");
        List<Map<String, Object>> rounds = (List<Map<String, Object>>) structure.get("rounds");
        Map<String, Object> first = rounds.get(0);
        assertEquals(2.0, first.get("stage"), "the first round widens the top stage: " + structure);
        assertEquals(List.of(List.of("t0", "t2"), List.of("t1", "t3")), first.get("groups"), "seed " + seed);
        List<List<Double>> a = (List<List<Double>>) first.get("task_affinity");
        double within = Math.min(a.get(0).get(2), a.get(1).get(3));
        double across = Math.max(Math.max(a.get(0).get(1), a.get(0).get(3)), Math.max(a.get(2).get(1), a.get(2).get(3)));
        assertTrue(within > across, "planted pairs agree " + within + ", across at most " + across);
    }
}
