package org.openmtl.core.api;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import com.google.inject.util.Modules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.run.MtlModule;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepRunner;

/**
 * The framework as experiment code sees it: one Guice injector over {@link MtlModule} (the
 * framework's services), the modules an experiment installs (its own plugins, through {@link
 * MtlModule#plugins}) and the modules that override a service ({@code Modules.override}). Plugins
 * on the class path and in the plugins directory are found with {@link java.util.ServiceLoader}, as
 * for the command line.
 *
 * <pre>{@code
 * Mtl mtl = Mtl.builder()
 *         .pluginsDirectory(Path.of("plugins"))
 *         .install(new MyLabPlugins())          // adds a dataset plugin
 *         .override(new MyLabServices())        // replaces the progress display
 *         .build();
 * RunResult result = mtl.run().dataset("my-lab-data").weighting("nash-mtl").epochs(10).build().run();
 * }</pre>
 *
 * <p>Creating an {@code Mtl} discovers the plugins; it is meant to be made once and used for many
 * runs. Runs in one JVM train one after another (the engine allows one gradient collector per JVM).
 */
public final class Mtl {

    private final Injector injector;

    private Mtl(Injector injector) {
        this.injector = injector;
    }

    /**
     * The framework with the plugins of the class path and of the default plugins directory, and
     * no module of an experiment's own.
     *
     * @return the framework
     * @throws org.openmtl.core.config.ConfigException if the plugins directory cannot be read
     * @throws org.openmtl.core.plugin.PluginLoadException for a broken plugin or a duplicate name
     */
    public static Mtl discover() {
        return builder().build();
    }

    /**
     * A builder of the framework with an experiment's own modules.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder of one run on this framework.
     *
     * @return the builder
     */
    public Run.Builder run() {
        return Run.builder(this);
    }

    /**
     * A builder of one sweep on this framework.
     *
     * @return the builder
     */
    public Sweep.Builder sweep() {
        return Sweep.builder(this);
    }

    /**
     * The plugins available to runs.
     *
     * @return the registry
     */
    public PluginRegistry plugins() {
        return instance(PluginRegistry.class);
    }

    /**
     * The runtime that configures and trains runs (the map-based layer under {@link Run}).
     *
     * @return the runtime
     */
    public MtlRuntime runtime() {
        return instance(MtlRuntime.class);
    }

    /**
     * A new sweep runner with the bound executor, results database and report writer.
     *
     * @return the runner
     */
    public SweepRunner sweepRunner() {
        return instance(SweepRunner.class);
    }

    /**
     * A service of the injector, e.g. a binding of the experiment's own module.
     *
     * @param type the service's type
     * @param <T> the type
     * @return the instance
     */
    public <T> T instance(Class<T> type) {
        try {
            return injector.getInstance(type);
        } catch (ProvisionException e) {
            throw unwrap(e, e.getErrorMessages());
        } catch (ConfigurationException e) {
            throw unwrap(e, e.getErrorMessages());
        }
    }

    /**
     * The framework's own error (a bad configuration, a broken plugin) out of Guice's wrapping, so
     * that it reaches the caller (and the command line's exit code) as if no injector were there.
     */
    static RuntimeException unwrap(RuntimeException e, Collection<Message> messages) {
        Throwable cause = e.getCause();
        if (cause == null) {
            for (Message m : messages) {
                if (m.getCause() != null) {
                    cause = m.getCause();
                    break;
                }
            }
        }
        return cause instanceof RuntimeException r ? r : e;
    }

    /** Builds an {@link Mtl}. */
    public static final class Builder {

        private Path pluginsDirectory;
        private final List<Module> installed = new ArrayList<>();
        private final List<Module> overrides = new ArrayList<>();

        private Builder() {}

        /**
         * The directory of plugin jars (default: the {@code plugins.dir} key's default, {@code
         * plugins}); a directory that does not exist adds no plugin.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder pluginsDirectory(Path directory) {
            this.pluginsDirectory = directory;
            return this;
        }

        /**
         * Installs modules beside the framework's: they may add plugins ({@link MtlModule#plugins})
         * and bind services of their own, but not bind a service the framework binds (use {@link
         * #override} for that).
         *
         * @param modules the modules
         * @return this builder
         */
        public Builder install(Module... modules) {
            installed.addAll(List.of(modules));
            return this;
        }

        /**
         * Overrides the framework's bindings with the bindings of these modules ({@code
         * Modules.override}), e.g. a {@link org.openmtl.core.run.ProgressFactory} of the experiment's.
         *
         * @param modules the modules
         * @return this builder
         */
        public Builder override(Module... modules) {
            overrides.addAll(List.of(modules));
            return this;
        }

        /**
         * Creates the injector and discovers the plugins.
         *
         * @return the framework
         * @throws org.openmtl.core.config.ConfigException if the plugins directory cannot be read
         * @throws org.openmtl.core.plugin.PluginLoadException for a broken plugin or a duplicate name
         */
        public Mtl build() {
            Path directory = pluginsDirectory != null ? pluginsDirectory : MtlRuntime.pluginsDirectory(ConfigSource.of(Map.of()));
            List<Module> base = new ArrayList<>();
            base.add(new MtlModule(directory));
            base.addAll(installed);
            Module all = overrides.isEmpty() ? Modules.combine(base) : Modules.override(base).with(overrides);
            Injector injector;
            try {
                injector = Guice.createInjector(all);
            } catch (CreationException e) {
                throw unwrap(e, e.getErrorMessages());
            }
            Mtl mtl = new Mtl(injector);
            mtl.plugins(); // discover now: a broken plugin fails here, not at the first run
            return mtl;
        }
    }
}
