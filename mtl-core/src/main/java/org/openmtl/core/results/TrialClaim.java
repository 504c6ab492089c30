package org.openmtl.core.results;

/**
 * One attempt's claim on a trial, as {@link ResultsDatabase#claim} grants it. The token fences
 * the attempt: every later claim of the trial gets a new one, and the database records a
 * completion or failure, or refreshes a heartbeat, only for the claim whose token is the trial's
 * current one. An attempt whose trial was claimed again (its coordinator stalled past the stale
 * time and another took the trial over) can no longer change the trial, whatever it reports.
 *
 * @param trialId the trial
 * @param owner the coordinator that holds the claim
 * @param attempt the attempt number, from 1
 * @param token the fencing token, unique to this claim
 */
public record TrialClaim(String trialId, String owner, int attempt, String token) {}
