package org.openmtl.core.sweep;

import java.util.Map;

/**
 * What became of one attempt at a trial.
 *
 * @param status how the attempt ended
 * @param result the trial's {@code result.json} content (null when the attempt wrote none)
 * @param reason why the attempt did not complete (null when it did)
 * @param worker where it ran, e.g. {@code local-2 (pid 4711)} or a Spark executor id
 * @param seconds the attempt's wall-clock time, start of the worker included
 */
public record TrialOutcome(Status status, Map<String, Object> result, String reason, String worker, double seconds) {

    /** How an attempt ended. */
    public enum Status {
        /** The trial ran to its end and wrote a completed {@code result.json}. */
        COMPLETED,
        /** The trial ran and failed: an exception, or its training diverged (non-finite loss). */
        FAILED,
        /** The worker died under the trial (killed, out of memory, lost executor): worth retrying. */
        LOST
    }

    /**
     * A completed attempt.
     *
     * @param result the result
     * @param worker where it ran
     * @param seconds its duration
     * @return the outcome
     */
    public static TrialOutcome completed(Map<String, Object> result, String worker, double seconds) {
        return new TrialOutcome(Status.COMPLETED, result, null, worker, seconds);
    }

    /**
     * A failed attempt.
     *
     * @param result what the trial wrote, if anything
     * @param reason why it failed
     * @param worker where it ran
     * @param seconds its duration
     * @return the outcome
     */
    public static TrialOutcome failed(Map<String, Object> result, String reason, String worker, double seconds) {
        return new TrialOutcome(Status.FAILED, result, reason, worker, seconds);
    }

    /**
     * An attempt whose worker died.
     *
     * @param reason what is known of the death
     * @param worker where it ran
     * @param seconds its duration
     * @return the outcome
     */
    public static TrialOutcome lost(String reason, String worker, double seconds) {
        return new TrialOutcome(Status.LOST, null, reason, worker, seconds);
    }
}
