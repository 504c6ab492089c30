package org.openmtl.core.api;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sweep produced: every finished trial with its grid point and result, and the summary over
 * seeds that {@code summary.json} holds.
 *
 * @param directory the sweep's directory ({@code summary.json}, {@code summary.md}, {@code
 *     report.html}, {@code trials/<id>/})
 * @param trials the finished trials (completed or failed), in plan order
 * @param summary one row per configuration: its trials over seeds aggregated
 * @param summaryJson {@code summary.json} as written (transfer, steps to target, Pareto fronts)
 * @param resultsDatabase where the trials are recorded (a file or a URL without its password)
 */
public record SweepResult(Path directory, List<Trial> trials, List<SummaryRow> summary, JsonObject summaryJson,
        String resultsDatabase) {

    /** Copies the lists so the record cannot change under its reader. */
    public SweepResult {
        trials = List.copyOf(trials);
        summary = List.copyOf(summary);
        summaryJson = summaryJson.deepCopy();
    }

    /**
     * Whether any trial failed.
     *
     * @return true if a configuration has a failed trial
     */
    public boolean anyFailed() {
        return summary.stream().anyMatch(r -> r.failed() > 0);
    }

    @Override
    public JsonObject summaryJson() {
        return summaryJson.deepCopy();
    }

    /**
     * One trial of the grid.
     *
     * @param id its stable id (a hash of what it computes), the name of its directory under {@code trials/}
     * @param point its values of the sweep's axes
     * @param result its result
     */
    public record Trial(String id, Map<String, String> point, RunResult result) {

        /** Copies the point. */
        public Trial {
            point = Collections.unmodifiableMap(new LinkedHashMap<>(point));
        }
    }

    /**
     * A configuration's trials over seeds ({@code summary.json}'s {@code groups[i]}).
     *
     * @param point the configuration's axis values, the seed left out
     * @param trials its finished trials
     * @param failed how many of them failed
     * @param tasks per task and metric the mean, standard deviation and count over the completed trials
     */
    public record SummaryRow(Map<String, String> point, int trials, int failed, Map<String, Map<String, MetricStats>> tasks) {

        /** Copies the collections. */
        public SummaryRow {
            point = Collections.unmodifiableMap(new LinkedHashMap<>(point));
            Map<String, Map<String, MetricStats>> copy = new LinkedHashMap<>();
            tasks.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
            tasks = Collections.unmodifiableMap(copy);
        }
    }

    /**
     * A metric over seeds.
     *
     * @param mean the mean
     * @param std the sample standard deviation (0 for one value)
     * @param n the number of values
     */
    public record MetricStats(double mean, double std, int n) {}
}
