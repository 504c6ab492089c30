package org.openmtl.api.weak;

import java.util.List;

/**
 * The outputs of a set of labeling sources on a set of examples: for each example and source, a
 * label vector over the task graph's tasks, {@code 0} where the source abstains or does not cover
 * the task. Validated on construction: a vote is a class of its task, only covered tasks are
 * labelled, and a source's vector is consistent with the task graph (it never claims "digit 7"
 * and "digit &lt; 5" at once). Immutable.
 */
public final class SourceVotes {

    private final TaskGraph graph;
    private final List<LabelingSource> sources;
    private final int examples;
    private final int[] votes;

    /**
     * Copies and validates the votes.
     *
     * @param graph the task graph
     * @param sources the sources, at least one
     * @param votes {@code votes[example][source][task]}, 0 for abstain
     * @throws IllegalArgumentException naming the example, source and task of the first bad vote
     */
    public SourceVotes(TaskGraph graph, List<LabelingSource> sources, int[][][] votes) {
        this.graph = graph;
        this.sources = List.copyOf(sources);
        if (this.sources.isEmpty()) {
            throw new IllegalArgumentException("at least one labeling source is needed");
        }
        int m = this.sources.size();
        int tasks = graph.taskCount();
        for (LabelingSource s : this.sources) {
            for (int t : s.tasks()) {
                if (t >= tasks) {
                    throw new IllegalArgumentException("labeling source '" + s.name() + "' covers task "
                            + t + ", but the task graph has " + tasks + " tasks");
                }
            }
        }
        this.examples = votes.length;
        this.votes = new int[examples * m * tasks];
        for (int n = 0; n < examples; n++) {
            if (votes[n].length != m) {
                throw new IllegalArgumentException("example " + n + " has votes from " + votes[n].length
                        + " sources, expected " + m);
            }
            for (int j = 0; j < m; j++) {
                LabelingSource s = this.sources.get(j);
                if (votes[n][j].length != tasks) {
                    throw new IllegalArgumentException("example " + n + ", source '" + s.name() + "': "
                            + votes[n][j].length + " task labels, expected " + tasks);
                }
                for (int t = 0; t < tasks; t++) {
                    int v = votes[n][j][t];
                    if (v != 0 && !s.covers(t)) {
                        throw new IllegalArgumentException("example " + n + ", source '" + s.name()
                                + "' labels task '" + graph.taskName(t) + "', which it does not cover");
                    }
                    if (v < 0 || v > graph.cardinality(t)) {
                        throw new IllegalArgumentException("example " + n + ", source '" + s.name()
                                + "', task '" + graph.taskName(t) + "': label " + v + " outside 0.."
                                + graph.cardinality(t) + " (0 = abstain)");
                    }
                    this.votes[(n * m + j) * tasks + t] = v;
                }
                if (s.tasks().size() > 1 && !graph.isConsistent(votes[n][j])) {
                    throw new IllegalArgumentException("example " + n + ", source '" + s.name()
                            + "': the label vector " + java.util.Arrays.toString(votes[n][j])
                            + " contradicts the task graph");
                }
            }
        }
    }

    /**
     * The task graph.
     *
     * @return the graph
     */
    public TaskGraph graph() {
        return graph;
    }

    /**
     * The sources.
     *
     * @return the sources, in column order
     */
    public List<LabelingSource> sources() {
        return sources;
    }

    /**
     * The number of examples.
     *
     * @return n
     */
    public int exampleCount() {
        return examples;
    }

    /**
     * The number of sources.
     *
     * @return m
     */
    public int sourceCount() {
        return sources.size();
    }

    /**
     * One vote.
     *
     * @param example the example
     * @param source the source
     * @param task the task
     * @return the class, 1-based, or 0 for abstain
     */
    public int vote(int example, int source, int task) {
        return votes[(example * sources.size() + source) * graph.taskCount() + task];
    }

    /**
     * A source's label vector on an example.
     *
     * @param example the example
     * @param source the source
     * @return a new array, one entry per task, 0 for abstain
     */
    public int[] voteVector(int example, int source) {
        int tasks = graph.taskCount();
        int[] out = new int[tasks];
        System.arraycopy(votes, (example * sources.size() + source) * tasks, out, 0, tasks);
        return out;
    }

    /**
     * Tells whether a source abstains on every task of an example.
     *
     * @param example the example
     * @param source the source
     * @return true if its label vector is all zeros
     */
    public boolean abstains(int example, int source) {
        int tasks = graph.taskCount();
        int base = (example * sources.size() + source) * tasks;
        for (int t = 0; t < tasks; t++) {
            if (votes[base + t] != 0) {
                return false;
            }
        }
        return true;
    }
}
