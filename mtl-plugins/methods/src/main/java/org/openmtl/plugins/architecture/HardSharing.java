package org.openmtl.plugins.architecture;

import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;

/**
 * Hard parameter sharing: one trunk shared by every task and one head per task.
 *
 * <p>Caruana, <i>Multitask Learning</i>, Machine Learning 28(1), 1997. For images the trunk and
 * heads are the MultiLeNet of Sener &amp; Koltun, <i>Multi-Task Learning as Multi-Objective
 * Optimization</i>, NeurIPS 2018 (see {@link TrunkHeadDesign}).
 *
 * <p>The trunk's output is the shared representation that representation-gradient weightings work
 * on; the trunk's parameters are the shared parameters, each head's the task's.
 */
public final class HardSharing implements Architecture {

    private final TrunkHeadDesign design;

    HardSharing(TrunkHeadDesign design) {
        this.design = design;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        Map<String, Block> heads = new LinkedHashMap<>();
        for (Task task : context.tasks()) {
            heads.put(task.name(), design.head(context.exampleShape(), task.outputs()));
        }
        MultiTaskBlock block = new MultiTaskBlock(design.trunk(context.exampleShape()), heads);
        return TrunkHeadNetwork.initialize(block, context.exampleShape(), context.manager());
    }
}
