package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On planted task groups, learning to branch ends with a tree that separates the planted groups: the
 * committed example config, trained through the command line for seeds 1 to 3 (each its own draw of
 * the tasks and of the network). Over seeds 1 to 10 the config gives {t0, t2} / {t1, t3} on nine;
 * seed 6 puts every task on one node.
 */
class LearnToBranchRunTest {

    @TempDir Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3})
    @SuppressWarnings("unchecked")
    void theFixedTreeSeparatesThePlantedGroups(int seed) throws Exception {
        Path out = dir.resolve("l2b-" + seed);
        Cli.Outcome o = Cli.run("run", "configs/learn-to-branch.yaml", "seed=" + seed, "progress=none", "checkpoint=false",
                "output.dir=" + out);
        assertEquals(0, o.exitCode(), o.out() + o.err());
        Map<String, Object> result = new Gson().fromJson(Files.readString(out.resolve("result.json")), Map.class);
        assertEquals("completed", result.get("status"));
        Map<String, Object> structure = (Map<String, Object>) result.get("structure");
        assertEquals(true, structure.get("fixed"), structure.toString());
        // some layer's nodes serve exactly the planted groups
        Set<Set<String>> planted = Set.of(Set.of("t0", "t2"), Set.of("t1", "t3"));
        List<List<List<String>>> layers = (List<List<List<String>>>) structure.get("layers");
        boolean separated = layers.stream().anyMatch(layer ->
                layer.stream().map(Set::copyOf).collect(Collectors.toSet()).equals(planted));
        assertTrue(separated, "no layer separates {t0, t2} from {t1, t3}: " + layers);
        // 15 epochs of search, 15 of the fixed tree
        List<Map<String, Object>> history = (List<Map<String, Object>>) result.get("history");
        assertEquals(15, history.stream().filter(h -> "search".equals(h.get("phase"))).count());
        assertEquals(15, history.stream().filter(h -> "tree".equals(h.get("phase"))).count());
        // both 8-unit nodes on 16 inputs are used, and the four linear heads: 2·(16·8 + 8) + 4·(8 + 1)
        assertEquals(2 * (16 * 8 + 8) + 4 * (8 + 1), ((Number) result.get("parameters")).intValue());
    }
}
