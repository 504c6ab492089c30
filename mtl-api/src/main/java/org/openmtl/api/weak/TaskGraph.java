package org.openmtl.api.weak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The tasks a weakly supervised problem labels, their classes, and the logical relations between
 * them: the task graph of Ratner et al., <i>Training Complex Models with Multi-Task Weak
 * Supervision</i>, AAAI 2019. Classes are numbered {@code 1..cardinality} ({@code 0} is kept for
 * "abstain"). A {@link Subsumption} says that each class of a fine task implies one class of a
 * coarse task (digit 7 implies "digit ≥ 5"); the feasible label vectors are the combinations of
 * classes that violate no subsumption. Immutable.
 */
public final class TaskGraph {

    /** Above this many feasible label vectors a graph is refused (label models enumerate them). */
    public static final int MAX_FEASIBLE = 100_000;

    /**
     * A fine task's classes each imply one class of a coarse task.
     *
     * @param coarse the coarse task's index
     * @param fine the fine task's index
     * @param coarseOfFine {@code coarseOfFine[c - 1]} is the coarse class implied by fine class c
     */
    public record Subsumption(int coarse, int fine, int[] coarseOfFine) {
        /** Copies the mapping. */
        public Subsumption {
            coarseOfFine = coarseOfFine.clone();
        }

        /**
         * The coarse class a fine class implies.
         *
         * @param fineClass a class of the fine task, 1-based
         * @return the coarse class, 1-based
         */
        public int coarseClassOf(int fineClass) {
            return coarseOfFine[fineClass - 1];
        }

        @Override
        public int[] coarseOfFine() {
            return coarseOfFine.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Subsumption s
                    && s.coarse == coarse
                    && s.fine == fine
                    && Arrays.equals(s.coarseOfFine, coarseOfFine);
        }

        @Override
        public int hashCode() {
            return Objects.hash(coarse, fine, Arrays.hashCode(coarseOfFine));
        }

        @Override
        public String toString() {
            return "Subsumption[coarse=" + coarse + ", fine=" + fine + ", coarseOfFine="
                    + Arrays.toString(coarseOfFine) + "]";
        }
    }

    private final List<String> names;
    private final int[] cardinalities;
    private final List<Subsumption> subsumptions;
    private final List<int[]> feasible;

    private TaskGraph(List<String> names, int[] cardinalities, List<Subsumption> subsumptions) {
        this.names = List.copyOf(names);
        this.cardinalities = cardinalities.clone();
        this.subsumptions = List.copyOf(subsumptions);
        this.feasible = Collections.unmodifiableList(enumerateFeasible());
    }

    /**
     * Starts a graph.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A graph of one task and no relations.
     *
     * @param name the task's name
     * @param cardinality its number of classes, at least 2
     * @return the graph
     */
    public static TaskGraph single(String name, int cardinality) {
        return builder().addTask(name, cardinality).build();
    }

    /**
     * The number of tasks.
     *
     * @return T
     */
    public int taskCount() {
        return names.size();
    }

    /**
     * A task's name.
     *
     * @param task the task's index
     * @return its name
     */
    public String taskName(int task) {
        return names.get(task);
    }

    /**
     * The tasks' names, in index order.
     *
     * @return the names
     */
    public List<String> taskNames() {
        return names;
    }

    /**
     * Finds a task by name.
     *
     * @param name the task's name
     * @return its index
     * @throws IllegalArgumentException if no task has that name (the message lists the tasks)
     */
    public int taskIndex(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no task named '" + name + "'; tasks: " + names);
        }
        return i;
    }

    /**
     * A task's number of classes.
     *
     * @param task the task's index
     * @return its cardinality, at least 2
     */
    public int cardinality(int task) {
        return cardinalities[task];
    }

    /**
     * The subsumption relations.
     *
     * @return the relations, in the order they were added
     */
    public List<Subsumption> subsumptions() {
        return subsumptions;
    }

    /**
     * The feasible label vectors, each with one class (1-based) per task, in lexicographic order.
     *
     * @return the vectors; callers must not modify them
     */
    public List<int[]> feasible() {
        return feasible;
    }

    /**
     * Tells whether a label vector violates no relation.
     *
     * @param labels one class per task, 1-based
     * @return true if feasible
     */
    public boolean isFeasible(int[] labels) {
        for (Subsumption s : subsumptions) {
            if (s.coarseClassOf(labels[s.fine()]) != labels[s.coarse()]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells whether a partial label vector, where {@code 0} means "unknown", extends to a feasible
     * one.
     *
     * @param partial one class per task, 0 for unknown
     * @return true if some feasible vector agrees with every known entry
     */
    public boolean isConsistent(int[] partial) {
        for (int[] y : feasible) {
            if (agrees(partial, y)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tells whether a partial label vector agrees with a full one on its known entries.
     *
     * @param partial one class per task, 0 for unknown
     * @param full one class per task
     * @return true if every nonzero entry of {@code partial} equals that of {@code full}
     */
    public static boolean agrees(int[] partial, int[] full) {
        for (int t = 0; t < partial.length; t++) {
            if (partial[t] != 0 && partial[t] != full[t]) {
                return false;
            }
        }
        return true;
    }

    private List<int[]> enumerateFeasible() {
        long total = 1;
        for (int k : cardinalities) {
            total *= k;
            if (total > 100L * MAX_FEASIBLE) {
                throw new IllegalArgumentException("the task graph has more than "
                        + (100L * MAX_FEASIBLE) + " label combinations; split it into smaller problems");
            }
        }
        List<int[]> out = new ArrayList<>();
        int[] y = new int[cardinalities.length];
        Arrays.fill(y, 1);
        for (long i = 0; i < total; i++) {
            if (isFeasible(y)) {
                out.add(y.clone());
                if (out.size() > MAX_FEASIBLE) {
                    throw new IllegalArgumentException("the task graph has more than " + MAX_FEASIBLE
                            + " feasible label vectors; split it into smaller problems");
                }
            }
            for (int t = y.length - 1; t >= 0; t--) {
                if (++y[t] <= cardinalities[t]) {
                    break;
                }
                y[t] = 1;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskGraph g
                && g.names.equals(names)
                && Arrays.equals(g.cardinalities, cardinalities)
                && g.subsumptions.equals(subsumptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names, Arrays.hashCode(cardinalities), subsumptions);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TaskGraph[");
        for (int t = 0; t < names.size(); t++) {
            sb.append(t == 0 ? "" : ", ").append(names.get(t)).append('/').append(cardinalities[t]);
        }
        return sb.append(", subsumptions=").append(subsumptions).append(']').toString();
    }

    /** Builds a {@link TaskGraph}. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Integer> cardinalities = new ArrayList<>();
        private final List<Subsumption> subsumptions = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a task.
         *
         * @param name a unique, non-blank name
         * @param cardinality its number of classes, at least 2
         * @return this builder
         */
        public Builder addTask(String name, int cardinality) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a task needs a non-blank name");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException("task '" + name + "' is added twice");
            }
            if (cardinality < 2) {
                throw new IllegalArgumentException(
                        "task '" + name + "' needs at least 2 classes, got " + cardinality);
            }
            names.add(name);
            cardinalities.add(cardinality);
            return this;
        }

        /**
         * Adds a subsumption: fine class c implies coarse class {@code coarseOfFine[c - 1]}.
         *
         * @param coarse the coarse task's name (added before)
         * @param fine the fine task's name (added before)
         * @param coarseOfFine one coarse class (1-based) per fine class
         * @return this builder
         */
        public Builder addSubsumption(String coarse, String fine, int... coarseOfFine) {
            int c = index(coarse);
            int f = index(fine);
            if (c == f) {
                throw new IllegalArgumentException("task '" + coarse + "' cannot subsume itself");
            }
            if (coarseOfFine.length != cardinalities.get(f)) {
                throw new IllegalArgumentException("the subsumption of '" + fine + "' by '" + coarse
                        + "' needs one coarse class per fine class: " + cardinalities.get(f)
                        + ", got " + coarseOfFine.length);
            }
            for (int i = 0; i < coarseOfFine.length; i++) {
                if (coarseOfFine[i] < 1 || coarseOfFine[i] > cardinalities.get(c)) {
                    throw new IllegalArgumentException("the subsumption of '" + fine + "' by '" + coarse
                            + "' maps fine class " + (i + 1) + " to " + coarseOfFine[i]
                            + ", outside 1.." + cardinalities.get(c));
                }
            }
            subsumptions.add(new Subsumption(c, f, coarseOfFine));
            return this;
        }

        private int index(String name) {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no task named '" + name + "'; tasks: " + names);
            }
            return i;
        }

        /**
         * Builds the graph and enumerates its feasible label vectors.
         *
         * @return the graph
         * @throws IllegalArgumentException if there is no task or no feasible label vector
         */
        public TaskGraph build() {
            if (names.isEmpty()) {
                throw new IllegalArgumentException("a task graph needs at least one task");
            }
            int[] k = cardinalities.stream().mapToInt(Integer::intValue).toArray();
            TaskGraph graph = new TaskGraph(names, k, subsumptions);
            if (graph.feasible().isEmpty()) {
                throw new IllegalArgumentException("the task graph's relations admit no label vector");
            }
            return graph;
        }
    }
}
