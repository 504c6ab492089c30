package org.openmtl.core.sweep;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;

/**
 * Where and how a sweep runs its trials: the sweep keys of {@link RunKeys#sweepKeys()}, checked.
 *
 * @param executor the executor's name
 * @param workers trials at once for executor=local (0: from the cores)
 * @param threadsPerTrial intra-op threads of each trial
 * @param retries further attempts of a failed or lost trial
 * @param resultsUrl the results database URL (empty: SQLite in the sweep directory)
 * @param reuseStale whether trials another framework build computed are kept ({@code reuse=stale})
 *     rather than run again
 * @param retryFailed whether trials that failed in an earlier run are run again
 * @param raw every sweep key's value (defaults included), for executors from other modules
 */
public record SweepSettings(String executor, int workers, int threadsPerTrial, int retries, String resultsUrl,
        boolean reuseStale, boolean retryFailed, Map<String, String> raw) {

    /**
     * Reads the sweep keys of a configuration.
     *
     * @param source the sweep configuration
     * @return the settings
     * @throws ConfigException for a value of the wrong type or out of range
     */
    public static SweepSettings of(ConfigSource source) {
        Map<String, Object> parsed = new LinkedHashMap<>();
        Map<String, String> raw = new LinkedHashMap<>();
        for (ConfigKey key : RunKeys.sweepKeys()) {
            String value = source.values().get(key.name());
            try {
                parsed.put(key.name(), PluginConfigs.parse(key.name(), key, value == null ? key.defaultValue() : value));
            } catch (PluginConfigException e) {
                throw new ConfigException(e.getMessage() + (value == null ? "" : " (set in " + source.origin(key.name()) + ")"), e);
            }
            raw.put(key.name(), value == null ? key.defaultValue() : value.trim());
        }
        String executor = ((String) parsed.get(RunKeys.EXECUTOR)).trim();
        if (!executor.matches("[a-z][a-z0-9-]*")) {
            throw new ConfigException(RunKeys.EXECUTOR + ": '" + executor + "' is not an executor name (lowercase letters,"
                    + " digits and '-'; local, spark or inline)" + (source.values().containsKey(RunKeys.EXECUTOR)
                            ? " (set in " + source.origin(RunKeys.EXECUTOR) + ")" : ""));
        }
        return new SweepSettings(executor, (Integer) parsed.get(RunKeys.WORKERS),
                (Integer) parsed.get(RunKeys.THREADS_PER_TRIAL), (Integer) parsed.get(RunKeys.RETRIES),
                ((String) parsed.get(RunKeys.RESULTS_URL)).trim(), "stale".equals(parsed.get(RunKeys.REUSE)),
                (Boolean) parsed.get(RunKeys.RETRY_FAILED), Map.copyOf(raw));
    }

    /**
     * The settings of a sweep that runs its trials inside its own JVM (tests, {@code ./mtl group}
     * inside another command).
     *
     * @return inline settings with one retry and SQLite in the sweep directory
     */
    public static SweepSettings inline() {
        return of(ConfigSource.of(Map.of(RunKeys.EXECUTOR, "inline")));
    }

    /**
     * The number of local workers: {@code workers}, or the cores divided by the threads per trial.
     *
     * @return at least 1
     */
    public int localWorkers() {
        return workers > 0 ? workers : LocalExecutor.defaultWorkers(threadsPerTrial);
    }
}
