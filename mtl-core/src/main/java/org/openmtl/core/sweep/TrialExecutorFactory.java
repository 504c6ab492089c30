package org.openmtl.core.sweep;

import java.util.Map;

/**
 * Makes the executor named by the {@code executor} key. Executors beyond {@code local} live in
 * optional modules and are found with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/org.openmtl.core.sweep.TrialExecutorFactory} entry), so that their heavy
 * dependencies (Spark) stay off the default classpath.
 */
public interface TrialExecutorFactory {

    /**
     * The value of {@code executor} that selects this factory.
     *
     * @return the name, e.g. {@code spark}
     */
    String name();

    /**
     * Makes an executor.
     *
     * @param settings the sweep's configuration values (executor keys such as {@code workers},
     *     {@code threads.per.trial}, {@code spark.master} among them)
     * @return the executor
     * @throws org.openmtl.core.config.ConfigException if a setting is invalid
     */
    TrialExecutor create(Map<String, String> settings);
}
