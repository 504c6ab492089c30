package org.openmtl.plugins.architecture;

import ai.djl.nn.Block;
import org.openmtl.api.architecture.RepresentationGradients;
import ai.djl.nn.SequentialBlock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;

/**
 * Independent networks: a full trunk and head of its own per task, nothing shared. This is the
 * single-task learning baseline that multi-task methods are measured against (Caruana, <i>Multitask
 * Learning</i>, Machine Learning 28(1), 1997), trained in one run.
 *
 * <p>Each task's network has the same design as {@link HardSharing}'s trunk plus head, so the
 * comparison isolates the effect of sharing. {@code encode} returns the input unchanged, so
 * representation-gradient methods see per-task input gradients and there are no shared parameters.
 *
 * <p>Model selection is per task, as for single-task baselines trained one by one: each task's
 * network is taken at the epoch where that task's primary validation metric is best, and {@code
 * result.json} reports each task's metrics from its own epoch ({@code selection.per_task}).
 */
public final class Independent implements Architecture {

    private final TrunkHeadDesign design;

    Independent(TrunkHeadDesign design) {
        this.design = design;
    }

    /**
     * NOT_SHARED: separate networks, the representation is the input.
     *
     * @return {@link RepresentationGradients#NOT_SHARED}
     */
    @Override
    public RepresentationGradients representationGradients() {
        return RepresentationGradients.NOT_SHARED;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        Map<String, Block> networks = new LinkedHashMap<>();
        for (Task task : context.tasks()) {
            networks.put(
                    task.name(),
                    new SequentialBlock()
                            .add(design.trunk(context.exampleShape()))
                            .add(design.head(context.exampleShape(), task.outputs())));
        }
        MultiTaskBlock block = new MultiTaskBlock(null, networks);
        return TrunkHeadNetwork.initialize(block, context.exampleShape(), context.manager());
    }
}
