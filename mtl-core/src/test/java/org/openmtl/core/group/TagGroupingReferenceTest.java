package org.openmtl.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.Gson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * TAG's grouping from fixed inter-task affinities against the authors' network-selection code
 * (src/test/resources/reference/tag-grouping: generate.py ran their selection cells at a pinned
 * commit on the authors' Taskonomy affinities and two random 6-task matrices, with at most 1, 2
 * and 3 groups): the same groups and the same mean best in-group affinity, at 1e-5 relative.
 */
class TagGroupingReferenceTest {

    @Test
    @SuppressWarnings("unchecked")
    void theChosenGroupsAreTheAuthorsSelection() throws Exception {
        Map<String, Object> expected;
        try (InputStream in = getClass().getResourceAsStream("/reference/tag-grouping/expected.json")) {
            assertNotNull(in, "reference/tag-grouping/expected.json");
            expected = new Gson().fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.class);
        }
        List<Map<String, Object>> cases = (List<Map<String, Object>>) expected.get("cases");
        assertEquals(9, cases.size());
        for (Map<String, Object> c : cases) {
            List<String> tasks = (List<String>) c.get("tasks");
            List<List<Number>> rows = (List<List<Number>>) c.get("lookahead");
            double[][] lookahead = rows.stream().map(r -> r.stream().mapToDouble(Number::doubleValue).toArray())
                    .toArray(double[][]::new);
            int splits = ((Number) c.get("groups_at_most")).intValue();
            List<TaskGrouping.Candidate> candidates = TaskGrouping.tagCandidates(lookahead);
            TaskGrouping.Choice choice = TaskGrouping.choose(tasks.size(), candidates, splits);
            Set<Set<String>> chosen = Arrays.stream(choice.chosen())
                    .mapToObj(i -> Set.copyOf(TaskGrouping.names(tasks, candidates.get(i).tasks())))
                    .collect(Collectors.toSet());
            Set<Set<String>> want = ((List<List<String>>) c.get("groups")).stream().map(Set::copyOf)
                    .collect(Collectors.toSet());
            String what = c.get("name") + " with at most " + splits + " groups";
            assertEquals(want, chosen, what);
            double mean = ((Number) c.get("mean_affinity")).doubleValue();
            assertEquals(mean, -choice.loss() / tasks.size(), 1e-5 * Math.abs(mean), what);
        }
    }
}
