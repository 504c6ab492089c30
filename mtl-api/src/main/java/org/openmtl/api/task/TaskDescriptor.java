package org.openmtl.api.task;

/**
 * The descriptor z of a task, for architectures that condition one network on the task: an integer
 * id (used as a one-hot vector) and, optionally, a feature vector from the task definition.
 *
 * @param id the task's index among the run's tasks
 * @param features a feature vector describing the task, or an empty array
 */
public record TaskDescriptor(int id, float[] features) {

    /** Copies the features. */
    public TaskDescriptor {
        features = features == null ? new float[0] : features.clone();
    }

    /**
     * The feature vector (a copy).
     *
     * @return the features, empty when the task has only an id
     */
    @Override
    public float[] features() {
        return features.clone();
    }
}
