package org.openmtl.api.weighting;

import ai.djl.ndarray.NDManager;

/**
 * Where a step stands, and the manager its temporary arrays belong to (closed when the step ends).
 *
 * @param epoch the current epoch, from 1
 * @param step the global step count, from 0
 * @param manager the step's manager
 */
public record StepContext(int epoch, long step, NDManager manager) {}
