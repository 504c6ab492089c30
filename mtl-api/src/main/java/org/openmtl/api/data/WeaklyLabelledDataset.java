package org.openmtl.api.data;

import java.util.Optional;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.WeakSupervision;

/**
 * A dataset whose training split also comes with weak supervision: labeling sources' votes that
 * {@code ./mtl weak} turns into probabilistic labels in place of the split's own labels. Its test
 * (and validation) labels stay gold, so what the weak labels are worth can be measured. The
 * training split may carry gold labels too (a generator knows them); they are then used only to
 * score the label model, never to train.
 */
public interface WeaklyLabelledDataset extends MultiTaskDataset {

    /**
     * The weak supervision of the training split: one vote row per training example, in order.
     *
     * @return the task graph (over this dataset's task names), votes and declared dependencies
     */
    WeakSupervision weakSupervision();

    /**
     * The same sources' votes on a held-out split, where the dataset has them: they let the label
     * model be measured on the examples the end model is tested on (never trained on).
     *
     * @param split {@link Split#VALIDATION} or {@link Split#TEST}
     * @return one vote row per example of the split, over the training votes' task graph and
     *     sources; empty by default
     */
    default Optional<SourceVotes> heldOutVotes(Split split) {
        return Optional.empty();
    }
}
