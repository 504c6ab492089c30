package org.example.lab;

import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * The lab's dataset {@code lab-sensors} ({@link SensorTasks}), registered with the framework by
 * {@code META-INF/services/org.openmtl.api.plugin.PluginFactory}: found on the class path by the
 * experiment's own {@code main}, and in {@code plugins/} by {@code ./mtl}.
 */
public final class SensorTasksFactory implements PluginFactory<DatasetProvider> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.DATASET, SensorTasks.NAME)
            .setDescription("Simulated readings of 8 sensors with three tasks: fault (2 classes), zone (3 classes)"
                    + " and load (regression); an example experiment module's dataset.")
            .optCitation("(none: an example experiment module)")
            .addKeys(
                    ConfigKey.integer("train.examples", 2000, 1, 1_000_000,
                            "Examples in the training split (dataset.train.limit caps it)."),
                    ConfigKey.integer("validation.examples", 500, 1, 1_000_000, "Examples in the validation split."),
                    ConfigKey.integer("test.examples", 500, 1, 1_000_000, "Examples in the test split."),
                    ConfigKey.number("noise", 0.3, 0.0, 10.0, "Standard deviation of the noise on every task's score."),
                    ConfigKey.integer("generator.seed", 7, 0, Integer.MAX_VALUE,
                            "Seed of the simulation: the same readings for every run seed, as a real dataset would be."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public SensorTasksFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public DatasetProvider create(PluginConfig config) {
        int train = config.getInt("train.examples");
        int validation = config.getInt("validation.examples");
        int test = config.getInt("test.examples");
        double noise = config.getDouble("noise");
        long seed = config.getInt("generator.seed");
        return context -> SensorTasks.generate(context.trainLimit() > 0 ? Math.min(train, context.trainLimit()) : train,
                validation, test, noise, seed);
    }
}
