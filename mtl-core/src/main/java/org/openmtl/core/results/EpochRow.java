package org.openmtl.core.results;

/**
 * One metric of one task after one epoch, from a trial's {@code history}.
 *
 * @param epoch the epoch, from 1
 * @param phase the training phase of an adaptive architecture (e.g. {@code warm-up}); empty when
 *     the run has no phases
 * @param split {@code train}, {@code validation} or {@code test}
 * @param task the task
 * @param metric the metric (e.g. {@code accuracy}, {@code loss})
 * @param value its value; NaN where the run recorded a non-finite number
 */
public record EpochRow(int epoch, String phase, String split, String task, String metric, double value) {}
