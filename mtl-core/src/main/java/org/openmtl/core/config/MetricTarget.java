package org.openmtl.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One absolute target of {@code target.metrics}: a value a task's metric should reach, written
 * {@code TASK.METRIC:VALUE} (the metric is what follows the last dot before the colon, so task
 * names may contain dots). Its direction comes from the metric when the run knows its tasks.
 *
 * @param task the task
 * @param metric one of the task's metrics
 * @param value the value to reach
 */
public record MetricTarget(String task, String metric, double value) {

    /**
     * Parses the words of {@code target.metrics}.
     *
     * @param words e.g. {@code [left.accuracy:0.9, right.cross_entropy:0.3]}
     * @return the targets, in order
     * @throws IllegalArgumentException naming the word that is malformed or a task metric named twice
     */
    public static List<MetricTarget> parse(List<String> words) {
        List<MetricTarget> out = new ArrayList<>();
        for (String word : words) {
            int colon = word.lastIndexOf(':');
            String name = colon < 0 ? word : word.substring(0, colon).trim();
            int dot = name.lastIndexOf('.');
            if (colon < 0 || dot <= 0 || dot == name.length() - 1) {
                throw new IllegalArgumentException("'" + word + "' is not TASK.METRIC:VALUE (e.g. left.accuracy:0.9)");
            }
            double value;
            try {
                value = Double.parseDouble(word.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + word + "': the value after ':' is not a number");
            }
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("'" + word + "': the value must be finite");
            }
            MetricTarget target = new MetricTarget(name.substring(0, dot), name.substring(dot + 1), value);
            if (out.stream().anyMatch(t -> t.task().equals(target.task()) && t.metric().equals(target.metric()))) {
                throw new IllegalArgumentException("'" + name + "' has two targets");
            }
            out.add(target);
        }
        return List.copyOf(out);
    }
}
