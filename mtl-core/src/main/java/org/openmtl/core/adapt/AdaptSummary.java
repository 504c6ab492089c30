package org.openmtl.core.adapt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Aggregates an adaptation's trials over draws (per k and mode: the test primary metric's mean,
 * sample standard deviation, range; how many draws reached the target and their median steps) and
 * renders them as a table for the terminal and as {@code adapt.md}.
 */
public final class AdaptSummary {

    private AdaptSummary() {}

    /**
     * One row per (k, mode), in the order the trials ran.
     *
     * @param entries the trials, as in adapt.json (the primary metric first in each one's test metrics)
     * @return the rows
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> aggregate(List<Map<String, Object>> entries) {
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (Map<String, Object> e : entries) {
            groups.computeIfAbsent(e.get("k") + "/" + e.get("mode"), g -> new ArrayList<>()).add(e);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (List<Map<String, Object>> group : groups.values()) {
            Map<String, Object> first = group.get(0);
            Map<String, Double> metrics = (Map<String, Double>) first.get("test");
            String primary = metrics.keySet().iterator().next();
            double[] values = group.stream().mapToDouble(e -> ((Map<String, Double>) e.get("test")).get(primary)).toArray();
            List<Integer> reached = new ArrayList<>();
            for (Map<String, Object> e : group) {
                if (e.get("steps_to_target") != null) {
                    reached.add((Integer) e.get("steps_to_target"));
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("k", first.get("k"));
            row.put("mode", first.get("mode"));
            row.put("draws", group.size());
            row.put("metric", primary);
            row.put("mean", mean(values));
            row.put("std", values.length > 1 ? sampleStd(values) : null);
            row.put("min", Arrays.stream(values).min().orElse(Double.NaN));
            row.put("max", Arrays.stream(values).max().orElse(Double.NaN));
            row.put("reached", reached.size());
            row.put("steps_to_target_median", reached.isEmpty() ? null : median(reached));
            rows.add(row);
        }
        return rows;
    }

    /**
     * Per mode, the mean cost of one trial: examples passed through the trunk and seconds.
     *
     * @param entries the trials
     * @param modes the modes
     * @return mode to its cost
     */
    static Map<String, Object> cost(List<Map<String, Object>> entries, List<AdaptMode> modes) {
        Map<String, Object> cost = new LinkedHashMap<>();
        for (AdaptMode mode : modes) {
            List<Map<String, Object>> trials = entries.stream().filter(e -> mode.key().equals(e.get("mode"))).toList();
            if (trials.isEmpty()) {
                continue;
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("trials", trials.size());
            c.put("trunk_forward_examples_per_trial",
                    mean(trials.stream().mapToDouble(e -> ((Number) e.get("trunk_forward_examples")).doubleValue()).toArray()));
            c.put("seconds_per_trial", Math.round(1000 * mean(trials.stream()
                    .mapToDouble(e -> ((Number) e.get("seconds")).doubleValue()).toArray())) / 1000.0);
            cost.put(mode.key(), c);
        }
        return cost;
    }

    /**
     * The terminal table: the test primary metric and the steps to target, k by mode.
     *
     * @param result adapt.json's content
     * @return the table, with a trailing newline
     */
    @SuppressWarnings("unchecked")
    public static String table(Map<String, Object> result) {
        List<String> modes = modes(result);
        Map<String, Object> metric = (Map<String, Object>) result.get("metric");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-6s", "k"));
        for (String m : modes) {
            sb.append(String.format(Locale.ROOT, "  %-24s", m + " " + metric.get("name")));
        }
        for (String m : modes) {
            sb.append(String.format(Locale.ROOT, "  %-18s", m + " steps"));
        }
        sb.append('\n');
        for (Object k : ks(result)) {
            sb.append(String.format(Locale.ROOT, "%-6s", k));
            for (String m : modes) {
                sb.append(String.format(Locale.ROOT, "  %-24s", metricCell(row(result, k, m))));
            }
            for (String m : modes) {
                sb.append(String.format(Locale.ROOT, "  %-18s", stepsCell(row(result, k, m))));
            }
            sb.append('\n');
        }
        sb.append("steps: median steps to ").append(metric.get("name"))
                .append(Boolean.TRUE.equals(metric.get("higher_is_better")) ? " >= " : " <= ")
                .append(number(((Number) metric.get("target")).doubleValue()))
                .append(" over the draws that reach it (reached/draws)\n");
        return sb.toString();
    }

    /**
     * {@code adapt.md}: what was adapted, how, the two tables and the cost per trial.
     *
     * @param result adapt.json's content
     * @return the Markdown page
     */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> result) {
        Map<String, Object> source = (Map<String, Object>) result.get("source");
        Map<String, Object> settings = (Map<String, Object>) result.get("settings");
        Map<String, Object> metric = (Map<String, Object>) result.get("metric");
        Map<String, Object> evaluation = (Map<String, Object>) result.get("evaluation");
        List<String> modes = modes(result);
        String name = (String) metric.get("name");
        StringBuilder sb = new StringBuilder();
        sb.append("# Adapting to task `").append(result.get("task")).append("`\n\n");
        sb.append("Trunk: the run in `").append(source.get("run")).append('`');
        if (source.containsKey("trial")) {
            sb.append(" (sweep trial `").append(source.get("trial")).append("`)");
        }
        sb.append(": dataset `").append(source.get("dataset")).append("`, architecture `").append(source.get("architecture"))
                .append("`, weighting `").append(source.get("weighting")).append("`, trained on ")
                .append(String.join(", ", ((List<String>) source.get("trained_tasks")).stream().map(t -> "`" + t + "`").toList()))
                .append(", seed ").append(source.get("seed")).append(".\n\n");
        sb.append("Head: ").append(settings.get("adapt.probe")).append(" probe on the ").append(result.get("representation_width"))
                .append("-wide representation, the same in every mode; ").append(settings.get("adapt.steps")).append(" steps of `")
                .append(settings.get("optimizer")).append("`, batch ").append(settings.get("adapt.batch.size"))
                .append("; k examples of each of the ").append(result.get("classes"))
                .append(" classes drawn from the training split, ").append(settings.get("adapt.draws"))
                .append(" draws per k (adapt.seed ").append(settings.get("adapt.seed")).append(").\n\n");
        sb.append("Command: `").append(result.get("command")).append("`\n\n");
        sb.append("## Test ").append(name).append(" (mean ± sample standard deviation over draws; ")
                .append(evaluation.get("test_examples")).append(" test examples)\n\n");
        header(sb, modes);
        for (Object k : ks(result)) {
            sb.append("| ").append(k).append(" |");
            for (String m : modes) {
                sb.append(' ').append(metricCell(row(result, k, m))).append(" |");
            }
            sb.append('\n');
        }
        sb.append("\n## Steps to ").append(name).append(Boolean.TRUE.equals(metric.get("higher_is_better")) ? " ≥ " : " ≤ ")
                .append(number(((Number) metric.get("target")).doubleValue()))
                .append(" (median over the draws that reach it; reached/draws)\n\n")
                .append("Measured on ").append(evaluation.get("curve_examples")).append(' ').append(evaluation.get("curve_split"))
                .append(" examples before training and every ").append(evaluation.get("every")).append(" steps.\n\n");
        header(sb, modes);
        for (Object k : ks(result)) {
            sb.append("| ").append(k).append(" |");
            for (String m : modes) {
                sb.append(' ').append(stepsCell(row(result, k, m))).append(" |");
            }
            sb.append('\n');
        }
        Map<String, Object> cost = (Map<String, Object>) result.get("cost");
        sb.append("\n## Cost per trial\n\n| mode | examples through the trunk | seconds |\n|---|---:|---:|\n");
        for (String m : modes) {
            Map<String, Object> c = (Map<String, Object>) cost.get(m);
            if (c == null) {
                continue;
            }
            sb.append("| ").append(m).append(" | ")
                    .append(Math.round(((Number) c.get("trunk_forward_examples_per_trial")).doubleValue())).append(" | ")
                    .append(number(((Number) c.get("seconds_per_trial")).doubleValue())).append(" |\n");
        }
        Map<String, Object> once = (Map<String, Object>) cost.get("frozen_features_once");
        if (once != null) {
            sb.append("\nfrozen: the trunk's features of the curve and test examples were computed once for all trials (")
                    .append(once.get("trunk_forward_examples")).append(" examples, ").append(once.get("seconds"))
                    .append(" s); a frozen trial passes only its draw's examples through the trunk, once.\n");
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, List<String> modes) {
        sb.append("| k |");
        modes.forEach(m -> sb.append(' ').append(m).append(" |"));
        sb.append("\n|---:|");
        modes.forEach(m -> sb.append("---|"));
        sb.append('\n');
    }

    @SuppressWarnings("unchecked")
    private static List<String> modes(Map<String, Object> result) {
        List<String> modes = new ArrayList<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) result.get("summary")) {
            if (!modes.contains((String) row.get("mode"))) {
                modes.add((String) row.get("mode"));
            }
        }
        return modes;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> ks(Map<String, Object> result) {
        List<Object> ks = new ArrayList<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) result.get("summary")) {
            if (!ks.contains(row.get("k"))) {
                ks.add(row.get("k"));
            }
        }
        return ks;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(Map<String, Object> result, Object k, String mode) {
        for (Map<String, Object> row : (List<Map<String, Object>>) result.get("summary")) {
            if (row.get("k").equals(k) && row.get("mode").equals(mode)) {
                return row;
            }
        }
        return null;
    }

    private static String metricCell(Map<String, Object> row) {
        if (row == null) {
            return "";
        }
        Object std = row.get("std");
        return String.format(Locale.ROOT, "%.4f", ((Number) row.get("mean")).doubleValue())
                + (std == null ? "" : String.format(Locale.ROOT, " ± %.4f", ((Number) std).doubleValue()));
    }

    private static String stepsCell(Map<String, Object> row) {
        if (row == null) {
            return "";
        }
        Object median = row.get("steps_to_target_median");
        return (median == null ? "—" : number(((Number) median).doubleValue())) + " (" + row.get("reached") + "/"
                + row.get("draws") + ")";
    }

    /**
     * A number as short as it reads: whole numbers without a fraction.
     *
     * @param value the number
     * @return e.g. {@code 0.9} or {@code 120}
     */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.4g", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }

    static double sampleStd(double[] values) {
        double m = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - m) * (v - m);
        }
        return Math.sqrt(sum / (values.length - 1));
    }

    static double median(List<Integer> values) {
        int[] sorted = values.stream().mapToInt(Integer::intValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
