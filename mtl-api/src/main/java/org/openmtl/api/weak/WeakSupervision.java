package org.openmtl.api.weak;

import java.util.Objects;
import java.util.Optional;

/**
 * The weak supervision of a dataset's training split: the task graph, the sources' votes (one row
 * per training example, in the split's order) and the source dependencies the data's author
 * declares. A generator that plants the sources also knows their true accuracies, which a label
 * model's estimates can be compared with.
 *
 * @param graph the task graph; its task names are the dataset's task names
 * @param votes the votes on the training split, one example per training example
 * @param dependencies the declared dependent pairs, {@link SourceDependencies#none()} if none
 * @param plantedAccuracies the true P(right | votes) of each source, in source order; empty for
 *     sources whose accuracy is unknown (a user's own)
 */
public record WeakSupervision(
        TaskGraph graph,
        SourceVotes votes,
        SourceDependencies dependencies,
        Optional<double[]> plantedAccuracies) {

    /** Checks the parts fit together and copies the accuracies. */
    public WeakSupervision {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(votes, "votes");
        Objects.requireNonNull(dependencies, "dependencies");
        if (!votes.graph().equals(graph)) {
            throw new IllegalArgumentException("the votes are over " + votes.graph() + ", not " + graph);
        }
        dependencies.components(votes.sourceCount());
        plantedAccuracies = plantedAccuracies == null ? Optional.empty() : plantedAccuracies.map(double[]::clone);
        plantedAccuracies.ifPresent(a -> {
            if (a.length != votes.sourceCount()) {
                throw new IllegalArgumentException(a.length + " planted accuracies for " + votes.sourceCount()
                        + " sources");
            }
        });
    }

    /**
     * The planted accuracies, a copy.
     *
     * @return one per source, or empty
     */
    @Override
    public Optional<double[]> plantedAccuracies() {
        return plantedAccuracies.map(double[]::clone);
    }
}
