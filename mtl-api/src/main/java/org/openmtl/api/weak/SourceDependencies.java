package org.openmtl.api.weak;

import java.util.ArrayList;
import java.util.List;

/**
 * The source dependency graph: pairs of sources whose outputs are correlated beyond what the true
 * labels explain (two heuristics sharing a dictionary, one model fine-tuned from another). Sources
 * not connected here are modelled as conditionally independent given the true labels. Undirected;
 * immutable.
 */
public final class SourceDependencies {

    private static final SourceDependencies NONE = new SourceDependencies(List.of());

    /**
     * One dependent pair.
     *
     * @param first a source's index
     * @param second another source's index
     */
    public record Pair(int first, int second) {
        /** Validates the pair. */
        public Pair {
            if (first < 0 || second < 0 || first == second) {
                throw new IllegalArgumentException(
                        "a dependency joins two different sources, got " + first + " and " + second);
            }
        }
    }

    private final List<Pair> pairs;

    private SourceDependencies(List<Pair> pairs) {
        this.pairs = List.copyOf(pairs);
    }

    /**
     * No dependencies: all sources conditionally independent given the labels.
     *
     * @return the empty graph
     */
    public static SourceDependencies none() {
        return NONE;
    }

    /**
     * A graph of the given pairs.
     *
     * @param pairs the dependent pairs
     * @return the graph
     */
    public static SourceDependencies of(List<Pair> pairs) {
        return new SourceDependencies(pairs);
    }

    /**
     * A graph of one pair.
     *
     * @param first a source's index
     * @param second another source's index
     * @return the graph
     */
    public static SourceDependencies pair(int first, int second) {
        return of(List.of(new Pair(first, second)));
    }

    /**
     * The dependent pairs.
     *
     * @return the pairs
     */
    public List<Pair> pairs() {
        return pairs;
    }

    /**
     * Tells whether there is no dependency.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return pairs.isEmpty();
    }

    /**
     * The connected components over {@code sourceCount} sources: sources joined by a path of
     * dependencies share a component.
     *
     * @param sourceCount the number of sources
     * @return the component id of each source (ids 0.. in order of first appearance)
     * @throws IllegalArgumentException if a pair names a source outside {@code 0..sourceCount-1}
     */
    public int[] components(int sourceCount) {
        int[] parent = new int[sourceCount];
        for (int i = 0; i < sourceCount; i++) {
            parent[i] = i;
        }
        for (Pair p : pairs) {
            if (p.first() >= sourceCount || p.second() >= sourceCount) {
                throw new IllegalArgumentException("dependency " + p.first() + "-" + p.second()
                        + " names a source outside 0.." + (sourceCount - 1));
            }
            parent[find(parent, p.first())] = find(parent, p.second());
        }
        int[] id = new int[sourceCount];
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < sourceCount; i++) {
            int root = find(parent, i);
            int k = roots.indexOf(root);
            if (k < 0) {
                roots.add(root);
                k = roots.size() - 1;
            }
            id[i] = k;
        }
        return id;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    @Override
    public String toString() {
        return "SourceDependencies" + pairs;
    }
}
