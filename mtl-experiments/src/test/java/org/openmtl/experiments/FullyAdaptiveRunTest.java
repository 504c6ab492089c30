package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On planted task groups, fully-adaptive feature sharing's first widening separates exactly the
 * planted groups: the committed example config, trained through the command line.
 */
class FullyAdaptiveRunTest {

    @TempDir Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void theFirstBranchingSeparatesThePlantedGroups() throws Exception {
        Path out = dir.resolve("fa");
        Cli.Outcome o = Cli.run("run", "configs/fully-adaptive.yaml", "progress=none", "checkpoint=false",
                "output.dir=" + out);
        assertEquals(0, o.exitCode(), o.out() + o.err());
        Map<String, Object> result = new Gson().fromJson(Files.readString(out.resolve("result.json")), Map.class);
        Map<String, Object> structure = (Map<String, Object>) result.get("structure");
        List<Map<String, Object>> rounds = (List<Map<String, Object>>) structure.get("rounds");
        assertEquals(2, rounds.size(), "two widening rounds: " + structure);
        // the first round widens the top stage into the planted groups
        assertEquals(2.0, rounds.get(0).get("stage"));
        assertEquals(List.of(List.of("t0", "t2"), List.of("t1", "t3")), rounds.get(0).get("groups"));
        List<List<List<String>>> layers = (List<List<List<String>>>) structure.get("layers");
        assertEquals(List.of(List.of("t0", "t2"), List.of("t1", "t3")), layers.get(1));
    }
}
