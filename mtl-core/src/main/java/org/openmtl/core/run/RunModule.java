package org.openmtl.core.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.name.Named;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.train.MultiTaskTrainer;

/**
 * Binds one run: its configuration, and the run's plugin instances created fresh from the
 * factories the plugin modules contributed. Only binds; creating plugins happens when the
 * injector provides them.
 */
final class RunModule extends AbstractModule {

    private final RunConfig config;

    RunModule(RunConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(RunConfig.class).toInstance(config);
    }

    @Provides
    MultiTaskTrainer.Plugins plugins(
            RunConfig config,
            @Named("dataset") Map<String, PluginFactory<?>> datasets,
            @Named("architecture") Map<String, PluginFactory<?>> architectures,
            @Named("weighting") Map<String, PluginFactory<?>> weightings,
            @Named("selector") Map<String, PluginFactory<?>> selectors,
            @Named("optimizer") Map<String, PluginFactory<?>> optimizers) {
        DatasetProvider datasetProvider = create(config, PluginKind.DATASET, datasets, DatasetProvider.class);
        Architecture architecture = create(config, PluginKind.ARCHITECTURE, architectures, Architecture.class);
        Weighting weighting = create(config, PluginKind.WEIGHTING, weightings, Weighting.class);
        TaskSelector selector = create(config, PluginKind.SELECTOR, selectors, TaskSelector.class);
        Optimizer optimizer = create(config, PluginKind.OPTIMIZER, optimizers, Optimizer.class);
        DatasetContext context = new DatasetContext(config.dataDirectory(), config.trainLimit(), config.seed());
        MultiTaskDataset dataset = datasetProvider.load(context);
        if (!config.tasks().isEmpty()) {
            dataset = TaskSubset.of(dataset, config.tasks());
        }
        return new MultiTaskTrainer.Plugins(dataset, architecture, weighting, selector, optimizer);
    }

    private static <T> T create(RunConfig config, PluginKind kind, Map<String, PluginFactory<?>> factories, Class<T> type) {
        String name = config.pluginName(kind);
        PluginFactory<?> factory = factories.get(name);
        Object plugin = factory.create(config.pluginConfig(kind));
        if (!type.isInstance(plugin)) {
            throw new IllegalStateException(kind.configName() + " plugin '" + name + "' (" + factory.getClass().getName()
                    + ") created a " + (plugin == null ? "null" : plugin.getClass().getName()) + ", not a " + type.getName());
        }
        return type.cast(plugin);
    }
}
