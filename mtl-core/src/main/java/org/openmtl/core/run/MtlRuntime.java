package org.openmtl.core.run;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.ConfigValidator;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.train.MultiTaskTrainer;
import org.openmtl.core.train.Progress;

/**
 * The framework as a library: discovers plugins once, then resolves and runs configurations.
 *
 * <pre>{@code
 * MtlRuntime mtl = MtlRuntime.discover(Path.of("plugins"));
 * RunConfig config = mtl.configure(Path.of("run.yaml"), List.of("weighting=equal", "seed=2"));
 * Map<String, Object> result = mtl.run(config, Progress.forMode("plain"));
 * }</pre>
 */
public final class MtlRuntime {

    private final PluginRegistry registry;

    private MtlRuntime(PluginRegistry registry) {
        this.registry = registry;
    }

    /**
     * Discovers the plugins on the class path and in a plugins directory.
     *
     * @param pluginsDirectory extra plugin jars; may not exist
     * @return the runtime
     */
    public static MtlRuntime discover(Path pluginsDirectory) {
        return new MtlRuntime(PluginRegistry.discover(MtlRuntime.class.getClassLoader(), pluginsDirectory));
    }

    /**
     * A runtime over a given registry.
     *
     * @param registry the plugins
     * @return the runtime
     */
    public static MtlRuntime of(PluginRegistry registry) {
        return new MtlRuntime(registry);
    }

    /**
     * The plugins directory a configuration names ({@code plugins.dir}), read before plugins are
     * discovered.
     *
     * @param source the configuration
     * @return the directory
     */
    public static Path pluginsDirectory(ConfigSource source) {
        String defaultDir = RunKeys.keys().stream().filter(k -> k.name().equals(RunKeys.PLUGINS_DIR))
                .findFirst().orElseThrow().defaultValue();
        return Path.of(source.values().getOrDefault(RunKeys.PLUGINS_DIR, defaultDir));
    }

    /**
     * The discovered plugins.
     *
     * @return the registry
     */
    public PluginRegistry registry() {
        return registry;
    }

    /**
     * Resolves and validates a configuration.
     *
     * @param file a properties or YAML file, or null
     * @param overrides {@code key=value} overrides
     * @return the validated configuration
     * @throws ConfigException for an unknown key, a bad value or an unknown plugin
     */
    public RunConfig configure(Path file, List<String> overrides) {
        return configure(ConfigSource.load(file, overrides));
    }

    /**
     * Validates a loaded configuration.
     *
     * @param source the configuration
     * @return the validated configuration
     */
    public RunConfig configure(ConfigSource source) {
        return new ConfigValidator(registry).validate(source);
    }

    /**
     * Trains one run and writes its results to {@code output.dir}.
     *
     * @param config the configuration
     * @param progress the progress display
     * @return the result as written to {@code result.json}
     * @throws ConfigException if a plugin rejects its configuration
     */
    public Map<String, Object> run(RunConfig config, Progress progress) {
        List<Module> modules = new ArrayList<>(registry.modules());
        modules.add(new RunModule(config));
        Injector injector = Guice.createInjector(modules);
        MultiTaskTrainer.Plugins plugins;
        try {
            plugins = injector.getInstance(MultiTaskTrainer.Plugins.class);
        } catch (ProvisionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
        Map<String, Object> origins = new LinkedHashMap<>();
        for (PluginKind kind : PluginKind.values()) {
            registry.find(kind, config.pluginName(kind))
                    .ifPresent(p -> origins.put(kind.configName(), p.descriptor().name() + " (" + p.origin() + ")"));
        }
        try {
            return new MultiTaskTrainer(config, plugins, progress, Map.of("plugins", origins)).train();
        } catch (PluginConfigException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }
}
