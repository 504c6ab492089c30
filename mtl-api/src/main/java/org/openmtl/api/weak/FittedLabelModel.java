package org.openmtl.api.weak;

/** A label model after {@link LabelModel#fit}: it labels examples and reports what it learned. */
public interface FittedLabelModel {

    /**
     * Probabilistic labels for examples voted on by the same sources as in the fit.
     *
     * @param votes the votes, with the fit's task graph and sources
     * @return one distribution per task and example
     */
    ProbabilisticLabels predict(SourceVotes votes);

    /**
     * The estimated accuracy of each source: the probability that its label vector agrees with
     * the true labels on every task it labels, given that it labels at least one.
     *
     * @return one entry per source; NaN where the model does not estimate accuracies
     */
    double[] sourceAccuracies();
}
