package org.openmtl.plugins.weak;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.openmtl.api.weak.LabelingSource;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;

/**
 * Synthetic labeling sources with known behaviour, for checking label models against the truth:
 * each source labels one task, votes on a fraction {@code coverage} of the examples and, when it
 * votes, gives the true class with probability {@code accuracy} and otherwise a uniformly drawn
 * wrong class. A source may copy another (same task): with probability {@code copyRate} it repeats
 * that source's output (abstain included), which makes the pair dependent given the labels.
 */
public final class PlantedSources {

    /**
     * One planted source.
     *
     * @param name its name
     * @param task the task it labels
     * @param coverage P(it votes)
     * @param accuracy P(its vote is right | it votes), when it does not copy
     * @param copies the index of the source it copies (an earlier one), or -1
     * @param copyRate P(it repeats that source's output)
     */
    public record Spec(String name, int task, double coverage, double accuracy, int copies, double copyRate) {

        /** Validates the fields. */
        public Spec {
            if (coverage <= 0 || coverage > 1 || accuracy < 0 || accuracy > 1 || copyRate < 0 || copyRate > 1) {
                throw new IllegalArgumentException("source '" + name + "': coverage in (0,1], accuracy and"
                        + " copy rate in [0,1], got " + coverage + ", " + accuracy + ", " + copyRate);
            }
        }

        /**
         * An independent source.
         *
         * @param name its name
         * @param task the task it labels
         * @param coverage P(it votes)
         * @param accuracy P(right | votes)
         * @return the spec
         */
        public static Spec of(String name, int task, double coverage, double accuracy) {
            return new Spec(name, task, coverage, accuracy, -1, 0);
        }
    }

    /**
     * One draw.
     *
     * @param votes the sources' votes
     * @param truth {@code truth[example]}, the true label vector (1-based classes)
     * @param accuracies each source's planted P(right | votes), copying included
     * @param coverages each source's planted P(votes), copying included
     */
    public record Draw(SourceVotes votes, int[][] truth, double[] accuracies, double[] coverages) {}

    private PlantedSources() {}

    /**
     * True label vectors drawn uniformly from the task graph's feasible ones.
     *
     * @param graph the task graph
     * @param n the number of examples
     * @param random the randomness
     * @return {@code n} label vectors
     */
    public static int[][] uniformLabels(TaskGraph graph, int n, Random random) {
        List<int[]> feasible = graph.feasible();
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = feasible.get(random.nextInt(feasible.size())).clone();
        }
        return out;
    }

    /**
     * Draws the sources' votes on examples with known labels.
     *
     * @param graph the task graph
     * @param truth the true label vectors
     * @param specs the sources
     * @param seed the seed
     * @return the votes, with each source's planted accuracy and coverage
     */
    public static Draw draw(TaskGraph graph, int[][] truth, List<Spec> specs, long seed) {
        Random random = new Random(seed);
        int m = specs.size();
        List<LabelingSource> sources = new ArrayList<>();
        double[] accuracy = new double[m];
        double[] coverage = new double[m];
        for (int j = 0; j < m; j++) {
            Spec s = specs.get(j);
            if (s.task() < 0 || s.task() >= graph.taskCount()) {
                throw new IllegalArgumentException("source '" + s.name() + "' labels task " + s.task()
                        + ", the graph has " + graph.taskCount());
            }
            sources.add(LabelingSource.of(s.name(), s.task()));
            if (s.copies() >= 0) {
                if (s.copies() >= j || specs.get(s.copies()).task() != s.task()) {
                    throw new IllegalArgumentException("source '" + s.name()
                            + "' may copy only an earlier source of the same task");
                }
                double c = s.copyRate();
                double votedCopied = c * coverage[s.copies()];
                double votedOwn = (1 - c) * s.coverage();
                coverage[j] = votedCopied + votedOwn;
                accuracy[j] = (votedCopied * accuracy[s.copies()] + votedOwn * s.accuracy()) / coverage[j];
            } else {
                coverage[j] = s.coverage();
                accuracy[j] = s.accuracy();
            }
        }
        int[][][] votes = new int[truth.length][m][graph.taskCount()];
        for (int i = 0; i < truth.length; i++) {
            for (int j = 0; j < m; j++) {
                Spec s = specs.get(j);
                // every source draws the same number of random values per example, so adding a source
                // leaves the earlier sources' votes unchanged
                double copyDraw = random.nextDouble();
                double coverDraw = random.nextDouble();
                double rightDraw = random.nextDouble();
                int wrongDraw = random.nextInt(Integer.MAX_VALUE);
                if (s.copies() >= 0 && copyDraw < s.copyRate()) {
                    votes[i][j][s.task()] = votes[i][s.copies()][s.task()];
                    continue;
                }
                if (coverDraw >= s.coverage()) {
                    continue;
                }
                int k = graph.cardinality(s.task());
                int right = truth[i][s.task()];
                if (rightDraw < s.accuracy()) {
                    votes[i][j][s.task()] = right;
                } else {
                    int wrong = 1 + wrongDraw % (k - 1);
                    votes[i][j][s.task()] = wrong >= right ? wrong + 1 : wrong;
                }
            }
        }
        return new Draw(new SourceVotes(graph, sources, votes), truth, accuracy, coverage);
    }
}
