package org.openmtl.plugins.weak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;

/**
 * Each source's output as a one-hot indicator over its possible non-abstain label vectors (its
 * "categories"), the representation ψ(λ_j) on which the label model's moments are taken. The
 * categories are the vectors the source emits in the fit's votes, in lexicographic order. A source
 * that never abstains has indicators summing to 1 on every example, which would make the overlap
 * matrix singular together with any other such source; its last category gets no column (its
 * probability is one minus the others').
 */
final class VoteEncoding {

    private static final Comparator<int[]> LEXICOGRAPHIC = Arrays::compare;

    private final List<List<int[]>> categories = new ArrayList<>();
    private final int[] offset;
    private final boolean[] dropsLast;
    private final int columns;
    private final double[] coverage;

    VoteEncoding(SourceVotes votes) {
        int m = votes.sourceCount();
        int n = votes.exampleCount();
        offset = new int[m];
        dropsLast = new boolean[m];
        coverage = new double[m];
        int next = 0;
        for (int j = 0; j < m; j++) {
            TreeSet<int[]> seen = new TreeSet<>(LEXICOGRAPHIC);
            int voting = 0;
            for (int i = 0; i < n; i++) {
                if (!votes.abstains(i, j)) {
                    seen.add(votes.voteVector(i, j));
                    voting++;
                }
            }
            if (seen.isEmpty()) {
                throw new IllegalArgumentException("labeling source '" + votes.sources().get(j).name()
                        + "' abstains on every example; a label model cannot estimate it: remove it");
            }
            categories.add(List.copyOf(seen));
            coverage[j] = (double) voting / n;
            dropsLast[j] = voting == n;
            offset[j] = next;
            next += seen.size() - (dropsLast[j] ? 1 : 0);
        }
        columns = next;
    }

    int sourceCount() {
        return offset.length;
    }

    /** The number of indicator columns, d. */
    int columns() {
        return columns;
    }

    List<int[]> categories(int source) {
        return categories.get(source);
    }

    /** The fraction of the fit's examples on which the source labels at least one task. */
    double coverage(int source) {
        return coverage[source];
    }

    boolean dropsLast(int source) {
        return dropsLast[source];
    }

    /** The category of a source's vote on an example, or -1 for an abstain or an unseen vector. */
    int category(SourceVotes votes, int example, int source) {
        if (votes.abstains(example, source)) {
            return -1;
        }
        List<int[]> list = categories.get(source);
        int c = java.util.Collections.binarySearch(list, votes.voteVector(example, source), LEXICOGRAPHIC);
        return c >= 0 ? c : -1;
    }

    /** The column of a category, or -1 for a source's dropped last category. */
    int column(int source, int category) {
        if (dropsLast[source] && category == categories.get(source).size() - 1) {
            return -1;
        }
        return offset[source] + category;
    }

    /** The source a column belongs to. */
    int sourceOf(int column) {
        int j = 0;
        while (j + 1 < offset.length && offset[j + 1] <= column) {
            j++;
        }
        return j;
    }

    /** Tells whether a category's label vector agrees with a full feasible vector. */
    boolean agrees(int source, int category, int[] feasible) {
        return TaskGraph.agrees(categories.get(source).get(category), feasible);
    }
}
