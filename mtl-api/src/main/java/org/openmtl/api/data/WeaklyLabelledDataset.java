package org.openmtl.api.data;

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
}
