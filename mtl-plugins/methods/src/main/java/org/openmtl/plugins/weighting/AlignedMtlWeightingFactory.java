package org.openmtl.plugins.weighting;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.plugin.ValueType;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link AlignedMtlWeighting} as weighting {@code aligned-mtl} (Senushkin, Patakin,
 * Kuznetsov &amp; Konushin, <i>Independent Component Alignment for Multi-Task Learning</i>, CVPR
 * 2023).
 */
public final class AlignedMtlWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "aligned-mtl")
                    .setDescription(
                            "Aligns the principal components of the task gradients so their"
                                    + " Gramian has condition number 1, then weights the aligned"
                                    + " gradients.")
                    .optCitation(
                            "Senushkin, Patakin, Kuznetsov & Konushin, Independent Component"
                                    + " Alignment for Multi-Task Learning, CVPR 2023")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            new ConfigKey(
                                    "weights",
                                    ValueType.DOUBLE_LIST,
                                    "",
                                    "Pre-set weights w of the aligned task gradients, one"
                                            + " non-negative weight per task in task order; empty"
                                            + " means all ones (the authors' sum).",
                                    0.0,
                                    null,
                                    null),
                            ConfigKey.choice(
                                    "scale",
                                    "min",
                                    "Scale of the aligned gradients: sqrt of the smallest (min,"
                                            + " the paper), lower median (median) or mean (rmse)"
                                            + " of the Gramian's kept eigenvalues.",
                                    "min",
                                    "median",
                                    "rmse"),
                            ConfigKey.number(
                                    "rank.tolerance",
                                    StepGramian.FLOAT_EPSILON,
                                    0.0,
                                    1.0,
                                    "Eigenvalues of the Gramian at or below"
                                            + " rank.tolerance*K*lambda_max are dropped (default:"
                                            + " single-precision machine epsilon, as the authors'"
                                            + " code)."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public AlignedMtlWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new AlignedMtlWeighting(
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getDoubleList("weights"),
                AlignedMtlWeighting.Scale.valueOf(
                        config.getString("scale").toUpperCase(Locale.ROOT)),
                config.getDouble("rank.tolerance"),
                config.qualifiedKey("weights"));
    }
}
