package org.openmtl.core.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepRunner;
import org.openmtl.core.sweep.SweepSummary;

/**
 * Synthetic sweeps for the report's Pareto section: hand-made result.json maps with test metrics of
 * mixed directions, final training losses and, for some trials, the preference they were trained
 * with; summarized by the sweep summary as a real sweep is, and handed to the report as the sweep
 * hands its trials.
 */
final class ParetoFixtures {

    private static final MtlRuntime MTL = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private ParetoFixtures() {}

    /** A task's primary metric and direction. */
    record Metric(String name, boolean higherIsBetter) {}

    /**
     * One trial.
     *
     * @param configuration the weighting it sweeps (its configuration is {@code weighting=<configuration>})
     * @param seed its seed
     * @param test its test value per task (null: a failed trial)
     * @param losses its final training loss per task
     * @param preference its preference per task, or null
     */
    record Trial(String configuration, int seed, double[] test, double[] losses, double[] preference) {}

    /** A sweep: its tasks' metrics, its trials, the summary and the report's entries. */
    record Sweep(List<String> tasks, List<Metric> metrics, List<Trial> trials, Map<String, Object> summary,
            List<HtmlReport.Entry> entries) {

        String render() {
            return HtmlReport.render("pareto", "synthetic sweep", entries, summary, null);
        }

        /** The test (or training-loss) points of a configuration's completed trials, in trial order. */
        List<double[]> points(String configuration, boolean test) {
            List<double[]> out = new ArrayList<>();
            for (Trial t : trials) {
                if (t.configuration().equals(configuration) && t.test() != null) {
                    out.add(test ? t.test() : t.losses());
                }
            }
            return out;
        }

        /** The configurations with a completed trial, in sweep order. */
        List<String> configurations() {
            return trials.stream().filter(t -> t.test() != null).map(Trial::configuration).distinct().toList();
        }

        boolean[] maximize(boolean test) {
            boolean[] m = new boolean[tasks.size()];
            for (int i = 0; i < m.length; i++) {
                m[i] = test && metrics.get(i).higherIsBetter();
            }
            return m;
        }
    }

    /**
     * Summarizes trials as a sweep does and makes the report's entries.
     *
     * @param tasks the task names
     * @param metrics each task's primary metric
     * @param trials the trials
     * @param extra further configuration keys of every trial (e.g. a reference point)
     * @return the sweep
     */
    static Sweep sweep(List<String> tasks, List<Metric> metrics, List<Trial> trials, String... extra) {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> results = new ArrayList<>();
        List<HtmlReport.Entry> entries = new ArrayList<>();
        for (Trial t : trials) {
            Map<String, Object> r = result(tasks, metrics, t);
            Map<String, String> point = new LinkedHashMap<>();
            point.put("weighting", t.configuration());
            point.put("seed", Integer.toString(t.seed()));
            Map<String, String> values = new LinkedHashMap<>(point);
            values.put("dataset", "synthetic");
            values.put("dataset.synthetic.tasks", Integer.toString(tasks.size()));
            for (String kv : extra) {
                values.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            results.add(Map.entry(new SweepRunner.ResolvedTrial(t.configuration() + t.seed(), point,
                    MTL.configure(ConfigSource.of(values))), r));
            // labels as the sweep gives them: the point, and the point without its seed for the method
            entries.add(new HtmlReport.Entry("weighting=" + t.configuration() + " seed=" + t.seed(), "weighting=" + t.configuration(), r));
        }
        return new Sweep(tasks, metrics, trials, SweepSummary.summarize(results), entries);
    }

    private static Map<String, Object> result(List<String> tasks, List<Metric> metrics, Trial t) {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> primary = new LinkedHashMap<>();
        Map<String, Object> directions = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            primary.put(tasks.get(i), Map.of("metric", metrics.get(i).name(), "higher_is_better", metrics.get(i).higherIsBetter()));
            directions.put(tasks.get(i), Map.of(metrics.get(i).name(), metrics.get(i).higherIsBetter(), "loss", false));
        }
        r.put("primary_metrics", primary);
        r.put("metric_directions", directions);
        r.put("config", Map.of("seed", Integer.toString(t.seed()), "weighting", t.configuration()));
        if (t.test() == null) {
            r.put("status", "failed");
            r.put("reason", "synthetic failure");
            return r;
        }
        r.put("status", "completed");
        Map<String, Object> test = new LinkedHashMap<>();
        Map<String, Object> train = new LinkedHashMap<>();
        Map<String, Object> validation = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            test.put(tasks.get(i), Map.of(metrics.get(i).name(), t.test()[i], "loss", 7.0));
            train.put(tasks.get(i), Map.of("loss", t.losses()[i]));
            validation.put(tasks.get(i), Map.of(metrics.get(i).name(), t.test()[i]));
        }
        r.put("tasks", test);
        r.put("history", List.of(Map.of("epoch", 1, "train", Map.of()), Map.of("epoch", 2, "train", train, "validation", validation)));
        if (t.preference() != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            for (int i = 0; i < tasks.size(); i++) {
                p.put(tasks.get(i), t.preference()[i]);
            }
            r.put("preference", p);
        }
        return r;
    }

    /**
     * Two tasks, t0 by accuracy (higher is better) and t1 by mse (lower is better), three
     * configurations. By hand: equal has 4 test points, (0.7, 0.35) dominated by (0.8, 0.2); its
     * losses (3, 3) dominated by (2, 1). static (preference 1:3) has 3 completed test points, (0.7,
     * 0.35) dominated by (0.7, 0.3), and losses (2.5, 2.5) and (2, 0.8) dominated by (1.5, 0.5). mgda
     * has two identical points, neither dominating the other.
     */
    static Sweep twoTasks(String... extra) {
        List<Trial> trials = List.of(
                new Trial("equal", 1, new double[] {0.9, 0.3}, new double[] {2, 1}, null),
                new Trial("equal", 2, new double[] {0.8, 0.2}, new double[] {1, 3}, null),
                new Trial("equal", 3, new double[] {0.6, 0.1}, new double[] {3, 3}, null),
                new Trial("equal", 4, new double[] {0.7, 0.35}, new double[] {1.5, 1.5}, null),
                new Trial("static", 1, new double[] {0.85, 0.4}, new double[] {1.5, 0.5}, new double[] {0.25, 0.75}),
                new Trial("static", 2, new double[] {0.7, 0.3}, new double[] {2.5, 2.5}, new double[] {0.25, 0.75}),
                new Trial("static", 3, new double[] {0.7, 0.35}, new double[] {2, 0.8}, new double[] {0.25, 0.75}),
                new Trial("static", 4, null, null, new double[] {0.25, 0.75}),
                new Trial("mgda", 1, new double[] {0.95, 0.5}, new double[] {0.5, 4}, null),
                new Trial("mgda", 2, new double[] {0.95, 0.5}, new double[] {0.5, 4}, null));
        return sweep(List.of("t0", "t1"), List.of(new Metric("accuracy", true), new Metric("mse", false)), trials, extra);
    }

    /**
     * {@code k} tasks (accuracy, mse, accuracy, ... alternating directions), three configurations of
     * four seeds each with values drawn from a fixed generator (two decimals), so that some points
     * are dominated and some not.
     */
    static Sweep manyTasks(int k) {
        Random random = new Random(20 + k);
        List<String> tasks = new ArrayList<>();
        List<Metric> metrics = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            tasks.add("t" + i);
            metrics.add(i % 2 == 0 ? new Metric("accuracy", true) : new Metric("mse", false));
        }
        List<Trial> trials = new ArrayList<>();
        for (String c : List.of("equal", "mgda", "nash-mtl")) {
            for (int seed = 1; seed <= 4; seed++) {
                double[] test = new double[k];
                double[] losses = new double[k];
                for (int i = 0; i < k; i++) {
                    test[i] = Math.round(100 * (0.5 + 0.4 * random.nextDouble())) / 100.0;
                    losses[i] = Math.round(100 * (0.2 + 2 * random.nextDouble())) / 100.0;
                }
                trials.add(new Trial(c, seed, test, losses, null));
            }
        }
        // a point of equal that its first point dominates in every objective
        double[] first = trials.get(0).test();
        double[] worse = first.clone();
        for (int i = 0; i < k; i++) {
            worse[i] += metrics.get(i).higherIsBetter() ? -0.05 : 0.05;
        }
        trials.add(new Trial("equal", 5, worse, trials.get(0).losses().clone(), null));
        return sweep(tasks, metrics, trials);
    }
}
