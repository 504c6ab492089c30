package org.openmtl.core.api;

/**
 * A task's primary metric: the one model selection and the summaries compare.
 *
 * @param metric the metric's name, e.g. {@code accuracy}
 * @param higherIsBetter whether a higher value is better
 */
public record PrimaryMetric(String metric, boolean higherIsBetter) {}
