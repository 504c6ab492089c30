package org.openmtl.api.weak;

/**
 * Turns the votes of weak supervision sources into probabilistic labels, without gold labels: a
 * plugin of kind {@code label-model}. Created fresh per run from an immutable config; its
 * randomness comes from the config's seed.
 */
public interface LabelModel {

    /**
     * Learns the sources' behaviour from their votes.
     *
     * @param votes the sources' votes on the (unlabelled) training examples
     * @param dependencies the pairs of sources known to be correlated; {@link
     *     SourceDependencies#none()} for none
     * @return the fitted model
     * @throws IllegalArgumentException if the votes cannot identify the model (the message says
     *     what is missing)
     */
    FittedLabelModel fit(SourceVotes votes, SourceDependencies dependencies);
}
