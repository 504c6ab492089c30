package org.openmtl.core.weak;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.core.result.OutputWriteException;
import org.openmtl.core.result.ResultFiles;

/**
 * {@code ./mtl weak weak.seeds=1,2,3}: the same weak supervision run once per seed, each in
 * {@code <output.dir>/seed-<s>/} with its own weak.json, then {@code weak-summary.json} and
 * {@code weak-summary.md} in output.dir: every number of the runs' weak.json (label-model accuracy
 * per task and split, each source's estimated accuracy and its error against the planted one, the
 * end model's test metrics) as mean, sample standard deviation, minimum and maximum over the seeds.
 * A claim about a stochastic method is then a mean with its spread, not one draw.
 */
public final class WeakSeeds {

    private final WeakRunner runner;

    /**
     * Creates the repeated run.
     *
     * @param runner runs one seed
     */
    public WeakSeeds(WeakRunner runner) {
        this.runner = runner;
    }

    /**
     * The seeds of {@code weak.seeds}, empty when the key is unset.
     *
     * @param source the configuration
     * @return the seeds in the order given
     * @throws ConfigException for a value that is not distinct whole numbers separated by commas
     */
    public static List<Long> seeds(ConfigSource source) {
        String value = source.values().getOrDefault(RunKeys.WEAK_SEEDS, "").trim();
        if (value.isEmpty()) {
            return List.of();
        }
        Set<Long> seeds = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            try {
                if (!seeds.add(Long.parseLong(part.trim()))) {
                    throw new ConfigException(RunKeys.WEAK_SEEDS + ": seed " + part.trim() + " is given twice in '"
                            + value + "'; expected distinct seeds (set in " + source.origin(RunKeys.WEAK_SEEDS) + ")");
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(RunKeys.WEAK_SEEDS + ": '" + part.trim() + "' in '" + value + "' is not a whole"
                        + " number; expected seeds separated by commas, e.g. 1,2,3,4,5 (set in "
                        + source.origin(RunKeys.WEAK_SEEDS) + ")", e);
            }
        }
        return List.copyOf(seeds);
    }

    /**
     * Runs every seed, then writes the summary over them.
     *
     * @param source the configuration, with {@code weak.seeds} set
     * @param seeds the seeds, from {@link #seeds}
     * @param commandLine the command, recorded in every weak.json and the summary
     * @return the content of weak-summary.json
     */
    public Map<String, Object> run(ConfigSource source, List<Long> seeds, String commandLine) {
        if (source.values().containsKey(RunKeys.SEED)) {
            throw new ConfigException(RunKeys.SEED + " and " + RunKeys.WEAK_SEEDS + " are both set; weak.seeds gives"
                    + " each run its seed, so leave seed unset (set in " + source.origin(RunKeys.SEED) + ")");
        }
        Path output = Path.of(source.values().getOrDefault(RunKeys.OUTPUT_DIR, "runs/weak"));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (long seed : seeds) {
            Map<String, String> values = new LinkedHashMap<>(source.values());
            values.remove(RunKeys.WEAK_SEEDS);
            values.put(RunKeys.SEED, Long.toString(seed));
            values.put(RunKeys.OUTPUT_DIR, output.resolve("seed-" + seed).toString());
            runs.add(runner.run(source.withValues(values), commandLine + " (seed " + seed + ")"));
        }
        Map<String, Object> summary = summary(commandLine, seeds, runs);
        try {
            ResultFiles.writeJson(output.resolve("weak-summary.json"), summary);
            DurableFiles.writeString(output.resolve("weak-summary.md"), markdown(summary));
        } catch (IOException e) {
            throw new OutputWriteException("the summary over the seeds", output.resolve("weak-summary.json"), e,
                    "each seed's weak.json is in its seed-<s> directory");
        }
        return summary;
    }

    /**
     * The summary of the runs of several seeds.
     *
     * @param commandLine the command
     * @param seeds the seeds, in the runs' order
     * @param runs each seed's weak.json content
     * @return {@code {"command", "seeds", "status", "label_model", "dependencies", "label_model_accuracy":
     *     {split: {task: {measure: stats}}}, "sources": [{"name", "estimated_accuracy", "planted_accuracy",
     *     "abs_error"}], "end_model_test": {task: {metric: stats}}}}, each stats {"mean", "std", "min",
     *     "max", "n", "values"}
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(String commandLine, List<Long> seeds, List<Map<String, Object>> runs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", commandLine);
        out.put("seeds", seeds);
        out.put("status", runs.stream().allMatch(r -> "completed".equals(r.get("status"))) ? "completed" : "failed");
        Map<String, Object> firstModel = (Map<String, Object>) runs.get(0).get("label_model");
        out.put("label_model", firstModel.get("name"));
        out.put("dependencies", firstModel.get("dependencies"));
        Map<String, Object> accuracy = new LinkedHashMap<>();
        for (String split : List.of("train", "test")) {
            if (firstModel.get(split) == null) {
                continue;
            }
            Map<String, Object> byTask = new LinkedHashMap<>();
            ((Map<String, Map<String, Object>>) firstModel.get(split)).forEach((task, scores) -> {
                Map<String, Object> byMeasure = new LinkedHashMap<>();
                for (String measure : List.of("accuracy_covered", "accuracy_all")) {
                    byMeasure.put(measure, stats(runs.stream().map(r -> ((Map<String, Map<String, Object>>)
                            ((Map<String, Object>) r.get("label_model")).get(split)).get(task).get(measure)).toList()));
                }
                byTask.put(task, byMeasure);
            });
            accuracy.put(split, byTask);
        }
        out.put("label_model_accuracy", accuracy);
        List<Map<String, Object>> sources = new ArrayList<>();
        List<Map<String, Object>> firstSources = (List<Map<String, Object>>) runs.get(0).get("sources");
        for (int j = 0; j < firstSources.size(); j++) {
            int index = j;
            List<Map<String, Object>> each = runs.stream()
                    .map(r -> ((List<Map<String, Object>>) r.get("sources")).get(index)).toList();
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("name", firstSources.get(j).get("name"));
            source.put("coverage", stats(each.stream().map(s -> s.get("coverage")).toList()));
            source.put("estimated_accuracy", stats(each.stream().map(s -> s.get("estimated_accuracy")).toList()));
            if (firstSources.get(j).containsKey("planted_accuracy")) {
                source.put("planted_accuracy", stats(each.stream().map(s -> s.get("planted_accuracy")).toList()));
                source.put("abs_error", stats(each.stream().map(s -> s.get("error") instanceof Number n
                        ? Math.abs(n.doubleValue()) : null).toList()));
            }
            sources.add(source);
        }
        out.put("sources", sources);
        Map<String, Object> end = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) ((Map<String, Object>) runs.get(0).get("end_model")).get("test"))
                .forEach((task, metrics) -> {
                    Map<String, Object> byMetric = new LinkedHashMap<>();
                    metrics.keySet().forEach(metric -> byMetric.put(metric, stats(runs.stream()
                            .map(r -> ((Map<String, Map<String, Object>>) ((Map<String, Object>) r.get("end_model"))
                                    .get("test")).getOrDefault(task, Map.of()).get(metric)).toList())));
                    end.put(task, byMetric);
                });
        out.put("end_model_test", end);
        return out;
    }

    /** Mean, sample standard deviation, minimum and maximum of the numbers among the values (others are left out). */
    static Map<String, Object> stats(List<?> values) {
        List<Double> numbers = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                numbers.add(n.doubleValue());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        int n = numbers.size();
        double mean = numbers.stream().mapToDouble(Double::doubleValue).sum() / Math.max(1, n);
        double squares = numbers.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        out.put("mean", n == 0 ? null : mean);
        out.put("std", n < 2 ? null : Math.sqrt(squares / (n - 1)));
        out.put("min", n == 0 ? null : numbers.stream().mapToDouble(Double::doubleValue).min().getAsDouble());
        out.put("max", n == 0 ? null : numbers.stream().mapToDouble(Double::doubleValue).max().getAsDouble());
        out.put("n", n);
        out.put("values", numbers);
        return out;
    }

    /**
     * The summary as Markdown tables, each number as mean ± standard deviation [minimum, maximum].
     *
     * @param summary the content of weak-summary.json
     * @return the page
     */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> summary) {
        StringBuilder sb = new StringBuilder("# Weak supervision over seeds\n\n");
        sb.append("`").append(summary.get("command")).append("`\n\nLabel model `").append(summary.get("label_model"))
                .append("`, dependencies given: ").append(summary.get("dependencies")).append("; seeds ")
                .append(summary.get("seeds")).append(" (status ").append(summary.get("status"))
                .append("). Each cell: mean ± standard deviation [min, max] over the seeds.\n\n");
        Map<String, Map<String, Map<String, Map<String, Object>>>> accuracy =
                (Map<String, Map<String, Map<String, Map<String, Object>>>>) summary.get("label_model_accuracy");
        accuracy.forEach((split, byTask) -> {
            sb.append("## Label model on the ").append(split).append(" split\n\n| task | accuracy (voted-on examples) |"
                    + " accuracy (all) |\n|---|---|---|\n");
            byTask.forEach((task, m) -> sb.append("| ").append(task).append(" | ").append(cell(m.get("accuracy_covered")))
                    .append(" | ").append(cell(m.get("accuracy_all"))).append(" |\n"));
            sb.append('\n');
        });
        List<Map<String, Object>> sources = (List<Map<String, Object>>) summary.get("sources");
        boolean planted = sources.stream().anyMatch(s -> s.containsKey("planted_accuracy"));
        sb.append("## Sources\n\n| source | coverage | estimated accuracy |")
                .append(planted ? " planted accuracy | \\|estimated − planted\\| |\n|---|---|---|---|---|\n"
                        : "\n|---|---|---|\n");
        for (Map<String, Object> s : sources) {
            sb.append("| ").append(s.get("name")).append(" | ").append(cell(s.get("coverage"))).append(" | ")
                    .append(cell(s.get("estimated_accuracy")));
            if (planted) {
                sb.append(" | ").append(cell(s.get("planted_accuracy"))).append(" | ").append(cell(s.get("abs_error")));
            }
            sb.append(" |\n");
        }
        sb.append("\n## End model on the test split\n\n| task | metric | value |\n|---|---|---|\n");
        ((Map<String, Map<String, Object>>) summary.get("end_model_test")).forEach((task, metrics) -> metrics.forEach(
                (metric, s) -> sb.append("| ").append(task).append(" | ").append(metric).append(" | ").append(cell(s))
                        .append(" |\n")));
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static String cell(Object stats) {
        if (!(stats instanceof Map<?, ?> m) || m.get("mean") == null) {
            return "n/a";
        }
        Map<String, Object> s = (Map<String, Object>) m;
        return String.format(Locale.ROOT, "%.4f", ((Number) s.get("mean")).doubleValue())
                + (s.get("std") == null ? "" : String.format(Locale.ROOT, " ± %.4f", ((Number) s.get("std")).doubleValue()))
                + String.format(Locale.ROOT, " [%.4f, %.4f]", ((Number) s.get("min")).doubleValue(),
                        ((Number) s.get("max")).doubleValue());
    }
}
