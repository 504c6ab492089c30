package org.openmtl.api.weak;

/**
 * A label model's output: for each task, example and class, the probability of that class.
 * Immutable.
 */
public final class ProbabilisticLabels {

    private final TaskGraph graph;
    private final double[][][] probabilities;

    /**
     * Copies and checks the distributions.
     *
     * @param graph the task graph
     * @param probabilities {@code probabilities[task][example][class - 1]}, each row a distribution
     * @throws IllegalArgumentException if a row does not sum to 1 (within 1e-6), has a negative or
     *     non-finite entry, or has the wrong length
     */
    public ProbabilisticLabels(TaskGraph graph, double[][][] probabilities) {
        this.graph = graph;
        if (probabilities.length != graph.taskCount()) {
            throw new IllegalArgumentException("probabilities for " + probabilities.length
                    + " tasks, the graph has " + graph.taskCount());
        }
        int n = probabilities[0].length;
        this.probabilities = new double[probabilities.length][][];
        for (int t = 0; t < probabilities.length; t++) {
            if (probabilities[t].length != n) {
                throw new IllegalArgumentException("task '" + graph.taskName(t) + "' has "
                        + probabilities[t].length + " examples, task '" + graph.taskName(0) + "' " + n);
            }
            this.probabilities[t] = new double[n][];
            for (int i = 0; i < n; i++) {
                double[] row = probabilities[t][i];
                if (row.length != graph.cardinality(t)) {
                    throw new IllegalArgumentException("task '" + graph.taskName(t) + "', example " + i
                            + ": " + row.length + " probabilities for " + graph.cardinality(t) + " classes");
                }
                double sum = 0;
                for (double p : row) {
                    if (!(p >= 0) || Double.isInfinite(p)) {
                        throw new IllegalArgumentException("task '" + graph.taskName(t) + "', example "
                                + i + ": probability " + p);
                    }
                    sum += p;
                }
                if (Math.abs(sum - 1) > 1e-6) {
                    throw new IllegalArgumentException("task '" + graph.taskName(t) + "', example " + i
                            + ": probabilities sum to " + sum);
                }
                this.probabilities[t][i] = row.clone();
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
     * The number of examples.
     *
     * @return n
     */
    public int exampleCount() {
        return probabilities[0].length;
    }

    /**
     * One probability.
     *
     * @param task the task
     * @param example the example
     * @param label the class, 1-based
     * @return P(Y_task = label) for the example
     */
    public double probability(int task, int example, int label) {
        return probabilities[task][example][label - 1];
    }

    /**
     * An example's distribution over a task's classes.
     *
     * @param task the task
     * @param example the example
     * @return a copy, index {@code class - 1}
     */
    public double[] distribution(int task, int example) {
        return probabilities[task][example].clone();
    }

    /**
     * The most probable class; ties go to the lowest class.
     *
     * @param task the task
     * @param example the example
     * @return the class, 1-based
     */
    public int mostProbable(int task, int example) {
        double[] row = probabilities[task][example];
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best + 1;
    }
}
