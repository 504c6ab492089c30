package org.openmtl.api.plugin;

import java.util.Locale;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.api.weak.LabelModel;
import org.openmtl.api.weighting.Weighting;

/** The kinds of plugin, each with the type its factories create and its name in configs. */
public enum PluginKind {
    /** Datasets with their tasks ({@link DatasetProvider}). */
    DATASET(DatasetProvider.class),
    /** How parameters are shared between tasks ({@link Architecture}). */
    ARCHITECTURE(Architecture.class),
    /** How task losses or gradients become one update ({@link Weighting}). */
    WEIGHTING(Weighting.class),
    /** Which tasks and examples a step trains ({@link TaskSelector}). */
    SELECTOR(TaskSelector.class),
    /** The parameter update ({@link Optimizer}). */
    OPTIMIZER(Optimizer.class),
    /**
     * Probabilistic labels from weak supervision sources ({@link LabelModel}); not part of a
     * training run's configuration.
     */
    LABEL_MODEL(LabelModel.class, false);

    private final Class<?> type;
    private final boolean trainingRun;

    PluginKind(Class<?> type) {
        this(type, true);
    }

    PluginKind(Class<?> type, boolean trainingRun) {
        this.type = type;
        this.trainingRun = trainingRun;
    }

    /**
     * Tells whether every training run selects one plugin of this kind (by the key {@link
     * #configName()}), as it does an architecture or a weighting.
     *
     * @return false for kinds used by other commands only
     */
    public boolean partOfTrainingRun() {
        return trainingRun;
    }

    /**
     * The interface every plugin of this kind implements.
     *
     * @return the plugin type
     */
    public Class<?> type() {
        return type;
    }

    /**
     * The name of this kind in configuration keys and listings, e.g. {@code weighting} or {@code
     * label-model}.
     *
     * @return the lowercase name, words joined by dashes
     */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Finds a kind by its configuration name.
     *
     * @param name a name such as {@code selector}
     * @return the kind
     * @throws IllegalArgumentException if no kind has that name
     */
    public static PluginKind fromConfigName(String name) {
        for (PluginKind kind : values()) {
            if (kind.configName().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no plugin kind named '" + name + "'");
    }
}
