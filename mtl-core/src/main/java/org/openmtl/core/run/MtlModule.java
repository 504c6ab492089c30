package org.openmtl.core.run;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.core.report.ReportWriter;
import org.openmtl.core.results.ResultsStores;
import org.openmtl.core.sweep.SweepRunner;
import org.openmtl.core.sweep.TrialExecutors;

/**
 * The framework's services: the plugin registry (the plugins {@link java.util.ServiceLoader} finds
 * on the class path and in the plugins directory, plus those an experiment module binds with
 * {@link #plugins(Binder)}), the runtime that configures and trains runs, the progress display of a
 * run, the executor of a sweep's trials, the results database and the report writer. Only binds: discovering plugins
 * happens when the registry is first provided.
 *
 * <p>An experiment module adds plugins by installing a module that calls {@link #plugins(Binder)},
 * and replaces a service with {@code Modules.override(new MtlModule(dir)).with(itsModule)}; {@code
 * org.openmtl.core.api.Mtl} does both.
 */
public final class MtlModule extends AbstractModule {

    /** The name of the binding of the plugins directory. */
    public static final String PLUGINS_DIRECTORY = RunKeys.PLUGINS_DIR;

    private static final String CONTRIBUTED = "contributed plugins";

    private final Path pluginsDirectory;

    /**
     * Creates the module.
     *
     * @param pluginsDirectory the directory of plugin jars; may not exist
     */
    public MtlModule(Path pluginsDirectory) {
        this.pluginsDirectory = pluginsDirectory;
    }

    /**
     * The set an experiment module adds its plugin factories to, e.g. {@code
     * MtlModule.plugins(binder()).addBinding().toInstance(new MyDatasetFactory())}. A name that is
     * also discovered, or bound twice, fails at start as a duplicate.
     *
     * @param binder the module's binder
     * @return the set binder
     */
    public static Multibinder<PluginFactory<?>> plugins(Binder binder) {
        return Multibinder.newSetBinder(binder, PluginRegistry.FACTORY_TYPE, Names.named(CONTRIBUTED));
    }

    @Override
    protected void configure() {
        bind(Path.class).annotatedWith(Names.named(PLUGINS_DIRECTORY)).toInstance(pluginsDirectory);
        plugins(binder());
        bind(MtlRuntime.class).in(Singleton.class);
        bind(ProgressFactory.class).to(ProgressFactory.Configured.class);
        bind(TrialExecutors.class).to(TrialExecutors.Named.class);
        bind(ReportWriter.class).to(ReportWriter.Html.class);
        bind(ResultsStores.class).to(ResultsStores.Configured.class);
        bind(SweepRunner.class); // one per sweep: it remembers its last database and counts
    }

    @Provides
    @Singleton
    PluginRegistry registry(@Named(PLUGINS_DIRECTORY) Path directory, @Named(CONTRIBUTED) Set<PluginFactory<?>> contributed) {
        DirectoryChecks.readable(RunKeys.PLUGINS_DIR, directory);
        List<RegisteredPlugin> plugins = new ArrayList<>(
                PluginRegistry.discover(MtlModule.class.getClassLoader(), directory).plugins());
        List<PluginFactory<?>> sorted = new ArrayList<>(contributed);
        sorted.sort(Comparator.comparing(f -> f.getClass().getName()));
        for (PluginFactory<?> factory : sorted) {
            plugins.add(new RegisteredPlugin(factory.descriptor(), factory, "module " + factory.getClass().getName()));
        }
        return PluginRegistry.of(plugins);
    }
}
