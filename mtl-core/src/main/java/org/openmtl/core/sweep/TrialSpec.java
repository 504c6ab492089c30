package org.openmtl.core.sweep;

import java.util.Map;

/**
 * One trial as it travels to an executor: a plain map of fully resolved configuration values
 * (including {@code output.dir}, the trial's own directory), so that it crosses JVM and machine
 * boundaries (worker processes, Spark tasks) without any framework type.
 *
 * @param id the trial's stable id (a hash of its configuration)
 * @param values the resolved configuration, key to value
 * @param attempt the attempt number, from 1
 */
public record TrialSpec(String id, Map<String, String> values, int attempt) {

    /** Copies the values so the spec is immutable. */
    public TrialSpec {
        values = Map.copyOf(values);
    }
}
