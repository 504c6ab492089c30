package org.openmtl.plugins.weighting;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link FamoWeighting} as weighting {@code famo} (Liu, Liang, Stone &amp; Liu, <i>FAMO:
 * Fast Adaptive Multitask Optimization</i>, NeurIPS 2023).
 */
public final class FamoWeightingFactory implements PluginFactory<Weighting> {

    /** The plugin's stable name. */
    public static final String NAME = "famo";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, NAME)
                    .setDescription(
                            "Fast adaptive multitask optimization: learned logits weigh the log"
                                    + " losses so all fall at the same rate; no per-task"
                                    + " gradients.")
                    .optCitation(
                            "Liu, Liang, Stone & Liu, FAMO: Fast Adaptive Multitask Optimization,"
                                    + " NeurIPS 2023")
                    .addKeys(
                            ConfigKey.number(
                                    "lr",
                                    0.025,
                                    0.0,
                                    null,
                                    "Learning rate of the task logits."),
                            ConfigKey.number(
                                    "gamma",
                                    0.01,
                                    0.0,
                                    null,
                                    "Weight decay (L2 coefficient) of the task logits (the"
                                            + " authors' default 0.01; their NYU-v2, CelebA and"
                                            + " QM9 scripts use 0.001)."),
                            ConfigKey.choice(
                                    "update",
                                    "adam",
                                    "How the logits step: adam (as the authors' code) or sgd"
                                            + " (xi -= lr (grad + gamma xi), the paper's Algorithm"
                                            + " 1).",
                                    "adam",
                                    "sgd"),
                            ConfigKey.choice(
                                    "delta",
                                    "same-batch",
                                    "Where the fall of the log losses comes from: same-batch"
                                            + " (the authors': the step's batch evaluated again"
                                            + " after the update, one extra forward pass) or"
                                            + " next-batch (a variant without that pass: the next"
                                            + " step's losses on its own batch).",
                                    "same-batch",
                                    "next-batch"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public FamoWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new FamoWeighting(
                config.getDouble("lr"),
                config.getDouble("gamma"),
                FamoWeighting.Update.valueOf(
                        config.getString("update").toUpperCase(Locale.ROOT)),
                config.getString("delta").equals("same-batch"));
    }
}
