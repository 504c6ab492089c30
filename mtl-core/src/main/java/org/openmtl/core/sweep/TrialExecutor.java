package org.openmtl.core.sweep;

import java.util.concurrent.CompletableFuture;

/**
 * Runs a sweep's trials somewhere: worker JVMs on this machine ({@code executor=local}) or the
 * executors of a Spark application ({@code executor=spark}). The sweep keeps at most {@link
 * #slots()} trials in flight, records every outcome in the results database and decides about
 * retries; an executor only runs what it is given, one trial per JVM at a time (the engine allows
 * one gradient collector per JVM).
 *
 * <p>An executor never completes a future exceptionally for a trial's own failure: a failing or
 * dying trial is a {@link TrialOutcome} with status {@code FAILED} or {@code LOST}.
 */
public interface TrialExecutor extends AutoCloseable {

    /**
     * How many trials may run at once.
     *
     * @return the number of slots, at least 1
     */
    int slots();

    /**
     * Starts one attempt at a trial.
     *
     * @param trial the trial
     * @param listener told of the trial's progress, from any thread
     * @return the attempt's outcome, once it ends
     */
    CompletableFuture<TrialOutcome> submit(TrialSpec trial, TrialListener listener);

    /**
     * Stops one attempt started with {@link #submit}, because the sweep no longer holds its claim:
     * at once where the executor can (a worker JVM is killed), otherwise at the attempt's next
     * training step. The attempt's future still completes, as a lost or failed outcome, which the
     * sweep does not record. An attempt that already ended, or is not known, is left alone.
     *
     * @param trial the spec the attempt was submitted with
     */
    void stop(TrialSpec trial);

    /** Stops the workers; trials still running are abandoned (their checkpoints stay). */
    @Override
    void close();

    /** Told of a running trial's progress. */
    interface TrialListener {

        /**
         * The trial started on a worker.
         *
         * @param worker the worker's name
         */
        default void started(String worker) {}

        /**
         * An epoch of the trial ended.
         *
         * @param epoch the epoch, from 1
         * @param epochs the trial's total
         */
        default void epoch(int epoch, int epochs) {}
    }
}
