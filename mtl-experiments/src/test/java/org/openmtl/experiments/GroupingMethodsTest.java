package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mtl group} beyond the default: TAG's grouping from one run's lookahead affinities, and
 * Standley's with half-size single-task networks and the early-stopping approximation, each scored
 * on test by fully trained networks.
 */
class GroupingMethodsTest {

    private static final String[] SHORT = {"configs/grouping.yaml", "sweep.seed=1", "epochs=5", "progress=none",
        "executor=inline"};

    @TempDir Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void tagChoosesTheGroupsThatMaximizeTheAffinityOntoEachTask() throws Exception {
        Path out = dir.resolve("tag");
        Cli.Outcome o = Cli.run(args("grouping.method=tag", "output.dir=" + out));
        assertEquals(0, o.exitCode(), o.out() + o.err());
        Map<String, Object> g = new Gson().fromJson(Files.readString(out.resolve("grouping.json")), Map.class);
        assertEquals("tag", g.get("method"));
        Map<String, Map<String, Double>> z = (Map<String, Map<String, Double>>) g.get("lookahead");
        List<String> tasks = List.of("t0", "t1", "t2", "t3");
        // brute force over every choice of one or two groups, scored as the paper defines it
        List<Set<String>> subsets = new ArrayList<>();
        for (int m = 1; m < 16; m++) {
            Set<String> s = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                if ((m & (1 << i)) != 0) {
                    s.add(tasks.get(i));
                }
            }
            subsets.add(s);
        }
        double best = Double.NEGATIVE_INFINITY;
        Set<Set<Set<String>>> argmax = new HashSet<>();
        for (int a = 0; a < subsets.size(); a++) {
            for (int b = a; b < subsets.size(); b++) {
                List<Set<String>> choice = a == b ? List.of(subsets.get(a)) : List.of(subsets.get(a), subsets.get(b));
                double total = 0;
                for (String task : tasks) {
                    double taskBest = Double.NEGATIVE_INFINITY;
                    for (Set<String> group : choice) {
                        if (group.contains(task)) {
                            double score = group.size() == 1 ? -1e6 : group.stream().filter(x -> !x.equals(task))
                                    .mapToDouble(x -> z.get(x).get(task)).sum() / (group.size() - 1);
                            taskBest = Math.max(taskBest, score);
                        }
                    }
                    total += taskBest;
                }
                if (total > best + 1e-12) {
                    best = total;
                    argmax.clear();
                }
                if (Math.abs(total - best) <= 1e-12) {
                    argmax.add(Set.copyOf(choice));
                }
            }
        }
        Set<Set<String>> chosen = ((List<List<String>>) g.get("groups")).stream().map(Set::copyOf).collect(Collectors.toSet());
        assertTrue(argmax.contains(chosen), "chosen " + chosen + ", best " + argmax);
        assertEquals(best / 4, (Double) g.get("affinity"), 1e-9);
        Map<String, Object> test = (Map<String, Object>) g.get("test");
        assertTrue((Double) test.get("loss") > 0, "the chosen groups' networks were trained and scored on test");
        assertTrue(o.out().contains("total test loss"), o.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void standleyWithHalfSizeNetworksAndEarlyStoppingScoresTheChoiceOnFullyTrainedNetworks() throws Exception {
        Path out = dir.resolve("esa");
        Cli.Outcome o = Cli.run(args("grouping.half=architecture.hard-sharing.mlp.hidden=4", "grouping.early.stop=0.4",
                "grouping.budget=2.5", "output.dir=" + out));
        assertEquals(0, o.exitCode(), o.out() + o.err());
        Map<String, Object> g = new Gson().fromJson(Files.readString(out.resolve("grouping.json")), Map.class);
        Map<String, Map<String, Object>> subsets = (Map<String, Map<String, Object>>) g.get("subsets");
        assertEquals(15 + 4, subsets.size(), "every subset and a half-size network per task");
        assertEquals(0.5, (Double) subsets.get("t0-half").get("cost"));
        assertEquals(1.0, (Double) subsets.get("t0").get("cost"));
        assertTrue((Double) g.get("cost") <= 2.5);
        assertTrue(((String) g.get("metric")).contains("2 of 5 epochs"), (String) g.get("metric"));
        // the selection trained for 2 epochs, the test scores come from 5-epoch networks
        Set<Object> epochs = new HashSet<>();
        Set<Object> hidden = new HashSet<>();
        try (Stream<Path> trials = Files.list(out.resolve("trials"))) {
            for (Path trial : trials.toList()) {
                Map<String, Object> r = new Gson().fromJson(Files.readString(trial.resolve("result.json")), Map.class);
                Map<String, Object> config = (Map<String, Object>) r.get("config");
                epochs.add(String.valueOf(config.get("epochs")));
                hidden.add(String.valueOf(config.get("architecture.hard-sharing.mlp.hidden")));
            }
        }
        assertEquals(Set.of("2", "5"), epochs.stream().map(e -> e.toString().replace(".0", "")).collect(Collectors.toSet()));
        assertTrue(hidden.size() == 2, "full-size and half-size networks: " + hidden);
        assertTrue(g.get("test") instanceof Map, "scored on test");

        Cli.Outcome bad = Cli.run(args("grouping.half=nonsense", "output.dir=" + dir.resolve("bad")));
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("grouping.half"), bad.err());
    }

    private static String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of("group"));
        a.addAll(List.of(SHORT));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }
}
