/**
 * The task model: a {@link org.openmtl.api.task.Task} is a name, an output size, a {@link
 * org.openmtl.api.task.TaskLoss}, its {@link org.openmtl.api.task.Metric}s and an optional
 * descriptor z ({@link org.openmtl.api.task.TaskDescriptor}) for conditioned architectures.
 */
package org.openmtl.api.task;
