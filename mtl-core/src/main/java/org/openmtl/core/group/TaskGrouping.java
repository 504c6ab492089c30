package org.openmtl.core.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which networks to train (Standley, Zamir, Chen, Guibas, Malik &amp; Savarese, <i>Which Tasks
 * Should Be Learned Together in Multi-task Learning?</i>, ICML 2020): given candidate networks,
 * each trained on a subset of the tasks with a loss per task and a cost, choose a set S of networks
 * minimizing Σ_t min_{n∈S, t∈n} L(n, t) subject to Σ_{n∈S} cost(n) ≤ budget, every task solved by
 * some chosen network. Networks may overlap; a task is served by its best chosen network.
 *
 * <p>The search is an exact branch and bound over the candidates (include before exclude), bounded
 * below by assigning every task the best loss any not-yet-decided candidate could still give it.
 */
public final class TaskGrouping {

    private TaskGrouping() {}

    /**
     * A candidate network.
     *
     * @param tasks the tasks it is trained on, a bit set over the task indices
     * @param losses its loss on each task index (NaN for tasks it is not trained on)
     * @param cost its cost against the budget
     */
    public record Candidate(long tasks, double[] losses, double cost) {

        /** Copies the losses. */
        public Candidate {
            losses = losses.clone();
        }

        @Override
        public double[] losses() {
            return losses.clone();
        }
    }

    /**
     * The chosen networks.
     *
     * @param chosen indices into the candidate list, ascending
     * @param loss the total loss Σ_t min over chosen networks
     * @param cost their total cost
     */
    public record Choice(int[] chosen, double loss, double cost) {}

    /**
     * Higher-order estimates from pairs, as Standley et al. estimate a network they did not train:
     * the loss of task a in a group G (|G| ≥ 3) is the mean over b ∈ G∖{a} of the loss on a of
     * the network trained on {a, b}.
     *
     * @param taskCount the number of tasks T
     * @param pairLoss pairLoss[a][b] = the loss on task a of the network trained on {a, b}
     * @param group the group, a bit set over task indices, at least three tasks
     * @return the estimated loss per task index (NaN outside the group)
     */
    public static double[] estimateFromPairs(int taskCount, double[][] pairLoss, long group) {
        double[] losses = new double[taskCount];
        Arrays.fill(losses, Double.NaN);
        for (int a = 0; a < taskCount; a++) {
            if ((group & (1L << a)) == 0) {
                continue;
            }
            double sum = 0;
            int n = 0;
            for (int b = 0; b < taskCount; b++) {
                if (b != a && (group & (1L << b)) != 0) {
                    sum += pairLoss[a][b];
                    n++;
                }
            }
            losses[a] = sum / n;
        }
        return losses;
    }

    /**
     * The score TAG gives a task left alone in a group: so low that a grouping leaves a task alone
     * only when no group within the budget can hold it with others (the authors' selection code
     * uses the same constant).
     */
    public static final double TAG_ALONE = -1e6;

    /**
     * TAG's candidate groups (Fifty, Amid, Zhao, Yu, Anil &amp; Finn, <i>Efficiently Identifying
     * Task Groupings for Multi-Task Learning</i>, NeurIPS 2021): every subset G of the tasks, where
     * task a scores the mean inter-task affinity onto it from the other members, (1/(|G|−1))
     * Σ_{b∈G∖a} Z_{b→a}, and {@link #TAG_ALONE} alone. As losses (the negated scores, cost 1 each)
     * so that {@link #choose} with a budget of B groups finds the grouping that maximizes the total
     * over tasks of each task's best score among the chosen groups, as the authors' selection does.
     *
     * @param lookahead lookahead[i][j] = Z_{i→j}, the affinity of a step on task i onto task j
     * @return the 2^T − 1 candidates, in {@link #subsets} order
     */
    public static List<Candidate> tagCandidates(double[][] lookahead) {
        int t = lookahead.length;
        List<Candidate> out = new ArrayList<>();
        for (long group : subsets(t, 1, t)) {
            double[] losses = new double[t];
            Arrays.fill(losses, Double.NaN);
            int size = Long.bitCount(group);
            for (int a = 0; a < t; a++) {
                if ((group & (1L << a)) == 0) {
                    continue;
                }
                if (size == 1) {
                    losses[a] = -TAG_ALONE;
                    continue;
                }
                double sum = 0;
                for (int b = 0; b < t; b++) {
                    if (b != a && (group & (1L << b)) != 0) {
                        sum += lookahead[b][a];
                    }
                }
                losses[a] = -sum / (size - 1);
            }
            out.add(new Candidate(group, losses, 1.0));
        }
        return out;
    }

    /**
     * The best choice of networks under a budget, by exact branch and bound.
     *
     * @param taskCount T, at most 63
     * @param candidates the candidate networks
     * @param budget the largest total cost
     * @return the optimal choice, or null when no choice within the budget solves every task
     */
    public static Choice choose(int taskCount, List<Candidate> candidates, double budget) {
        if (taskCount < 1 || taskCount > 63) {
            throw new IllegalArgumentException("between 1 and 63 tasks, not " + taskCount);
        }
        // cheaper and better candidates first: good solutions early make the bound bite
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> meanLoss(candidates.get(i)))
                .thenComparingDouble(i -> candidates.get(i).cost()));
        Search search = new Search(taskCount, candidates, order, budget);
        double[] best = new double[taskCount];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        search.visit(0, best, 0.0, new ArrayList<>());
        if (search.bestChosen == null) {
            return null;
        }
        // drop networks that serve no task better than the others chosen (an earlier pick that a
        // later one superseded): the same loss at a lower cost
        List<Integer> kept = new ArrayList<>(search.bestChosen);
        kept.sort(Comparator.comparingDouble((Integer i) -> -candidates.get(i).cost()));
        double loss = search.bestLoss;
        for (Integer c : new ArrayList<>(kept)) {
            List<Integer> without = new ArrayList<>(kept);
            without.remove(c);
            if (!without.isEmpty() && value(taskCount, candidates, without.stream().mapToInt(Integer::intValue).toArray()) <= loss) {
                kept = without;
            }
        }
        int[] chosen = kept.stream().mapToInt(Integer::intValue).sorted().toArray();
        double cost = kept.stream().mapToDouble(i -> candidates.get(i).cost()).sum();
        return new Choice(chosen, loss, cost);
    }

    /**
     * The value of a choice: every task's best loss among the chosen networks.
     *
     * @param taskCount T
     * @param candidates the candidates
     * @param chosen the chosen indices
     * @return Σ_t min loss, or +∞ when a task is not solved
     */
    public static double value(int taskCount, List<Candidate> candidates, int[] chosen) {
        double total = 0;
        for (int t = 0; t < taskCount; t++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c : chosen) {
                Candidate candidate = candidates.get(c);
                if ((candidate.tasks() & (1L << t)) != 0) {
                    best = Math.min(best, candidate.losses[t]);
                }
            }
            total += best;
        }
        return total;
    }

    private static double meanLoss(Candidate c) {
        double sum = 0;
        int n = 0;
        for (double l : c.losses) {
            if (!Double.isNaN(l)) {
                sum += l;
                n++;
            }
        }
        return n == 0 ? Double.POSITIVE_INFINITY : sum / n;
    }

    /** The recursive search and its incumbent. */
    private static final class Search {
        private final int taskCount;
        private final List<Candidate> candidates;
        private final Integer[] order;
        private final double budget;
        /** suffixBest[k][t]: the best loss on t among candidates order[k..]. */
        private final double[][] suffixBest;
        private List<Integer> bestChosen;
        private double bestLoss = Double.POSITIVE_INFINITY;
        private double bestCost;

        Search(int taskCount, List<Candidate> candidates, Integer[] order, double budget) {
            this.taskCount = taskCount;
            this.candidates = candidates;
            this.order = order;
            this.budget = budget;
            suffixBest = new double[order.length + 1][taskCount];
            Arrays.fill(suffixBest[order.length], Double.POSITIVE_INFINITY);
            for (int k = order.length - 1; k >= 0; k--) {
                Candidate c = candidates.get(order[k]);
                for (int t = 0; t < taskCount; t++) {
                    double own = (c.tasks() & (1L << t)) != 0 ? c.losses[t] : Double.POSITIVE_INFINITY;
                    suffixBest[k][t] = Math.min(suffixBest[k + 1][t], own);
                }
            }
        }

        void visit(int k, double[] best, double cost, List<Integer> chosen) {
            double bound = 0;
            double current = 0;
            for (int t = 0; t < taskCount; t++) {
                bound += Math.min(best[t], suffixBest[k][t]);
                current += best[t];
            }
            if (bound >= bestLoss || Double.isInfinite(bound)) {
                return;
            }
            if (current < bestLoss) {
                bestLoss = current;
                bestCost = cost;
                bestChosen = new ArrayList<>(chosen);
            }
            if (k == order.length) {
                return;
            }
            Candidate c = candidates.get(order[k]);
            if (cost + c.cost() <= budget + 1e-12) {
                double[] next = best.clone();
                boolean improves = false;
                for (int t = 0; t < taskCount; t++) {
                    if ((c.tasks() & (1L << t)) != 0 && c.losses[t] < next[t]) {
                        next[t] = c.losses[t];
                        improves = true;
                    }
                }
                if (improves) {
                    chosen.add(order[k]);
                    visit(k + 1, next, cost + c.cost(), chosen);
                    chosen.remove(chosen.size() - 1);
                }
            }
            visit(k + 1, best, cost, chosen);
        }
    }

    /**
     * The tasks of a bit set, by name.
     *
     * @param tasks the task names by index
     * @param set the bit set
     * @return the names in index order
     */
    public static List<String> names(List<String> tasks, long set) {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            if ((set & (1L << t)) != 0) {
                names.add(tasks.get(t));
            }
        }
        return names;
    }

    /**
     * Every subset of T tasks with at least {@code minSize} tasks, smallest first.
     *
     * @param taskCount T
     * @param minSize the smallest subset size
     * @param maxSize the largest
     * @return the subsets as bit sets
     */
    public static List<Long> subsets(int taskCount, int minSize, int maxSize) {
        Map<Integer, List<Long>> bySize = new LinkedHashMap<>();
        for (long s = 1; s < (1L << taskCount); s++) {
            int size = Long.bitCount(s);
            if (size >= minSize && size <= maxSize) {
                bySize.computeIfAbsent(size, k -> new ArrayList<>()).add(s);
            }
        }
        List<Long> out = new ArrayList<>();
        for (int size = minSize; size <= maxSize; size++) {
            out.addAll(bySize.getOrDefault(size, List.of()));
        }
        return out;
    }
}
