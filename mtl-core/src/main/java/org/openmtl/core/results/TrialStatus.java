package org.openmtl.core.results;

import java.util.List;

/** The statuses a trial has in the results database, as stored in its {@code status} column. */
public final class TrialStatus {

    /** Added to a sweep, never claimed (or its claim was released by an orderly shutdown). */
    public static final String PENDING = "pending";
    /** Claimed by a coordinator that keeps its heartbeat fresh. */
    public static final String RUNNING = "running";
    /** An attempt failed or its worker was lost; the next claim runs it again. */
    public static final String RETRY = "retry";
    /** Finished with a result; never claimed or overwritten again. */
    public static final String COMPLETED = "completed";
    /** Failed for good (a deterministic error, or out of retries); claimed again only by hand. */
    public static final String FAILED = "failed";

    /** Every status, in the order a trial usually passes through them. */
    public static final List<String> ALL = List.of(PENDING, RUNNING, RETRY, COMPLETED, FAILED);

    private TrialStatus() {}
}
