package org.openmtl.core.results;

/**
 * One final metric of a completed trial: the result's {@code validation} and {@code tasks}
 * (test) sections, at the epoch the run selected.
 *
 * @param split {@code validation} or {@code test}
 * @param task the task
 * @param metric the metric
 * @param value its value; NaN where the run recorded a non-finite number
 */
public record MetricRow(String split, String task, String metric, double value) {}
