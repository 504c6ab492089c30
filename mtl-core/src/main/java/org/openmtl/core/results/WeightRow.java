package org.openmtl.core.results;

/**
 * The weight a weighting method gave one task in one epoch, from a trial's {@code history}.
 *
 * @param epoch the epoch, from 1
 * @param phase the training phase; empty when the run has no phases
 * @param task the task
 * @param weight the weight; NaN where the run recorded a non-finite number
 */
public record WeightRow(int epoch, String phase, String task, double weight) {}
