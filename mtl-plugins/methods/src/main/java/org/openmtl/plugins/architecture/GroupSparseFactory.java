package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link GroupSparse} as architecture {@code group-sparse}. */
public final class GroupSparseFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "group-sparse")
            .setDescription("Independent task networks (mlp trunks; images flattened to pixels) whose first-layer"
                    + " weights share an l1/lq group penalty over input features, applied by a proximal step after"
                    + " every update, so whole features are dropped by all tasks at once.")
            .optCitation("Obozinski, Taskar & Jordan, Joint covariate selection and joint subspace selection for"
                    + " multiple classification problems, Statistics and Computing 20(2), 2010; Argyriou, Evgeniou &"
                    + " Pontil, Convex multi-task feature learning, Machine Learning 73(3), 2008")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.number("lambda", 0.01, 0.0, null,
                            "Weight of the group penalty; the proximal threshold of a step is the step size times it."
                                    + " A kept feature's row has loss-gradient norm lambda at a stationary point."),
                    ConfigKey.choice("update", "prox-sgd", "How the first-layer weights A are trained: prox-sgd"
                            + " (proximal SGD, A <- prox(A - prox.lr * grad), the optimizer leaves A alone) or optimizer"
                            + " (the run's optimizer updates A and the prox with its learning rate follows; not a"
                            + " proximal method under Adam).", "prox-sgd", "optimizer"),
                    ConfigKey.number("prox.lr", 0.1, 1e-9, null, "The step size eta of the proximal SGD step on A"
                            + " (constant; update=prox-sgd)."),
                    ConfigKey.choice("q", "2", "The norm of each feature's row: 2 (l1/l2) or inf (l1/linf).",
                            "2", "inf"))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public GroupSparseFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new GroupSparse(TrunkHeadDesign.from(config), config.getDouble("lambda"),
                config.getString("q").equals("inf") ? GroupSparse.Norm.LINF : GroupSparse.Norm.L2,
                config.getString("update").equals("prox-sgd") ? config.getDouble("prox.lr") : 0.0);
    }
}
