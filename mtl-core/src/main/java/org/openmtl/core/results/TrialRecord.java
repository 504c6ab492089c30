package org.openmtl.core.results;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trial as the results database knows it.
 *
 * @param id the trial's stable id (a hash of its configuration)
 * @param point the sweep axes' values that make this trial, in axis order
 * @param values the trial's fully resolved configuration, in the order it was added
 * @param status one of {@link TrialStatus#ALL}
 * @param attempts how many attempts were claimed (a released claim does not count)
 * @param reason why the trial is waiting for a retry or failed; null otherwise
 * @param owner the coordinator that holds it (running) or last held it; null if none ever did
 * @param worker where the completed attempt ran; null before
 * @param started when the current or last attempt was claimed; null before the first claim
 * @param finished when it completed or failed; null before
 * @param seconds the completed attempt's wall-clock seconds (an imported trial: its training
 *     time); null before
 * @param build the framework build ({@link org.openmtl.core.result.FrameworkBuild}) of the last
 *     attempt's coordinator, or of an imported result; null if unknown (never claimed, or recorded
 *     by a version that did not record builds)
 */
public record TrialRecord(String id, Map<String, String> point, Map<String, String> values, String status,
        int attempts, String reason, String owner, String worker, Instant started, Instant finished, Double seconds,
        String build) {

    /** Keeps the maps' order and makes them read-only. */
    public TrialRecord {
        point = Collections.unmodifiableMap(new LinkedHashMap<>(point));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
