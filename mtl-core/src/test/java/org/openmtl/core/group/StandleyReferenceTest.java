package org.openmtl.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.Gson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Standley et al.'s network selection against the authors' code (src/test/resources/reference/standley:
 * generate.py ran their network_selection/main.cpp at a pinned commit through driver.cpp on three
 * five-task loss tables): half-size single-task networks at cost 0.5 beside full-size networks at
 * cost 1, budgets 1 to 5 in steps of 0.5, the choice made on validation losses, from the trained
 * networks and from the higher-order approximation from pairs, then scored on the test losses. The
 * same networks, and the same validation and test totals at 1e-5 relative.
 */
class StandleyReferenceTest {

    @Test
    @SuppressWarnings("unchecked")
    void theChosenNetworksAndTheirTestLossesAreTheAuthors() throws Exception {
        Map<String, Object> expected;
        try (InputStream in = getClass().getResourceAsStream("/reference/standley/expected.json")) {
            assertNotNull(in, "reference/standley/expected.json");
            expected = new Gson().fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.class);
        }
        int checked = 0;
        for (Map<String, Object> c : (List<Map<String, Object>>) expected.get("cases")) {
            int t = ((Number) c.get("tasks")).intValue();
            List<List<Number>> subsets = (List<List<Number>>) c.get("subsets");
            List<TaskGrouping.Candidate> validation = candidates(t, subsets, (Map<String, Object>) c.get("validation"), false);
            List<TaskGrouping.Candidate> approximated = candidates(t, subsets, (Map<String, Object>) c.get("validation"), true);
            List<TaskGrouping.Candidate> test = candidates(t, subsets, (Map<String, Object>) c.get("test"), false);
            for (Map<String, Object> choice : (List<Map<String, Object>>) c.get("choices")) {
                double budget = ((Number) choice.get("budget")).doubleValue();
                boolean hoa = choice.get("method").equals("hoa");
                List<TaskGrouping.Candidate> pool = hoa ? approximated : validation;
                TaskGrouping.Choice ours = TaskGrouping.choose(t, pool, budget);
                String what = "seed " + c.get("seed") + " " + choice.get("method") + " budget " + budget;
                Set<String> chosen = Arrays.stream(ours.chosen()).mapToObj(i -> key(pool.get(i))).collect(Collectors.toSet());
                Set<String> want = ((List<Map<String, Object>>) choice.get("networks")).stream()
                        .map(n -> key(mask((List<Number>) n.get("tasks")), ((Number) n.get("cost")).doubleValue()))
                        .collect(Collectors.toSet());
                assertEquals(want, chosen, what);
                double val = ((Number) choice.get("validation_loss")).doubleValue();
                assertEquals(val, ours.loss(), 1e-5 * val, what + ": validation total");
                double onTest = ((Number) choice.get("test_loss")).doubleValue();
                assertEquals(onTest, TaskGrouping.value(t, test, ours.chosen()), 1e-5 * onTest, what + ": test total");
                checked++;
            }
        }
        assertEquals(3 * 2 * 9, checked);
    }

    /** The half-size singles (cost 0.5), then one full-size network per subset (cost 1). */
    @SuppressWarnings("unchecked")
    private static List<TaskGrouping.Candidate> candidates(int t, List<List<Number>> subsets, Map<String, Object> table,
            boolean fromPairs) {
        List<TaskGrouping.Candidate> out = new ArrayList<>();
        List<Number> half = (List<Number>) table.get("half");
        for (int a = 0; a < t; a++) {
            double[] losses = nan(t);
            losses[a] = half.get(a).doubleValue();
            out.add(new TaskGrouping.Candidate(1L << a, losses, 0.5));
        }
        List<List<Number>> networks = (List<List<Number>>) table.get("networks");
        double[][] pair = new double[t][t];
        for (int n = 0; n < subsets.size(); n++) {
            if (subsets.get(n).size() == 2) {
                int a = subsets.get(n).get(0).intValue();
                int b = subsets.get(n).get(1).intValue();
                pair[a][b] = networks.get(n).get(a).doubleValue();
                pair[b][a] = networks.get(n).get(b).doubleValue();
            }
        }
        for (int n = 0; n < subsets.size(); n++) {
            long set = mask(subsets.get(n));
            double[] losses = nan(t);
            if (fromPairs && Long.bitCount(set) > 2) {
                losses = TaskGrouping.estimateFromPairs(t, pair, set);
            } else {
                for (int a = 0; a < t; a++) {
                    if ((set & (1L << a)) != 0) {
                        losses[a] = networks.get(n).get(a).doubleValue();
                    }
                }
            }
            out.add(new TaskGrouping.Candidate(set, losses, 1.0));
        }
        return out;
    }

    private static double[] nan(int t) {
        double[] v = new double[t];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    private static long mask(List<Number> tasks) {
        long m = 0;
        for (Number n : tasks) {
            m |= 1L << n.intValue();
        }
        return m;
    }

    private static String key(TaskGrouping.Candidate c) {
        return key(c.tasks(), c.cost());
    }

    private static String key(long tasks, double cost) {
        return Long.toBinaryString(tasks) + "@" + cost;
    }
}
